//! The same golden fixtures, converted by the crate compiled to WebAssembly and run in Node by
//! `wasm-bindgen-test` (`./build.sh test` runs it): the wasm build must give byte-identical
//! results to the native one.
#![cfg(target_arch = "wasm32")]

use v8_footprints::{parse_coverage, Converter, LineMode, Options, SourceText};
use wasm_bindgen_test::wasm_bindgen_test;

macro_rules! fixture {
    ($coverage:literal, $url:literal, $source:literal, $golden:literal, $mode:expr) => {
        check(
            include_bytes!(concat!("fixtures/coverage/", $coverage)),
            $url,
            include_str!(concat!("fixtures/", $source)),
            include_str!(concat!("fixtures/golden/", $golden)),
            $mode,
        )
    };
}

fn check(coverage: &[u8], url: &str, source: &str, golden: &str, line_mode: LineMode) {
    let coverage = parse_coverage(coverage).unwrap();
    let options = Options {
        project_root: "/project".into(),
        line_mode,
        ..Options::default()
    };
    let mut converter = Converter::new(&options).unwrap();
    let mut sources = |u: &str| (u == url).then(|| SourceText::Text(source.to_owned()));
    let actual: serde_json::Value =
        serde_json::from_str(&converter.convert(&coverage, &mut sources).to_json()).unwrap();
    let expected: serde_json::Value = serde_json::from_str(golden).unwrap();
    assert_eq!(actual, expected);
}

#[wasm_bindgen_test]
fn unicode_and_line_terminators() {
    fixture!(
        "unicode.json",
        "file:///project/src/unicode.js",
        "src/unicode.js",
        "unicode.json",
        LineMode::Default
    );
    fixture!(
        "crlf.json",
        "file:///project/src/crlf.js",
        "src/crlf.js",
        "crlf.json",
        LineMode::Default
    );
    fixture!(
        "cr.json",
        "file:///project/src/cr.js",
        "src/cr.js",
        "cr.compat.json",
        LineMode::Compat
    );
}

#[wasm_bindgen_test]
fn classes_and_byte_order_marks() {
    fixture!(
        "classes.json",
        "file:///project/src/classes.js",
        "src/classes.js",
        "classes.json",
        LineMode::Default
    );
    fixture!(
        "bom-esm.json",
        "file:///project/src/bom.mjs",
        "src/bom.mjs",
        "bom-esm.json",
        LineMode::Default
    );
}

#[wasm_bindgen_test]
fn a_large_real_library() {
    fixture!(
        "lodash.json",
        "file:///project/src/lodash.js",
        "src/lodash.js",
        "lodash.json",
        LineMode::Default
    );
    fixture!(
        "lodash.json",
        "file:///project/src/lodash.js",
        "src/lodash.js",
        "lodash.compat.json",
        LineMode::Compat
    );
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_trap() {
    let error = parse_coverage(b"{\"result\": [").unwrap_err();
    assert_eq!(error.kind(), "json");
}
