//! An original's text kept compressed for the life of the converter (an LZ4 block), and read
//! back at the few moments that need it: its branches once, an id when one of its functions
//! first runs, the compat rule's line table once. A bundle's map carries megabytes of its
//! originals' texts, which are most of what the converter would keep (the 2 MB bundle's 2.37 MB
//! of texts pack to 0.82 MB), and WebAssembly memory keeps its high-water mark.

/// A text, compressed.
#[derive(Clone, Debug)]
pub struct PackedText {
    block: Box<[u8]>,
    /// Its length in bytes, unpacked.
    len: usize,
}

impl PackedText {
    pub fn pack(text: &str) -> Self {
        PackedText {
            block: lz4_flex::block::compress(text.as_bytes()).into_boxed_slice(),
            len: text.len(),
        }
    }

    /// The length of the text, unpacked, in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The text again (`None` only if the block were damaged, which nothing but this module
    /// writes).
    pub fn unpack(&self) -> Option<String> {
        let bytes = lz4_flex::block::decompress(&self.block, self.len).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// The text of the original unpacked last, for the several reads one conversion makes of one
/// original (the ids of its functions that ran for the first time).
#[derive(Default)]
pub struct LastUnpacked {
    source: Option<usize>,
    text: String,
}

impl LastUnpacked {
    /// The text of original `source`, packed as `packed`, unpacked once for consecutive reads.
    pub fn text(&mut self, source: usize, packed: &PackedText) -> Option<&str> {
        if self.source != Some(source) {
            self.source = None;
            self.text = packed.unpack()?;
            self.source = Some(source);
        }
        Some(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_as_they_went_in() {
        let text = "function f() { return 'é😀'; }\n".repeat(50);
        let packed = PackedText::pack(&text);
        assert!(
            packed.block.len() < text.len() / 10,
            "{}",
            packed.block.len()
        );
        assert_eq!(packed.unpack().as_deref(), Some(text.as_str()));
        assert_eq!(PackedText::pack("").unpack().as_deref(), Some(""));
        // A damaged block is no text, not a panic.
        let damaged = PackedText {
            block: packed.block[..packed.block.len() / 2].into(),
            len: packed.len,
        };
        assert_eq!(damaged.unpack(), None);
    }

    #[test]
    fn the_last_text_is_unpacked_once_for_consecutive_reads() {
        let (a, b) = (PackedText::pack("a();"), PackedText::pack("b();"));
        let mut last = LastUnpacked::default();
        assert_eq!(last.text(0, &a), Some("a();"));
        let kept = last.text.as_ptr();
        assert_eq!(last.text(0, &a), Some("a();"));
        assert_eq!(last.text.as_ptr(), kept);
        assert_eq!(last.text(1, &b), Some("b();"));
        assert_eq!(last.text(0, &a), Some("a();"));
    }
}
