//! What the converter keeps about one script for the life of the process: its source and line
//! table, the id found for each function start, the shift V8's offsets need, its branches, and
//! the state of its source map (made ready by `script_map`). A mapped script's own text is
//! let go once its map has made it unneeded ([`ScriptState::release_text`]).

use crate::branch_hits::BranchCache;
use crate::compat::CompatLines;
use crate::converter::{read_source, LineMode, SourceText};
use crate::error::Error;
use crate::line_index::LineIndex;
use crate::position_map::PositionHasher;
use crate::script_map::MapState;
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

/// What is kept about one script of the project.
pub struct ScriptState {
    /// Path relative to the project root.
    pub path: String,
    /// The source as handed over; `None` once released (see [`ScriptState::release_text`]).
    pub source: Option<String>,
    /// Whether the source starts with a byte-order mark.
    pub has_bom: bool,
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

impl ScriptState {
    /// A script with its source, not yet looked at further.
    pub fn new(path: String, source: String) -> Self {
        let index = LineIndex::new(&source);
        let scanned = !path.ends_with(".cjs");
        ScriptState {
            path,
            has_bom: source.starts_with('\u{feff}'),
            source: Some(source),
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

    /// Decides, once its map is loaded, what becomes of the script's own text. Let go when
    /// nothing reads it again: the map is ready, the default line rule counts through it, and
    /// every project original has its own text for ids and branches (without one, an id is
    /// found in the generated code); the shift, which a take without the top level guesses from
    /// the text, is known by then (the conversion that loads the map has checked the script's
    /// extent first). A bundle's text is most of what the converter would otherwise keep beside
    /// its map. Otherwise kept, or asked for again from `sources` when loading the map let it go
    /// (`load_map`, before the map's JSON arrived): an error then when it is no longer there, or
    /// no longer the text V8 covered (its length changed).
    pub fn settle_text(
        &mut self,
        url: &str,
        line_mode: LineMode,
        sources: &mut dyn FnMut(&str) -> Option<SourceText>,
    ) -> crate::Result<()> {
        let unneeded = match &self.map {
            MapState::Ready(mapped) => {
                let mut originals = mapped.originals.iter();
                line_mode == LineMode::Default
                    && originals
                        .all(|original| original.path.is_none() || original.content.is_some())
            }
            _ => false,
        };
        if unneeded {
            self.source = None;
            // Its lines are counted through the map from now on.
            self.index.forget_first_code();
        } else if self.source.is_none() {
            let text = read_source(url, sources)?;
            let length = text.encode_utf16().count() as u32;
            if length != self.index.len_utf16() {
                return Err(Error::SourceMismatch {
                    url: url.into(),
                    covered_length: self.index.len_utf16(),
                    source_length: length,
                });
            }
            self.source = Some(text);
        }
        Ok(())
    }
}

/// A script's source (`ScriptState::source`) on the paths that run only while it is kept:
/// loading its map, converting it without one, the compat rule. Empty once released, when none
/// of them runs ([`ScriptState::settle_text`]).
pub fn kept_text(source: Option<&str>) -> &str {
    source.unwrap_or_default()
}
