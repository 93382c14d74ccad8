//! Footprint data in the packed form the JS glue sends for a merge: numbers in one `f64` array
//! and strings joined by NUL, so that no JSON is parsed on the Rust side (a JSON reader for this
//! shape cost 40 KB of WebAssembly). Every number is checked to be a whole `u32` (-1 stands for a
//! line that is not executable) and every file index to name a file of the same input; an error
//! says which input, which entry and what was wrong.
//!
//! Per input, in order: the file count, then per file its line count and the lines; the method
//! count, then per method `file, line, column, count`, the count of its lines and the lines; the
//! branch count, then per branch `file, line, column, count`; the error count. Strings, in the
//! same order: per file `path, url`; per method `id, name`; per branch `id`; per error `url,
//! kind, message`.

use crate::error::{Error, Result};
use crate::footprints::add_line;
use crate::footprints::{
    BranchFootprint, FileFootprint, FootprintData, MethodFootprint, ScriptError,
};

struct Reader<'a> {
    numbers: &'a [f64],
    at: usize,
    strings: std::str::Split<'a, char>,
    input: usize,
}

impl Reader<'_> {
    fn error(&self, message: String) -> Error {
        Error::FootprintShape {
            message: format!("input {}: {message}", self.input),
        }
    }

    fn number(&mut self, what: &dyn Fn() -> String) -> Result<f64> {
        let value = self.numbers.get(self.at).copied();
        self.at += 1;
        value.ok_or_else(|| self.error(format!("the packed data ends before {}", what())))
    }

    fn whole(&mut self, what: &dyn Fn() -> String) -> Result<u32> {
        let value = self.number(what)?;
        // No float formatting here: it would pull 11 KB of `core::fmt` into the module.
        if value.fract() != 0.0 || !value.is_finite() {
            Err(self.error(format!("{} is not a whole number", what())))
        } else if value >= 0.0 && value <= f64::from(u32::MAX) {
            Ok(value as u32)
        } else {
            Err(self.error(format!(
                "{} is {}, outside 0 to 2^32-1",
                what(),
                value as i64
            )))
        }
    }

    fn line_count(&mut self, what: &dyn Fn() -> String) -> Result<Option<u32>> {
        if self.number(what)? == -1.0 {
            return Ok(None);
        }
        self.at -= 1;
        self.whole(what).map(Some)
    }

    fn string(&mut self, what: &dyn Fn() -> String) -> Result<String> {
        match self.strings.next() {
            Some(text) => Ok(text.to_owned()),
            None => Err(self.error(format!("the packed strings end before {}", what()))),
        }
    }

    fn file_index(&mut self, what: &dyn Fn() -> String, files: usize) -> Result<u32> {
        let file = self.whole(what)?;
        if (file as usize) < files {
            Ok(file)
        } else {
            Err(self.error(format!("{} is {file}, but there are {files} files", what())))
        }
    }

    fn data(&mut self) -> Result<FootprintData> {
        let mut data = FootprintData::default();
        let file_count = self.whole(&|| "the file count".into())?;
        for i in 0..file_count {
            let lines = self.whole(&|| format!("files[{i}].lines.length"))?;
            let lines = (0..lines)
                .map(|j| self.line_count(&|| format!("files[{i}].lines[{j}]")))
                .collect::<Result<Vec<_>>>()?;
            data.files.push(FileFootprint {
                path: self.string(&|| format!("files[{i}].path"))?,
                url: self.string(&|| format!("files[{i}].url"))?,
                lines,
            });
        }
        let files = data.files.len();
        let method_count = self.whole(&|| "the method count".into())?;
        for i in 0..method_count {
            let file = self.file_index(&|| format!("methods[{i}].file"), files)?;
            let line = self.whole(&|| format!("methods[{i}].line"))?;
            let column = self.whole(&|| format!("methods[{i}].column"))?;
            let count = self.whole(&|| format!("methods[{i}].count"))?;
            let line_count = self.whole(&|| format!("methodLines[{i}].length"))?;
            let mut lines = Vec::with_capacity(line_count as usize);
            for j in 0..line_count {
                add_line(
                    &mut lines,
                    self.whole(&|| format!("methodLines[{i}][{j}]"))?,
                );
            }
            data.methods.push(MethodFootprint {
                id: self.string(&|| format!("methods[{i}].id"))?,
                name: self.string(&|| format!("methods[{i}].name"))?,
                file,
                line,
                column,
                count,
                lines,
            });
        }
        let branch_count = self.whole(&|| "the branch count".into())?;
        for i in 0..branch_count {
            let file = self.file_index(&|| format!("branches[{i}].file"), files)?;
            data.branches.push(BranchFootprint {
                file,
                line: self.whole(&|| format!("branches[{i}].line"))?,
                column: self.whole(&|| format!("branches[{i}].column"))?,
                count: self.whole(&|| format!("branches[{i}].count"))?,
                id: self.string(&|| format!("branches[{i}].id"))?,
            });
        }
        let error_count = self.whole(&|| "the error count".into())?;
        for i in 0..error_count {
            data.errors.push(ScriptError {
                url: self.string(&|| format!("errors[{i}].url"))?,
                kind: self.string(&|| format!("errors[{i}].kind"))?,
                message: self.string(&|| format!("errors[{i}].message"))?,
            });
        }
        Ok(data)
    }
}

/// Merges `inputs` packed footprint data into one, in order: counts of the same file line,
/// method or branch are summed (see [`FootprintData::add`]).
pub fn merge_packed(inputs: usize, numbers: &[f64], strings: &str) -> Result<FootprintData> {
    let mut reader = Reader {
        numbers,
        at: 0,
        strings: strings.split('\0'),
        input: 0,
    };
    let mut total = FootprintData::default();
    let mut index = crate::footprints::FootprintIndex::default();
    for input in 0..inputs {
        reader.input = input;
        total.add_indexed(&reader.data()?, &mut index);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a.js`: lines [1, null, 0]; f@1,0 ran once (line 1), g@3,0 did not; one branch leaf ran.
    fn a() -> (Vec<f64>, Vec<&'static str>) {
        (
            vec![
                1.0, 3.0, 1.0, -1.0, 0.0, // files
                2.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 3.0, 0.0, 0.0, 0.0, // methods
                1.0, 0.0, 1.0, 4.0, 1.0, // branches
                0.0, // errors
            ],
            vec![
                "a.js",
                "file:///p/a.js",
                "a.js@1,0",
                "f",
                "a.js@3,0",
                "g",
                "a.js|1,4|0",
            ],
        )
    }

    /// `b.js` then `a.js` (4 lines); g ran 3 times (line 3, given twice); one error.
    fn b() -> (Vec<f64>, Vec<&'static str>) {
        (
            vec![
                2.0, 1.0, 2.0, 4.0, 1.0, -1.0, 3.0, -1.0, // files
                1.0, 1.0, 3.0, 0.0, 3.0, 2.0, 3.0, 3.0, // methods
                2.0, 1.0, 1.0, 4.0, 2.0, 0.0, 1.0, 0.0, 2.0, // branches
                1.0, // errors
            ],
            vec![
                "b.js",
                "file:///p/b.js",
                "a.js",
                "file:///p/a.js",
                "a.js@3,0",
                "g",
                "a.js|1,4|0",
                "b.js|1,0|1",
                "file:///p/c.js",
                "missing-source",
                "no source",
            ],
        )
    }

    fn merge(inputs: &[(Vec<f64>, Vec<&str>)]) -> Result<FootprintData> {
        let numbers: Vec<f64> = inputs.iter().flat_map(|(n, _)| n.clone()).collect();
        let strings: Vec<&str> = inputs.iter().flat_map(|(_, s)| s.clone()).collect();
        merge_packed(inputs.len(), &numbers, &strings.join("\0"))
    }

    #[test]
    fn one_input_reads_back_as_it_was() {
        assert_eq!(
            merge(&[a()]).unwrap().to_json(),
            concat!(
                r#"{"files":[{"path":"a.js","url":"file:///p/a.js","lines":[1,null,0]}],"#,
                r#""methods":[{"id":"a.js@1,0","file":0,"name":"f","line":1,"column":0,"count":1},"#,
                r#"{"id":"a.js@3,0","file":0,"name":"g","line":3,"column":0,"count":0}],"#,
                r#""branches":[{"id":"a.js|1,4|0","file":0,"line":1,"column":4,"count":1}],"#,
                r#""hitMethods":[0],"hitBranches":[0],"methodLines":{"0":[1]},"errors":[]}"#
            )
        );
    }

    #[test]
    fn merges_counts_lines_methods_branches_and_errors() {
        assert_eq!(
            merge(&[a(), b()]).unwrap().to_json(),
            concat!(
                r#"{"files":[{"path":"a.js","url":"file:///p/a.js","lines":[2,null,3,null]},"#,
                r#"{"path":"b.js","url":"file:///p/b.js","lines":[2]}],"#,
                r#""methods":[{"id":"a.js@1,0","file":0,"name":"f","line":1,"column":0,"count":1},"#,
                r#"{"id":"a.js@3,0","file":0,"name":"g","line":3,"column":0,"count":3}],"#,
                r#""branches":[{"id":"a.js|1,4|0","file":0,"line":1,"column":4,"count":3},"#,
                r#"{"id":"b.js|1,0|1","file":1,"line":1,"column":0,"count":2}],"#,
                r#""hitMethods":[0,1],"hitBranches":[0,1],"methodLines":{"0":[1],"1":[3]},"#,
                r#""errors":[{"url":"file:///p/c.js","kind":"missing-source","message":"no source"}]}"#
            )
        );
    }

    fn shape(message: &str) -> Error {
        Error::FootprintShape {
            message: message.into(),
        }
    }

    #[test]
    fn a_method_of_a_missing_file_is_named() {
        let mut bad = b();
        bad.0[8 + 1] = 2.0;
        assert_eq!(
            merge(&[a(), bad]).unwrap_err(),
            shape("input 1: methods[0].file is 2, but there are 2 files")
        );
    }

    #[test]
    fn a_branch_of_a_missing_file_is_named() {
        let mut bad = a();
        bad.0[17 + 1] = 1.0;
        assert_eq!(
            merge(&[bad]).unwrap_err(),
            shape("input 0: branches[0].file is 1, but there are 1 files")
        );
    }

    #[test]
    fn a_count_that_is_not_a_whole_u32_is_named() {
        for (value, problem) in [
            (1.5, "is not a whole number"),
            (f64::NAN, "is not a whole number"),
            (f64::INFINITY, "is not a whole number"),
            (-2.0, "is -2, outside 0 to 2^32-1"),
            (4294967296.0, "is 4294967296, outside 0 to 2^32-1"),
        ] {
            let mut bad = a();
            bad.0[5 + 4] = value;
            assert_eq!(
                merge(&[bad]).unwrap_err(),
                shape(&format!("input 0: methods[0].count {problem}"))
            );
        }
        let mut bad = a();
        bad.0[3] = 0.5;
        assert_eq!(
            merge(&[bad]).unwrap_err(),
            shape("input 0: files[0].lines[1] is not a whole number")
        );
        let mut top = a();
        top.0[5 + 4] = f64::from(u32::MAX);
        assert_eq!(merge(&[top]).unwrap().methods[0].count, u32::MAX);
    }

    #[test]
    fn data_that_ends_early_is_named() {
        let (numbers, strings) = a();
        assert_eq!(
            merge_packed(1, &numbers[..20], &strings.join("\0")).unwrap_err(),
            shape("input 0: the packed data ends before branches[0].column")
        );
        assert_eq!(
            merge_packed(1, &numbers, &strings[..6].join("\0")).unwrap_err(),
            shape("input 0: the packed strings end before branches[0].id")
        );
    }
}
