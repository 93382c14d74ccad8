//! Footprint data as Istanbul's file coverage (the `coverage-final.json` shape that nyc, c8 and
//! `istanbul-lib-coverage` read), written in one pass: per file, keyed by its absolute path,
//! one statement per executable line (column 0 to the line's end), one function per method (its
//! declaration from the id position to the end of that line), and one branch per branch point
//! with a location per leaf (type `branch`, as v8-to-istanbul writes).

use crate::footprints::FootprintData;
use crate::json_out::{push_str, push_u64};
use crate::report::{file_reports, FileReport};

fn push_location(out: &mut String, line: u32, column: u32, end: u32) {
    out.push_str("{\"start\":{\"line\":");
    push_u64(out, line.into());
    out.push_str(",\"column\":");
    push_u64(out, column.into());
    out.push_str("},\"end\":{\"line\":");
    push_u64(out, line.into());
    out.push_str(",\"column\":");
    push_u64(out, end.max(column).into());
    out.push_str("}}");
}

fn push_key(out: &mut String, first: bool, key: usize) {
    if !first {
        out.push(',');
    }
    out.push('"');
    push_u64(out, key as u64);
    out.push_str("\":");
}

fn push_file(out: &mut String, report: &FileReport<'_>) {
    push_str(out, &report.path);
    out.push_str(":{\"path\":");
    push_str(out, &report.path);
    let statements: Vec<(u32, u32)> = (1u32..)
        .zip(&report.file.lines)
        .filter_map(|(line, count)| count.map(|count| (line, count)))
        .collect();
    out.push_str(",\"statementMap\":{");
    for (k, &(line, _)) in statements.iter().enumerate() {
        push_key(out, k == 0, k);
        push_location(out, line, 0, report.line_end(line));
    }
    out.push_str("},\"fnMap\":{");
    for (k, method) in report.methods.iter().enumerate() {
        push_key(out, k == 0, k);
        out.push_str("{\"name\":");
        if method.name.is_empty() {
            push_str(out, &format!("(anonymous_{k})"));
        } else {
            push_str(out, &method.name);
        }
        let end = report.line_end(method.line);
        out.push_str(",\"decl\":");
        push_location(out, method.line, method.column, end);
        out.push_str(",\"loc\":");
        push_location(out, method.line, method.column, end);
        out.push_str(",\"line\":");
        push_u64(out, method.line.into());
        out.push('}');
    }
    out.push_str("},\"branchMap\":{");
    for (k, group) in report.branches.iter().enumerate() {
        push_key(out, k == 0, k);
        let end = report.line_end(group.line);
        out.push_str("{\"loc\":");
        push_location(out, group.line, group.column, end);
        out.push_str(",\"type\":\"branch\",\"locations\":[");
        for leaf in 0..group.counts.len() {
            if leaf > 0 {
                out.push(',');
            }
            push_location(out, group.line, group.column, end);
        }
        out.push_str("],\"line\":");
        push_u64(out, group.line.into());
        out.push('}');
    }
    out.push_str("},\"s\":{");
    for (k, &(_, count)) in statements.iter().enumerate() {
        push_key(out, k == 0, k);
        push_u64(out, count.into());
    }
    out.push_str("},\"f\":{");
    for (k, method) in report.methods.iter().enumerate() {
        push_key(out, k == 0, k);
        push_u64(out, method.count.into());
    }
    out.push_str("},\"b\":{");
    for (k, group) in report.branches.iter().enumerate() {
        push_key(out, k == 0, k);
        out.push('[');
        for (leaf, &count) in group.counts.iter().enumerate() {
            if leaf > 0 {
                out.push(',');
            }
            push_u64(out, count.into());
        }
        out.push(']');
    }
    out.push_str("}}");
}

/// `data` as Istanbul JSON; `root` is the project root the data's paths are relative to and
/// `text(path)` a file's text by its relative path, when known (for the lines' end columns).
pub fn write_istanbul<'a>(
    data: &'a FootprintData,
    root: &str,
    text: &dyn Fn(&str) -> Option<&'a str>,
) -> String {
    let mut out = String::with_capacity(256 + data.methods.len() * 160);
    out.push('{');
    for (i, report) in file_reports(data, root, text).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_file(&mut out, report);
    }
    out.push('}');
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::footprints::{BranchFootprint, FileFootprint, MethodFootprint};

    /// `a.js`: `function f(x) {` / `  return x ? 1 : 2;` / `}` with f called twice, the `?` arm
    /// once and the `:` arm once; `(anonymous)` at line 3 never called.
    pub(crate) fn sample() -> FootprintData {
        let method = |id: &str, name: &str, line, column, count| MethodFootprint {
            id: id.into(),
            file: 0,
            name: name.into(),
            line,
            column,
            count,
            lines: Vec::new(),
        };
        let branch = |leaf: u32, count| BranchFootprint {
            id: format!("a.js|2,9|{leaf}"),
            file: 0,
            line: 2,
            column: 9,
            count,
        };
        FootprintData {
            files: vec![FileFootprint {
                path: "a.js".into(),
                url: "file:///p/a.js".into(),
                lines: vec![Some(2), Some(2), None, Some(0)],
            }],
            methods: vec![
                method("a.js@1,9", "f", 1, 9, 2),
                method("a.js@4,0", "", 4, 0, 0),
                method("a.js@4,6", "f", 4, 6, 0),
            ],
            branches: vec![branch(1, 1), branch(0, 1)],
            errors: Vec::new(),
        }
    }

    pub(crate) const TEXT: &str = "function f(x) {\n  return x ? 1 : 2;\n}\n(() => f)();\n";

    #[test]
    fn one_statement_per_line_a_function_per_method_a_branch_per_point() {
        let data = sample();
        let json = write_istanbul(&data, "/p", &|path| (path == "a.js").then_some(TEXT));
        let loc = |line, column, end| {
            format!(
                r#"{{"start":{{"line":{line},"column":{column}}},"end":{{"line":{line},"column":{end}}}}}"#
            )
        };
        let expected = format!(
            concat!(
                r#"{{"/p/a.js":{{"path":"/p/a.js","statementMap":{{"0":{},"1":{},"2":{}}},"#,
                r#""fnMap":{{"0":{{"name":"f","decl":{},"loc":{},"line":1}},"#,
                r#""1":{{"name":"(anonymous_1)","decl":{},"loc":{},"line":4}},"#,
                r#""2":{{"name":"f","decl":{},"loc":{},"line":4}}}},"#,
                r#""branchMap":{{"0":{{"loc":{},"type":"branch","locations":[{},{}],"line":2}}}},"#,
                r#""s":{{"0":2,"1":2,"2":0}},"f":{{"0":2,"1":0,"2":0}},"b":{{"0":[1,1]}}}}}}"#
            ),
            loc(1, 0, 15),
            loc(2, 0, 19),
            loc(4, 0, 12),
            loc(1, 9, 15),
            loc(1, 9, 15),
            loc(4, 0, 12),
            loc(4, 0, 12),
            loc(4, 6, 12),
            loc(4, 6, 12),
            loc(2, 9, 19),
            loc(2, 9, 19),
            loc(2, 9, 19),
        );
        assert_eq!(json, expected);
    }

    #[test]
    fn without_the_text_an_end_is_its_start() {
        let data = sample();
        let json = write_istanbul(&data, "/", &|_| None);
        assert!(json.starts_with(
            r#"{"/a.js":{"path":"/a.js","statementMap":{"0":{"start":{"line":1,"column":0},"end":{"line":1,"column":0}}"#
        ), "{json}");
        assert!(
            json.contains(r#""decl":{"start":{"line":1,"column":9},"end":{"line":1,"column":9}}"#)
        );
    }

    #[test]
    fn files_are_separated_and_keyed_by_absolute_path() {
        let mut data = sample();
        data.files.push(crate::footprints::FileFootprint {
            path: "lib/b.js".into(),
            url: String::new(),
            lines: vec![Some(3)],
        });
        let json = write_istanbul(&data, "/p/", &|path| (path == "lib/b.js").then_some("x;\n"));
        let b = r#"{"path":"/p/lib/b.js","statementMap":{"0":{"start":{"line":1,"column":0},"end":{"line":1,"column":2}}},"fnMap":{},"branchMap":{},"s":{"0":3},"f":{},"b":{}}"#;
        assert!(
            json.ends_with(&format!(r#"}},"/p/lib/b.js":{b}}}"#)),
            "{json}"
        );
        assert!(json.starts_with(r#"{"/p/a.js":{"path":"/p/a.js","#));
    }

    #[test]
    fn no_files_is_an_empty_object() {
        assert_eq!(
            write_istanbul(&FootprintData::default(), "/p", &|_| None),
            "{}"
        );
    }
}
