//! The conversion, top to bottom: for each script of the project, its source and line table
//! (kept for the life of the converter), the innermost-wins segments of its ranges, line counts,
//! then method ids, method lines and branches into one [`FootprintData`].

use crate::compat::CompatLines;
use crate::coverage::{Coverage, Script};
use crate::error::Error;
use crate::footprints::{
    BranchFootprint, FileFootprint, FootprintData, MethodFootprint, ScriptError,
};
use crate::line_index::LineIndex;
use crate::lines::line_counts;
use crate::method_ids::{id_site, IdSite};
use crate::project::Project;
use crate::segments::{Flattener, Segment};
use std::collections::HashMap;

/// How per-line counts are decided (see the README's "Line modes").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LineMode {
    /// The count at a line's first non-blank character; blank lines are not executable.
    #[default]
    Default,
    /// Exactly v8-to-istanbul's per-line counts.
    Compat,
}

/// A script's source, as text or as bytes still to be checked for UTF-8.
#[derive(Clone, Debug)]
pub enum SourceText {
    /// Already text.
    Text(String),
    /// Bytes as read from a file.
    Bytes(Vec<u8>),
}

/// What a [`Converter`] is set up with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The project root: absolute, or relative to `cwd`.
    pub project_root: String,
    /// The folder a relative project root is resolved against.
    pub cwd: String,
    /// Patterns of relative paths to leave out (see [`Project::new`]).
    pub exclude: Vec<String>,
    /// How line counts are decided.
    pub line_mode: LineMode,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            project_root: "/".into(),
            cwd: "/".into(),
            exclude: Vec::new(),
            line_mode: LineMode::Default,
        }
    }
}

/// A script's id position, computed once per function start.
#[derive(Clone, Debug)]
struct MethodSite {
    id: String,
    /// UTF-16 offset of the id position, to find two functions given the same id.
    offset: u32,
    line: u32,
    column: u32,
}

/// What the converter keeps about one script between calls.
struct ScriptState {
    path: String,
    source: String,
    index: LineIndex,
    compat: Option<CompatLines>,
    /// Id site per V8 start offset (as V8 reports it, before the shift).
    sites: HashMap<u32, Option<MethodSite>>,
    scanned: bool,
    /// What V8's offsets lack (1 for a stripped byte-order mark), once a take showed it.
    shift: Option<u32>,
}

enum Cached {
    NotProject,
    Failed(Error),
    Ready(Box<ScriptState>),
}

/// Converts V8 coverage to footprints, keeping per-script work (sources, line tables, ids)
/// between calls so that a long-lived process pays for each script once.
pub struct Converter {
    project: Project,
    line_mode: LineMode,
    scripts: HashMap<String, Cached>,
    flattener: Flattener,
    segments: Vec<Segment>,
    counts: Vec<Option<u32>>,
    owners: Vec<u32>,
    compat_counts: Vec<u32>,
    scratch: Vec<u32>,
    method_of_function: Vec<u32>,
    seen: HashMap<u32, u32>,
}

impl Converter {
    /// A converter for the project the options describe.
    pub fn new(options: &Options) -> crate::Result<Self> {
        Ok(Converter {
            project: Project::new(&options.project_root, &options.cwd, &options.exclude)?,
            line_mode: options.line_mode,
            scripts: HashMap::new(),
            flattener: Flattener::default(),
            segments: Vec::new(),
            counts: Vec::new(),
            owners: Vec::new(),
            compat_counts: Vec::new(),
            scratch: Vec::new(),
            method_of_function: Vec::new(),
            seen: HashMap::new(),
        })
    }

    /// The normalised project root.
    pub fn project_root(&self) -> &str {
        self.project.root()
    }

    /// Whether a script URL belongs to the project (under the root, not excluded).
    pub fn is_project_script(&self, url: &str) -> bool {
        self.project.relative_path(url).is_some()
    }

    /// Number of scripts whose state is kept.
    pub fn cached_scripts(&self) -> usize {
        self.scripts
            .values()
            .filter(|c| matches!(c, Cached::Ready(_)))
            .count()
    }

    /// Converts one coverage take. `sources` is asked once per script URL of the project for
    /// the script's source; a script it has none for is reported in `errors`.
    pub fn convert(
        &mut self,
        coverage: &Coverage,
        sources: &mut dyn FnMut(&str) -> Option<SourceText>,
    ) -> FootprintData {
        let mut data = FootprintData::default();
        let mut files_by_path: HashMap<String, u32> = HashMap::new();
        for script in coverage.scripts() {
            if script.function_count() == 0 {
                continue;
            }
            if !self.scripts.contains_key(script.url) {
                let cached = self.load(script.url, sources);
                self.scripts.insert(script.url.to_owned(), cached);
            }
            let Some(cached) = self.scripts.get_mut(script.url) else {
                continue;
            };
            let state = match cached {
                Cached::NotProject => continue,
                Cached::Failed(error) => {
                    data.errors.push(script_error(error));
                    continue;
                }
                Cached::Ready(state) => state,
            };
            let shift = match check_extent(&script, state) {
                Ok(shift) => shift,
                Err(error) => {
                    data.errors.push(script_error(&error));
                    continue;
                }
            };
            let file = *files_by_path.entry(state.path.clone()).or_insert_with(|| {
                data.files.push(FileFootprint {
                    path: state.path.clone(),
                    url: script.url.to_owned(),
                    lines: Vec::new(),
                });
                data.files.len() as u32 - 1
            });
            let mut one = ScriptWork {
                flattener: &mut self.flattener,
                segments: &mut self.segments,
                counts: &mut self.counts,
                owners: &mut self.owners,
                compat_counts: &mut self.compat_counts,
                scratch: &mut self.scratch,
                method_of_function: &mut self.method_of_function,
                seen: &mut self.seen,
                line_mode: self.line_mode,
            };
            one.convert(&script, state, shift, file, &mut data);
        }
        data
    }

    fn load(&self, url: &str, sources: &mut dyn FnMut(&str) -> Option<SourceText>) -> Cached {
        let Some(path) = self.project.relative_path(url) else {
            return Cached::NotProject;
        };
        let source = match sources(url) {
            None => return Cached::Failed(Error::MissingSource { url: url.into() }),
            Some(SourceText::Text(text)) => text,
            Some(SourceText::Bytes(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(error) => {
                    return Cached::Failed(Error::NonUtf8 {
                        url: url.into(),
                        byte_offset: error.utf8_error().valid_up_to(),
                    })
                }
            },
        };
        let index = LineIndex::new(&source);
        let scanned = !path.ends_with(".cjs");
        Cached::Ready(Box::new(ScriptState {
            path,
            source,
            index,
            compat: None,
            sites: HashMap::new(),
            scanned,
            shift: None,
        }))
    }
}

fn script_error(error: &Error) -> ScriptError {
    ScriptError {
        url: error.url().unwrap_or_default().to_owned(),
        kind: error.kind().to_owned(),
        message: error.to_string(),
    }
}

/// Checks that the source is the one V8 covered and returns the shift to add to V8's offsets:
/// 1 when the loader stripped a byte-order mark the file still has, else 0. The top level's
/// extent tells; a take without it (a delta after a reset) uses what an earlier take told, or
/// failing that the shift that puts the functions' starts on tokens.
fn check_extent(script: &Script<'_>, state: &mut ScriptState) -> crate::Result<u32> {
    let length = state.index.len_utf16();
    let has_bom = state.source.starts_with('\u{feff}');
    let shift = match script.top_level() {
        Some(top) => match length.checked_sub(top.end) {
            Some(0) => 0,
            Some(1) if has_bom => 1,
            _ => {
                return Err(Error::SourceMismatch {
                    url: script.url.into(),
                    covered_length: top.end,
                    source_length: length,
                })
            }
        },
        None => match state.shift {
            Some(shift) => shift,
            None if has_bom => guess_shift(script, state),
            None => 0,
        },
    };
    state.shift = Some(shift);
    let covered = length - shift;
    for function in script.functions() {
        for range in function.ranges {
            if range.end > covered {
                return Err(Error::OffsetOutOfRange {
                    url: script.url.into(),
                    offset: range.end,
                    length: covered,
                });
            }
        }
    }
    Ok(shift)
}

/// For a file with a byte-order mark seen only in takes without its top level: 1 if more
/// function starts land on a token start with the shift than without.
fn guess_shift(script: &Script<'_>, state: &ScriptState) -> u32 {
    let on_token = |shift: u32| {
        script
            .functions()
            .filter_map(|f| f.ranges.first())
            .filter(|extent| {
                let at = state.index.byte_offset(&state.source, extent.start + shift);
                crate::method_ids::starts_token(&state.source, at)
            })
            .count()
    };
    u32::from(on_token(1) > on_token(0))
}

/// The per-call work on one script, borrowing the converter's reusable buffers.
struct ScriptWork<'a> {
    flattener: &'a mut Flattener,
    segments: &'a mut Vec<Segment>,
    counts: &'a mut Vec<Option<u32>>,
    owners: &'a mut Vec<u32>,
    compat_counts: &'a mut Vec<u32>,
    scratch: &'a mut Vec<u32>,
    method_of_function: &'a mut Vec<u32>,
    seen: &'a mut HashMap<u32, u32>,
    line_mode: LineMode,
}

impl ScriptWork<'_> {
    fn convert(
        &mut self,
        script: &Script<'_>,
        state: &mut ScriptState,
        shift: u32,
        file: u32,
        data: &mut FootprintData,
    ) {
        self.flattener.flatten(script, shift, self.segments);
        line_counts(&state.index, self.segments, self.counts, self.owners);
        self.add_lines(script, state, file, data);
        self.add_methods(script, state, shift, file, data);
        self.add_method_lines(data);
        self.add_branches(script, state, shift, file, data);
    }

    fn add_lines(
        &mut self,
        script: &Script<'_>,
        state: &mut ScriptState,
        file: u32,
        data: &mut FootprintData,
    ) {
        let lines = &mut data.files[file as usize].lines;
        let fresh = lines.is_empty();
        match self.line_mode {
            LineMode::Default => {
                if fresh {
                    lines.extend_from_slice(self.counts);
                } else {
                    for (mine, theirs) in lines.iter_mut().zip(self.counts.iter()) {
                        if let Some(theirs) = theirs {
                            *mine = Some(mine.unwrap_or(0).saturating_add(*theirs));
                        }
                    }
                }
            }
            LineMode::Compat => {
                let compat = state
                    .compat
                    .get_or_insert_with(|| CompatLines::new(&state.source));
                compat.counts(script, self.compat_counts, self.scratch);
                if fresh {
                    lines.extend(self.compat_counts.iter().map(|&c| Some(c)));
                } else {
                    for (mine, &theirs) in lines.iter_mut().zip(self.compat_counts.iter()) {
                        *mine = Some(mine.unwrap_or(0).saturating_add(theirs));
                    }
                }
            }
        }
    }

    fn add_methods(
        &mut self,
        script: &Script<'_>,
        state: &mut ScriptState,
        shift: u32,
        file: u32,
        data: &mut FootprintData,
    ) {
        self.method_of_function.clear();
        self.method_of_function
            .resize(script.function_count(), u32::MAX);
        self.seen.clear();
        if !state.scanned {
            return;
        }
        let skip = usize::from(script.top_level().is_some());
        for (index, function) in script.functions().enumerate().skip(skip) {
            let Some(extent) = function.ranges.first() else {
                continue;
            };
            let site = state.sites.entry(extent.start).or_insert_with(|| {
                let start = state.index.byte_offset(&state.source, extent.start + shift);
                match id_site(&state.source, start) {
                    IdSite::None => None,
                    IdSite::At(byte) => {
                        let offset = state.index.utf16_offset(&state.source, byte);
                        let at = state.index.position(offset);
                        Some(MethodSite {
                            id: format!("{}@{},{}", state.path, at.line, at.column),
                            offset,
                            line: at.line,
                            column: at.column,
                        })
                    }
                }
            });
            let Some(site) = site else {
                continue;
            };
            // The same id twice in one script (it should not happen) adds up in one entry.
            if let Some(&existing) = self.seen.get(&site.offset) {
                let method = &mut data.methods[existing as usize];
                method.count = method.count.saturating_add(extent.count);
                self.method_of_function[index] = existing;
                continue;
            }
            self.seen.insert(site.offset, data.methods.len() as u32);
            self.method_of_function[index] = data.methods.len() as u32;
            data.methods.push(MethodFootprint {
                id: site.id.clone(),
                file,
                name: function.name.to_owned(),
                line: site.line,
                column: site.column,
                count: extent.count,
                lines: Vec::new(),
            });
        }
    }

    fn add_method_lines(&mut self, data: &mut FootprintData) {
        for (line, (&count, &owner)) in self.counts.iter().zip(self.owners.iter()).enumerate() {
            if count.unwrap_or(0) == 0 || owner == u32::MAX {
                continue;
            }
            let method = self.method_of_function[owner as usize];
            if method != u32::MAX {
                let lines = &mut data.methods[method as usize].lines;
                let line = line as u32 + 1;
                if lines.last().is_none_or(|&last| last < line) {
                    lines.push(line);
                } else if let Err(pos) = lines.binary_search(&line) {
                    lines.insert(pos, line);
                }
            }
        }
    }

    fn add_branches(
        &mut self,
        script: &Script<'_>,
        state: &ScriptState,
        shift: u32,
        file: u32,
        data: &mut FootprintData,
    ) {
        if !state.scanned {
            return;
        }
        self.seen.clear();
        for function in script.functions() {
            for block in function.ranges.iter().skip(1) {
                if let Some(&existing) = self.seen.get(&block.start) {
                    let branch = &mut data.branches[existing as usize];
                    branch.count = branch.count.max(block.count);
                    continue;
                }
                self.seen.insert(block.start, data.branches.len() as u32);
                let at = state.index.position(block.start + shift);
                let id = format!("{}|{},{}|0", state.path, at.line, at.column);
                data.branches.push(BranchFootprint {
                    id,
                    file,
                    line: at.line,
                    column: at.column,
                    count: block.count,
                });
            }
        }
    }
}
