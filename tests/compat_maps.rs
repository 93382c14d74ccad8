//! The `compat` line mode through source maps: on the committed real tsc and esbuild builds of
//! `tests/fixtures/maps/` (whole-run V8 coverage), every original's line counts must equal what the
//! real v8-to-istanbul gives (recorded by `node tests/fixtures/maps/compat-oracle.mjs` into
//! `golden/compat-v8-to-istanbul.json`), and the default mode must not change.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::map_fixtures::{fixture_file, maps, BUILDS};
use std::collections::BTreeMap;
use std::fs;
use v8_footprints::{
    parse_coverage, Converter, FootprintData, Inputs, LineMode, Options, SourceText,
};

/// The whole-run take of `build`, converted in `line_mode`; the converter is returned for its
/// compat lines.
fn convert(build: &str, line_mode: LineMode) -> (FootprintData, Converter) {
    convert_with_originals(build, line_mode, true)
}

/// As [`convert`]; `originals`: whether the original `.ts` files can be read.
fn convert_with_originals(
    build: &str,
    line_mode: LineMode,
    originals: bool,
) -> (FootprintData, Converter) {
    let options = Options {
        project_root: "/project".into(),
        line_mode,
        ..Options::default()
    };
    let mut converter = Converter::new(&options).unwrap();
    let json = fs::read(maps().join(format!("coverage/{build}.json"))).unwrap();
    let coverage = parse_coverage(&json).unwrap();
    let mut read = |url: &str| {
        if !originals && url.ends_with(".ts") {
            return None;
        }
        Some(SourceText::Bytes(fs::read(fixture_file(url)?).ok()?))
    };
    let mut maps = |url: &str| Some(SourceText::Bytes(fs::read(fixture_file(url)?).ok()?));
    let data = converter.convert_with(
        &coverage,
        Inputs {
            sources: &mut read,
            source_maps: &mut maps,
            hits_only: false,
        },
    );
    assert!(data.errors.is_empty(), "{build}: {:?}", data.errors);
    (data, converter)
}

type Oracle = BTreeMap<String, BTreeMap<String, Vec<u32>>>;

fn oracle() -> Oracle {
    let text = fs::read_to_string(maps().join("golden/compat-v8-to-istanbul.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn compat_lines_through_maps_equal_v8_to_istanbul() {
    let oracle = oracle();
    for build in BUILDS {
        let (data, _) = convert(build, LineMode::Compat);
        let ours: BTreeMap<String, Vec<u32>> = data
            .files
            .iter()
            .map(|f| {
                let lines = f
                    .lines
                    .iter()
                    .map(|l| l.expect("compat lines are all counted"));
                (f.path.clone(), lines.collect())
            })
            .collect();
        assert_eq!(ours, oracle[build], "{build}");
    }
}

#[test]
fn compat_lines_are_reported_with_whether_a_range_spanned_them() {
    let (data, converter) = convert("tsc", LineMode::Compat);
    let app = data
        .files
        .iter()
        .position(|f| f.path == "src/app.ts")
        .unwrap() as u32;
    let lines: Vec<(u32, bool)> = converter
        .compat_lines()
        .iter()
        .filter(|l| l.0 == app)
        .map(|l| (l.1, l.2))
        .collect();
    // Every line of app.ts once, in order.
    assert_eq!(
        lines.iter().map(|l| l.0).collect::<Vec<_>>(),
        (0..data.files[app as usize].lines.len() as u32).collect::<Vec<_>>()
    );
    // Lines 10-11 (`app.use(...)` callback, 6 calls) and 31-33 (a never-run arm) are spanned;
    // line 1, a comment before the first mapping, is not.
    for (line, spanned) in [(0, false), (9, true), (10, true), (30, true), (31, true)] {
        assert_eq!(lines[line].1, !spanned, "line {}", line + 1);
    }
}

#[test]
fn the_default_mode_does_not_change() {
    for build in BUILDS {
        let (data, converter) = convert(build, LineMode::Default);
        assert!(converter.compat_lines().is_empty());
        let golden = fs::read_to_string(maps().join(format!("golden/{build}.json"))).unwrap();
        let golden: serde_json::Value = serde_json::from_str(&golden).unwrap();
        let ours: serde_json::Value = serde_json::from_str(&data.to_json()).unwrap();
        for file in ours["files"].as_array().unwrap() {
            let theirs = golden["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["path"] == file["path"])
                .unwrap();
            assert_eq!(file["lines"], theirs["lines"], "{build} {}", file["path"]);
        }
    }
}

#[test]
fn originals_with_no_text_keep_the_default_rule() {
    // tsc's maps carry no sourcesContent: with the .ts files unreadable there is no original text.
    let (compat, converter) = convert_with_originals("tsc", LineMode::Compat, false);
    let (default, _) = convert_with_originals("tsc", LineMode::Default, false);
    assert!(converter.compat_lines().is_empty());
    let lines = |data: &FootprintData| -> Vec<(String, Vec<Option<u32>>)> {
        data.files
            .iter()
            .map(|f| (f.path.clone(), f.lines.clone()))
            .collect()
    };
    assert_eq!(lines(&compat), lines(&default));
    // Not executable lines stay so (the default rule's `null`), e.g. app.ts line 1, a comment.
    let app = compat
        .files
        .iter()
        .find(|f| f.path == "src/app.ts")
        .unwrap();
    assert_eq!(app.lines[0], None);
}
