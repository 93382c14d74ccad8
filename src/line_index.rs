//! Where lines start in a source, counted the way V8 counts offsets (UTF-16 code units), and the
//! conversions between UTF-16 offsets, byte offsets and `(line, column)` positions. Built once
//! per script in one pass and kept by the converter for the life of the process.
//!
//! Lines end at `\n`, `\r\n` (one break), a lone `\r`, U+2028 and U+2029, even inside comments
//! and strings: the rule of the backend's build scanner and of JavaScript parsers.

/// Every how many UTF-16 code units a non-ASCII source keeps a (UTF-16, byte) checkpoint.
const CHECKPOINT_EVERY: u32 = 64;

/// Marks a line with nothing but white space in [`LineIndex::first_code`].
pub const BLANK: u32 = u32::MAX;

use crate::tokens::is_js_space;

/// The length in bytes of the line terminator at `at` (`\n`, `\r\n`, a lone `\r`, U+2028 or
/// U+2029), 0 when none starts there: the one statement of where lines end.
#[inline]
pub fn terminator_len(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b'\n') => 1,
        Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => 2,
        Some(b'\r') => 1,
        // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
        Some(0xe2)
            if bytes.get(at + 1) == Some(&0x80)
                && matches!(bytes.get(at + 2), Some(0xa8 | 0xa9)) =>
        {
            3
        }
        _ => 0,
    }
}

/// The number of lines of `text` (as [`LineIndex::line_count`] gives, without building the
/// table).
pub fn count_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut lines = 1;
    let mut at = 0;
    while at < bytes.len() {
        match terminator_len(bytes, at) {
            0 => at += 1,
            len => {
                lines += 1;
                at += len;
            }
        }
    }
    lines
}

/// The first offset at or after `from` of a byte that is `\n`, `\r` or not ASCII (the length
/// when none), eight bytes at a time.
pub(crate) fn ascii_run_end(bytes: &[u8], from: usize) -> usize {
    first_marked(
        bytes,
        from,
        |x| equal_bytes(x, b'\n') | equal_bytes(x, b'\r') | (x & HIGH_BITS),
        |b| matches!(b, b'\n' | b'\r' | 0x80..),
    )
}

const ONE_BYTES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of the word `x` that equals `byte` (exact for the lowest such byte;
/// a byte above it may be flagged falsely).
pub(crate) fn equal_bytes(x: u64, byte: u8) -> u64 {
    let v = x ^ (ONE_BYTES * u64::from(byte));
    v.wrapping_sub(ONE_BYTES) & !v & HIGH_BITS
}

/// The first offset at or after `from` whose byte is marked (the length when none): eight bytes
/// at a time by `word_marks` (the high bit of each marked byte of a little-endian word, exact for
/// the lowest one), the tail byte by byte by `is_marked`.
pub(crate) fn first_marked(
    bytes: &[u8],
    from: usize,
    word_marks: impl Fn(u64) -> u64,
    is_marked: impl Fn(u8) -> bool,
) -> usize {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let found = word_marks(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < bytes.len() && !is_marked(bytes[at]) {
        at += 1;
    }
    at
}

/// Line table of one source text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    len_utf16: u32,
    line_starts: Vec<u32>,
    first_code: Vec<u32>,
    /// `(utf16, byte)` pairs, ascending, for non-ASCII sources; empty for ASCII ones.
    checkpoints: Vec<(u32, u32)>,
}

/// A position in a source: line from 1, column from 0 in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 0, in UTF-16 code units.
    pub column: u32,
}

impl LineIndex {
    /// Builds the table for `source`.
    pub fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let ascii = source.is_ascii();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        let mut first_code = Vec::with_capacity(bytes.len() / 32 + 1);
        let mut checkpoints = Vec::new();
        line_starts.push(0);
        let mut code_seen = false;
        let mut unit: u32 = 0;
        let mut byte = 0usize;
        let mut next_checkpoint = 0u32;
        while byte < bytes.len() {
            let b = bytes[byte];
            if !ascii && unit >= next_checkpoint {
                checkpoints.push((unit, byte as u32));
                next_checkpoint = unit + CHECKPOINT_EVERY;
            }
            if b < 0x80 {
                match b {
                    b'\n' | b'\r' => {
                        // One or two ASCII bytes: as many UTF-16 code units.
                        let len = terminator_len(bytes, byte);
                        byte += len - 1;
                        unit += len as u32 - 1;
                        Self::end_line(&mut first_code, &mut code_seen, &mut line_starts, unit + 1);
                    }
                    b' ' | b'\t' | 0x0b | 0x0c => {}
                    _ => {
                        if !code_seen {
                            first_code.push(unit);
                            code_seen = true;
                        }
                        // The rest of a line with code matters only at its end (or at a
                        // character that is not ASCII): skip to it, checkpoints included.
                        let end = ascii_run_end(bytes, byte + 1);
                        let run_end = unit + (end - byte) as u32;
                        while !ascii && next_checkpoint < run_end {
                            let at = byte + (next_checkpoint - unit) as usize;
                            checkpoints.push((next_checkpoint, at as u32));
                            next_checkpoint += CHECKPOINT_EVERY;
                        }
                        byte = end;
                        unit = run_end;
                        continue;
                    }
                }
                byte += 1;
                unit += 1;
                continue;
            }
            let c = source[byte..].chars().next().unwrap_or('\u{fffd}');
            let width = c.len_utf16() as u32;
            if terminator_len(bytes, byte) > 0 {
                Self::end_line(&mut first_code, &mut code_seen, &mut line_starts, unit + 1);
            } else if !code_seen && !is_js_space(c) {
                first_code.push(unit);
                code_seen = true;
            }
            byte += c.len_utf8();
            unit += width;
        }
        if !code_seen {
            first_code.push(BLANK);
        }
        if !ascii {
            checkpoints.push((unit, byte as u32));
        }
        // Kept for the life of the converter: no room left over from growing (a 2 MB bundle's
        // three tables had 0.34 MB of it).
        line_starts.shrink_to_fit();
        first_code.shrink_to_fit();
        checkpoints.shrink_to_fit();
        LineIndex {
            len_utf16: unit,
            line_starts,
            first_code,
            checkpoints,
        }
    }

    fn end_line(first_code: &mut Vec<u32>, code_seen: &mut bool, starts: &mut Vec<u32>, next: u32) {
        if !*code_seen {
            first_code.push(BLANK);
        }
        *code_seen = false;
        starts.push(next);
    }

    /// Length of the source in UTF-16 code units.
    pub fn len_utf16(&self) -> u32 {
        self.len_utf16
    }

    /// Number of lines (a source ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// UTF-16 offset where each line starts, line 1 first.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// UTF-16 offset of each line's first character that is not white space, or [`BLANK`]
    /// (empty once [`LineIndex::forget_first_code`] ran).
    pub fn first_code(&self) -> &[u32] {
        &self.first_code
    }

    /// Lets the first-code table go, for a table asked only for positions from now on: a map's
    /// original, a mapped script once its text is released. The line rule reads it only for a
    /// script converted at its own positions (`crate::lines`).
    pub fn forget_first_code(&mut self) {
        self.first_code = Vec::new();
    }

    /// The line (from 1) and column (from 0, UTF-16) of a UTF-16 offset.
    pub fn position(&self, offset: u32) -> Position {
        let index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        Position {
            line: index as u32 + 1,
            column: offset - self.line_starts[index],
        }
    }

    /// Byte offset in the UTF-8 source of a UTF-16 offset (one inside a surrogate pair maps to
    /// the start of its character).
    pub fn byte_offset(&self, source: &str, offset: u32) -> usize {
        if self.checkpoints.is_empty() {
            return (offset as usize).min(source.len());
        }
        let at = self
            .checkpoints
            .partition_point(|&(unit, _)| unit <= offset)
            - 1;
        let (mut unit, mut byte) = (self.checkpoints[at].0, self.checkpoints[at].1 as usize);
        for c in source[byte..].chars() {
            let width = c.len_utf16() as u32;
            if unit + width > offset {
                break;
            }
            unit += width;
            byte += c.len_utf8();
        }
        byte
    }

    /// UTF-16 offset of a byte offset that starts a character.
    pub fn utf16_offset(&self, source: &str, byte: usize) -> u32 {
        if self.checkpoints.is_empty() {
            return byte as u32;
        }
        let at = self
            .checkpoints
            .partition_point(|&(_, b)| b as usize <= byte)
            - 1;
        let (unit, from) = self.checkpoints[at];
        unit + source[from as usize..byte].encode_utf16().count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table asked only for positions lets its first-code table go and answers as before.
    #[test]
    fn forgetting_the_first_code_keeps_positions() {
        let source = "a\n  é😀 b\n\nc";
        let mut index = LineIndex::new(source);
        let before: Vec<(Position, usize)> = (0..index.len_utf16())
            .map(|unit| (index.position(unit), index.byte_offset(source, unit)))
            .collect();
        assert_eq!(index.first_code(), [0, 4, BLANK, 11]);
        index.forget_first_code();
        assert_eq!(
            (index.first_code.len(), index.first_code.capacity()),
            (0, 0)
        );
        let after: Vec<(Position, usize)> = (0..index.len_utf16())
            .map(|unit| (index.position(unit), index.byte_offset(source, unit)))
            .collect();
        assert_eq!(after, before);
        assert_eq!(index.line_count(), 4);
    }

    #[test]
    fn counting_lines_agrees_with_the_line_table() {
        for (text, lines) in [
            ("", 1),
            ("a", 1),
            ("a\n", 2),
            ("a\r\nb\rc\u{2028}d\u{2029}e", 5),
            ("é\n😀\r\n", 3),
            ("…€\u{2027}\u{202a}\n", 2),
            ("\n\n", 3),
        ] {
            assert_eq!(count_lines(text), lines, "{text:?}");
            assert_eq!(LineIndex::new(text).line_count(), lines, "{text:?}");
        }
    }

    /// A table is kept for the life of the converter: no room left over from growing.
    #[test]
    fn tables_hold_no_spare_room() {
        let source = "é\n".repeat(100);
        let index = LineIndex::new(&source);
        assert_eq!(
            (index.line_starts.len(), index.line_starts.capacity()),
            (101, 101)
        );
        assert_eq!(
            (index.first_code.len(), index.first_code.capacity()),
            (101, 101)
        );
        assert_eq!(
            (index.checkpoints.len(), index.checkpoints.capacity()),
            (5, 5)
        );
    }

    fn starts(source: &str) -> Vec<u32> {
        LineIndex::new(source).line_starts().to_vec()
    }

    #[test]
    fn every_line_terminator_breaks_a_line() {
        assert_eq!(starts("a\nb"), [0, 2]);
        assert_eq!(starts("a\r\nb"), [0, 3]);
        assert_eq!(starts("a\rb\r"), [0, 2, 4]);
        assert_eq!(starts("a\u{2028}b\u{2029}c"), [0, 2, 4]);
        assert_eq!(starts(""), [0]);
    }

    #[test]
    fn offsets_are_utf16_code_units() {
        let source = "// 😀 é\nfunction f() {}";
        let index = LineIndex::new(source);
        // "// " 3 + emoji 2 + " " 1 + é 1 + "\n" 1 = 8
        assert_eq!(index.line_starts(), [0, 8]);
        assert_eq!(index.position(17), Position { line: 2, column: 9 });
        assert_eq!(&source[index.byte_offset(source, 8)..][..8], "function");
        assert_eq!(index.utf16_offset(source, source.find('f').unwrap()), 8);
        assert_eq!(index.len_utf16(), source.encode_utf16().count() as u32);
    }

    #[test]
    fn byte_offsets_of_long_non_ascii_lines() {
        let source: String = "é😀x".repeat(500);
        let index = LineIndex::new(&source);
        let mut unit = 0u32;
        for (byte, c) in source.char_indices() {
            assert_eq!(index.byte_offset(&source, unit), byte);
            assert_eq!(index.utf16_offset(&source, byte), unit);
            unit += c.len_utf16() as u32;
        }
    }

    #[test]
    fn long_ascii_runs_between_other_characters() {
        let source: String = (0..40)
            .map(|k| {
                format!(
                    "{}é\r\n  x{}😀\u{2028}",
                    "a".repeat(k * 7),
                    "b".repeat(130 - k)
                )
            })
            .collect();
        let index = LineIndex::new(&source);
        let mut unit = 0u32;
        for (byte, c) in source.char_indices() {
            assert_eq!(index.byte_offset(&source, unit), byte);
            assert_eq!(index.utf16_offset(&source, byte), unit);
            unit += c.len_utf16() as u32;
        }
        assert!(index
            .checkpoints
            .windows(2)
            .all(|w| w[1].0 - w[0].0 <= CHECKPOINT_EVERY + 1));
        assert_eq!(index.line_count(), 81);
        assert_eq!(index.first_code()[1], index.line_starts()[1] + 2);
    }

    #[test]
    fn blank_lines_and_first_code() {
        let index = LineIndex::new("  a\n \t\n\u{feff}\u{a0}b\r\n");
        assert_eq!(index.first_code(), [2, BLANK, 9, BLANK]);
    }
}
