//! The unique ids the backend's build scanner records, written in one place: a method's
//! `path@line,column` and a branch leaf's `path|line,column|leaf` (the path relative to the
//! project root, the line from 1, the column from 0 in UTF-16 code units, the leaf from 0).

/// The id of the method whose id position is `line`, `column` in the file at `path`.
pub fn method_id(path: &str, line: u32, column: u32) -> String {
    format!("{path}@{line},{column}")
}

/// The id of leaf `leaf` of the branch at `line`, `column` in the file at `path`.
pub fn branch_id(path: &str, line: u32, column: u32, leaf: u32) -> String {
    format!("{path}|{line},{column}|{leaf}")
}

/// The leaf number of a branch id, `None` when the id does not end with one.
pub fn branch_leaf(id: &str) -> Option<usize> {
    id.rsplit_once('|')
        .and_then(|(_, leaf)| leaf.parse::<usize>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_ids() {
        assert_eq!(method_id("src/a.js", 3, 14), "src/a.js@3,14");
        assert_eq!(branch_id("src/a|b.js", 3, 14, 2), "src/a|b.js|3,14|2");
        assert_eq!(branch_leaf("src/a|b.js|3,14|2"), Some(2));
        assert_eq!(branch_leaf("src/a.js|3,14|x"), None);
        assert_eq!(branch_leaf("src/a.js@3,14"), None);
    }
}
