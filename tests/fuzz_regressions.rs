//! The inputs the converter's fuzzer (`tests/fuzz.rs`, docs/fuzzing.md) found bugs with, kept in
//! `tests/fixtures/fuzz/converter-*.json` (each says what it found): every one runs through the same
//! calls and checks as in the fuzzer (no panic, typed errors, well-formed results, bounded output),
//! here in the default `cargo test` (with overflow checks, as the fuzz profile has).

#![cfg(not(target_arch = "wasm32"))]

mod fuzz_case;

use std::path::Path;

#[test]
fn every_input_the_fuzzer_found_passes_its_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("converter-") && name.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 3,
        "the found inputs are in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let case: fuzz_case::Case = serde_json::from_str(&text).unwrap();
        match std::panic::catch_unwind(|| fuzz_case::run(&case)) {
            Ok(Ok(_)) => {}
            Ok(Err(why)) => failures.push(format!("{name}: {why}")),
            Err(_) => failures.push(format!("{name}: panicked (see above)")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
