//! The buffers the converter keeps between calls so that a call does not allocate per script or
//! range.

use crate::segments::{Flattener, Segment};

/// Buffers reused across scripts and calls.
#[derive(Default)]
pub struct Buffers {
    /// Flattens ranges into segments.
    pub flattener: Flattener,
    /// The current script's segments.
    pub segments: Vec<Segment>,
    /// Default-mode count per line.
    pub counts: Vec<Option<u32>>,
    /// Owning function per line, `None` for a line that is not executable.
    pub owners: Vec<Option<u32>>,
    /// Compat-mode count per line.
    pub compat_counts: Vec<u32>,
    /// Scratch for the compat mode.
    pub scratch: Vec<u32>,
    /// Method index (in the output) of each function of the script, `None` for a function
    /// that is no method (no id site, left out, or not run when only hits are reported).
    pub method_of_function: Vec<Option<u32>>,
    /// Whether this call reports only what ran.
    pub hits_only: bool,
}
