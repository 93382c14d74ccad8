//! Footprint data as LCOV tracefile records (what genhtml, Codecov, Coveralls and SonarQube
//! read), written in one pass: per file `SF`, a `FN`/`FNDA` pair per method, `BRDA` per branch
//! leaf (block = the branch point's index in the file), `DA` per executable line, and the
//! found/hit totals. A function's name is V8's, `(anonymous)` when it has none; a name already
//! used in the file gets `:<line>:<column>` appended, so that every method is its own function
//! for LCOV readers (which key functions by name). Commas and line breaks in names, which the
//! format cannot carry, become `_`.

use crate::footprints::FootprintData;
use crate::json_out::push_u64;
use crate::report::{file_reports, FileReport};
use std::collections::HashMap;

fn push_line(out: &mut String, tag: &str, numbers: &[u64]) {
    out.push_str(tag);
    for (i, &n) in numbers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_u64(out, n);
    }
    out.push('\n');
}

fn function_names(report: &FileReport<'_>) -> Vec<String> {
    let mut names: Vec<String> = report
        .methods
        .iter()
        .map(|method| match method.name.as_str() {
            "" => "(anonymous)".into(),
            name => name
                .chars()
                .map(|c| {
                    if matches!(c, ',' | '\n' | '\r') {
                        '_'
                    } else {
                        c
                    }
                })
                .collect(),
        })
        .collect();
    // The map type the converter already uses elsewhere: a set of its own would add to the module.
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let repeated: Vec<bool> = names
        .iter()
        .map(|name| seen.insert(name.as_str(), "").is_some())
        .collect();
    for ((name, method), repeated) in names.iter_mut().zip(&report.methods).zip(repeated) {
        if repeated {
            *name = format!("{name}:{}:{}", method.line, method.column);
        }
    }
    names
}

fn push_file(out: &mut String, report: &FileReport<'_>) {
    out.push_str("TN:\nSF:");
    out.push_str(&report.path);
    out.push('\n');
    let names = function_names(report);
    for (method, name) in report.methods.iter().zip(&names) {
        out.push_str("FN:");
        push_u64(out, method.line.into());
        out.push(',');
        out.push_str(name);
        out.push('\n');
    }
    for (method, name) in report.methods.iter().zip(&names) {
        out.push_str("FNDA:");
        push_u64(out, method.count.into());
        out.push(',');
        out.push_str(name);
        out.push('\n');
    }
    let functions_hit = report.methods.iter().filter(|m| m.count > 0).count();
    push_line(out, "FNF:", &[report.methods.len() as u64]);
    push_line(out, "FNH:", &[functions_hit as u64]);
    let (mut found, mut hit) = (0u64, 0u64);
    for (block, group) in report.branches.iter().enumerate() {
        for (leaf, &count) in group.counts.iter().enumerate() {
            push_line(
                out,
                "BRDA:",
                &[group.line.into(), block as u64, leaf as u64, count.into()],
            );
            found += 1;
            hit += u64::from(count > 0);
        }
    }
    push_line(out, "BRF:", &[found]);
    push_line(out, "BRH:", &[hit]);
    let (mut found, mut hit) = (0u64, 0u64);
    for (line, count) in (1u32..).zip(&report.file.lines) {
        if let Some(count) = count {
            push_line(out, "DA:", &[line.into(), (*count).into()]);
            found += 1;
            hit += u64::from(*count > 0);
        }
    }
    push_line(out, "LF:", &[found]);
    push_line(out, "LH:", &[hit]);
    out.push_str("end_of_record\n");
}

/// `data` as an LCOV tracefile; `root` and `text` as for [`crate::istanbul::write_istanbul`].
pub fn write_lcov<'a>(
    data: &'a FootprintData,
    root: &str,
    text: &dyn Fn(&str) -> Option<&'a str>,
) -> String {
    let mut out = String::with_capacity(256 + data.methods.len() * 48);
    for report in file_reports(data, root, text) {
        push_file(&mut out, &report);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::istanbul::tests::{sample, TEXT};

    #[test]
    fn one_record_per_file_with_functions_branches_lines_and_totals() {
        let mut data = sample();
        data.files.push(crate::footprints::FileFootprint {
            path: "lib/b.js".into(),
            url: String::new(),
            lines: vec![None, Some(3)],
        });
        data.methods[0].name = "f,g\nh".into();
        data.methods[2].name = "f,g\nh".into();
        let text = write_lcov(&data, "/p/", &|_| Some(TEXT));
        assert_eq!(
            text,
            concat!(
                "TN:\nSF:/p/a.js\n",
                "FN:1,f_g_h\nFN:4,(anonymous)\nFN:4,f_g_h:4:6\n",
                "FNDA:2,f_g_h\nFNDA:0,(anonymous)\nFNDA:0,f_g_h:4:6\n",
                "FNF:3\nFNH:1\n",
                "BRDA:2,0,0,1\nBRDA:2,0,1,1\nBRF:2\nBRH:2\n",
                "DA:1,2\nDA:2,2\nDA:4,0\nLF:3\nLH:2\n",
                "end_of_record\n",
                "TN:\nSF:/p/lib/b.js\nFNF:0\nFNH:0\nBRF:0\nBRH:0\nDA:2,3\nLF:1\nLH:1\n",
                "end_of_record\n",
            )
        );
    }

    #[test]
    fn branch_leaves_that_did_not_run_are_found_not_hit() {
        let mut data = sample();
        data.branches[0].count = 0;
        let text = write_lcov(&data, "/p", &|_| None);
        assert!(
            text.contains("BRDA:2,0,0,1\nBRDA:2,0,1,0\nBRF:2\nBRH:1\n"),
            "{text}"
        );
        assert_eq!(write_lcov(&FootprintData::default(), "/p", &|_| None), "");
    }
}
