//! One fuzz case of the converter and the checks it must pass, shared by the fuzzer
//! (`tests/fuzz.rs`, run by `./build.sh fuzz`) and the replay of the inputs that found bugs
//! (`tests/fuzz_regressions.rs`, inputs in `tests/fixtures/fuzz/`).
//!
//! A case drives the same core calls the WebAssembly binding makes: `Converter::new` with the
//! options, `parse_coverage` on each take, `convert_with` asking for sources and maps by URL, and
//! on the layer's path (`hits_only`) the open invocations, the pending hits and the request body.
//! The checks: the calls return (a panic is caught by the caller), every error is typed (a
//! known kind, a message naming the script), the result is well-formed JSON whose indices point
//! where they should, and the output stays within a bound proportional to the input.

#![allow(dead_code)] // each test binary uses part of it

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use v8_footprints::{
    parse_coverage, BodyMeta, Converter, Coverage, Error, FootprintData, HitInfo, Inputs, LineMode,
    OpenInvocations, Options, PendingHits, SourceText,
};

/// Text, or bytes that may not be UTF-8 (stored as hex in a case file).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Blob {
    /// UTF-8 text.
    Text(String),
    /// Any bytes, as lowercase hex.
    Hex(String),
}

impl Blob {
    /// The blob as the bytes it stands for.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Blob::Text(text) => text.as_bytes().to_vec(),
            Blob::Hex(hex) => (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0))
                .collect(),
        }
    }

    /// Bytes kept as text when they are UTF-8.
    pub fn from_bytes(bytes: Vec<u8>) -> Blob {
        match String::from_utf8(bytes) {
            Ok(text) => Blob::Text(text),
            Err(e) => Blob::Hex(e.into_bytes().iter().map(|b| format!("{b:02x}")).collect()),
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Blob::Text(text) => text.len(),
            Blob::Hex(hex) => hex.len() / 2,
        }
    }

    fn source_text(&self) -> SourceText {
        match self {
            Blob::Text(text) => SourceText::Text(text.clone()),
            Blob::Hex(_) => SourceText::Bytes(self.bytes()),
        }
    }
}

/// The converter's options (as the binding builds them from the JS options).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CaseOptions {
    pub project_root: String,
    pub cwd: String,
    pub script_root: Option<String>,
    pub build_root: Option<String>,
    pub exclude: Vec<String>,
    pub compat: bool,
}

/// One input: options, coverage takes converted in turn by one converter (a warm process), and
/// the files the converter may ask for, by path (`file://` URLs are looked up without the scheme).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Case {
    pub options: CaseOptions,
    pub takes: Vec<Blob>,
    pub files: Vec<(String, Blob)>,
    /// Whether `source_maps` answers (the package reads maps from disk; a page may not).
    pub maps_readable: bool,
    /// The layer's path: only what ran, kept as pending hits and sent as a body.
    pub hits_only: bool,
    /// Capacity of the pending hits and the most hits per body (layer's path only).
    pub pending: (usize, usize),
}

/// What a case produced, for the fuzzer's figures.
#[derive(Default, Debug)]
pub struct Outcome {
    /// Bytes of JSON written (results, bodies).
    pub output_bytes: usize,
    /// Typed errors returned.
    pub errors: usize,
    /// Methods found in all takes (how deep the case went).
    pub methods: usize,
    /// The kinds of the errors, in order.
    pub kinds: Vec<&'static str>,
}

const KINDS: [&str; 8] = [
    "json",
    "shape",
    "offset-out-of-range",
    "source-mismatch",
    "missing-source",
    "non-utf8",
    "source-map",
    "option",
];

/// Output may be this many times the input, plus a constant (ids repeat paths; every line of a
/// file is a count).
pub const OUTPUT_FACTOR: usize = 24;
/// The constant part of the output bound.
pub const OUTPUT_SLACK: usize = 64 * 1024;

impl Case {
    /// Bytes of input: takes and files.
    pub fn input_bytes(&self) -> usize {
        self.takes.iter().map(Blob::len).sum::<usize>()
            + self
                .files
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
            + self.options.exclude.iter().map(String::len).sum::<usize>()
    }
}

fn check_error(error: &Error, context: &str) -> Result<(), String> {
    let message = error.to_string();
    if !KINDS.contains(&error.kind()) || message.is_empty() {
        return Err(format!("{context}: untyped error {error:?}"));
    }
    if let Error::Json { line, .. } = error {
        if *line == 0 {
            return Err(format!(
                "{context}: JSON error without a position: {error:?}"
            ));
        }
    }
    Ok(())
}

/// Checks a conversion's result against the coverage it came from; returns the JSON's length.
/// `compat`: files' lines are v8-to-istanbul's (split at `\n` only) while methods' lines are
/// JavaScript's, so they are not compared.
fn check_data(data: &FootprintData, coverage: &Coverage, compat: bool) -> Result<usize, String> {
    let json = data.to_json();
    serde_json::from_str::<serde_json::Value>(&json)
        .map_err(|e| format!("the result is not JSON ({e}): {}", clip(&json)))?;
    let urls: Vec<&str> = coverage.scripts().map(|s| s.url).collect();
    for error in &data.errors {
        if !KINDS.contains(&error.kind.as_str()) || error.message.is_empty() {
            return Err(format!("untyped script error {error:?}"));
        }
        if !urls.contains(&error.url.as_str()) {
            return Err(format!(
                "a script error names no script of the take: {error:?}"
            ));
        }
    }
    let files = data.files.len() as u32;
    for method in &data.methods {
        if method.file >= files || method.id.is_empty() {
            return Err(format!("a method points nowhere: {method:?}"));
        }
        if method.lines.contains(&0) {
            return Err(format!("a method owns line 0: {method:?}"));
        }
        let lines = data.files[method.file as usize].lines.len() as u32;
        if compat {
            continue;
        }
        if let Some(line) = method.lines.iter().find(|&&l| l > lines) {
            return Err(format!(
                "method {} owns line {line} of a file of {lines} lines",
                method.id
            ));
        }
    }
    for branch in &data.branches {
        if branch.file >= files || branch.id.is_empty() {
            return Err(format!("a branch points nowhere: {branch:?}"));
        }
    }
    Ok(json.len())
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Runs the case; `Err` names the first check that failed (a panic propagates to the caller).
pub fn run(case: &Case) -> Result<Outcome, String> {
    let mut outcome = Outcome::default();
    let o = &case.options;
    let options = Options {
        project_root: o.project_root.clone(),
        cwd: o.cwd.clone(),
        script_root: o.script_root.clone(),
        build_root: o.build_root.clone(),
        exclude: o.exclude.clone(),
        include: Vec::new(),
        line_mode: if o.compat {
            LineMode::Compat
        } else {
            LineMode::Default
        },
    };
    let mut converter = match Converter::new(&options) {
        Ok(converter) => converter,
        Err(error) => {
            check_error(&error, "options")?;
            outcome.errors += 1;
            outcome.kinds.push(error.kind());
            return Ok(outcome);
        }
    };
    let _ = converter.project_root();
    let files: HashMap<&str, &Blob> = case.files.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let find = |url: &str| -> Option<SourceText> {
        let key = url.strip_prefix("file://").unwrap_or(url);
        files.get(key).map(|blob| blob.source_text())
    };
    let mut sources = |url: &str| find(url);
    let mut maps = |location: &str| {
        if case.maps_readable {
            find(location)
        } else {
            None
        }
    };
    let mut pending = PendingHits::new(case.pending.0);
    let mut open = OpenInvocations::new(3);
    let meta = BodyMeta {
        agent_id: "agent".into(),
        lab_id: "lab".into(),
        build_session_id: "bsid".into(),
        ..BodyMeta::default()
    };
    for (take_index, take) in case.takes.iter().enumerate() {
        let coverage = match parse_coverage(&take.bytes()) {
            Ok(coverage) => coverage,
            Err(error) => {
                check_error(&error, "coverage")?;
                outcome.errors += 1;
                outcome.kinds.push(error.kind());
                continue;
            }
        };
        for script in coverage.scripts() {
            let _ = converter.is_project_script(script.url);
        }
        let key = take_index as u32;
        if case.hits_only {
            open.open(key);
        }
        let mut data = converter.convert_with(
            &coverage,
            Inputs {
                sources: &mut sources,
                source_maps: &mut maps,
                hits_only: case.hits_only,
            },
        );
        outcome.output_bytes += check_data(&data, &coverage, o.compat)?;
        outcome.errors += data.errors.len();
        outcome.methods += data.methods.len();
        for error in &data.errors {
            if std::env::var_os("FUZZ_VERBOSE").is_some() {
                eprintln!("{}: {}", error.kind, clip(&error.message));
            }
            outcome.kinds.push(
                KINDS
                    .iter()
                    .find(|k| **k == error.kind)
                    .copied()
                    .unwrap_or("?"),
            );
        }
        if case.hits_only {
            data.errors.clear();
            let info = HitInfo {
                execution_id: if take_index % 2 == 0 { "e1" } else { "" }.into(),
                test_name: Some(format!("test \u{1f600} {take_index}")),
                start: 1,
                end: 2,
                ..HitInfo::default()
            };
            open.add_window(data.clone());
            pending.push(info.clone(), data);
            if let Some(window) = open.close(key) {
                pending.push(info, window);
            }
            if let Some(next) = pending.next_body(&meta, "e1", case.pending.1) {
                serde_json::from_str::<serde_json::Value>(&next.body)
                    .map_err(|e| format!("the body is not JSON ({e}): {}", clip(&next.body)))?;
                outcome.output_bytes += next.body.len();
                pending.confirm(next.hits);
            }
        }
    }
    let limit = OUTPUT_FACTOR * case.input_bytes() + OUTPUT_SLACK;
    if outcome.output_bytes > limit {
        return Err(format!(
            "{} bytes of output for {} bytes of input",
            outcome.output_bytes,
            case.input_bytes()
        ));
    }
    Ok(outcome)
}
