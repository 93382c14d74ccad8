//! String values of a JSON text kept in the text's own buffer: each unescaped where it is and
//! moved to the front, so that the rest can be given back. A bundle's source map is mostly its
//! originals' texts and its mappings; copying them out of the JSON held both at once, the
//! converter's high-water mark (and WebAssembly memory keeps its high-water mark).
//!
//! The values are found by the JSON parser first (as raw values: a string literal with its
//! quotes, syntax already checked); this module only moves bytes. Unescaping never makes a text
//! longer than its literal, so each text is written at or before where its literal starts.

use std::ops::Range;

/// Unescapes the string literals at `literals` (quotes included, disjoint, in any order) into
/// the front of `buffer`, in buffer order, and sets each range to its text's. Returns the end of
/// the last text: what follows it is free.
pub fn compact_literals(buffer: &mut [u8], literals: &mut [Range<usize>]) -> usize {
    move_to_front(buffer, literals, unescape)
}

/// Moves the texts at `texts` (disjoint, in any order) to the front of `buffer`, in buffer
/// order, and sets each range to where it went. Returns the end of the last.
pub fn compact_texts(buffer: &mut [u8], texts: &mut [Range<usize>]) -> usize {
    move_to_front(buffer, texts, |buffer, from, write| {
        buffer.copy_within(from.clone(), write);
        write + from.len()
    })
}

/// Calls `write_piece(buffer, range, write)` (which writes the piece at `write` and returns the
/// end of what it wrote) for each range in buffer order, each at the end of the one before.
fn move_to_front(
    buffer: &mut [u8],
    ranges: &mut [Range<usize>],
    write_piece: impl Fn(&mut [u8], Range<usize>, usize) -> usize,
) -> usize {
    // (start, index) pairs: the sort the converter already has for such pairs.
    let mut order: Vec<(u64, u32)> = (ranges.iter().enumerate())
        .map(|(i, range)| (range.start as u64, i as u32))
        .collect();
    order.sort_unstable();
    let mut write = 0;
    for (_, i) in order {
        let i = i as usize;
        // Disjoint ranges in order start at or after what was written before them.
        let from = ranges[i].start.max(write)..ranges[i].end.max(write);
        let start = write;
        write = write_piece(buffer, from, write);
        ranges[i] = start..write;
    }
    write
}

/// Writes the text of the string literal at `literal` (quotes included) at `write`, never past
/// the literal's own bytes, and returns where it ends. A `\u` escape of a lone surrogate, which
/// UTF-8 cannot hold, becomes U+FFFD.
fn unescape(buffer: &mut [u8], literal: Range<usize>, mut write: usize) -> usize {
    let end = literal.end.saturating_sub(1).max(literal.start);
    let mut read = (literal.start + 1).min(end);
    while read < end {
        let byte = buffer[read];
        if byte != b'\\' {
            buffer[write] = byte;
            write += 1;
            read += 1;
            continue;
        }
        let escaped = buffer.get(read + 1).copied().unwrap_or(b'\\');
        read += 2;
        let simple = match escaped {
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            other => Some(other), // `"`, `\`, `/`
        };
        if let Some(byte) = simple {
            buffer[write] = byte;
            write += 1;
            continue;
        }
        let unit = hex_unit(buffer, read);
        read += 4;
        let code = match unit {
            Some(high @ 0xd800..=0xdbff) => match low_surrogate_at(buffer, read, end) {
                Some(low) => {
                    read += 6;
                    0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
                }
                None => 0xfffd,
            },
            Some(unit) => u32::from(unit),
            None => 0xfffd,
        };
        let character = char::from_u32(code).unwrap_or('\u{fffd}');
        let mut encoded = [0u8; 4];
        let encoded = character.encode_utf8(&mut encoded).as_bytes();
        buffer[write..write + encoded.len()].copy_from_slice(encoded);
        write += encoded.len();
    }
    write
}

/// The UTF-16 unit of the four hex digits at `at`.
fn hex_unit(buffer: &[u8], at: usize) -> Option<u16> {
    let digits = buffer.get(at..at + 4)?;
    digits.iter().try_fold(0u16, |unit, &digit| {
        Some(unit << 4 | char::from(digit).to_digit(16)? as u16)
    })
}

/// The low surrogate of a `\uDC00`-`\uDFFF` escape at `at`, before `end`.
fn low_surrogate_at(buffer: &[u8], at: usize, end: usize) -> Option<u16> {
    if at + 6 > end || buffer[at] != b'\\' || buffer[at + 1] != b'u' {
        return None;
    }
    hex_unit(buffer, at + 2).filter(|unit| (0xdc00..=0xdfff).contains(unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literals' texts after compaction, as strings.
    fn texts(buffer: &[u8], ranges: &[Range<usize>]) -> Vec<String> {
        let text = |range: &Range<usize>| String::from_utf8(buffer[range.clone()].to_vec());
        ranges.iter().map(|range| text(range).unwrap()).collect()
    }

    #[test]
    fn literals_are_unescaped_to_the_front_in_buffer_order() {
        let json = r#"{"b":"x\ny\"\\\/\b\f\r\t","a":"caf\u00e9 \ud83d\ude00 \ud800!","c":""}"#;
        let mut buffer = json.as_bytes().to_vec();
        let at = |text: &str| json.find(text).unwrap();
        let (b, a, c) = (at(r#""x\n"#), at(r#""caf"#), at(r#""""#));
        let mut ranges = [a..at(r#","c""#), b..at(r#","a""#), c..json.len() - 1];
        let end = compact_literals(&mut buffer, &mut ranges);
        assert_eq!(
            texts(&buffer, &ranges),
            ["café 😀 \u{fffd}!", "x\ny\"\\/\u{8}\u{c}\r\t", ""]
        );
        // In buffer order from 0: `b`'s text first, then `a`'s, then the empty `c`.
        assert_eq!(ranges, [10..25, 0..10, 25..25]);
        assert_eq!(end, 25);
    }

    #[test]
    fn texts_move_down_over_what_lay_between() {
        let mut buffer = b"..abc....de.f".to_vec();
        let mut ranges = [12..13, 2..5, 9..11];
        assert_eq!(compact_texts(&mut buffer, &mut ranges), 6);
        assert_eq!(&buffer[..6], b"abcdef");
        assert_eq!(ranges, [5..6, 0..3, 3..5]);
    }

    /// A high surrogate followed by an escape that is not a low one, by a plain character or by
    /// the literal's end is replaced alone; a pair at the literal's end is read whole.
    #[test]
    fn a_high_surrogate_without_its_low_one_is_replaced_alone() {
        for (json, text) in [
            (r#""\ud83d\u0041\ud83d\n""#, "\u{fffd}A\u{fffd}\n"),
            (r#""\ud83dA""#, "\u{fffd}A"),
            (r#""x\ud83d""#, "x\u{fffd}"),
            (r#""\ud83d\ude00""#, "😀"),
        ] {
            let mut buffer = json.as_bytes().to_vec();
            let mut literal = 0..json.len();
            compact_literals(&mut buffer, std::slice::from_mut(&mut literal));
            assert_eq!(texts(&buffer, &[literal]), [text], "{json}");
        }
    }
}
