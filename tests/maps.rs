//! Source-map goldens: real tsc and esbuild builds of `tests/fixtures/maps/` (an express-like
//! app with a dependency whose own map names a Windows path), with real V8 coverage of one run,
//! converted through their maps and compared with the reviewed results in
//! `tests/fixtures/maps/golden/`. `node tests/fixtures/maps/generate.mjs` rebuilds the fixtures;
//! `UPDATE_GOLDEN=1 cargo test --test maps` rewrites the goldens.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::map_fixtures::{fixture_file, maps, BUILDS};
use std::fs;
use v8_footprints::{parse_coverage, Converter, FootprintData, Inputs, Options, SourceText};

/// Converts each take (JSON of one take) with one converter, as a warm process does.
/// `originals`: whether the original `.ts` files can be read (else only the scripts can).
fn convert_takes(takes: &[Vec<u8>], originals: bool) -> Vec<FootprintData> {
    convert_takes_with(takes, originals, false)
}

/// As [`convert_takes`]; `hits_only`: the layer's path (only what ran).
fn convert_takes_with(takes: &[Vec<u8>], originals: bool, hits_only: bool) -> Vec<FootprintData> {
    let options = Options {
        project_root: "/project".into(),
        ..Options::default()
    };
    let mut converter = Converter::new(&options).unwrap();
    let mut sources = |url: &str| {
        if !originals && url.ends_with(".ts") {
            return None;
        }
        Some(SourceText::Bytes(fs::read(fixture_file(url)?).ok()?))
    };
    let mut maps =
        |location: &str| Some(SourceText::Bytes(fs::read(fixture_file(location)?).ok()?));
    takes
        .iter()
        .map(|json| {
            let coverage = parse_coverage(json).unwrap();
            converter.convert_with(
                &coverage,
                Inputs {
                    sources: &mut sources,
                    source_maps: &mut maps,
                    hits_only,
                },
            )
        })
        .collect()
}

/// The whole-run take of a build.
fn whole_run(build: &str, originals: bool) -> FootprintData {
    let json = fs::read(maps().join(format!("coverage/{build}.json"))).unwrap();
    convert_takes(&[json], originals).pop().unwrap()
}

/// The takes of the same run, taken after the `require` and after each event.
fn per_take(build: &str) -> Vec<FootprintData> {
    let text = fs::read_to_string(maps().join(format!("coverage/{build}.takes.json"))).unwrap();
    let takes: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(&text).unwrap();
    let takes: Vec<Vec<u8>> = takes.iter().map(|t| t.get().as_bytes().to_vec()).collect();
    convert_takes(&takes, true)
}

/// The reviewable JSON of a result (see tests/common).
fn reviewable(data: &FootprintData) -> String {
    common::reviewable(&serde_json::from_str(&data.to_json()).unwrap())
}

fn check_golden(name: &str, data: &FootprintData, failures: &mut Vec<String>) {
    let path = maps().join("golden").join(format!("{name}.json"));
    let actual = reviewable(data);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &actual).unwrap();
        return;
    }
    match fs::read_to_string(&path) {
        Ok(expected) if expected == actual => {}
        Ok(_) => failures.push(format!("{} differs from its golden output", path.display())),
        Err(_) => failures.push(format!("{} is missing", path.display())),
    }
}

#[test]
fn every_build_matches_its_golden_output() {
    let mut failures = Vec::new();
    for build in BUILDS {
        check_golden(build, &whole_run(build, true), &mut failures);
    }
    // Neither the map's text nor the files: ids are the generated id positions mapped back.
    check_golden(
        "esbuild-nocontent.no-originals",
        &whole_run("esbuild-nocontent", false),
        &mut failures,
    );
    check_golden("tsc.no-originals", &whole_run("tsc", false), &mut failures);
    assert!(
        failures.is_empty(),
        "{}\n(review the change, then UPDATE_GOLDEN=1 cargo test --test maps)",
        failures.join("\n")
    );
}

type FileLines = (String, Vec<Option<u32>>);

/// The footprints that several takes must add up to: files with their lines, and methods with
/// their counts and lines, by path and id (branches are V8's blocks, reported only where a
/// block's count differs from its parent's in that take, so they are a lower bound per take).
fn additive_part(data: &FootprintData) -> (Vec<FileLines>, Vec<String>) {
    let mut files: Vec<_> = data
        .files
        .iter()
        .map(|f| (f.path.clone(), f.lines.clone()))
        .collect();
    files.sort();
    let mut methods: Vec<_> = data
        .methods
        .iter()
        .map(|m| {
            let path = &data.files[m.file as usize].path;
            format!("{} {path} x{} lines {:?}", m.id, m.count, m.lines)
        })
        .collect();
    methods.sort();
    (files, methods)
}

#[test]
fn takes_add_up_to_the_whole_run() {
    for build in BUILDS {
        let takes = per_take(build);
        assert_eq!(takes.len(), 7, "{build}: the require and six events");
        let mut sum = FootprintData::default();
        for take in &takes {
            assert_eq!(take.errors, [], "{build}");
            sum.add(take);
        }
        let whole = whole_run(build, true);
        assert_eq!(
            additive_part(&sum),
            additive_part(&whole),
            "{build}: the takes of a run add up to one take of it"
        );
    }
}

/// The layer's path gives the full result less what did not run and the files' line counts,
/// through maps too.
#[test]
fn hits_only_is_the_full_result_less_what_did_not_run() {
    for build in BUILDS {
        let json = fs::read(maps().join(format!("coverage/{build}.json"))).unwrap();
        let mut full = convert_takes(std::slice::from_ref(&json), true)
            .pop()
            .unwrap();
        let hits = convert_takes_with(&[json], true, true).pop().unwrap();
        full.methods.retain(|m| m.count > 0);
        full.branches.retain(|b| b.count > 0);
        for file in &mut full.files {
            file.lines.clear();
        }
        assert_eq!(hits, full, "{build}");
    }
}

/// ES modules written with a byte-order mark (V8's offsets one smaller than the file's, the map's
/// columns on line 1 not counting it) give the footprints of the same modules without one.
#[test]
fn a_byte_order_mark_stripped_by_the_loader() {
    let (bom, plain) = (whole_run("tsc-esm-bom", true), whole_run("tsc-esm", true));
    assert_eq!(additive_part(&bom), additive_part(&plain));
}

#[test]
fn a_dependency_built_on_windows_is_not_the_project() {
    // esbuild copied `c:/Projects/decorators/deprecated/src/index.ts` from the dependency's map
    // (its sourceRoot); a Windows path is never under the project root.
    let map = fs::read_to_string(maps().join("dist/esbuild/app.js.map")).unwrap();
    assert!(map.contains("\"c:/Projects/decorators/deprecated/src/index.ts\""));
    for build in ["esbuild", "esbuild-nocontent"] {
        let data = whole_run(build, true);
        let paths: Vec<&str> = data.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/app.ts", "src/router.ts"], "{build}");
        assert!(data.methods.iter().all(|m| m.id.starts_with("src/")));
    }
}

/// A delta take of a module whose byte-order mark the loader stripped, converted by a converter
/// that never saw the module's top level: the shift is found from the functions' starts, and the
/// footprints are those a converter that saw the first take gives.
#[test]
fn a_first_take_without_the_top_level_finds_the_shift() {
    let text = fs::read_to_string(maps().join("coverage/tsc-esm-bom.takes.json")).unwrap();
    let takes: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(&text).unwrap();
    let takes: Vec<Vec<u8>> = takes.iter().map(|t| t.get().as_bytes().to_vec()).collect();
    assert!(
        !String::from_utf8_lossy(&takes[1]).contains("\"startOffset\":0,"),
        "the second take has no top level"
    );
    let warm = convert_takes(&takes, true);
    for (i, take) in takes.iter().enumerate().skip(1) {
        let fresh = convert_takes(std::slice::from_ref(take), true)
            .pop()
            .unwrap();
        assert_eq!(fresh.errors, [], "take {i}");
        assert_eq!(additive_part(&fresh), additive_part(&warm[i]), "take {i}");
    }
}

/// The converter's own answers: its root, and which script URLs it looks at (the JS glue packs
/// only those).
#[test]
fn which_scripts_the_converter_looks_at() {
    let options = Options {
        project_root: "/project/./dist/..".into(),
        ..Options::default()
    };
    let converter = Converter::new(&options).unwrap();
    assert_eq!(converter.project_root(), "/project");
    let json = fs::read_to_string(maps().join("coverage/tsc.json")).unwrap();
    let coverage: serde_json::Value = serde_json::from_str(&json).unwrap();
    let looked_at: Vec<(&str, bool)> = coverage["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .map(|url| (url, converter.is_project_script(url)))
        .collect();
    assert_eq!(
        looked_at,
        [
            ("file:///project/dist/tsc/app.js", true),
            (
                "file:///project/node_modules/deprecated/lib/index.js",
                false
            ),
            ("file:///project/dist/tsc/router.js", true),
        ]
    );
}

/// Sources that do not match the coverage: one unit longer without a byte-order mark, and a range
/// past the end of a module whose mark the loader stripped. Each is a typed error for its script;
/// the other scripts are converted.
#[test]
fn sources_that_do_not_match_the_coverage() {
    let convert_one = |build: &str, edit: &dyn Fn(&str, &mut String, &mut serde_json::Value)| {
        let json = fs::read_to_string(maps().join(format!("coverage/{build}.json"))).unwrap();
        let mut coverage: serde_json::Value = serde_json::from_str(&json).unwrap();
        let router = format!("file:///project/dist/{build}/router.js");
        let mut text = fs::read_to_string(fixture_file(&router).unwrap()).unwrap();
        edit(&router, &mut text, &mut coverage);
        let options = Options {
            project_root: "/project".into(),
            ..Options::default()
        };
        let mut sources = |url: &str| {
            if url == router {
                return Some(SourceText::Text(text.clone()));
            }
            Some(SourceText::Bytes(fs::read(fixture_file(url)?).ok()?))
        };
        let mut maps = |l: &str| Some(SourceText::Bytes(fs::read(fixture_file(l)?).ok()?));
        let coverage = parse_coverage(coverage.to_string().as_bytes()).unwrap();
        let data = Converter::new(&options).unwrap().convert_with(
            &coverage,
            Inputs {
                sources: &mut sources,
                source_maps: &mut maps,
                hits_only: false,
            },
        );
        let errors: Vec<(String, String)> = data
            .errors
            .iter()
            .map(|e| (e.url.clone(), e.kind.clone()))
            .collect();
        let paths: Vec<String> = data.files.iter().map(|f| f.path.clone()).collect();
        (errors, paths)
    };
    let longer = convert_one("tsc", &|_, text, _| text.push(' '));
    assert_eq!(
        longer,
        (
            vec![(
                "file:///project/dist/tsc/router.js".into(),
                "source-mismatch".into()
            )],
            vec!["src/app.ts".into()]
        )
    );
    let past_the_end = convert_one("tsc-esm-bom", &|router, text, coverage| {
        // The file's length in UTF-16 units is one more than V8's top level (the mark).
        let length = text.encode_utf16().count() as u64;
        let script = coverage["result"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|s| s["url"] == *router)
            .unwrap();
        assert_eq!(script["functions"][0]["ranges"][0]["endOffset"], length - 1);
        script["functions"][1]["ranges"][0]["endOffset"] = length.into();
    });
    assert_eq!(
        past_the_end,
        (
            vec![(
                "file:///project/dist/tsc-esm-bom/router.js".into(),
                "offset-out-of-range".into()
            )],
            vec!["src/app.ts".into()]
        )
    );
}

/// The same scripts twice in one take (a module loaded again): one entry per file and per method,
/// the counts of both, each method's lines once.
#[test]
fn the_same_url_twice_in_a_take() {
    for build in BUILDS {
        let json = fs::read_to_string(maps().join(format!("coverage/{build}.json"))).unwrap();
        let mut coverage: serde_json::Value = serde_json::from_str(&json).unwrap();
        let scripts = coverage["result"].as_array().unwrap().clone();
        coverage["result"].as_array_mut().unwrap().extend(scripts);
        let twice = convert_takes(&[coverage.to_string().into_bytes()], true)
            .pop()
            .unwrap();
        let mut once = whole_run(build, true);
        for file in &mut once.files {
            for count in file.lines.iter_mut().flatten() {
                *count *= 2;
            }
        }
        for method in &mut once.methods {
            method.count *= 2;
        }
        assert_eq!(twice.files, once.files, "{build}");
        assert_eq!(twice.methods, once.methods, "{build}");
    }
}
