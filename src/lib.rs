//! # v8-footprints
//!
//! Turns V8 precise coverage (what `Profiler.takePreciseCoverage` returns, or the files Node
//! writes under `NODE_V8_COVERAGE`) into *footprints* for a test-intelligence backend: per file
//! relative to the project root, the methods that ran with the unique ids the backend's build
//! scanner records, the lines that ran, and the branches.
//!
//! The data path, one module per step:
//! [`coverage_json`] reads the input into the flat [`coverage`] model; [`project`] keeps the
//! project's scripts; [`line_index`] builds each source's line table once; [`segments`] applies
//! the innermost-range-wins rule; [`lines`] (or [`compat`], and `compat_mapped` through a map,
//! summed over takes by [`compat_total`]) gives line counts; [`method_ids`]
//! finds each function's id position; `branches` finds the branches the build scanner numbers
//! and `branch_hits` counts their leaves; [`source_map`] finds and decodes maps; [`converter`]
//! orchestrates them into [`footprints`], at a script's own positions (`direct`) or through its
//! map (`mapped`), keeping per-script state ([`script`]) between calls; [`invocations`] gives
//! each take to the invocations that were open while it accumulated, [`pending`] keeps the hits
//! of a long-lived process and [`body`] writes the request body of format 6.0. [`istanbul`] and
//! [`lcov`] write the standard coverage formats (per file as [`report`] gathers it), and
//! [`footprints_packed`] reads footprint data the JS glue packed for a merge.
//!
//! The core has no WebAssembly types; the `wasm` module (built only for `wasm32`) is the one
//! place that converts to and from JavaScript values.
//!
//! Positions: offsets are UTF-16 code units from 0 (as V8 counts them); lines count from 1,
//! columns from 0 in UTF-16 code units.
#![deny(missing_docs)]

pub mod body;
mod branch_hits;
mod branches;
pub mod compat;
mod compat_mapped;
pub mod compat_total;
pub mod converter;
pub mod coverage;
pub mod coverage_json;
mod direct;
pub mod error;
pub mod footprints;
pub mod footprints_packed;
pub mod invocations;
pub mod istanbul;
mod json_out;
pub mod lcov;
pub mod line_index;
pub mod lines;
mod mapped;
pub mod method_ids;
pub mod pending;
pub mod project;
pub mod report;
pub mod script;
pub mod segments;
pub mod source_map;
mod tokens;
mod work;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use body::{build_body, BodyMeta, Hit};
pub use converter::{Converter, Inputs, LineMode, Options, SourceText};
pub use coverage::Coverage;
pub use coverage_json::parse_coverage;
pub use error::{Error, Result};
pub use footprints::FootprintData;
