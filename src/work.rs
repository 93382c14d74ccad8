//! What one conversion call builds and reuses: the footprint data under construction with its
//! files by path, and the buffers kept by the converter between calls so that a call does not
//! allocate per range.

use crate::footprints::{FileFootprint, FootprintData};
use crate::segments::{Flattener, Segment};
use std::collections::HashMap;

/// The footprint data of one call, with its files found by path.
#[derive(Default)]
pub struct Output {
    /// The data returned to the caller.
    pub data: FootprintData,
    files_by_path: HashMap<String, u32>,
}

impl Output {
    /// Index of the file `path` in `data.files`, adding it with `line_count` non-executable
    /// lines when new.
    pub fn file(&mut self, path: &str, url: &str, line_count: usize) -> u32 {
        if let Some(&at) = self.files_by_path.get(path) {
            let lines = &mut self.data.files[at as usize].lines;
            if lines.len() < line_count {
                lines.resize(line_count, None);
            }
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
    /// Positions already given an entry (method or branch) in this script: `(original, line,
    /// column)`, or `(0, 0, offset)` for a block start.
    pub seen_sites: HashMap<(u32, u32, u32), u32>,
    /// `(method, line)` pairs found through a source map.
    pub method_lines: Vec<(u32, u32)>,
    /// Whether this call reports only what ran.
    pub hits_only: bool,
}

/// Adds `line` to sorted `lines` unless present.
pub fn add_line(lines: &mut Vec<u32>, line: u32) {
    if lines.last().is_none_or(|&last| last < line) {
        lines.push(line);
    } else if let Err(pos) = lines.binary_search(&line) {
        lines.insert(pos, line);
    }
}
