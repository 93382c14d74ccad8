//! The `compat` line mode through a source map: the per-line counts v8-to-istanbul (9.x, the
//! converter under c8) gives the original files of a mapped script.
//!
//! Its rules, as observed and documented in `tests/sourcemaps/README.md`: every line of an
//! original starts at 1 (the original's text split as in [`CompatLines`]). Each V8 range, in V8's
//! order, is carried to the original: the generated lines it touches are found (a start one code
//! unit early, the generated source's lines split at `\n` only); its start is the mapping at or
//! before its column on its first line (else the first after it), moved to the line of that
//! line's first mapping when that is further down; its end is found from the mapping at or before
//! one column before the end (at least column 1) on its last line: the next mapping of the same
//! original line in original order gives the end, or the line's end when there is none (or it sits
//! on another line); a start and end at the same place take the first mapping at or after the end
//! on the generated line, one column back. Both must be in the same original. Original lines
//! between the two positions (each clamped to its line's end) that the range spans whole take its
//! count, unless an ignore hint keeps them at 1; the last range applied wins. A range with no
//! mapping at its start or end changes nothing.
//!
//! A map with several sources: a range goes to the original the start's mapping names when
//! trace-mapping's resolved name of it (the `sourceRoot` joined, `.` and `..` segments folded) is
//! the map's own `sources` entry, else to the map's first original ([`keeps_name`]; webpack's
//! `webpack://app/./src/a.ts` names are resolved, so its ranges go to the first original).
//!
//! What differs from v8-to-istanbul here: generated lines split at `\r` alone or U+2028 (the map's
//! lines then differ from its), mappings with no source (one-field segments, which the decoder
//! drops), several mappings at one generated column (ordered here by their original position), a
//! name that resolves to another source's name, and index maps, whose names trace-mapping
//! resolves section by section first. Originals whose text is neither in the map nor on disk keep
//! the default rule.

use crate::compat::CompatLines;
use crate::coverage::Script;
use crate::output::Output;
use crate::script_map::Mapped;
use crate::script_state::ScriptState;
use crate::source_map::DecodedMap;

/// A column past every line's end (trace-mapping's `Infinity`).
const LINE_END: i64 = i64::MAX / 4;

/// What the compat rule keeps per mapped script: v8-to-istanbul's line tables of the generated
/// source and of each original, and the mappings in original order.
pub struct CompatTables {
    generated: CompatLines,
    /// (source, original line, original column, mapping index) of every mapping, sorted.
    by_original: Vec<(u32, u32, u32, u32)>,
    /// Per original: its line table, when it is in the project and its text is known.
    originals: Vec<Option<CompatLines>>,
}

/// Every mapping as (source, line, column, index), in original order: tuples as the decoder
/// sorts them, one sort routine in the module.
fn by_original_position(map: &DecodedMap) -> Vec<(u32, u32, u32, u32)> {
    let mut tuples: Vec<(u32, u32, u32, u32)> = (0..map.generated.len())
        .map(|k| {
            let (source, line, column) = map.original(k);
            (source, line, column, k as u32)
        })
        .collect();
    tuples.sort_unstable();
    tuples
}

impl CompatTables {
    /// The tables of a script (`source`, the generated text) and its map.
    pub fn new(source: &str, mapped: &Mapped) -> Self {
        let map = &mapped.map;
        let by_original = by_original_position(map);
        let originals = mapped
            .originals
            .iter()
            .map(|original| match (&original.path, original.text()) {
                (Some(_), Some(content)) => Some(CompatLines::new(&content)),
                _ => None,
            })
            .collect();
        CompatTables {
            generated: CompatLines::new(source),
            by_original,
            originals,
        }
    }

    /// Whether original `index` is counted by this rule (else the default rule counts it).
    pub fn counts_original(&self, index: usize) -> bool {
        matches!(self.originals.get(index), Some(Some(_)))
    }
}

/// An original position as trace-mapping gives it: source index, line from 1, column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Spot {
    source: u32,
    line: i64,
    column: i64,
}

/// Position lookups in a decoded map with v8-to-istanbul's generated lines.
struct Tracer<'a> {
    map: &'a DecodedMap,
    generated: &'a CompatLines,
    by_original: &'a [(u32, u32, u32, u32)],
}

impl Tracer<'_> {
    /// The mappings on generated line `line` (from 0), with the line's start offset.
    fn line(&self, line: usize) -> Option<(usize, usize, i64)> {
        if line >= self.generated.line_count() {
            return None;
        }
        let start = self.generated.start(line);
        let from = self.map.generated.partition_point(|&g| g < start);
        let to = if line + 1 < self.generated.line_count() {
            let next = self.generated.start(line + 1);
            from + self.map.generated[from..].partition_point(|&g| g < next)
        } else {
            self.map.generated.len()
        };
        Some((from, to, i64::from(start)))
    }

    /// The mapping at or before `column` on generated `line`: the first of several at `column`,
    /// else the last before it.
    fn at_or_before(&self, line: usize, column: i64) -> Option<usize> {
        let (from, to, start) = self.line(line)?;
        let column_of = |k: usize| i64::from(self.map.generated[k]) - start;
        let after = from
            + self.map.generated[from..to].partition_point(|&g| i64::from(g) - start <= column);
        let mut k = after.checked_sub(1).filter(|&k| k >= from)?;
        while k > from && column_of(k) == column && column_of(k - 1) == column {
            k -= 1;
        }
        Some(k)
    }

    /// The mapping at or after `column` on generated `line`: the last of several at `column`, else
    /// the first after it.
    fn at_or_after(&self, line: usize, column: i64) -> Option<usize> {
        let (from, to, start) = self.line(line)?;
        let column_of = |k: usize| i64::from(self.map.generated[k]) - start;
        let mut k =
            from + self.map.generated[from..to].partition_point(|&g| i64::from(g) - start < column);
        if k == to {
            return None;
        }
        while k + 1 < to && column_of(k) == column && column_of(k + 1) == column {
            k += 1;
        }
        Some(k)
    }

    fn spot(&self, k: usize) -> Spot {
        let (source, line, column) = self.map.original(k);
        Spot {
            source,
            line: i64::from(line) + 1,
            column: i64::from(column),
        }
    }

    /// The original position of a generated one: at or before, else after; the line's first
    /// mapping when that maps further down.
    fn either_side(&self, line: usize, column: i64) -> Option<Spot> {
        let k = self
            .at_or_before(line, column)
            .or_else(|| self.at_or_after(line, column))?;
        let mut spot = self.spot(k);
        if let Some(first) = self.at_or_before(line, 0).map(|k| self.spot(k)) {
            if first.line > spot.line {
                spot = first;
            }
        }
        Some(spot)
    }

    /// The mapping at or after (`line` from 1, `column`) of original `source` in original order
    /// (the last of several at `column`, else the first after it).
    fn original_at_or_after(&self, source: u32, line: i64, column: i64) -> Option<usize> {
        let group_from = self
            .by_original
            .partition_point(|m| (m.0, i64::from(m.1) + 1) < (source, line));
        let group = &self.by_original[group_from..];
        let group =
            &group[..group.partition_point(|m| (m.0, i64::from(m.1) + 1) == (source, line))];
        let mut i = group.partition_point(|m| i64::from(m.2) < column);
        if i == group.len() {
            return None;
        }
        while i + 1 < group.len() && i64::from(group[i].2) == column && group[i + 1].2 == group[i].2
        {
            i += 1;
        }
        Some(group[i].3 as usize)
    }

    /// The original end of a range ending at `column` of generated `line`.
    fn end_of(&self, line: usize, column: i64) -> Option<Spot> {
        let before = self.either_side(line, (column - 1).max(1))?;
        let to_line_end = Spot {
            column: LINE_END,
            ..before
        };
        let Some(after) = self.original_at_or_after(before.source, before.line, before.column + 1)
        else {
            return Some(to_line_end);
        };
        // The first mapping at that generated position.
        let offset = self.map.generated[after];
        let first = self.map.generated.partition_point(|&g| g < offset);
        let spot = self.spot(first);
        Some(if spot.line == before.line {
            spot
        } else {
            to_line_end
        })
    }

    /// A generated range `[start, end)` carried to its original: start and end positions.
    fn to_original(&self, start: i64, end: i64) -> Option<(Spot, Spot)> {
        let (first, last) = slice_lines(self.generated, start, end, true)?;
        let first_start = i64::from(self.generated.start(first));
        let last_start = i64::from(self.generated.start(last));
        let from = self.either_side(first, (start - first_start).max(0))?;
        let mut to = self.end_of(last, end - last_start)?;
        if from.source != to.source {
            return None;
        }
        if from.line == to.line && from.column == to.column {
            to = match self.at_or_after(last, end - last_start) {
                Some(k) => {
                    let spot = self.spot(k);
                    Spot {
                        column: spot.column - 1,
                        ..spot
                    }
                }
                // No mapping: trace-mapping's null line reads as line 1, its column as -1.
                None => Spot {
                    source: from.source,
                    line: 0,
                    column: -1,
                },
            };
        }
        Some((from, to))
    }
}

/// The offset of (`line` from 1, `column`) in `table`: clamped to the line's end, the end of the
/// text past the last line.
fn offset_of(table: &CompatLines, line: i64, column: i64) -> i64 {
    let index = line.max(1) as usize - 1;
    if index >= table.line_count() {
        return i64::from(table.eof());
    }
    (i64::from(table.start(index)) + column).min(i64::from(table.end(index)))
}

/// The lines v8-to-istanbul takes as touched by `[start, end]` (`inclusive`: from one code unit
/// before `start`), as first and last index; its search, which can stop short, is kept as it is.
fn slice_lines(
    table: &CompatLines,
    start: i64,
    end: i64,
    inclusive: bool,
) -> Option<(usize, usize)> {
    let n = table.line_count() as i64;
    let start = if inclusive { start - 1 } else { start };
    let line_start = |i: i64| i64::from(table.start(i as usize));
    let line_end = |i: i64| i64::from(table.end(i as usize));
    let touches = |i: i64| start < line_end(i) && end >= line_start(i);
    let (mut low, mut high) = (0i64, n);
    while low < high {
        let mut mid = (low + high) >> 1;
        if start >= line_end(mid) {
            low = mid + 1;
        } else if end < line_start(mid) {
            high = mid - 1;
        } else {
            high = mid;
            while mid >= 0 && touches(mid) {
                mid -= 1;
            }
            low = mid + 1;
            break;
        }
    }
    if high < 0 {
        // v8-to-istanbul throws here (it reads a line before the first).
        return None;
    }
    while high < n && touches(high) {
        high += 1;
    }
    (low < high).then(|| (low as usize, high as usize - 1))
}

/// Adds the compat line counts of `script`'s ranges to the files of the originals this rule
/// counts (`files`: the output file of each original, `None` when left out).
pub fn add_lines(
    script: &Script<'_>,
    state: &mut ScriptState,
    mapped: &Mapped,
    files: &[Option<u32>],
    out: &mut Output,
) {
    let tables = state.compat_mapped.get_or_insert_with(|| {
        Box::new(CompatTables::new(
            crate::script_state::kept_text(state.source.as_deref()),
            mapped,
        ))
    });
    let tracer = Tracer {
        map: &mapped.map,
        generated: &tables.generated,
        by_original: &tables.by_original,
    };
    const UNSET: u32 = u32::MAX;
    let mut counts: Vec<Vec<u32>> = tables
        .originals
        .iter()
        .map(|table| vec![UNSET; table.as_ref().map_or(0, CompatLines::line_count)])
        .collect();
    let eof = i64::from(tables.generated.eof());
    for function in script.functions() {
        for range in function.ranges {
            let end = i64::from(range.end).min(eof);
            let Some((from, to)) = tracer.to_original(i64::from(range.start), end) else {
                continue;
            };
            // The original v8-to-istanbul finds by the name trace-mapping gives, else the first
            // (a map with one source always has its ranges there).
            let source = if mapped.map.sources[from.source as usize].name_kept {
                from.source as usize
            } else {
                0
            };
            let Some(Some(table)) = tables.originals.get(source) else {
                continue;
            };
            let start = offset_of(table, from.line, from.column);
            let end = offset_of(table, to.line, to.column);
            let Some((first, last)) = slice_lines(table, start, end, false) else {
                continue;
            };
            for (line, count) in counts[source][first..=last].iter_mut().enumerate() {
                let line = first + line;
                let whole =
                    start <= i64::from(table.start(line)) && end >= i64::from(table.end(line));
                if whole && !table.ignored(line) {
                    *count = range.count;
                }
            }
        }
    }
    for (index, (table, counts)) in tables.originals.iter().zip(&counts).enumerate() {
        let (Some(table), Some(&Some(file))) = (table, files.get(index)) else {
            continue;
        };
        let lines = &mut out.data.files[file as usize].lines;
        lines.resize(counts.len(), None);
        for (line, (mine, &count)) in lines.iter_mut().zip(counts).enumerate() {
            let unspanned = count == UNSET || table.ignored(line);
            let count = if unspanned { 1 } else { count };
            *mine = Some(mine.unwrap_or(0).saturating_add(count));
            out.compat_lines.push((file, line as u32, unspanned));
        }
    }
}

/// Whether trace-mapping's resolved name of a map source is the `sources` entry itself, so that
/// v8-to-istanbul finds the original the mapping names. trace-mapping joins a `sourceRoot` with
/// `/` (so the name changes) and resolves as `@jridgewell/resolve-uri` does with no base: a
/// path's empty (but a last), `.` and folded `..` segments are dropped (a relative path keeps
/// `..` at its start, and one leading `.` before a segment that does not start with `.`), a URL
/// with no path gets `/`; the scheme, host, query and fragment are kept.
pub fn keeps_name(root: &str, source: &str) -> bool {
    if !root.is_empty() || source.is_empty() {
        return false;
    }
    let scheme = source.find("://").filter(|&at| {
        at > 0
            && source[..at]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-_".contains(&b))
    });
    let (path, relative) = match scheme {
        Some(at) => {
            let after = &source[at + 3..];
            match after.find(['/', '?', '#']) {
                Some(host) if after.as_bytes()[host] == b'/' => (&after[host..], false),
                _ => return false,
            }
        }
        None => (source, !source.starts_with('/')),
    };
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let mut pieces = path.split('/').skip(usize::from(!relative)).peekable();
    let mut real = 0usize;
    let mut first = true;
    while let Some(piece) = pieces.next() {
        let next = pieces.peek();
        let kept = match piece {
            "" => next.is_none(),
            "." => first && relative && next.is_some_and(|n| !n.is_empty() && !n.starts_with('.')),
            ".." => relative && real == 0,
            _ => {
                real += 1;
                true
            }
        };
        if !kept {
            return false;
        }
        first = false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_map::OriginalSource;

    /// The text and map of `tests/fixtures/maps/compat-offsets.cjs`.
    fn small_map() -> (CompatLines, DecodedMap) {
        let generated = CompatLines::new("ab cd\nef gh\nij\n");
        // (generated offset, original line, original column), in generated order.
        let mappings = [
            (0, 0, 0),
            (3, 0, 5),
            (3, 1, 0),
            (6, 2, 0),
            (8, 2, 4),
            (8, 2, 6),
            (10, 1, 2),
            (13, 0, 3),
            (13, 2, 4),
        ];
        let map = DecodedMap {
            sources: vec![OriginalSource {
                location: "/a.ts".into(),
                content: None,
                content_lines: 0,
                name_kept: true,
            }],
            generated: mappings.iter().map(|m| m.0).collect(),
            source: mappings.iter().map(|_| 0).collect(),
            line: mappings.iter().map(|m| m.1).collect(),
            column: mappings.iter().map(|m| m.2).collect(),
        };
        (generated, map)
    }

    /// Every range of the small text carried to its original as v8-to-istanbul carries it
    /// (`golden/compat-offsets.txt`, recorded from the real one).
    #[test]
    fn ranges_reach_the_original_positions_v8_to_istanbul_gives() {
        let (generated, map) = small_map();
        let by_original = by_original_position(&map);
        let tracer = Tracer {
            map: &map,
            generated: &generated,
            by_original: &by_original,
        };
        let show = |v: i64| match v {
            LINE_END => "inf".to_owned(),
            v => v.to_string(),
        };
        let recorded = include_str!("../tests/fixtures/maps/golden/compat-offsets.txt");
        for line in recorded.lines() {
            let mut fields = line.split(' ');
            let start: i64 = fields.next().unwrap().parse().unwrap();
            let end: i64 = fields.next().unwrap().parse().unwrap();
            let expected: Vec<&str> = fields.collect();
            let actual = match tracer.to_original(start, end) {
                None => "-".to_owned(),
                Some((from, to)) => [from.line, from.column, to.line, to.column]
                    .map(show)
                    .join(" ")
                    .replacen(" 0 -1", " null -1", 1),
            };
            assert_eq!(actual, expected.join(" "), "range {start}..{end}");
        }
    }

    #[test]
    fn lines_a_range_touches() {
        let (generated, _) = small_map();
        // Lines "ab cd" (0..5), "ef gh" (6..11), "ij" (12..14).
        assert_eq!(slice_lines(&generated, 0, 5, false), Some((0, 0)));
        assert_eq!(slice_lines(&generated, 5, 6, false), Some((1, 1)));
        assert_eq!(slice_lines(&generated, 5, 6, true), Some((0, 1)));
        assert_eq!(slice_lines(&generated, 3, 13, false), Some((0, 2)));
        // Past the text (a start in trimmed white space) and before it.
        assert_eq!(slice_lines(&generated, 15, 15, false), None);
        assert_eq!(slice_lines(&generated, 0, -1, false), None);
    }

    #[test]
    fn lookups_on_a_generated_line() {
        let (generated, map) = small_map();
        let tracer = Tracer {
            map: &map,
            generated: &generated,
            by_original: &[],
        };
        // At or before: the first of a tie at the column, else the last before it.
        assert_eq!(tracer.at_or_before(0, 0), Some(0));
        assert_eq!(tracer.at_or_before(0, 3), Some(1));
        assert_eq!(tracer.at_or_before(0, 4), Some(2));
        assert_eq!(tracer.at_or_before(1, 2), Some(4));
        assert_eq!(tracer.at_or_before(1, 3), Some(5));
        assert_eq!(tracer.at_or_before(1, 9), Some(6));
        assert_eq!(tracer.at_or_before(2, 0), None);
        // At or after: the last of a tie at the column, else the first after it; a line's
        // mappings end before the next line's first.
        assert_eq!(tracer.at_or_after(0, 1), Some(1));
        assert_eq!(tracer.at_or_after(0, 3), Some(2));
        assert_eq!(tracer.at_or_after(0, 4), None);
        assert_eq!(tracer.at_or_after(1, 0), Some(3));
        assert_eq!(tracer.at_or_after(1, 1), Some(4));
        assert_eq!(tracer.at_or_after(1, 2), Some(5));
        assert_eq!(tracer.at_or_after(1, 3), Some(6));
        assert_eq!(tracer.at_or_after(2, 0), Some(7));
        assert_eq!(tracer.at_or_after(2, 1), Some(8));
        assert_eq!(tracer.at_or_after(2, 2), None);
        assert_eq!(tracer.at_or_after(3, 0), None);
        // In original order (line from 1): the last of a tie at the column, else the first after.
        let by_original = by_original_position(&map);
        let tracer = Tracer {
            by_original: &by_original,
            ..tracer
        };
        assert_eq!(tracer.original_at_or_after(0, 3, 4), Some(8));
        assert_eq!(tracer.original_at_or_after(0, 3, 3), Some(4));
        assert_eq!(tracer.original_at_or_after(0, 3, 5), Some(5));
        assert_eq!(tracer.original_at_or_after(0, 3, 7), None);
        assert_eq!(tracer.original_at_or_after(0, 1, 1), Some(7));
        assert_eq!(tracer.original_at_or_after(0, 4, 0), None);
    }

    /// Each name with its resolved form as `@jridgewell/resolve-uri` 3.1 (under trace-mapping)
    /// gives it with no base: kept when they are equal.
    #[test]
    fn names_are_kept_when_resolve_uri_leaves_them() {
        for (name, resolved) in [
            ("../../src/handler.ts", "../../src/handler.ts"),
            ("./src/a.ts", "./src/a.ts"),
            ("src/./a.ts", "src/a.ts"),
            ("a/../../b.ts", "../b.ts"),
            ("a/b/../c/", "a/c/"),
            ("a/b/..", "a/"),
            ("./a/..", "."),
            ("./", "."),
            ("./../a", "../a"),
            ("a//b", "a/b"),
            ("a/b/", "a/b/"),
            ("webpack://app/./src/a.ts", "webpack://app/src/a.ts"),
            (
                "webpack://app/webpack/bootstrap",
                "webpack://app/webpack/bootstrap",
            ),
            ("webpack://app/../x.js?abc", "webpack://app/x.js?abc"),
            ("webpack://app/x.js?a/../b", "webpack://app/x.js?a/../b"),
            ("webpack://app", "webpack://app/"),
            ("/abs//dir/../x.ts", "/abs/x.ts"),
            ("/../x.ts", "/x.ts"),
            ("/", "/"),
            ("c:/Projects/src/index.ts", "c:/Projects/src/index.ts"),
            ("file:///p/a.ts", "file:///p/a.ts"),
            ("a b://x/y", "a b:/x/y"),
            ("webpack://app?x=1", "webpack://app/?x=1"),
            ("://x", ":/x"),
        ] {
            assert_eq!(keeps_name("", name), name == resolved, "{name}");
        }
        // A sourceRoot is joined first.
        assert!(!keeps_name("src", "a.ts"));
        assert!(!keeps_name("", ""));
    }
}
