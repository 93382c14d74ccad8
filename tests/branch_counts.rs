//! Branch footprints from real V8 coverage of flattened logical chains (parenthesised inner
//! chains, mixed `??`, functions as first operands), checked against the ids and counts acorn's
//! oracle computes from the same coverage (tests/fixtures/branch-forms/generate.mjs writes both).

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use v8_footprints::{parse_coverage, Converter, Options, SourceText};

fn forms() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/branch-forms")
}

#[test]
fn chains_count_each_leaf_as_the_oracle_does() {
    let text = fs::read_to_string(forms().join("expected.json")).unwrap();
    let expected: BTreeMap<String, Vec<String>> = serde_json::from_str(&text).unwrap();
    let coverage =
        parse_coverage(&fs::read(forms().join("chains.coverage.json")).unwrap()).unwrap();
    let options = Options {
        project_root: "/project".into(),
        ..Options::default()
    };
    let mut converter = Converter::new(&options).unwrap();
    let mut sources = |url: &str| {
        (url == "file:///project/chains.mjs")
            .then(|| SourceText::Bytes(fs::read(forms().join("chains.mjs")).unwrap()))
    };
    let data = converter.convert(&coverage, &mut sources);
    let mut found: Vec<String> = (data.branches.iter())
        .map(|branch| format!("{} {}", branch.id, branch.count))
        .collect();
    found.sort();
    assert_eq!(found, expected["chains.mjs footprints"]);
}
