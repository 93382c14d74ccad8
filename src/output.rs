//! The footprint data one conversion call builds: its files found by path, one method entry per
//! id position and one branch entry per leaf, however many scripts give them.

use crate::buffers::Buffers;
use crate::coverage::Function;
use crate::footprints::{FileFootprint, FootprintData, MethodFootprint};
use crate::position_map::PositionMap;
use crate::script_state::MethodSite;
use std::collections::HashMap;

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
        b.method_of_function[index] = Some(existing);
        return;
    }
    let at = data.methods.len() as u32;
    out.methods_by_site.insert(key, at);
    b.method_of_function[index] = Some(at);
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
