//! Which UTF-16 offsets of a script a token can start at, one bit each: what loading a source map
//! needs of the script's text (whether generated code starts at each mapping), so that the text
//! can be let go before the map's JSON arrives. For a bundle the two together were the
//! converter's high-water mark, and WebAssembly memory keeps its high-water mark (the 2 MB
//! bundle's bits: 0.27 MB).

use crate::method_ids::starts_token;

pub struct TokenStarts {
    bits: Vec<u64>,
}

impl TokenStarts {
    /// The bits of `source`: at each UTF-16 offset, whether a token can start at the character
    /// there ([`starts_token`] at the byte a line table gives for that offset, which for the
    /// second unit of a surrogate pair is the pair's own).
    pub fn new(source: &str) -> Self {
        let units: usize = source.chars().map(char::len_utf16).sum();
        let mut bits = vec![0u64; units.div_ceil(64)];
        let mut unit = 0;
        for (byte, character) in source.char_indices() {
            let starts = starts_token(source, byte);
            for _ in 0..character.len_utf16() {
                if starts {
                    bits[unit / 64] |= 1 << (unit % 64);
                }
                unit += 1;
            }
        }
        TokenStarts { bits }
    }

    /// Whether a token can start at UTF-16 `offset` (not past the end).
    pub fn at(&self, offset: u32) -> bool {
        let offset = offset as usize;
        self.bits
            .get(offset / 64)
            .is_some_and(|word| word & (1 << (offset % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line_index::LineIndex;

    /// The bits agree with `starts_token` at every offset a map can name, past the end too.
    #[test]
    fn the_bits_are_starts_token_at_each_offset() {
        for source in [
            "a = b; // c\n/* d */ e(\"f😀g\");\u{2028}h\ti",
            "\u{feff}x = 1;",
            "é😀 ",
            "",
        ] {
            let starts = TokenStarts::new(source);
            let index = LineIndex::new(source);
            let units = source.encode_utf16().count() as u32;
            for offset in 0..units + 3 {
                let byte = index.byte_offset(source, offset);
                assert_eq!(
                    starts.at(offset),
                    starts_token(source, byte),
                    "{source:?} at {offset}"
                );
            }
        }
        let starts = TokenStarts::new("ab c");
        let bits: Vec<bool> = (0..5).map(|offset| starts.at(offset)).collect();
        assert_eq!(bits, [true, false, false, true, false]);
    }
}
