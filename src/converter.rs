//! The conversion, top to bottom: for each script to look at, its source, line table and source
//! map (kept for the life of the converter), the innermost-wins segments of its ranges, then
//! footprints at its own positions (`direct`) or in its original files (`mapped`).

use crate::buffers::Buffers;
use crate::coverage::{Coverage, Script};
use crate::direct::convert_direct;
use crate::error::Error;
use crate::footprints::{FootprintData, ScriptError};
use crate::mapped::convert_mapped;
use crate::output::Output;
use crate::project::Project;
use crate::script_map::{load_map, MapState};
use crate::script_state::ScriptState;
use std::borrow::Cow;
use std::collections::HashMap;

/// How per-line counts are decided (see docs/package.md, "Line modes").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LineMode {
    /// The count at a line's first non-blank character; blank lines are not executable.
    #[default]
    Default,
    /// Exactly v8-to-istanbul's per-line counts (scripts without a source map).
    Compat,
}

/// A script's source (or a source map), as text or as bytes still to be checked for UTF-8.
#[derive(Clone, Debug)]
pub enum SourceText {
    /// Already text.
    Text(String),
    /// Bytes as read from a file.
    Bytes(Vec<u8>),
}

impl SourceText {
    /// The text, or the byte offset where it is not UTF-8.
    pub(crate) fn into_string(self) -> Result<String, usize> {
        match self {
            SourceText::Text(text) => Ok(text),
            SourceText::Bytes(bytes) => {
                String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to())
            }
        }
    }
}

/// A script's source from `sources`: an error when none is given or it is not UTF-8.
pub(crate) fn read_source(
    url: &str,
    sources: &mut dyn FnMut(&str) -> Option<SourceText>,
) -> crate::Result<String> {
    let source = sources(url).ok_or_else(|| Error::MissingSource { url: url.into() })?;
    source.into_string().map_err(|byte_offset| Error::NonUtf8 {
        url: url.into(),
        byte_offset,
    })
}

/// What a [`Converter`] is set up with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The project root ids and paths are relative to: absolute, or relative to `cwd`.
    pub project_root: String,
    /// The folder a relative project root is resolved against.
    pub cwd: String,
    /// Also look at scripts under this folder (where a bundle runs when the project root is
    /// the folder it was built in); they are reported through their source maps.
    pub script_root: Option<String>,
    /// Where the files under `script_root` were built, when not at the project root: a map's
    /// relative sources are resolved as if the map were there.
    pub build_root: Option<String>,
    /// Patterns of relative paths to leave out (see `Project::new` in src/project.rs).
    pub exclude: Vec<String>,
    /// Patterns of relative paths to keep, when not empty (see `Project::with_includes`).
    pub include: Vec<String>,
    /// How line counts are decided.
    pub line_mode: LineMode,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            project_root: "/".into(),
            cwd: "/".into(),
            script_root: None,
            build_root: None,
            exclude: Vec::new(),
            include: Vec::new(),
            line_mode: LineMode::Default,
        }
    }
}

/// Where a conversion gets what is not in the coverage.
pub struct Inputs<'a> {
    /// A script's source, by script URL; asked once per script (twice for a mapped script whose
    /// text is let go before its map arrives and read after all: `ScriptState::settle_text`).
    pub sources: &'a mut dyn FnMut(&str) -> Option<SourceText>,
    /// A source map's JSON, by its location (an absolute path, or a URL); asked once per map.
    pub source_maps: &'a mut dyn FnMut(&str) -> Option<SourceText>,
    /// Only what ran (the layer's path): functions and blocks that did not run get no entry,
    /// so their ids are never worked out, and files carry no line counts (what ran is in the
    /// methods' lines; a bundle's originals have tens of thousands of lines).
    pub hits_only: bool,
}

enum Cached {
    NotProject,
    Failed(Error),
    Ready(Box<ScriptState>),
}

/// Converts V8 coverage to footprints, keeping per-script work (sources, line tables, ids,
/// source maps) between calls so that a long-lived process pays for each script once.
pub struct Converter {
    project: Project,
    line_mode: LineMode,
    scripts: HashMap<String, Cached>,
    buffers: Buffers,
    every_leaf: bool,
    compat_lines: Vec<(u32, u32, bool)>,
}

impl Converter {
    /// A converter for the project the options describe.
    pub fn new(options: &Options) -> crate::Result<Self> {
        let project = Project::new(&options.project_root, &options.cwd, &options.exclude)?
            .with_includes(&options.include)
            .with_script_root(options.script_root.as_deref())
            .with_build_root(options.build_root.as_deref());
        Ok(Converter {
            project,
            line_mode: options.line_mode,
            scripts: HashMap::new(),
            buffers: Buffers::default(),
            every_leaf: false,
            compat_lines: Vec::new(),
        })
    }

    /// The lines of the last call's data that compat mode counted, as (file index, line from 0,
    /// whether it is 1 only as every line starts: no range spanned it, or an ignore hint keeps
    /// it), for summing takes as c8 does ([`crate::CompatTotal`]).
    pub fn compat_lines(&self) -> &[(u32, u32, bool)] {
        &self.compat_lines
    }

    /// The normalised project root.
    pub fn project_root(&self) -> &str {
        self.project.root()
    }

    /// Also give the branch leaves that did not run an entry (count 0), for reports that show
    /// what did not run (Istanbul, LCOV). Off by default: footprints list what ran. Conversions
    /// that report only what ran (`hits_only`) never do.
    pub fn set_every_leaf(&mut self, on: bool) {
        self.every_leaf = on;
    }

    /// The text of each file of the project the converter has read, by path relative to the
    /// project root: the scripts' own sources and the originals their maps carry or that were
    /// read from the disk (unpacked). The first text found for a path wins.
    pub fn file_texts(&self) -> HashMap<&str, Cow<'_, str>> {
        let mut texts = HashMap::new();
        for cached in self.scripts.values() {
            let Cached::Ready(state) = cached else {
                continue;
            };
            if let (false, Some(source)) = (state.path.is_empty(), &state.source) {
                let text = Cow::Borrowed(source.as_str());
                texts.entry(state.path.as_str()).or_insert(text);
            }
            let MapState::Ready(mapped) = &state.map else {
                continue;
            };
            for original in &mapped.originals {
                let Some(path) = original.path.as_deref() else {
                    continue;
                };
                if let (false, Some(content)) = (texts.contains_key(path), original.text()) {
                    texts.insert(path, Cow::Owned(content));
                }
            }
        }
        texts
    }

    /// Whether a script URL is one to look at (under the root or the script root, not excluded).
    pub fn is_project_script(&self, url: &str) -> bool {
        self.project.is_candidate(url)
    }

    /// Converts one coverage take, asking `sources` for each script's source and reading no
    /// source maps but inline ones and those the coverage carries.
    pub fn convert(
        &mut self,
        coverage: &Coverage,
        sources: &mut dyn FnMut(&str) -> Option<SourceText>,
    ) -> FootprintData {
        let mut no_maps = |_: &str| None;
        self.convert_with(
            coverage,
            Inputs {
                sources,
                source_maps: &mut no_maps,
                hits_only: false,
            },
        )
    }

    /// Converts one coverage take. A script of the project the inputs have no source for is
    /// reported in `errors`; so is an unusable source map (the script is then converted at its
    /// own positions).
    pub fn convert_with(&mut self, coverage: &Coverage, inputs: Inputs<'_>) -> FootprintData {
        let Inputs {
            sources,
            source_maps,
            hits_only,
        } = inputs;
        self.buffers.hits_only = hits_only;
        let mut out = Output::default();
        out.every_leaf = self.every_leaf && !hits_only;
        for script in coverage.scripts() {
            if script.function_count() == 0 {
                continue;
            }
            if !self.scripts.contains_key(script.url) {
                let cached = self.load(script.url, sources);
                self.scripts.insert(script.url.to_owned(), cached);
            }
            let state = match self.scripts.get_mut(script.url) {
                None | Some(Cached::NotProject) => continue,
                Some(Cached::Failed(error)) => {
                    out.data.errors.push(script_error(error));
                    continue;
                }
                Some(Cached::Ready(state)) => state,
            };
            let shift = match check_extent(&script, state) {
                Ok(shift) => shift,
                Err(error) => {
                    out.data.errors.push(script_error(&error));
                    continue;
                }
            };
            if matches!(state.map, MapState::Unknown) {
                let line_mode = self.line_mode;
                state.map = load_map(
                    &self.project,
                    coverage,
                    &script,
                    state,
                    line_mode,
                    sources,
                    source_maps,
                )
                .unwrap_or_else(|error| {
                    MapState::Failed(Error::SourceMap {
                        url: script.url.into(),
                        error,
                    })
                });
                if let Err(error) = state.settle_text(script.url, line_mode, sources) {
                    out.data.errors.push(script_error(&error));
                    self.scripts
                        .insert(script.url.to_owned(), Cached::Failed(error));
                    continue;
                }
                if let MapState::Ready(mapped) = &mut state.map {
                    state.branches.resolve_originals(mapped);
                }
            }
            if let MapState::Failed(error) = &state.map {
                out.data.errors.push(script_error(error));
            }
            let b = &mut self.buffers;
            b.flattener.flatten(&script, shift, &mut b.segments);
            match std::mem::replace(&mut state.map, MapState::Unknown) {
                MapState::Ready(mapped) => {
                    convert_mapped(&script, state, &mapped, shift, self.line_mode, b, &mut out);
                    state.map = MapState::Ready(mapped);
                }
                other => {
                    state.map = other;
                    if !state.path.is_empty() {
                        convert_direct(&script, state, shift, self.line_mode, b, &mut out);
                    }
                }
            }
        }
        self.compat_lines = std::mem::take(&mut out.compat_lines);
        out.data
    }

    fn load(&self, url: &str, sources: &mut dyn FnMut(&str) -> Option<SourceText>) -> Cached {
        if !self.project.is_candidate(url) {
            return Cached::NotProject;
        }
        // Empty for a script outside the root, reported only through its source map.
        let path = self.project.relative_path(url).unwrap_or_default();
        match read_source(url, sources) {
            Ok(source) => Cached::Ready(Box::new(ScriptState::new(path, source))),
            Err(error) => Cached::Failed(error),
        }
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
    let has_bom = state.has_bom;
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
        // Without a mark the guess is 0: every start V8 reports is on a token.
        None => state.shift.unwrap_or_else(|| guess_shift(script, state)),
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

/// For a file seen only in takes without its top level: 1 if more function starts land on a
/// token start with the shift than without (only a file with a byte-order mark can be read one
/// unit off). The text is there: it is released only once the shift is known.
fn guess_shift(script: &Script<'_>, state: &ScriptState) -> u32 {
    let Some(source) = state.source.as_deref() else {
        return 0;
    };
    let on_token = |shift: u32| {
        script
            .functions()
            .filter_map(|f| f.ranges.first())
            .filter(|extent| {
                // A start past the source (an error found next) is on no token.
                let at = state
                    .index
                    .byte_offset(source, extent.start.saturating_add(shift));
                crate::method_ids::starts_token(source, at)
            })
            .count()
    };
    u32::from(on_token(1) > on_token(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::CoverageRange;

    /// Found by the fuzzer (tests/fixtures/fuzz/converter-start-at-u32-max.json): in a take
    /// without the top level, a function starting at 2^32-1 overflowed while the shift was
    /// guessed; it is an offset past the source.
    #[test]
    fn a_start_at_the_last_offset_is_out_of_range() {
        let mut coverage = Coverage::new();
        coverage.push_script("file:///p/a.js");
        coverage.push_function("f", true);
        coverage.push_range(CoverageRange {
            start: u32::MAX,
            end: u32::MAX,
            count: 1,
        });
        let mut converter = Converter::new(&Options {
            project_root: "/p".into(),
            ..Options::default()
        })
        .unwrap();
        let data = converter.convert(&coverage, &mut |_| Some(SourceText::Text("f();\n".into())));
        let errors: Vec<(&str, &str)> = data
            .errors
            .iter()
            .map(|e| (e.kind.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            errors,
            [(
                "offset-out-of-range",
                "file:///p/a.js: offset 4294967295 is past the end of the source (5 UTF-16 code units)"
            )]
        );
    }

    /// A take without the top level of a file with a byte-order mark, first seen in that take:
    /// when the functions' starts are on tokens with and without the shift (`m() {}`: `m` and
    /// `(`), the file is taken as V8 read it (no shift, as CommonJS does).
    #[test]
    fn an_undecided_shift_is_none() {
        let source = "\u{feff}x = { m() {} };\n";
        let mut coverage = Coverage::new();
        coverage.push_script("file:///p/a.js");
        coverage.push_function("m", false);
        coverage.push_range(CoverageRange {
            start: 7,
            end: 13,
            count: 2,
        });
        let mut converter = Converter::new(&Options {
            project_root: "/p".into(),
            ..Options::default()
        })
        .unwrap();
        let data = converter.convert(&coverage, &mut |_| Some(SourceText::Text(source.into())));
        let ids: Vec<(&str, u32)> = data
            .methods
            .iter()
            .map(|m| (m.id.as_str(), m.count))
            .collect();
        assert_eq!(ids, [("a.js@1,7", 2)]);
    }

    /// With every leaf on, the branch leaves that did not run have entries at 0 (here the
    /// implicit `else` of an `if` whose `then` ran every time); the file's text is known by its
    /// path afterwards.
    #[test]
    fn every_leaf_lists_the_leaves_that_did_not_run() {
        let source = "function f(x) {\n  if (x) {\n    return 1;\n  }\n  return 2;\n}\nf(1);\n";
        let mut coverage = Coverage::new();
        coverage.push_script("file:///p/a.js");
        coverage.push_function("", true);
        coverage.push_range(CoverageRange {
            start: 0,
            end: source.len() as u32,
            count: 1,
        });
        coverage.push_function("f", true);
        coverage.push_range(CoverageRange {
            start: 0,
            end: 54,
            count: 1,
        });
        let mut converter = Converter::new(&Options {
            project_root: "/p".into(),
            ..Options::default()
        })
        .unwrap();
        let branches = |converter: &mut Converter| {
            let data = converter.convert(&coverage, &mut |_| Some(SourceText::Text(source.into())));
            data.branches
                .iter()
                .map(|b| (b.id.clone(), b.count))
                .collect::<Vec<_>>()
        };
        assert_eq!(branches(&mut converter), [("a.js|2,2|0".into(), 1)]);
        converter.set_every_leaf(true);
        assert_eq!(
            branches(&mut converter),
            [("a.js|2,2|0".into(), 1), ("a.js|2,2|1".into(), 0)]
        );
        assert_eq!(
            converter.file_texts().into_iter().collect::<Vec<_>>(),
            [("a.js", source.into())]
        );
    }

    /// A bundle and its map, one take at a time: `dist/a.js` maps line for line to `src/a.ts`
    /// (a mapping at each line's start and at each function's name).
    const GENERATED: &str =
        "function a() {}\nfunction b() {}\na();\nb();\n//# sourceMappingURL=a.js.map\n";
    const ORIGINAL: &str = "function a() {}\nfunction b() {}\na();\nb();\n";

    fn map_json(with_content: bool) -> String {
        let content = if with_content {
            format!(",\"sourcesContent\":[{:?}]", ORIGINAL)
        } else {
            String::new()
        };
        format!(
            "{{\"version\":3,\"sources\":[\"../src/a.ts\"]{content},\"mappings\":\"AAAA,SAAS;AACT,SAAS;AACT;AACA\"}}"
        )
    }

    /// What the converter holds after [`two_takes`].
    struct Held {
        /// How often the script's source was asked for.
        asked: usize,
        texts: Vec<(String, String)>,
        /// Entries in the first-code table of the script's line table, then of each original's
        /// line table built.
        first_code: Vec<usize>,
    }

    /// The ids of what ran in each of two takes (`a` and the top level, then `b` alone, no top
    /// level), and what the converter holds after them.
    /// The bundle's coverage with `functions` (start, end) that ran: first `a` and the top level,
    /// then `b` alone, no top level.
    fn bundle_takes() -> [Coverage; 2] {
        let take = |functions: &[(u32, u32)]| {
            let mut coverage = Coverage::new();
            coverage.push_script("file:///p/dist/a.js");
            for &(start, end) in functions {
                coverage.push_function("", true);
                coverage.push_range(CoverageRange {
                    start,
                    end,
                    count: 1,
                });
            }
            coverage
        };
        [
            take(&[(0, GENERATED.len() as u32), (0, 15)]),
            take(&[(16, 31)]),
        ]
    }

    fn two_takes(options: Options, map: String) -> (Vec<Vec<String>>, Held) {
        let mut converter = Converter::new(&options).unwrap();
        let mut asked = 0;
        let ids = bundle_takes()
            .iter()
            .map(|coverage| {
                let data = converter.convert_with(
                    coverage,
                    Inputs {
                        // The original is not on the disk.
                        sources: &mut |url| {
                            asked += usize::from(url == "file:///p/dist/a.js");
                            (url == "file:///p/dist/a.js")
                                .then(|| SourceText::Text(GENERATED.into()))
                        },
                        source_maps: &mut |_| Some(SourceText::Text(map.clone())),
                        hits_only: true,
                    },
                );
                assert_eq!(data.errors, []);
                data.methods.iter().map(|m| m.id.clone()).collect()
            })
            .collect();
        let mut texts: Vec<(String, String)> = converter
            .file_texts()
            .into_iter()
            .map(|(path, text)| (path.to_owned(), text.into_owned()))
            .collect();
        texts.sort();
        let mut first_code = Vec::new();
        for cached in converter.scripts.values() {
            let Cached::Ready(state) = cached else {
                continue;
            };
            first_code.push(state.index.first_code().len());
            if let MapState::Ready(mapped) = &state.map {
                let originals = mapped.originals.iter().filter_map(|o| o.index.get());
                first_code.extend(originals.map(|index| index.first_code().len()));
            }
        }
        (
            ids,
            Held {
                asked,
                texts,
                first_code,
            },
        )
    }

    fn options(line_mode: LineMode) -> Options {
        Options {
            project_root: "/p".into(),
            line_mode,
            ..Options::default()
        }
    }

    /// Once the map is ready and carries its original's text, the bundle's own text is let go:
    /// a function first run after that still gets its id from the original.
    #[test]
    fn a_mapped_scripts_text_is_released_once_its_map_has_the_originals() {
        let (ids, held) = two_takes(options(LineMode::Default), map_json(true));
        assert_eq!(ids, [vec!["src/a.ts@1,9"], vec!["src/a.ts@2,9"]]);
        assert_eq!(held.texts, [("src/a.ts".into(), ORIGINAL.into())]);
        assert_eq!(held.asked, 1);
        // Lines are counted through the map: neither the script's line table nor the original's
        // keeps its first-code table.
        assert_eq!(held.first_code, [0, 0]);
    }

    /// Without the original's text, ids come from the generated code, which is kept for the
    /// functions that run later: let go while the map was read, it is asked for again.
    #[test]
    fn a_mapped_scripts_text_is_kept_when_an_original_has_no_text() {
        let (ids, held) = two_takes(options(LineMode::Default), map_json(false));
        assert_eq!(ids, [vec!["src/a.ts@1,9"], vec!["src/a.ts@2,9"]]);
        assert_eq!(held.texts, [("dist/a.js".into(), GENERATED.into())]);
        assert_eq!(held.asked, 2);
        // The script's line table with its text (6 lines); no original has a table.
        assert_eq!(held.first_code, [6]);
    }

    /// The compat rule reads the generated code on every conversion: kept.
    #[test]
    fn a_mapped_scripts_text_is_kept_in_compat_mode() {
        let (ids, held) = two_takes(options(LineMode::Compat), map_json(true));
        assert_eq!(ids, [vec!["src/a.ts@1,9"], vec!["src/a.ts@2,9"]]);
        assert_eq!(held.asked, 1);
        assert_eq!(held.first_code, [6, 0]);
        assert_eq!(
            held.texts,
            [
                ("dist/a.js".into(), GENERATED.into()),
                ("src/a.ts".into(), ORIGINAL.into())
            ]
        );
    }

    /// A script whose text is asked for again (an original without text) and comes back
    /// changed, or not at all, is reported on every take, never converted with the wrong text.
    #[test]
    fn a_text_asked_for_again_must_be_the_one_covered() {
        let changed = format!("{GENERATED} ");
        let cases: [(Option<&str>, &str); 2] = [
            (
                Some(&changed),
                "file:///p/dist/a.js: the source does not match the coverage (V8 covered 72 UTF-16 code units, the source has 73)",
            ),
            (None, "file:///p/dist/a.js: no source was given for this script"),
        ];
        for (again, message) in cases {
            let mut converter = Converter::new(&options(LineMode::Default)).unwrap();
            let mut asked = 0;
            for coverage in bundle_takes() {
                let data = converter.convert_with(
                    &coverage,
                    Inputs {
                        sources: &mut |url| {
                            asked += 1;
                            let text = if asked == 1 { Some(GENERATED) } else { again };
                            let text = text.filter(|_| url == "file:///p/dist/a.js")?;
                            Some(SourceText::Text(text.into()))
                        },
                        source_maps: &mut |_| Some(SourceText::Text(map_json(false))),
                        hits_only: true,
                    },
                );
                assert_eq!(data.methods.len(), 0);
                let errors: Vec<String> = data.errors.iter().map(|e| e.message.clone()).collect();
                assert_eq!(errors, [message]);
            }
        }
    }
}
