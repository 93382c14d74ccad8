//! The converter's result: per file line counts, one entry per method (hit or not) with its
//! unique id and covered lines, the branches, and the scripts that could not be converted.
//! Written out as one JSON text.

use crate::json_out::{push_str, push_u32_array, push_u64};
use std::collections::HashMap;
use std::fmt::Write;

/// Where each file (by path), method and branch (by id) of a [`FootprintData`] is.
#[derive(Clone, Debug, Default)]
pub struct FootprintIndex {
    files: HashMap<String, u32>,
    methods: HashMap<String, usize>,
    branches: HashMap<String, usize>,
}

impl FootprintIndex {
    /// The index of `data`.
    pub fn of(data: &FootprintData) -> Self {
        let position = |(i, id): (usize, &String)| (id.clone(), i);
        FootprintIndex {
            files: (data.files.iter().map(|f| &f.path).enumerate())
                .map(|(i, path)| (path.clone(), i as u32))
                .collect(),
            methods: data
                .methods
                .iter()
                .map(|m| &m.id)
                .enumerate()
                .map(position)
                .collect(),
            branches: data
                .branches
                .iter()
                .map(|b| &b.id)
                .enumerate()
                .map(position)
                .collect(),
        }
    }
}

/// Footprints of one conversion (one coverage take).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FootprintData {
    /// The project's files that V8 reported, in input order.
    pub files: Vec<FileFootprint>,
    /// Every function V8 reported that has a unique id, in V8's order per file.
    pub methods: Vec<MethodFootprint>,
    /// Every branch leaf (as the build scanner numbers them) that ran.
    pub branches: Vec<BranchFootprint>,
    /// Scripts of the project that could not be converted, and why.
    pub errors: Vec<ScriptError>,
}

/// A method that ran `count` times on line 1 of file 0 (for the unit tests of the modules that keep hits).
#[cfg(test)]
pub(crate) fn test_method(id: &str, count: u32) -> MethodFootprint {
    MethodFootprint {
        id: id.into(),
        file: 0,
        name: String::new(),
        line: 1,
        column: 0,
        count,
        lines: vec![1],
    }
}

/// Line counts of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFootprint {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// The URL V8 reported.
    pub url: String,
    /// `lines[i]` is the count of line `i + 1`; `None` where the line is not executable.
    pub lines: Vec<Option<u32>>,
}

/// One function with a unique id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodFootprint {
    /// `<relativePath>@<line>,<column>`.
    pub id: String,
    /// Index into [`FootprintData::files`].
    pub file: u32,
    /// The name V8 reported (informative only).
    pub name: String,
    /// Line of the id position, from 1.
    pub line: u32,
    /// Column of the id position, from 0, in UTF-16 code units.
    pub column: u32,
    /// Calls during the take.
    pub count: u32,
    /// Lines (from 1) this method owns that ran during the take.
    pub lines: Vec<u32>,
}

/// One branch leaf that ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchFootprint {
    /// `<relativePath>|<line>,<column>|<leafIndex>`.
    pub id: String,
    /// Index into [`FootprintData::files`].
    pub file: u32,
    /// Line of the branch's id position, from 1.
    pub line: u32,
    /// Column of the branch's id position, from 0, in UTF-16 code units.
    pub column: u32,
    /// Times the leaf ran during the take.
    pub count: u32,
}

/// A script of the project that was left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// The script's URL.
    pub url: String,
    /// The error's kind (see [`crate::Error::kind`]).
    pub kind: String,
    /// A readable message naming the script and the position.
    pub message: String,
}

/// The errors as a JSON array.
pub fn errors_to_json(errors: &[ScriptError]) -> String {
    let mut out = String::new();
    push_errors(&mut out, errors);
    out
}

fn push_errors(out: &mut String, errors: &[ScriptError]) {
    out.push('[');
    for (i, error) in errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"url\":");
        push_str(out, &error.url);
        out.push_str(",\"kind\":");
        push_str(out, &error.kind);
        out.push_str(",\"message\":");
        push_str(out, &error.message);
        out.push('}');
    }
    out.push(']');
}

fn push_position(out: &mut String, line: u32, column: u32, count: u32) {
    out.push_str(",\"line\":");
    push_u64(out, line.into());
    out.push_str(",\"column\":");
    push_u64(out, column.into());
    out.push_str(",\"count\":");
    push_u64(out, count.into());
    out.push('}');
}

/// Adds `line` to sorted `lines` unless present.
pub fn add_line(lines: &mut Vec<u32>, line: u32) {
    if let Err(pos) = lines.binary_search(&line) {
        lines.insert(pos, line);
    }
}

impl FootprintData {
    /// Indices of the methods that ran.
    pub fn hit_methods(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.methods.len() as u32).filter(|&i| self.methods[i as usize].count > 0)
    }

    /// Indices of the branches that ran.
    pub fn hit_branches(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.branches.len() as u32).filter(|&i| self.branches[i as usize].count > 0)
    }

    /// Adds `other` (a later take) into `self`: counts of the same file, method or branch are
    /// summed, new ones are appended.
    pub fn add(&mut self, other: &FootprintData) {
        let mut index = FootprintIndex::of(self);
        self.add_indexed(other, &mut index);
    }

    /// [`add`](Self::add) with the index of `self` kept by the caller (made by
    /// [`FootprintIndex::of`] and changed only by this method), so that adding many takes costs
    /// the size of each take, not of the total.
    pub fn add_indexed(&mut self, other: &FootprintData, index: &mut FootprintIndex) {
        let mut file_map = Vec::with_capacity(other.files.len());
        for file in &other.files {
            let at = *index.files.entry(file.path.clone()).or_insert_with(|| {
                self.files.push(FileFootprint {
                    path: file.path.clone(),
                    url: file.url.clone(),
                    lines: Vec::new(),
                });
                self.files.len() as u32 - 1
            });
            let lines = &mut self.files[at as usize].lines;
            if lines.len() < file.lines.len() {
                lines.resize(file.lines.len(), None);
            }
            for (mine, theirs) in lines.iter_mut().zip(&file.lines) {
                if let Some(theirs) = theirs {
                    *mine = Some(mine.unwrap_or(0).saturating_add(*theirs));
                }
            }
            file_map.push(at);
        }
        for method in &other.methods {
            match index.methods.get(&method.id) {
                Some(&at) => {
                    let mine = &mut self.methods[at];
                    mine.count = mine.count.saturating_add(method.count);
                    for &line in &method.lines {
                        add_line(&mut mine.lines, line);
                    }
                }
                None => {
                    index.methods.insert(method.id.clone(), self.methods.len());
                    let mut copy = method.clone();
                    copy.file = file_map[method.file as usize];
                    self.methods.push(copy);
                }
            }
        }
        for branch in &other.branches {
            match index.branches.get(&branch.id) {
                Some(&at) => {
                    let mine = &mut self.branches[at];
                    mine.count = mine.count.saturating_add(branch.count);
                }
                None => {
                    index
                        .branches
                        .insert(branch.id.clone(), self.branches.len());
                    let mut copy = branch.clone();
                    copy.file = file_map[branch.file as usize];
                    self.branches.push(copy);
                }
            }
        }
        self.errors.extend(other.errors.iter().cloned());
    }

    /// The data as one JSON text (the shape the npm package documents).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + self.methods.len() * 64);
        out.push_str("{\"files\":[");
        for (i, file) in self.files.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"path\":");
            push_str(&mut out, &file.path);
            out.push_str(",\"url\":");
            push_str(&mut out, &file.url);
            out.push_str(",\"lines\":[");
            for (j, count) in file.lines.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                match count {
                    Some(count) => push_u64(&mut out, u64::from(*count)),
                    None => out.push_str("null"),
                }
            }
            out.push_str("]}");
        }
        out.push_str("],\"methods\":[");
        for (i, method) in self.methods.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            push_str(&mut out, &method.id);
            out.push_str(",\"file\":");
            push_u64(&mut out, method.file.into());
            out.push_str(",\"name\":");
            push_str(&mut out, &method.name);
            push_position(&mut out, method.line, method.column, method.count);
        }
        out.push_str("],\"branches\":[");
        for (i, branch) in self.branches.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            push_str(&mut out, &branch.id);
            out.push_str(",\"file\":");
            push_u64(&mut out, branch.file.into());
            push_position(&mut out, branch.line, branch.column, branch.count);
        }
        out.push_str("],\"hitMethods\":");
        push_u32_array(&mut out, self.hit_methods());
        out.push_str(",\"hitBranches\":");
        push_u32_array(&mut out, self.hit_branches());
        out.push_str(",\"methodLines\":{");
        let mut first = true;
        for (i, method) in self.methods.iter().enumerate() {
            if method.lines.is_empty() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "\"{i}\":");
            push_u32_array(&mut out, method.lines.iter().copied());
        }
        out.push_str("},\"errors\":");
        push_errors(&mut out, &self.errors);
        out.push('}');
        out
    }
}
