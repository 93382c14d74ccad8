//! The innermost range wins, across functions: all ranges of a script (every function's extent
//! and blocks) flattened into ordered, non-overlapping segments, each with the count and the
//! function of the innermost range covering it. A called function hoisted into its parent's
//! count-0 continuation range (code after a `return`) thus keeps its own count.

use crate::coverage::Script;

/// A stretch of a script `[start, end)` with one count, in UTF-16 code units of the source as
/// handed over (V8's offsets plus the script's shift).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// First code unit.
    pub start: u32,
    /// One past the last code unit.
    pub end: u32,
    /// Count of the innermost range covering the stretch.
    pub count: u32,
    /// Index (in V8's order) of the function owning that innermost range.
    pub function: u32,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    start: u32,
    end: u32,
    count: u32,
    function: u32,
}

/// Reusable buffers for flattening; keeping one avoids allocating per call.
#[derive(Default, Debug)]
pub struct Flattener {
    entries: Vec<(u64, u32)>,
    all: Vec<Entry>,
    stack: Vec<Entry>,
}

impl Flattener {
    /// Flattens `script`'s ranges, shifted by `shift`, into `out` (cleared first).
    pub fn flatten(&mut self, script: &Script<'_>, shift: u32, out: &mut Vec<Segment>) {
        out.clear();
        self.all.clear();
        self.entries.clear();
        for (function, f) in script.functions().enumerate() {
            for range in f.ranges {
                if range.start >= range.end {
                    continue;
                }
                self.all.push(Entry {
                    start: range.start + shift,
                    end: range.end + shift,
                    count: range.count,
                    function: function as u32,
                });
            }
        }
        // Order by start, then the wider first; equal spans keep V8's order (later is inner).
        for (seq, entry) in self.all.iter().enumerate() {
            let key = (u64::from(entry.start) << 32) | u64::from(u32::MAX - entry.end);
            self.entries.push((key, seq as u32));
        }
        let sorted = self.entries.windows(2).all(|w| w[0].0 <= w[1].0);
        if !sorted {
            self.entries.sort_unstable(); // (key, seq) pairs are unique
        }
        self.stack.clear();
        let mut position = 0u32;
        for &(_, seq) in &self.entries {
            let mut entry = self.all[seq as usize];
            while let Some(top) = self.stack.last().copied() {
                if top.end > entry.start {
                    break;
                }
                emit(out, position, top.end, &top);
                position = position.max(top.end);
                self.stack.pop();
            }
            if let Some(top) = self.stack.last() {
                emit(out, position, entry.start, top);
                // A range reaching past its parent is malformed; keep it inside.
                entry.end = entry.end.min(top.end);
            }
            position = position.max(entry.start);
            self.stack.push(entry);
        }
        while let Some(top) = self.stack.pop() {
            emit(out, position, top.end, &top);
            position = position.max(top.end);
        }
    }
}

fn emit(out: &mut Vec<Segment>, start: u32, end: u32, entry: &Entry) {
    if start >= end {
        return;
    }
    if let Some(last) = out.last_mut() {
        if last.end == start && last.count == entry.count && last.function == entry.function {
            last.end = end;
            return;
        }
    }
    out.push(Segment {
        start,
        end,
        count: entry.count,
        function: entry.function,
    });
}

/// Finds the segment holding `offset`, searching forward from `*cursor` (callers ask in
/// ascending order, so a whole script costs one pass).
pub fn segment_at(segments: &[Segment], cursor: &mut usize, offset: u32) -> Option<Segment> {
    while *cursor < segments.len() && segments[*cursor].end <= offset {
        *cursor += 1;
    }
    segments
        .get(*cursor)
        .filter(|segment| segment.start <= offset)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{Coverage, CoverageRange};

    fn range(start: u32, end: u32, count: u32) -> CoverageRange {
        CoverageRange { start, end, count }
    }

    #[test]
    fn innermost_wins_across_functions() {
        // top level [0,100) x1 with a count-0 continuation [40,100); a hoisted function
        // [60,80) called 3 times sits inside that continuation.
        let mut coverage = Coverage::new();
        coverage.push_script("a");
        coverage.push_function("", true);
        coverage.push_range(range(0, 100, 1));
        coverage.push_range(range(40, 100, 0));
        coverage.push_function("h", true);
        coverage.push_range(range(60, 80, 3));
        let script = coverage.scripts().next().unwrap();
        let mut out = Vec::new();
        Flattener::default().flatten(&script, 0, &mut out);
        let spans: Vec<_> = out
            .iter()
            .map(|s| (s.start, s.end, s.count, s.function))
            .collect();
        assert_eq!(
            spans,
            [
                (0, 40, 1, 0),
                (40, 60, 0, 0),
                (60, 80, 3, 1),
                (80, 100, 0, 0)
            ]
        );
        let mut cursor = 0;
        assert_eq!(segment_at(&out, &mut cursor, 65).unwrap().count, 3);
        assert_eq!(segment_at(&out, &mut cursor, 99).unwrap().count, 0);
        assert_eq!(segment_at(&out, &mut cursor, 100), None);
    }

    #[test]
    fn out_of_order_and_shifted() {
        let mut coverage = Coverage::new();
        coverage.push_function("", true);
        coverage.push_range(range(0, 10, 1));
        coverage.push_function("b", true);
        coverage.push_range(range(6, 9, 2));
        coverage.push_function("a", true);
        coverage.push_range(range(2, 5, 0));
        let script = coverage.scripts().next().unwrap();
        let mut out = Vec::new();
        Flattener::default().flatten(&script, 1, &mut out);
        let spans: Vec<_> = out.iter().map(|s| (s.start, s.end, s.count)).collect();
        assert_eq!(
            spans,
            [(1, 3, 1), (3, 6, 0), (6, 7, 1), (7, 10, 2), (10, 11, 1)]
        );
    }
}
