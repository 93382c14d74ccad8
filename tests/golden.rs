//! Golden tests: every fixture of `tests/fixtures/coverage/index.json` (real V8 output of the
//! sources in `tests/fixtures/src`) converted in both line modes and compared with the reviewed
//! results in `tests/fixtures/golden/`. `UPDATE_GOLDEN=1 cargo test --test golden` rewrites them.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use v8_footprints::{parse_coverage, Converter, LineMode, Options, SourceText};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

struct Fixture {
    coverage: String,
    sources: HashMap<String, String>,
}

fn index() -> Vec<Fixture> {
    let text = fs::read_to_string(fixtures().join("coverage/index.json")).expect("fixture index");
    let entries: serde_json::Value = serde_json::from_str(&text).unwrap();
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| Fixture {
            coverage: entry["coverage"].as_str().unwrap().to_owned(),
            sources: entry["sources"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(url, path)| (url.clone(), path.as_str().unwrap().to_owned()))
                .collect(),
        })
        .collect()
}

fn convert(fixture: &Fixture, line_mode: LineMode) -> String {
    convert_times(fixture, line_mode, 1).pop().unwrap()
}

/// Converts the fixture `times` times with one converter (a warm process).
fn convert_times(fixture: &Fixture, line_mode: LineMode, times: usize) -> Vec<String> {
    let json = fs::read(fixtures().join("coverage").join(&fixture.coverage)).unwrap();
    let coverage = parse_coverage(&json).unwrap();
    let options = Options {
        project_root: "/project".into(),
        line_mode,
        ..Options::default()
    };
    let mut converter = Converter::new(&options).unwrap();
    let mut sources = |url: &str| {
        let path = fixture.sources.get(url)?;
        Some(SourceText::Bytes(fs::read(fixtures().join(path)).ok()?))
    };
    (0..times)
        .map(|_| {
            let data = converter.convert(&coverage, &mut sources);
            let value: serde_json::Value = serde_json::from_str(&data.to_json()).unwrap();
            common::reviewable(&value)
        })
        .collect()
}

fn golden_name(coverage: &str, line_mode: LineMode) -> String {
    let stem = coverage.strip_suffix(".json").unwrap();
    match line_mode {
        LineMode::Default => format!("{stem}.json"),
        LineMode::Compat => format!("{stem}.compat.json"),
    }
}

#[test]
fn every_fixture_matches_its_golden_output() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let golden_dir = fixtures().join("golden");
    fs::create_dir_all(&golden_dir).unwrap();
    let mut failures = Vec::new();
    let fixtures = index();
    assert!(
        fixtures.len() >= 20,
        "the fixture index lists too few fixtures"
    );
    for fixture in &fixtures {
        for mode in [LineMode::Default, LineMode::Compat] {
            let actual = convert(fixture, mode);
            let path = golden_dir.join(golden_name(&fixture.coverage, mode));
            if update {
                fs::write(&path, &actual).unwrap();
                continue;
            }
            match fs::read_to_string(&path) {
                Ok(expected) if expected == actual => {}
                Ok(_) => {
                    failures.push(format!("{} differs from its golden output", path.display()))
                }
                Err(_) => failures.push(format!("{} is missing", path.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(review the change, then UPDATE_GOLDEN=1 cargo test --test golden)",
        failures.join("\n")
    );
}

#[test]
fn conversions_report_no_errors_on_fixtures_but_the_missing_map() {
    for fixture in index() {
        let out = convert(&fixture, LineMode::Default);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors = value["errors"].as_array().unwrap();
        if fixture
            .sources
            .contains_key("file:///project/src/uses-dep.js")
        {
            // uses-dep.js names a map that does not exist: one typed error, and the script
            // is still reported at its own positions.
            assert_eq!(errors.len(), 1, "{}", fixture.coverage);
            assert_eq!(errors[0]["kind"], "source-map");
            assert!(errors[0]["message"]
                .as_str()
                .unwrap()
                .contains("uses-dep.js.map"));
        } else {
            assert!(errors.is_empty(), "{}: {errors:?}", fixture.coverage);
        }
        assert!(
            !value["files"].as_array().unwrap().is_empty(),
            "{}",
            fixture.coverage
        );
    }
}

#[test]
fn a_warm_converter_gives_the_same_result_again() {
    for fixture in index() {
        for mode in [LineMode::Default, LineMode::Compat] {
            let results = convert_times(&fixture, mode, 3);
            assert_eq!(results[0], results[1], "{} {mode:?}", fixture.coverage);
            assert_eq!(results[0], results[2], "{} {mode:?}", fixture.coverage);
        }
    }
}

/// The layer's path (`hits_only`) gives the same footprints as a full conversion, less what
/// did not run and the files' line counts.
#[test]
fn hits_only_is_the_full_result_less_what_did_not_run() {
    use v8_footprints::Inputs;
    for fixture in index() {
        let json = fs::read(fixtures().join("coverage").join(&fixture.coverage)).unwrap();
        let coverage = parse_coverage(&json).unwrap();
        let convert = |hits_only: bool| {
            let options = Options {
                project_root: "/project".into(),
                ..Options::default()
            };
            let mut converter = Converter::new(&options).unwrap();
            let mut sources = |url: &str| {
                let path = fixture.sources.get(url)?;
                Some(SourceText::Bytes(fs::read(fixtures().join(path)).ok()?))
            };
            let mut maps = |_: &str| None;
            converter.convert_with(
                &coverage,
                Inputs {
                    sources: &mut sources,
                    source_maps: &mut maps,
                    hits_only,
                },
            )
        };
        let (mut full, hits) = (convert(false), convert(true));
        full.methods.retain(|m| m.count > 0);
        full.branches.retain(|b| b.count > 0);
        for file in &mut full.files {
            file.lines.clear();
        }
        assert_eq!(full, hits, "{}", fixture.coverage);
    }
}

/// Counts of several takes add up: take 1 + take 2 of one process, summed with
/// `FootprintData::add`, give each method the calls of both takes and each line both counts.
#[test]
fn takes_add_up() {
    let take = |name: &str| {
        let json = fs::read(fixtures().join("coverage").join(name)).unwrap();
        let coverage = parse_coverage(&json).unwrap();
        let options = Options {
            project_root: "/project".into(),
            ..Options::default()
        };
        let mut sources = |_: &str| {
            Some(SourceText::Bytes(
                fs::read(fixtures().join("src/twice.js")).unwrap(),
            ))
        };
        Converter::new(&options)
            .unwrap()
            .convert(&coverage, &mut sources)
    };
    let (first, second) = (take("twice.take1.json"), take("twice.take2.json"));
    let mut total = first.clone();
    total.add(&second);
    for method in &total.methods {
        let count_in = |data: &v8_footprints::FootprintData| {
            data.methods
                .iter()
                .find(|m| m.id == method.id)
                .map_or(0, |m| m.count)
        };
        assert_eq!(
            method.count,
            count_in(&first) + count_in(&second),
            "{}",
            method.id
        );
    }
    assert_eq!(total.methods.len(), 3);
    for (line, count) in total.files[0].lines.iter().enumerate() {
        let a = first.files[0].lines[line];
        let b = second.files[0].lines.get(line).copied().flatten();
        let expected = match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        assert_eq!(*count, expected, "line {}", line + 1);
    }
    // The method that ran only in the second take has that take's lines.
    let only = total
        .methods
        .iter()
        .find(|m| m.name == "onlyInTake2")
        .unwrap();
    assert!(only.count > 0 && !only.lines.is_empty());
}
