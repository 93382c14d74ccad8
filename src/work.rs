//! What one conversion call builds and reuses: the footprint data under construction with its
//! files by path, and the buffers kept by the converter between calls so that a call does not
//! allocate per range.

use crate::coverage::Function;
use crate::footprints::{FileFootprint, FootprintData, MethodFootprint};
use crate::script::MethodSite;
use crate::segments::{Flattener, Segment};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes positions (the `(file, line, column)` keys of one call's entries, a script's function
/// starts): a multiply and a rotation per number. SipHash, the default, is built for keys an adversary picks and took a tenth of a warm
/// conversion of typescript.js (tens of thousands of methods and branches).
#[derive(Default, Clone, Copy)]
pub struct PositionHasher(u64);

impl Hasher for PositionHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A map keyed by `(file, line, column)`.
pub type PositionMap = HashMap<(u32, u32, u32), u32, BuildHasherDefault<PositionHasher>>;

/// The footprint data of one call, with its files found by path.
#[derive(Default)]
pub struct Output {
    /// The data returned to the caller.
    pub data: FootprintData,
    files_by_path: HashMap<String, u32>,
    /// The method entry at each `(file, line, column)`: one entry per id in a call, however
    /// many scripts (the same URL twice, URLs that differ only by query) give it.
    methods_by_site: PositionMap,
    /// Per branch id position `(file, line, column)` given an entry: its index in
    /// `branch_leaves`.
    pub branch_sites: PositionMap,
    /// Per branch id position: `(leaf, index in data.branches)` of each leaf given an entry.
    pub branch_leaves: Vec<Vec<(u32, u32)>>,
    /// Whether branch leaves that did not run get an entry too (count 0).
    pub every_leaf: bool,
    /// The lines compat mode counted: (file, line from 0, whether it is 1 only as every line
    /// starts).
    pub compat_lines: Vec<(u32, u32, bool)>,
}

impl Output {
    /// Index of the file `path` in `data.files`, adding it with `line_count` non-executable
    /// lines when new.
    pub fn file(&mut self, path: &str, url: &str, line_count: usize) -> u32 {
        if let Some(&at) = self.files_by_path.get(path) {
            let lines = &mut self.data.files[at as usize].lines;
            lines.resize(lines.len().max(line_count), None);
            return at;
        }
        self.data.files.push(FileFootprint {
            path: path.to_owned(),
            url: url.to_owned(),
            lines: vec![None; line_count],
        });
        let at = self.data.files.len() as u32 - 1;
        self.files_by_path.insert(path.to_owned(), at);
        at
    }
}

/// Buffers reused across scripts and calls.
#[derive(Default)]
pub struct Buffers {
    /// Flattens ranges into segments.
    pub flattener: Flattener,
    /// The current script's segments.
    pub segments: Vec<Segment>,
    /// Default-mode count per line.
    pub counts: Vec<Option<u32>>,
    /// Owning function per line.
    pub owners: Vec<u32>,
    /// Compat-mode count per line.
    pub compat_counts: Vec<u32>,
    /// Scratch for the compat mode.
    pub scratch: Vec<u32>,
    /// Method index (in the output) of each function of the script, or `u32::MAX`.
    pub method_of_function: Vec<u32>,
    /// Whether this call reports only what ran.
    pub hits_only: bool,
}

/// Adds `line` to sorted `lines` unless present.
pub fn add_line(lines: &mut Vec<u32>, line: u32) {
    if let Err(pos) = lines.binary_search(&line) {
        lines.insert(pos, line);
    }
}

/// Records function `index` of the script as the method at `site` in `file`. A site already
/// given an entry in this call (the same id from another function or script) adds its count
/// to that entry.
pub fn record_method(
    b: &mut Buffers,
    out: &mut Output,
    index: usize,
    function: &Function<'_>,
    site: &MethodSite,
    file: u32,
) {
    let count = function.ranges.first().map_or(0, |extent| extent.count);
    let data = &mut out.data;
    let key = (file, site.line, site.column);
    if let Some(&existing) = out.methods_by_site.get(&key) {
        let method = &mut data.methods[existing as usize];
        method.count = method.count.saturating_add(count);
        b.method_of_function[index] = existing;
        return;
    }
    let at = data.methods.len() as u32;
    out.methods_by_site.insert(key, at);
    b.method_of_function[index] = at;
    data.methods.push(MethodFootprint {
        id: site.id.clone(),
        file,
        name: function.name.to_owned(),
        line: site.line,
        column: site.column,
        count,
        lines: Vec::new(),
    });
}
