//! The `compat` line mode: exactly the per-line counts v8-to-istanbul (9.x) gives, for users who
//! compare with c8 or migrate from it.
//!
//! Its rules: the source is trimmed at the end and split after each `\n` (so a lone `\r`,
//! U+2028 and U+2029 do not break lines); a line spans from its first character to before its
//! `\n` or `\r\n`; every line starts at 1; ranges are applied in V8's order and a range sets a
//! line's count when it spans the whole line (an empty line only when it starts strictly after
//! the range's start); the last write wins. `c8 ignore` / `v8 ignore` / `node:coverage` hints
//! keep a line at 1. Offsets are V8's own, clamped to the trimmed length, with no shift for a
//! stripped byte-order mark.

use crate::coverage::Script;
use crate::line_index::{equal_bytes, first_marked};
use crate::tokens::is_js_space;

/// v8-to-istanbul's line table of one source.
#[derive(Clone, Debug)]
pub struct CompatLines {
    starts: Vec<u32>,
    ends: Vec<u32>,
    ignored: Vec<bool>,
    eof: u32,
}

impl CompatLines {
    /// Builds the table for `source`: one pass over its bytes, with a hint looked for only on
    /// the lines that hold `/* ` (every hint starts so).
    pub fn new(source: &str) -> Self {
        // What JavaScript's `trimEnd` removes.
        let trimmed = source.trim_end_matches(is_js_space);
        let bytes = trimmed.as_bytes();
        let ascii = trimmed.is_ascii();
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        let mut starts = Vec::with_capacity(lines);
        let mut ends = Vec::with_capacity(lines);
        let mut ignored = Vec::with_capacity(lines);
        let mut position = 0u32;
        let mut ignore_count = 0u32;
        let mut ignore_all = false;
        let mut from = 0usize;
        while from < bytes.len() {
            // To the line's `\n`, noting a `/* ` on the way.
            let mut at = from;
            let mut comment = false;
            loop {
                at = next_of(bytes, at, b'\n', b'/');
                if at < bytes.len() && bytes[at] == b'/' {
                    comment |= bytes[at + 1..].starts_with(b"* ");
                    at += 1;
                    continue;
                }
                break;
            }
            let (to, newline) = match at {
                at if at == bytes.len() => (at, 0),
                at if at > from && bytes[at - 1] == b'\r' => (at + 1, 2),
                at => (at + 1, 1),
            };
            let line = &bytes[from..to];
            let length = if ascii {
                line.len() as u32
            } else {
                utf16_len(line)
            };
            starts.push(position);
            ends.push(position + length - newline);
            let mut ignore = if ignore_count > 0 {
                ignore_count -= 1;
                true
            } else {
                ignore_all
            };
            position += length;
            let hint = if comment {
                parse_ignore(&trimmed[from..to])
            } else {
                None
            };
            if let Some(hint) = hint {
                ignore = true;
                match hint {
                    Hint::Next(count) => ignore_count = count,
                    Hint::Start => (ignore_all, ignore_count) = (true, 0),
                    Hint::Stop => (ignore_all, ignore_count) = (false, 0),
                }
            }
            ignored.push(ignore);
            from = to;
        }
        if trimmed.is_empty() {
            starts.push(0);
            ends.push(0);
            ignored.push(false);
        }
        CompatLines {
            starts,
            ends,
            ignored,
            eof: position,
        }
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Offset of line `line`'s first character (lines from 0).
    pub(crate) fn start(&self, line: usize) -> u32 {
        self.starts[line]
    }

    /// Offset after line `line`'s last character, before its `\n` or `\r\n`.
    pub(crate) fn end(&self, line: usize) -> u32 {
        self.ends[line]
    }

    /// Whether an ignore hint keeps line `line` at 1.
    pub(crate) fn ignored(&self, line: usize) -> bool {
        self.ignored[line]
    }

    /// The length of the trimmed source.
    pub(crate) fn eof(&self) -> u32 {
        self.eof
    }

    /// The count of every line for `script`'s ranges, into `counts` (cleared first).
    pub fn counts(&self, script: &Script<'_>, counts: &mut Vec<u32>, scratch: &mut Vec<u32>) {
        let n = self.starts.len();
        // Last write wins: walk the ranges backwards and set only lines not set yet; `next`
        // links each set line to the next line that may still be unset.
        const UNSET: u32 = u32::MAX;
        counts.clear();
        counts.resize(n, UNSET);
        scratch.clear();
        scratch.extend(0..=n as u32);
        for function in script.functions().rev() {
            for range in function.ranges.iter().rev() {
                let start = range.start;
                let end = range.end.min(self.eof);
                // Lines that start at or after `start`...
                let first = self.starts.partition_point(|&s| s < start);
                let mut line = find_root(scratch, first as u32) as usize;
                while line < n && self.ends[line] <= end && self.starts[line] <= end {
                    let empty = self.starts[line] == self.ends[line];
                    if !(self.ignored[line] || empty && self.starts[line] == start) {
                        counts[line] = range.count;
                    }
                    if counts[line] != UNSET || self.ignored[line] {
                        scratch[line] = line as u32 + 1;
                    }
                    line = find_root(scratch, line as u32 + 1) as usize;
                }
            }
        }
        for (line, count) in counts.iter_mut().enumerate() {
            if *count == UNSET || self.ignored[line] {
                *count = 1;
            }
        }
    }
}

fn find_root(next: &mut [u32], mut at: u32) -> u32 {
    let mut root = at;
    while next[root as usize] != root {
        root = next[root as usize];
    }
    while next[at as usize] != root {
        let following = next[at as usize];
        next[at as usize] = root;
        at = following;
    }
    root
}

enum Hint {
    Next(u32),
    Start,
    Stop,
}

fn parse_ignore(line: &str) -> Option<Hint> {
    const TOOLS: [&str; 3] = ["c8", "v8", "node:coverage"];
    // `^\W*/\* (c8|v8|node:coverage) ignore next( N)?`: the comment opens right before the
    // line's first word character.
    let first_word = line
        .find(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .unwrap_or(line.len());
    if line[..first_word].ends_with("/* ") {
        for tool in TOOLS {
            if let Some(rest) = line[first_word..]
                .strip_prefix(tool)
                .and_then(|r| r.strip_prefix(" ignore next"))
            {
                let digits: String = rest
                    .strip_prefix(' ')
                    .unwrap_or("")
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                return Some(Hint::Next(digits.parse().unwrap_or(1)));
            }
        }
    }
    // The other forms, anywhere on the line: `/* <tool> ignore next` (any tool), else the first
    // `/* (c8|v8||8) ignore (start|stop)`, else the first `/* node:coverage (disable|enable)`.
    let comments = || {
        let mut at = 0;
        std::iter::from_fn(move || {
            let found = at + find(&line.as_bytes()[at..], b"/* ")?;
            at = found + 3;
            Some(&line[at..])
        })
    };
    if comments().any(|after| {
        TOOLS.iter().any(|tool| {
            after
                .strip_prefix(tool)
                .is_some_and(|r| r.starts_with(" ignore next"))
        })
    }) {
        return Some(Hint::Next(0));
    }
    let range = comments().find_map(|after| {
        let rest = ["c8", "v8", "|8"]
            .iter()
            .find_map(|tool| after.strip_prefix(tool))?
            .strip_prefix(" ignore ")?;
        if rest.starts_with("start") {
            Some(Hint::Start)
        } else if rest.starts_with("stop") {
            Some(Hint::Stop)
        } else {
            None
        }
    });
    if range.is_some() {
        return range;
    }
    comments().find_map(|after| {
        let rest = after.strip_prefix("node:coverage ")?;
        if rest.starts_with("disable") {
            Some(Hint::Start)
        } else if rest.starts_with("enable") {
            Some(Hint::Stop)
        } else {
            None
        }
    })
}

/// The first offset of `needle` (three bytes or more) in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + needle.len() <= haystack.len() {
        let next = haystack[at..].iter().position(|&b| b == needle[0])?;
        at += next;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// UTF-16 code units of valid UTF-8 bytes: one per character, two for a four-byte one.
fn utf16_len(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .map(|&b| u32::from(b & 0xc0 != 0x80) + u32::from(b >= 0xf0))
        .sum()
}

/// The first offset at or after `from` of the byte `a` or `b` (the length when none), eight
/// bytes at a time.
fn next_of(bytes: &[u8], from: usize, a: u8, b: u8) -> usize {
    first_marked(
        bytes,
        from,
        |x| equal_bytes(x, a) | equal_bytes(x, b),
        |byte| byte == a || byte == b,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{Coverage, CoverageRange};

    fn counts(source: &str, functions: &[&[(u32, u32, u32)]]) -> Vec<u32> {
        let mut coverage = Coverage::new();
        for ranges in functions {
            coverage.push_function("", true);
            for &(start, end, count) in *ranges {
                coverage.push_range(CoverageRange { start, end, count });
            }
        }
        let script = coverage.scripts().next().unwrap();
        let (mut out, mut scratch) = (Vec::new(), Vec::new());
        CompatLines::new(source).counts(&script, &mut out, &mut scratch);
        out
    }

    #[test]
    fn whole_line_rule_and_last_write_wins() {
        // line 2 is indented: the function range starting at `function` does not span it.
        let source = "a();\n  function f() {\n  }\n";
        let top = [(0u32, 26u32, 1u32), (5, 26, 0)];
        assert_eq!(counts(source, &[&top, &[(7, 25, 4)]]), [1, 0, 4]);
        assert_eq!(counts(source, &[&[(0, 26, 1)], &[(5, 25, 4)]]), [1, 4, 4]);
    }

    #[test]
    fn only_newlines_break_lines_and_the_end_is_trimmed() {
        let table = CompatLines::new("a\rb\u{2028}c\r\nd\n\n  \n");
        assert_eq!(table.line_count(), 2);
        assert_eq!(table.eof, 8);
    }

    #[test]
    fn ignore_hints() {
        let source = "/* c8 ignore next */\nx();\ny();\n";
        assert_eq!(counts(source, &[&[(0, 30, 0)]]), [1, 1, 0]);
        let source = "  /* v8 ignore next 2 */\nx();\ny();\nz();";
        assert_eq!(counts(source, &[&[(0, 40, 0)]]), [1, 1, 1, 0]);
        let source = "/* c8 ignore start */\nx();\n/* c8 ignore stop */\ny();";
        assert_eq!(counts(source, &[&[(0, 60, 0)]]), [1, 1, 1, 0]);
        let source = "x(); /* c8 ignore next */\ny();";
        assert_eq!(counts(source, &[&[(0, 60, 0)]]), [1, 0]);
    }
}
