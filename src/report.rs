//! What the coverage report formats ([`crate::istanbul`], [`crate::lcov`]) need per file,
//! gathered from footprint data in one pass: the file's absolute path, its methods, its branch
//! leaves grouped by branch point in the order the points first come (leaf `n` of
//! `<path>|<line>,<column>|<n>` at index `n`, 0 for a leaf with no entry), and the length of each line for the end columns of statements,
//! functions and branches (the line's UTF-16 length; lines split at `\n`, a `\r` before it not
//! counted; 0 when the file's text is not known).

use crate::footprints::{FileFootprint, FootprintData, MethodFootprint};
use crate::ids::branch_leaf;
use crate::json_out::{push_str, push_u32_array, push_u64};
use crate::position_map::PositionMap;

/// One branch point of a file and the count of each of its leaves.
#[derive(Debug, PartialEq, Eq)]
pub struct BranchGroup {
    /// Line of the branch's id position, from 1.
    pub line: u32,
    /// Column of the branch's id position, from 0.
    pub column: u32,
    /// Count per leaf, by leaf index.
    pub counts: Vec<u32>,
}

/// One file of a report.
pub struct FileReport<'a> {
    /// The absolute path: the project root joined with the file's relative path.
    pub path: String,
    /// The file's line counts.
    pub file: &'a FileFootprint,
    /// The file's methods, in the data's order.
    pub methods: Vec<&'a MethodFootprint>,
    /// The file's branch points, by position.
    pub branches: Vec<BranchGroup>,
    line_lengths: Vec<u32>,
}

impl FileReport<'_> {
    /// The UTF-16 length of `line` (from 1), 0 when not known.
    pub fn line_end(&self, line: u32) -> u32 {
        (line as usize)
            .checked_sub(1)
            .and_then(|i| self.line_lengths.get(i))
            .copied()
            .unwrap_or(0)
    }
}

/// `root` joined with `path` by one `/`.
pub fn absolute_path(root: &str, path: &str) -> String {
    format!("{}/{path}", root.trim_end_matches('/'))
}

fn line_lengths(text: &str) -> Vec<u32> {
    text.split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            line.chars().map(|c| c.len_utf16() as u32).sum()
        })
        .collect()
}

/// The files of `data` ready to be written, in the data's order; `text(path)` gives a file's
/// text by its relative path, when known.
pub fn file_reports<'a>(
    data: &'a FootprintData,
    root: &str,
    text: &dyn Fn(&str) -> Option<&'a str>,
) -> Vec<FileReport<'a>> {
    let mut files: Vec<FileReport<'a>> = data
        .files
        .iter()
        .map(|file| FileReport {
            path: absolute_path(root, &file.path),
            file,
            methods: Vec::new(),
            branches: Vec::new(),
            line_lengths: text(&file.path).map(line_lengths).unwrap_or_default(),
        })
        .collect();
    for method in &data.methods {
        if let Some(report) = files.get_mut(method.file as usize) {
            report.methods.push(method);
        }
    }
    // Branch points in the order their first leaf comes; no sort (its code costs the module KBs).
    let mut groups = PositionMap::default();
    for branch in &data.branches {
        let Some(report) = files.get_mut(branch.file as usize) else {
            continue;
        };
        let next = report.branches.len() as u32;
        let at = *groups
            .entry((branch.file, branch.line, branch.column))
            .or_insert(next);
        if at == next {
            report.branches.push(BranchGroup {
                line: branch.line,
                column: branch.column,
                counts: Vec::new(),
            });
        }
        let group = &mut report.branches[at as usize];
        // A leaf index that cannot be read (an id from elsewhere) goes after the others.
        let leaf = branch_leaf(&branch.id).unwrap_or(group.counts.len());
        if group.counts.len() <= leaf {
            group.counts.resize(leaf + 1, 0);
        }
        group.counts[leaf] = group.counts[leaf].saturating_add(branch.count);
    }
    files
}

/// Per file, in the data's order, JSON of `{"path", "lines": [hit, found], "methods": [hit,
/// found], "branches": [hit, found], "uncovered": [lines]}`: what a summary table shows (branches
/// are leaves; a line is found when it is executable), without the whole data crossing to JS.
pub fn write_summary(data: &FootprintData) -> String {
    let mut figures = vec![[0u32; 4]; data.files.len()];
    for method in &data.methods {
        if let Some(f) = figures.get_mut(method.file as usize) {
            f[0] += u32::from(method.count > 0);
            f[1] += 1;
        }
    }
    for branch in &data.branches {
        if let Some(f) = figures.get_mut(branch.file as usize) {
            f[2] += u32::from(branch.count > 0);
            f[3] += 1;
        }
    }
    let mut out = String::from("[");
    for (i, (file, f)) in data.files.iter().zip(&figures).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut uncovered = Vec::new();
        let mut found = 0u64;
        for (line, count) in (1u32..).zip(&file.lines) {
            if let Some(count) = count {
                found += 1;
                if *count == 0 {
                    uncovered.push(line);
                }
            }
        }
        out.push_str("{\"path\":");
        push_str(&mut out, &file.path);
        out.push_str(",\"lines\":[");
        push_u64(&mut out, found - uncovered.len() as u64);
        out.push(',');
        push_u64(&mut out, found);
        for (name, [hit, all]) in [("methods", [f[0], f[1]]), ("branches", [f[2], f[3]])] {
            out.push_str("],\"");
            out.push_str(name);
            out.push_str("\":[");
            push_u64(&mut out, hit.into());
            out.push(',');
            push_u64(&mut out, all.into());
        }
        out.push_str("],\"uncovered\":");
        push_u32_array(&mut out, uncovered);
        out.push('}');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprints::BranchFootprint;

    fn branch(id: &str, file: u32, line: u32, column: u32, count: u32) -> BranchFootprint {
        BranchFootprint {
            id: id.into(),
            file,
            line,
            column,
            count,
        }
    }

    fn file(path: &str) -> FileFootprint {
        FileFootprint {
            path: path.into(),
            url: String::new(),
            lines: vec![Some(1)],
        }
    }

    #[test]
    fn branches_grouped_by_point_with_missing_leaves_at_zero() {
        let data = FootprintData {
            files: vec![file("a.js"), file("b.js")],
            branches: vec![
                branch("b.js|2,0|1", 1, 2, 0, 4),
                branch("a.js|3,2|2", 0, 3, 2, 5),
                branch("a.js|1,4|0", 0, 1, 4, 1),
                branch("a.js|3,2|0", 0, 3, 2, 7),
                branch("a.js|3,2|x", 0, 3, 2, 9),
                branch("a.js|1,4|1", 0, 1, 4, 0),
            ],
            ..FootprintData::default()
        };
        let reports = file_reports(&data, "/p/", &|_| None);
        let groups = |i: usize| {
            reports[i]
                .branches
                .iter()
                .map(|g| (g.line, g.column, g.counts.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(groups(0), [(3, 2, vec![7, 0, 5, 9]), (1, 4, vec![1, 0])]);
        assert_eq!(groups(1), [(2, 0, vec![0, 4])]);
        assert_eq!(reports[0].path, "/p/a.js");
    }

    #[test]
    fn summary_per_file() {
        let mut data = crate::istanbul::tests::sample();
        data.files.push(FileFootprint {
            path: "b\"c.js".into(),
            url: String::new(),
            lines: vec![None, Some(0), Some(0), Some(2), Some(0)],
        });
        data.branches.push(branch("b\"c.js|1,0|0", 1, 1, 0, 0));
        assert_eq!(
            write_summary(&data),
            concat!(
                r#"[{"path":"a.js","lines":[2,3],"methods":[1,3],"branches":[2,2],"uncovered":[4]},"#,
                r#"{"path":"b\"c.js","lines":[1,4],"methods":[0,0],"branches":[0,1],"uncovered":[2,3,5]}]"#
            )
        );
        assert_eq!(write_summary(&FootprintData::default()), "[]");
    }

    #[test]
    fn line_ends_in_utf16_without_the_line_break() {
        let data = FootprintData {
            files: vec![file("a.js")],
            ..FootprintData::default()
        };
        let reports = file_reports(&data, "/", &|_| Some("ab\r\n\u{1F600}é\n\nxyz"));
        let ends: Vec<u32> = (0..=5).map(|line| reports[0].line_end(line)).collect();
        assert_eq!(ends, [0, 2, 3, 0, 3, 0]);
        assert_eq!(reports[0].path, "/a.js");
    }
}
