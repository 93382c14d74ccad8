//! What the converter keeps about one script for the life of the process: its source and line
//! table, the id found for each function start, the shift V8's offsets need, and its decoded
//! source map with the original files it names.

use crate::branch_hits::BranchCache;
use crate::compat::CompatLines;
use crate::line_index::LineIndex;
use crate::source_map::DecodedMap;
use crate::work::PositionHasher;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Where a function's id points, computed once per V8 start offset.
#[derive(Clone, Debug)]
pub struct MethodSite {
    /// `<relativePath>@<line>,<column>`.
    pub id: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 0.
    pub column: u32,
    /// For mapped scripts, the original source the id is in.
    pub original: u32,
}

/// One original source of a mapped script.
pub struct Original {
    /// Path relative to the project root, or `None` when outside it (left out).
    pub path: Option<String>,
    /// Where the map says it is.
    pub location: String,
    /// Its text, when the map carries it.
    pub content: Option<String>,
    /// The line table of `content`, built the first time an id is looked for in it (a bundle's
    /// map carries hundreds of sources, most never needed).
    pub index: std::cell::OnceCell<LineIndex>,
    /// Number of lines (from the content, else the last mapped line).
    pub line_count: usize,
}

/// Where an original line's count is taken: the generated code of its first mapped column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinePoint {
    /// Generated offset (UTF-16 code units of the source as handed over).
    pub generated: u32,
    /// Index of the original source.
    pub original: u32,
    /// Original line, from 0.
    pub line: u32,
}

/// A script with a decoded map.
pub struct Mapped {
    /// The mappings.
    pub map: DecodedMap,
    /// Per mapping: whether generated code starts there (not white space or a line end, where
    /// tools put mappings that close a statement).
    pub at_code: Vec<bool>,
    /// The count point of each line of the project's originals that generated code maps to
    /// (not white space or a line end, where tools put mappings that close a statement),
    /// sorted by generated offset.
    pub lines: Vec<LinePoint>,
    /// The original sources, by the map's source index.
    pub originals: Vec<Original>,
}

/// The state of a script's source map.
pub enum MapState {
    /// Not looked for yet.
    Unknown,
    /// The script names no map.
    None,
    /// The map could not be used (reported with every conversion of the script); the script is
    /// converted at its own positions.
    Failed(crate::Error),
    /// Decoded.
    Ready(Box<Mapped>),
}

/// What is kept about one script of the project.
pub struct ScriptState {
    /// Path relative to the project root.
    pub path: String,
    /// The source as handed over.
    pub source: String,
    /// Its line table.
    pub index: LineIndex,
    /// v8-to-istanbul's line table, built on first use in compat mode.
    pub compat: Option<CompatLines>,
    /// The compat rule's tables through the map, built on first use in compat mode.
    pub compat_mapped: Option<Box<crate::compat_mapped::CompatTables>>,
    /// Id site per V8 start offset (before the shift).
    pub sites: HashMap<u32, Option<MethodSite>, BuildHasherDefault<PositionHasher>>,
    /// Whether the build scanner records ids in this file (not `.cjs`).
    pub scanned: bool,
    /// What V8's offsets lack (1 for a stripped byte-order mark), once a take showed it.
    pub shift: Option<u32>,
    /// The source map.
    pub map: MapState,
    /// Its branches (or its originals'), found once.
    pub branches: BranchCache,
}

impl Original {
    /// The line table of the original's text, when the map or the disk gave it.
    pub fn lines(&self) -> Option<(&str, &LineIndex)> {
        let content = self.content.as_deref()?;
        Some((content, self.index.get_or_init(|| LineIndex::new(content))))
    }
}

/// Number of lines of `text` (line terminators as in [`LineIndex`]), without building a table.
pub fn count_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut lines = 1;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => lines += 1,
            b'\r' => {
                lines += 1;
                if bytes.get(at + 1) == Some(&b'\n') {
                    at += 1;
                }
            }
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
            0xe2 if bytes.get(at + 1) == Some(&0x80)
                && matches!(bytes.get(at + 2), Some(0xa8 | 0xa9)) =>
            {
                lines += 1;
                at += 2;
            }
            _ => {}
        }
        at += 1;
    }
    lines
}

impl ScriptState {
    /// A script with its source, not yet looked at further.
    pub fn new(path: String, source: String) -> Self {
        let index = LineIndex::new(&source);
        let scanned = !path.ends_with(".cjs");
        ScriptState {
            path,
            source,
            index,
            compat: None,
            compat_mapped: None,
            sites: HashMap::default(),
            scanned,
            shift: None,
            map: MapState::Unknown,
            branches: BranchCache::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_lines_agrees_with_the_line_table() {
        for text in [
            "",
            "a",
            "a\n",
            "a\r\nb\rc\u{2028}d\u{2029}e",
            "é\n😀\r\n",
            "…€\u{2027}\u{202a}\n",
            "\n\n",
        ] {
            assert_eq!(
                count_lines(text),
                LineIndex::new(text).line_count(),
                "{text:?}"
            );
        }
    }
}
