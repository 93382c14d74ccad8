//! # v8-footprints
//!
//! Turns V8 precise coverage (what `Profiler.takePreciseCoverage` returns, or the files Node
//! writes under `NODE_V8_COVERAGE`) into *footprints* for a test-intelligence backend: per file
//! relative to the project root, the methods that ran with the unique ids the backend's build
//! scanner records, the lines that ran, and the branches.
//!
//! The data path, one module per step:
//! `coverage_json` reads the input into the flat `coverage` model; `project` keeps the
//! project's scripts; `line_index` builds each source's line table once; `segments` applies
//! the innermost-range-wins rule; `lines` (or `compat`, and `compat_mapped` through a map, summed over takes by
//! `compat_total`) gives line counts; `method_ids` finds
//! each function's id position and `ids` writes the ids; `branches` finds the branches the
//! build scanner numbers and `branch_hits` counts their leaves; `source_map` finds and decodes
//! maps and `script_map` makes a script's map ready; `converter` orchestrates them into
//! `footprints`, at a script's own positions (`direct`) or through its map (`mapped`), building
//! one call's `output` with reused `buffers` and keeping per-script state (`script_state`)
//! between calls. `invocations` gives each take to the invocations that were open while it
//! accumulated, `pending` keeps the hits of a long-lived process and `body` writes the request
//! body of format 6.0. `istanbul` and `lcov` write the standard coverage formats (per file as
//! `report` gathers it), and `footprints_packed` reads footprint data the JS glue packed for a
//! merge.
//!
//! The core has no WebAssembly types; the `wasm` module (built only for `wasm32`) is the one
//! place that converts to and from JavaScript values.
//!
//! Positions: offsets are UTF-16 code units from 0 (as V8 counts them); lines count from 1,
//! columns from 0 in UTF-16 code units.
#![deny(missing_docs)]

mod body;
mod branch_hits;
mod branches;
mod buffers;
mod compact_u32s;
mod compat;
mod compat_mapped;
mod compat_total;
mod converter;
mod coverage;
mod coverage_json;
mod direct;
mod error;
mod footprints;
mod footprints_packed;
mod ids;
mod invocations;
mod istanbul;
mod json_out;
mod json_strings;
mod lcov;
mod line_index;
mod lines;
mod mapped;
mod method_ids;
mod output;
mod packed_text;
mod pending;
mod position_map;
mod project;
mod report;
mod runs_u32;
mod script_map;
mod script_state;
mod segments;
mod source_map;
mod token_starts;
mod tokens;

#[cfg(target_arch = "wasm32")]
mod wasm;

// The public API: the modules are private, these are what a caller (the WebAssembly binding, the
// tests, a native embedder) uses.
pub use body::{build_body, BodyMeta, Hit};
pub use compat_total::CompatTotal;
pub use converter::{Converter, Inputs, LineMode, Options, SourceText};
pub use coverage::{CachedMap, Coverage, CoverageRange, Function, Script};
pub use coverage_json::parse_coverage;
pub use error::{Error, Result};
pub use footprints::{
    errors_to_json, BranchFootprint, FileFootprint, FootprintData, FootprintIndex, MethodFootprint,
    ScriptError,
};
pub use footprints_packed::merge_packed;
pub use invocations::OpenInvocations;
pub use istanbul::write_istanbul;
pub use lcov::write_lcov;
pub use pending::{HitInfo, NextBody, PendingHits};
pub use report::write_summary;
pub use source_map::{Malformed, MapError};
