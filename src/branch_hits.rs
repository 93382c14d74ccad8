//! How often each branch leaf ran, from V8's ranges, and the leaves that ran as footprints.
//!
//! V8 counts a block of its own for most leaves (an `if`'s arms, a `case`, a ternary's arms
//! starting at `?` and `:`, a logical operand starting at its operator) but omits a block that
//! ran as often as its parent, so a leaf's count is the count of the innermost range at the
//! leaf (the innermost-wins segments): at its operator when it follows one (the operand itself
//! can be a function, whose own range starts there), else at its first code. An `if` without
//! `else` ran its implicit `else` as often as the statement minus its `then` (never below 0). A
//! default value has no range of its own and takes the function's count.
//!
//! At a script's own positions ([`add_direct`]) the leaf's offset is looked up directly; through
//! a source map ([`add_mapped`]) the branches are found in the original text, and a leaf's count
//! is taken at the generated code of the first mapping inside the leaf's original code (one
//! code unit before it for a leaf after an operator, still inside the operator's range).

use crate::branches::{find_branches, is_typescript, BranchPoint, Span};
use crate::footprints::BranchFootprint;
use crate::ids::branch_id;
use crate::line_index::LineIndex;
use crate::output::Output;
use crate::script_map::Mapped;
use crate::segments::Segment;

/// What a script keeps to report its branches: the branch points of its source, or each of its
/// originals' branches resolved through its map.
#[derive(Default)]
pub struct BranchCache {
    /// The script's own branches, once found.
    own: Option<Vec<BranchPoint>>,
    /// Per original (the map's source index): its branches, once resolved.
    originals: Vec<Option<MappedBranches>>,
}

/// An original's branches resolved through the map, once: what each take needs of them without
/// the original's text, its tokens or the mappings in original order (which a bundle's map would
/// keep at 4 bytes a mapping).
#[derive(Default)]
pub struct MappedBranches {
    points: Vec<MappedPoint>,
    /// Per leaf, then the statement of an implicit else: the generated offset whose count is the
    /// leaf's, [`NO_CODE`] when no mapping reaches its code.
    probes: Vec<u32>,
}

/// One branch point of an original.
struct MappedPoint {
    /// Line (from 1) and column of its id position.
    line: u32,
    column: u32,
    /// One past its last probe in [`MappedBranches::probes`].
    probes_end: u32,
    /// Whether its last probe is its statement's, for the implicit else of an `if`.
    implicit_else: bool,
}

/// The probe of a leaf no mapping reaches: past every range, so its count is 0.
const NO_CODE: u32 = u32::MAX;

/// The count of the innermost range at `offset`, 0 outside every range.
fn count_at(segments: &[Segment], offset: u32) -> u32 {
    let at = segments.partition_point(|segment| segment.end <= offset);
    segments
        .get(at)
        .filter(|segment| segment.start <= offset)
        .map_or(0, |segment| segment.count)
}

/// Calls `hit(leaf, count)` for every leaf of one branch point that ran (`every`: for every
/// leaf, 0 for those that did not): `leaves` are the counts at its leaves' code, `statement` the
/// count of an `if` without `else`, whose implicit else is one more leaf that ran as often as
/// the statement minus leaf 0 (never below 0).
fn point_hits(
    leaves: impl Iterator<Item = u32>,
    statement: Option<u32>,
    every: bool,
    mut hit: impl FnMut(u32, u32),
) {
    let (mut first, mut count) = (0, 0);
    for (index, ran) in leaves.enumerate() {
        if index == 0 {
            first = ran;
        }
        if ran > 0 || every {
            hit(index as u32, ran);
        }
        count += 1;
    }
    if let Some(statement) = statement {
        let ran = statement.saturating_sub(first);
        if ran > 0 || every {
            hit(count, ran);
        }
    }
}

/// Adds one leaf's footprint to `out`, or its count to the entry of the same id (two scripts
/// of one file, or two constructs at one position: a ternary's test starting a logical chain).
fn record(out: &mut Output, file: u32, path: &str, line: u32, column: u32, leaf: u32, count: u32) {
    let next = out.branch_leaves.len() as u32;
    let group = *out.branch_sites.entry((file, line, column)).or_insert(next);
    if group == next {
        out.branch_leaves.push(Vec::new());
    }
    let leaves = &mut out.branch_leaves[group as usize];
    if let Some(&(_, at)) = leaves.iter().find(|&&(known, _)| known == leaf) {
        let branch = &mut out.data.branches[at as usize];
        branch.count = branch.count.saturating_add(count);
        return;
    }
    leaves.push((leaf, out.data.branches.len() as u32));
    out.data.branches.push(BranchFootprint {
        id: branch_id(path, line, column, leaf),
        file,
        line,
        column,
        count,
    });
}

/// The branches of a script at its own positions that ran; `segments` are its flattened ranges.
pub fn add_direct(
    cache: &mut BranchCache,
    source: &str,
    index: &LineIndex,
    path: &str,
    file: u32,
    segments: &[Segment],
    out: &mut Output,
) {
    let points = cache
        .own
        .get_or_insert_with(|| find_branches(source, is_typescript(path)));
    let offset = |byte: u32| index.utf16_offset(source, byte as usize);
    let count = |code: Span, operator: Option<u32>| {
        count_at(segments, offset(operator.unwrap_or(code.start)))
    };
    let every = out.every_leaf;
    for point in points.iter() {
        let leaves = point.leaves.iter();
        point_hits(
            leaves.map(|leaf| count(leaf.code, leaf.operator)),
            point.implicit_else.map(|statement| count(statement, None)),
            every,
            |leaf, ran| {
                let at = index.position(offset(point.at));
                record(out, file, path, at.line, at.column, leaf, ran);
            },
        );
    }
}

/// The branches of a mapped script's originals that ran, as resolved when its map was loaded
/// ([`BranchCache::resolve_originals`]: an original not resolved has none); `files` gives each
/// original's output file (`None`: left out).
pub fn add_mapped(
    cache: &BranchCache,
    mapped: &Mapped,
    files: &[Option<u32>],
    segments: &[Segment],
    out: &mut Output,
) {
    let every = out.every_leaf;
    for (source, original) in mapped.originals.iter().enumerate() {
        let (Some(path), Some(&Some(file))) = (&original.path, files.get(source)) else {
            continue;
        };
        let Some(Some(branches)) = cache.originals.get(source) else {
            continue;
        };
        let count = |probe: u32| count_at(segments, probe);
        let mut from = 0;
        for point in &branches.points {
            let probes = &branches.probes[from..point.probes_end as usize];
            from = point.probes_end as usize;
            let (leaves, statement) = match (point.implicit_else, probes.split_last()) {
                (true, Some((statement, leaves))) => (leaves, Some(count(*statement))),
                _ => (probes, None),
            };
            point_hits(
                leaves.iter().map(|&probe| count(probe)),
                statement,
                every,
                |leaf, ran| record(out, file, path, point.line, point.column, leaf, ran),
            );
        }
    }
}

impl BranchCache {
    /// Finds and resolves the branches of every original of the project with a text. The
    /// converter calls it once a map is ready, before the take's output exists: for a bundle the
    /// lookup's tables (the mappings in original order, the largest original's tokens) are a
    /// high-water mark of its memory, and WebAssembly memory keeps its high-water mark. So the
    /// originals go from the smallest text to the largest, each letting its mappings go once
    /// resolved: the largest original's tokens meet the fewest of them. The map's at-code flags,
    /// read by nothing after, are let go.
    pub fn resolve_originals(&mut self, mapped: &mut Mapped) {
        let mut by_original = mappings_by_original(mapped);
        let mut order: Vec<(u64, u32)> = (mapped.originals.iter().enumerate())
            .filter_map(|(at, original)| Some((original.content.as_ref()?.len() as u64, at as u32)))
            .collect();
        order.sort_unstable();
        self.originals.clear();
        self.originals.resize_with(mapped.originals.len(), || None);
        for (_, at) in order {
            let (at, original) = (at as usize, &mapped.originals[at as usize]);
            let (Some(path), Some(content)) = (&original.path, original.text()) else {
                continue;
            };
            let index = original.index(&content);
            let found = find_branches(&content, is_typescript(path));
            let by_original = std::mem::take(&mut by_original[at]);
            self.originals[at] = Some(resolve(mapped, &by_original, &found, &content, index));
        }
        mapped.at_code = Vec::new();
    }
}

/// Per original (the map's source index): the indices of its mappings, ordered by original
/// line, column and index.
fn mappings_by_original(mapped: &Mapped) -> Vec<Vec<u32>> {
    let map = &mapped.map;
    // Each list allocated at its size: a bundle's lists hold hundreds of thousands in all.
    let mut sizes = vec![0usize; mapped.originals.len()];
    for source in map.source.iter() {
        if let Some(size) = sizes.get_mut(source as usize) {
            *size += 1;
        }
    }
    let mut by_original: Vec<Vec<u32>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (k, source) in map.source.iter().enumerate() {
        if let Some(list) = by_original.get_mut(source as usize) {
            list.push(k as u32);
        }
    }
    // Ordered one original at a time, through its keys (the same order as sorting the keys and
    // indices together).
    for list in &mut by_original {
        let mut keyed: Vec<(u64, u32)> =
            list.iter().map(|&k| (original_key(mapped, k), k)).collect();
        keyed.sort_unstable();
        list.clear();
        list.extend(keyed.into_iter().map(|(_, k)| k));
    }
    by_original
}

/// An original (line, column) as one ordered number.
fn position_key(line: u32, column: u32) -> u64 {
    (u64::from(line) << 32) + u64::from(column)
}

/// Where mapping `k` points in its original, as one ordered number.
fn original_key(mapped: &Mapped, k: u32) -> u64 {
    let k = k as usize;
    position_key(mapped.map.line.get(k), mapped.map.column.get(k))
}

/// An original's branch `points` (in `content`, whose line table is `index`) resolved through
/// the map: a leaf's count is taken at the generated code of the first mapping inside its
/// original code, one code unit before it after an operator (still in the operator's range).
/// `by_original`: the original's mappings in original order.
fn resolve(
    mapped: &Mapped,
    by_original: &[u32],
    points: &[BranchPoint],
    content: &str,
    index: &LineIndex,
) -> MappedBranches {
    // (line from 0, column) of an original byte offset, as the map counts them.
    let position = |byte: u32| {
        let at = index.position(index.utf16_offset(content, byte as usize));
        (at.line - 1, at.column)
    };
    let key = |byte: u32| {
        let (line, column) = position(byte);
        position_key(line, column)
    };
    let probe = |code: Span, operator: Option<u32>| {
        let (from, to) = (key(code.start), key(code.end));
        let first = by_original.partition_point(|&k| original_key(mapped, k) < from);
        by_original[first..]
            .iter()
            .take_while(|&&k| original_key(mapped, k) < to)
            .find(|&&k| mapped.at_code[k as usize])
            .map_or(NO_CODE, |&k| {
                let generated = mapped.map.generated[k as usize];
                generated.saturating_sub(u32::from(operator.is_some()))
            })
    };
    let leaves = points.iter().map(|point| point.leaves.len());
    let elses = points.iter().filter(|point| point.implicit_else.is_some());
    let mut out = MappedBranches {
        points: Vec::with_capacity(points.len()),
        probes: Vec::with_capacity(leaves.sum::<usize>() + elses.count()),
    };
    for point in points {
        let leaves = point.leaves.iter();
        out.probes
            .extend(leaves.map(|leaf| probe(leaf.code, leaf.operator)));
        if let Some(statement) = point.implicit_else {
            out.probes.push(probe(statement, None));
        }
        let (line, column) = position(point.at);
        out.points.push(MappedPoint {
            line: line + 1,
            column,
            probes_end: out.probes.len() as u32,
            implicit_else: point.implicit_else.is_some(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(start: u32, end: u32, count: u32) -> Segment {
        Segment {
            start,
            end,
            count,
            function: 0,
        }
    }

    #[test]
    fn counts_of_the_innermost_range() {
        let segments = [segment(0, 4, 3), segment(4, 6, 1), segment(8, 9, 2)];
        assert_eq!(count_at(&segments, 0), 3);
        assert_eq!(count_at(&segments, 3), 3);
        assert_eq!(count_at(&segments, 4), 1);
        assert_eq!(count_at(&segments, 6), 0);
        assert_eq!(count_at(&segments, 8), 2);
        assert_eq!(count_at(&segments, 9), 0);
    }

    /// `(id, count)` of each branch footprint.
    fn footprints(out: &Output) -> Vec<(String, u32)> {
        let branches = out.data.branches.iter();
        branches.map(|b| (b.id.clone(), b.count)).collect()
    }

    /// A script of two lines, with ranges as V8 gives them: then-arms of `if` and `?`
    /// (starting at `?`) and the right operand of `||` (starting at `||`).
    const SOURCE: &str = "if (a) b();\nx = c ? () => 1 : d || e;";

    fn at(text: &str) -> u32 {
        SOURCE.find(text).unwrap() as u32
    }

    fn direct_segments() -> Vec<Segment> {
        let end = SOURCE.len() as u32;
        vec![
            segment(0, at("b();"), 5),
            segment(at("b();"), at("\n"), 2),
            segment(at("\n"), at("?"), 5),
            segment(at("?"), at("() =>"), 4),
            // The arrow's own range starts where the consequent does: not the arm's count.
            segment(at("() =>"), at(" : "), 9),
            segment(at(" : "), at("|| e"), 1),
            segment(at("|| e"), SOURCE.len() as u32 - 1, 3),
            segment(SOURCE.len() as u32 - 1, end, 5),
        ]
    }

    #[test]
    fn typescript_files_are_read_as_typescript() {
        for (path, typescript) in [
            ("a.ts", true),
            ("a.tsx", true),
            ("a.mts", true),
            ("a.cts", true),
            ("a.js", false),
            ("a.mjs", false),
            ("a.d.ts.js", false),
        ] {
            assert_eq!(is_typescript(path), typescript, "{path}");
        }
        // A conditional type: no branch in TypeScript; JavaScript reads a ternary at `B`.
        let source = "type T = A extends B ? C : D;";
        let index = LineIndex::new(source);
        let segments = [segment(0, source.len() as u32, 1)];
        let mut out = Output::default();
        add_direct(
            &mut BranchCache::default(),
            source,
            &index,
            "t.ts",
            0,
            &segments,
            &mut out,
        );
        assert!(out.data.branches.is_empty());
        add_direct(
            &mut BranchCache::default(),
            source,
            &index,
            "t.js",
            0,
            &segments,
            &mut out,
        );
        assert_eq!(out.data.branches.len(), 2);
    }

    /// A chain flattened through parentheses counts its inner first operand at the outer
    /// operator, not at the function that starts there.
    #[test]
    fn flattened_operands_count_at_the_outer_operator() {
        let source = "x = a || (function () {} || c);";
        let index = LineIndex::new(source);
        let at = |text: &str| source.find(text).unwrap() as u32;
        let end = source.len() as u32;
        let segments = [
            segment(0, at("|| ("), 5),
            segment(at("|| ("), at("function"), 3),
            segment(at("function"), at(" ||"), 9),
            segment(at(" ||"), at("|| c"), 3),
            segment(at("|| c"), end - 2, 1),
            segment(end - 2, end, 5),
        ];
        let mut out = Output::default();
        add_direct(
            &mut BranchCache::default(),
            source,
            &index,
            "t.js",
            0,
            &segments,
            &mut out,
        );
        let expected = [("t.js|1,4|0", 5), ("t.js|1,4|1", 3), ("t.js|1,4|2", 1)];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|&(id, n)| (id.to_owned(), n)).collect();
        assert_eq!(footprints(&out), expected);
    }

    #[test]
    fn leaves_at_a_scripts_own_positions() {
        let mut cache = BranchCache::default();
        let index = LineIndex::new(SOURCE);
        let mut out = Output::default();
        let segments = direct_segments();
        add_direct(&mut cache, SOURCE, &index, "t.js", 0, &segments, &mut out);
        let expected = [
            ("t.js|1,0|0", 2), // then
            ("t.js|1,0|1", 3), // implicit else: 5 - 2
            ("t.js|2,4|0", 4), // at `?`, not the arrow's 9
            ("t.js|2,4|1", 1), // at `:`
            ("t.js|2,18|0", 1),
            ("t.js|2,18|1", 3), // at `||`
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|&(id, n)| (id.to_owned(), n)).collect();
        assert_eq!(footprints(&out), expected);
        // A second script of the same file adds to the same entries.
        add_direct(&mut cache, SOURCE, &index, "t.js", 0, &segments, &mut out);
        let doubled: Vec<(String, u32)> =
            expected.iter().map(|(id, n)| (id.clone(), 2 * n)).collect();
        assert_eq!(footprints(&out), doubled);
        // A `then` that ran more often than its `if` (a malformed take): no negative else.
        let mut out = Output::default();
        let odd = [segment(0, at("b();"), 1), segment(at("b();"), at("\n"), 2)];
        add_direct(
            &mut BranchCache::default(),
            SOURCE,
            &index,
            "t.js",
            3,
            &odd,
            &mut out,
        );
        assert_eq!(footprints(&out), [("t.js|1,0|0".to_owned(), 2)]);
        assert_eq!(out.data.branches[0].file, 3);
        assert_eq!(
            (out.data.branches[0].line, out.data.branches[0].column),
            (1, 0)
        );
    }

    /// A map of `src/o.ts` with mappings `(generated offset, original line, column, at code)`.
    fn mapped(original: &str, mappings: &[(u32, u32, u32, bool)]) -> Mapped {
        let mut map = crate::source_map::DecodedMap::default();
        for &(generated, line, column, _) in mappings {
            map.generated.push(generated);
            map.source.push(0);
            map.line.push(line);
            map.column.push(column);
        }
        Mapped {
            map,
            at_code: mappings.iter().map(|m| m.3).collect(),
            lines: Vec::new(),
            originals: vec![crate::script_map::Original {
                path: Some("src/o.ts".into()),
                location: "/app/src/o.ts".into(),
                content: Some(crate::packed_text::PackedText::pack(original)),
                index: std::cell::OnceCell::new(),
                line_count: 2,
            }],
        }
    }

    /// A cache with the branches of `mapped`'s originals resolved, which lets the map's at-code
    /// flags go.
    fn resolved(mapped: &mut Mapped) -> BranchCache {
        let mut cache = BranchCache::default();
        cache.resolve_originals(mapped);
        assert!(mapped.at_code.is_empty());
        cache
    }

    #[test]
    fn leaves_of_originals_through_a_map() {
        // TypeScript compiled: the type dropped, a prefix line added; mappings at token starts
        // as tools write them, and one at the white space before `b()` sent to `b` (no code).
        let original = "if (a) b();\nx = c ? (d as T) : f;";
        let generated = "var p;\nif (a) b();\nx = c ? (d) : f;";
        let g = |text: &str| generated.find(text).unwrap() as u32;
        let end = generated.len() as u32;
        let segments = [
            segment(0, g("b()"), 4),
            segment(g("b()"), g("\nx"), 1),
            segment(g("\nx"), g("?"), 4),
            segment(g("?"), g(" : "), 3),
            segment(g(" : "), end - 1, 1),
            segment(end - 1, end, 4),
        ];
        let mut mappings = vec![
            (g("if"), 0, 0, true),
            (g("a)"), 0, 4, true),
            (g(" b()"), 0, 7, false),
            (g("b()"), 0, 7, true),
            (g("x ="), 1, 0, true),
            (g("c ?"), 1, 4, true),
            (g("(d"), 1, 8, true),
            (g("f;"), 1, 19, true),
            (end - 1, 1, 20, true),
        ];
        let mut out = Output::default();
        let mut with_f = mapped(original, &mappings);
        add_mapped(
            &resolved(&mut with_f),
            &with_f,
            &[Some(7)],
            &segments,
            &mut out,
        );
        let expected = [
            ("src/o.ts|1,0|0", 1), // at `b`, not at the white space mapped there first
            ("src/o.ts|1,0|1", 3),
            ("src/o.ts|2,4|0", 3), // one code unit before `(d`: in the `?` range
            ("src/o.ts|2,4|1", 1),
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|&(id, n)| (id.to_owned(), n)).collect();
        assert_eq!(footprints(&out), expected);
        assert!(out.data.branches.iter().all(|b| b.file == 7));
        // Without a mapping inside `f`, the one right after it (`;`) is not the leaf's.
        mappings.retain(|m| m.2 != 19);
        let mut out = Output::default();
        let mut without_f = mapped(original, &mappings);
        let cache = resolved(&mut without_f);
        add_mapped(&cache, &without_f, &[Some(7)], &segments, &mut out);
        assert_eq!(footprints(&out), expected[..3]);
        // An original left out (no output file) reports nothing.
        let mut out = Output::default();
        add_mapped(&cache, &without_f, &[None], &segments, &mut out);
        assert!(out.data.branches.is_empty());
    }

    /// What a take reads of an original's branches is resolved once: without its text (a
    /// second take through a map whose original has none), the same footprints; the probes
    /// are kept without spare room.
    #[test]
    fn resolved_branches_need_no_text_and_keep_no_spare_room() {
        let original = "if (a) b();\nx = c ? d : e;";
        let generated = original;
        let g = |text: &str| generated.find(text).unwrap() as u32;
        let end = generated.len() as u32;
        // Mappings listed out of original order: they are ordered for the lookup.
        let mappings = [
            (g("x ="), 1, 0, true),
            (g("e;"), 1, 12, true),
            (g("d :"), 1, 8, true),
            (g("if"), 0, 0, true),
            (g("b()"), 0, 7, true),
        ];
        let segments = [
            segment(0, g("b()"), 4),
            segment(g("b()"), g("\nx"), 1),
            segment(g("\nx"), g("?"), 4),
            segment(g("?"), g(" :"), 3),
            segment(g(" :"), end - 1, 1),
            segment(end - 1, end, 4),
        ];
        let mut out = Output::default();
        let mut with_text = mapped(original, &mappings);
        let cache = resolved(&mut with_text);
        add_mapped(&cache, &with_text, &[Some(0)], &segments, &mut out);
        let expected = [
            ("src/o.ts|1,0|0", 1),
            ("src/o.ts|1,0|1", 3),
            ("src/o.ts|2,4|0", 3),
            ("src/o.ts|2,4|1", 1),
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|&(id, n)| (id.to_owned(), n)).collect();
        assert_eq!(footprints(&out), expected);
        let branches = cache.originals[0].as_ref().unwrap();
        // Then at `b`, the implicit else at the `if` statement, the arms one unit before theirs.
        assert_eq!(
            branches.probes,
            [g("b()"), g("if"), g("d :") - 1, g("e;") - 1]
        );
        assert_eq!(
            (branches.probes.capacity(), branches.points.capacity()),
            (4, 2)
        );
        let mut without_text = mapped(original, &mappings);
        without_text.originals[0].content = None;
        let mut out = Output::default();
        add_mapped(&cache, &without_text, &[Some(0)], &segments, &mut out);
        assert_eq!(footprints(&out), expected);
        // An original without text has no branches to resolve, nor one not resolved.
        for cache in [resolved(&mut without_text), BranchCache::default()] {
            let mut out = Output::default();
            add_mapped(&cache, &with_text, &[Some(0)], &segments, &mut out);
            assert!(out.data.branches.is_empty());
        }
    }

    /// Each original's mappings in original order (line, column, index), each list allocated at
    /// its size; a mapping into a source the map does not list is in none.
    #[test]
    fn mappings_by_original_are_ordered_and_sized_once() {
        let mut map = mapped(
            "a;\nb;\nc;",
            &[
                (0, 2, 0, true),
                (3, 0, 1, true),
                (5, 0, 1, true),
                (7, 1, 0, true),
            ],
        );
        map.originals.push(crate::script_map::Original {
            path: Some("src/p.ts".into()),
            location: "/app/src/p.ts".into(),
            content: None,
            index: std::cell::OnceCell::new(),
            line_count: 1,
        });
        map.map.source = vec![0, 0, 1, 0].into();
        let mut with_stray = map.map.clone();
        with_stray.generated.push(9);
        with_stray.source.push(7);
        with_stray.line.push(0);
        with_stray.column.push(0);
        for decoded in [map.map.clone(), with_stray] {
            map.map = decoded;
            let lists = mappings_by_original(&map);
            assert_eq!(lists, [vec![1, 3, 0], vec![2]]);
            let capacities: Vec<usize> = lists.iter().map(Vec::capacity).collect();
            assert_eq!(capacities, [3, 1]);
        }
    }
}
