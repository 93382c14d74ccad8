//! A script's source map made ready for conversion: found (the one Node's cache in the coverage
//! carries, else the one its `sourceMappingURL` names, inline or asked for), decoded, its
//! originals resolved to project paths and texts, and the point each original line is counted
//! at. The decoding itself is in `source_map`.

use crate::converter::{LineMode, SourceText};
use crate::coverage::{Coverage, Script};
use crate::line_index::{count_lines, LineIndex};
use crate::packed_text::PackedText;
use crate::project::Project;
use crate::script_state::{kept_text, ScriptState};
use crate::source_map::{data_url_text, decode, find_reference, resolve, DecodedMap, MapError};
use crate::token_starts::TokenStarts;

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

/// A script with a decoded map.
pub struct Mapped {
    /// The mappings.
    pub map: DecodedMap,
    /// Per mapping: whether generated code starts there (not white space or a line end, where
    /// tools put mappings that close a statement). Read while the map is loaded (line points,
    /// branches), then let go: empty after.
    pub at_code: Vec<bool>,
    /// The count point of each line of the project's originals that generated code maps to
    /// (not white space or a line end, where tools put mappings that close a statement),
    /// sorted by generated offset.
    pub lines: Vec<LinePoint>,
    /// The original sources, by the map's source index.
    pub originals: Vec<Original>,
}

/// One original source of a mapped script.
pub struct Original {
    /// Path relative to the project root, or `None` when outside it (left out).
    pub path: Option<String>,
    /// Where the map says it is.
    pub location: String,
    /// Its text, when the map carries it or the disk has it.
    pub content: Option<PackedText>,
    /// The line table of its text, built the first time an id is looked for in it (a bundle's
    /// map carries hundreds of sources, most never needed).
    pub index: std::cell::OnceCell<LineIndex>,
    /// Number of lines (from the content, else the last mapped line).
    pub line_count: usize,
}

impl Original {
    /// Its text, unpacked, when the map or the disk gave it.
    pub fn text(&self) -> Option<String> {
        self.content.as_ref()?.unpack()
    }

    /// The line table of its text (`content`, unpacked): positions only (an original's lines
    /// are counted through the map's line points).
    pub fn index(&self, content: &str) -> &LineIndex {
        self.index.get_or_init(|| {
            let mut index = LineIndex::new(content);
            index.forget_first_code();
            index
        })
    }
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

/// Finds and decodes a script's map: the one the coverage carries (Node's cache), else the one
/// its `sourceMappingURL` names, inline or asked from `source_maps`. `MapState::None` when the
/// script names no map. With the default `line_mode` the script's text is let go once the map
/// is found (see `ScriptState::settle_text`).
pub fn load_map(
    project: &Project,
    coverage: &Coverage,
    script: &Script<'_>,
    state: &mut ScriptState,
    line_mode: LineMode,
    sources: &mut dyn FnMut(&str) -> Option<SourceText>,
    source_maps: &mut dyn FnMut(&str) -> Option<SourceText>,
) -> Result<MapState, MapError> {
    let url = script.url;
    // The map's JSON, or where to ask for it.
    let (json, location) = match coverage.cached_map(url).filter(|m| m.json.is_some()) {
        Some(cached) => (
            cached.json.clone(),
            cached.map_url.clone().unwrap_or_else(|| url.to_owned()),
        ),
        None => {
            let Some(reference) = find_reference(kept_text(state.source.as_deref())) else {
                return Ok(MapState::None);
            };
            match data_url_text(reference) {
                Some(text) => (Some(text?), url.to_owned()),
                None => (None, resolve(url, reference)),
            }
        }
    };
    // What the map needs of the script's text. With the default line rule the text itself is
    // let go before the JSON arrives (the two together were a bundle's high-water mark); the
    // converter asks for it again if something reads it after all (`ScriptState::settle_text`).
    let token_starts = TokenStarts::new(kept_text(state.source.as_deref()));
    if line_mode == LineMode::Default {
        state.source = None;
    }
    let json = match json {
        Some(json) => json,
        None => source_maps(&location)
            .ok_or_else(|| MapError::NotFound {
                location: location.clone(),
            })?
            .into_string()
            .map_err(|byte_offset| MapError::NotUtf8 {
                location: location.clone(),
                byte_offset,
            })?,
    };
    let bom = state.has_bom;
    // Kept for the life of the process: only a project original's text (a bundle's map carries
    // every dependency's source, which nothing reads once its lines are counted).
    let in_project = |location: &str| project.relative_path(location).is_some();
    let mut map = decode(
        json,
        &project.as_built(&location),
        &state.index,
        bom,
        &in_project,
    )
    .map_err(|problem| MapError::Malformed {
        location: location.clone(),
        problem,
    })?;
    let mut last_line = vec![0usize; map.sources.len()];
    for (k, source) in map.source.iter().enumerate() {
        let line = &mut last_line[source as usize];
        *line = (*line).max(map.line.get(k) as usize + 1);
    }
    let paths: Vec<Option<String>> = (map.sources.iter())
        .map(|source| project.relative_path(&source.location))
        .collect();
    let originals: Vec<Original> = (map.sources.iter_mut().zip(paths).zip(last_line))
        .map(|((source, path), mapped_lines)| {
            // Without `sourcesContent`, a project original's file where it was built, if it is
            // there.
            let mut from_disk = || {
                let root = project.root().trim_end_matches('/');
                let text = sources(&format!("file://{root}/{}", path.as_deref()?))?;
                text.into_string().ok()
            };
            let (content, line_count) = match (source.content.take(), &path) {
                (Some(packed), _) => (Some(packed), source.content_lines),
                (None, Some(_)) => match from_disk() {
                    Some(text) => (Some(PackedText::pack(&text)), count_lines(&text)),
                    None => (None, 0),
                },
                (None, None) => (None, 0),
            };
            Original {
                content,
                path,
                location: source.location.clone(),
                line_count: line_count.max(mapped_lines),
                index: std::cell::OnceCell::new(),
            }
        })
        .collect();
    // False at the end too.
    let at_code: Vec<bool> = (map.generated.iter())
        .map(|&offset| token_starts.at(offset))
        .collect();
    drop(token_starts);
    let lines = crate::mapped::line_points(&map, &originals, |k| at_code[k]);
    Ok(MapState::Ready(Box::new(Mapped {
        map,
        at_code,
        lines,
        originals,
    })))
}
