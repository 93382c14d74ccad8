//! Per-line counts in the default line mode, and which function owns each line.
//!
//! A line's count is the count of the innermost range at its first character that is not white
//! space (0 where no range reaches: code that did not run since the last take); a line of only
//! white space is not executable (`None`). Compared with v8-to-istanbul's
//! rule (a range counts for a line only if it spans the whole line, indentation included), this
//! reports a called hoisted function's header with its calls instead of 0, and the headers of
//! never-called functions and never-taken `case` labels as 0 instead of covered.

use crate::line_index::{LineIndex, BLANK};
use crate::segments::{segment_at, Segment};

/// Fills `counts` (one per line) and `owners` (the function owning each executable line, in V8's
/// order; `None` for lines that are not executable).
pub fn line_counts(
    index: &LineIndex,
    segments: &[Segment],
    counts: &mut Vec<Option<u32>>,
    owners: &mut Vec<Option<u32>>,
) {
    counts.clear();
    owners.clear();
    let mut cursor = 0;
    for &first in index.first_code() {
        let segment = if first == BLANK {
            None
        } else {
            segment_at(segments, &mut cursor, first)
        };
        counts.push(if first == BLANK {
            None
        } else {
            Some(segment.map_or(0, |s| s.count))
        });
        owners.push(segment.map(|s| s.function));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_code_decides_and_blank_lines_are_not_executable() {
        let source = "function a() {\n\n  return 1;\n}\n";
        let index = LineIndex::new(source);
        let segments = [
            Segment {
                start: 0,
                end: 14,
                count: 1,
                function: 0,
            },
            Segment {
                start: 14,
                end: 28,
                count: 2,
                function: 1,
            },
            Segment {
                start: 28,
                end: 30,
                count: 1,
                function: 0,
            },
        ];
        let (mut counts, mut owners) = (Vec::new(), Vec::new());
        line_counts(&index, &segments, &mut counts, &mut owners);
        assert_eq!(counts, [Some(1), None, Some(2), Some(1), None]);
        assert_eq!(owners, [Some(0), None, Some(1), Some(0), None]);
    }
}
