//! Where the source-map fixtures are: the real tsc and esbuild builds of `tests/fixtures/maps/`,
//! shared by `tests/maps.rs` (the goldens) and `tests/compat_maps.rs` (compat lines).

// Each test binary that includes `common` uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The builds of the fixture app, each a folder of `tests/fixtures/maps/`.
pub const BUILDS: [&str; 5] = [
    "tsc",
    "esbuild",
    "esbuild-nocontent",
    "tsc-esm",
    "tsc-esm-bom",
];

/// `tests/fixtures/maps/`.
pub fn maps() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/maps")
}

/// The fixture file a `file:///project/...` URL or `/project/...` path names.
pub fn fixture_file(location: &str) -> Option<PathBuf> {
    let rest = location
        .strip_prefix("file:///project/")
        .or_else(|| location.strip_prefix("/project/"))?;
    Some(maps().join(rest))
}
