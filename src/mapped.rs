//! Footprints of a script through its source map, reported in the original files.
//!
//! Each original line that a mapping at generated code reaches has one count point, fixed per
//! map ([`line_points`]): the generated code of its first mapped column (the last such code when
//! several places map there: export glue comes before the code). A line's count is the count of
//! the innermost range at its point, 0 when no range of the take reaches it; lines no mapping
//! reaches (types, comments, blank lines) are not executable. One fixed point per line, as a
//! line's first character without a map, makes the counts of several takes add up to those of
//! one take over the same run. A function's start is mapped through the last mapping at or before
//! it on the same generated line (bundler glue with no mapping of its own on its line gets no
//! id); its id is then found with the scanner's rules in the original source when the map
//! carries its text, else at the id position in the generated code mapped back through a mapping
//! exactly there. Branches are found in the originals too (see [`crate::branch_hits`]).
//! Originals outside the project root are left out.

use crate::branch_hits::add_mapped;
use crate::buffers::Buffers;
use crate::converter::LineMode;
use crate::coverage::Script;
use crate::footprints::add_line;
use crate::ids::method_id;
use crate::method_ids::{id_site, IdSite};
use crate::output::{record_method, Output};
use crate::packed_text::LastUnpacked;
use crate::script_map::{LinePoint, Mapped, Original};
use crate::script_state::{MethodSite, ScriptState};
use crate::segments::segment_at;
use crate::source_map::DecodedMap;
use crate::tokens::skip_trivia_forward;

/// Converts one script through its map into `out`; `b.segments` holds its flattened ranges.
pub fn convert_mapped(
    script: &Script<'_>,
    state: &mut ScriptState,
    mapped: &Mapped,
    shift: u32,
    line_mode: LineMode,
    b: &mut Buffers,
    out: &mut Output,
) {
    // The output file of each original (`None` when left out); with hits only, without its line
    // counts (a bundle's originals have tens of thousands of lines, and what ran is its methods).
    let line_counts = !b.hits_only;
    let files: Vec<Option<u32>> = mapped
        .originals
        .iter()
        .map(|original| {
            let path = original.path.as_ref()?;
            let lines = if line_counts { original.line_count } else { 0 };
            Some(out.file(path, &original.location, lines))
        })
        .collect();
    add_methods(script, state, mapped, shift, &files, b, out);
    // In compat mode, the originals v8-to-istanbul's rule counts get their lines from it.
    let compat = line_mode == LineMode::Compat;
    if compat && line_counts {
        crate::compat_mapped::add_lines(script, state, mapped, &files, out);
    }
    let default_rule = |original: u32| {
        line_counts
            && (!compat
                || !state
                    .compat_mapped
                    .as_ref()
                    .is_some_and(|t| t.counts_original(original as usize)))
    };
    add_lines(mapped, &files, default_rule, b, out);
    add_mapped(&state.branches, mapped, &files, &b.segments, out);
}

fn add_methods(
    script: &Script<'_>,
    state: &mut ScriptState,
    mapped: &Mapped,
    shift: u32,
    files: &[Option<u32>],
    b: &mut Buffers,
    out: &mut Output,
) {
    b.method_of_function.clear();
    b.method_of_function.resize(script.function_count(), None);
    let skip = usize::from(script.top_level().is_some());
    // A bundle's functions come one original after another: each text is unpacked once a run.
    let mut unpacked = LastUnpacked::default();
    for (index, function) in script.functions().enumerate().skip(skip) {
        let Some(extent) = function.ranges.first() else {
            continue;
        };
        if b.hits_only && extent.count == 0 {
            continue;
        }
        let site = state.sites.entry(extent.start).or_insert_with(|| {
            mapped_site(
                state.source.as_deref(),
                &state.index,
                mapped,
                extent.start + shift,
                &mut unpacked,
            )
        });
        let Some(site) = site else {
            continue;
        };
        let Some(file) = files[site.original as usize] else {
            continue;
        };
        record_method(b, out, index, &function, site, file);
    }
}

/// The id site, in its original file, of the function starting at generated offset `start`.
fn mapped_site(
    generated: Option<&str>,
    generated_index: &crate::line_index::LineIndex,
    mapped: &Mapped,
    start: u32,
    unpacked: &mut LastUnpacked,
) -> Option<MethodSite> {
    let map = &mapped.map;
    let on_line = |offset: u32| {
        let k = map.mapping_at(offset)?;
        (generated_index.position(map.generated[k]).line == generated_index.position(offset).line)
            .then_some(k)
    };
    let k = on_line(start)?;
    let (source, mapped_line, mapped_column) = map.original(k);
    let original = mapped.originals.get(source as usize)?;
    let path = original.path.as_ref()?;
    let content = (original.content.as_ref()).and_then(|text| unpacked.text(source as usize, text));
    let (line, column) = match content {
        Some(content) => {
            let index = original.index(content);
            // The scanner's rules at the start's original position.
            let line_start = *index.line_starts().get(mapped_line as usize)?;
            // A mapping may point at the white space before the token (tsc maps `static `).
            let byte = skip_trivia_forward(
                content,
                index.byte_offset(content, line_start + mapped_column),
            );
            match id_site(content, byte) {
                IdSite::None => return None,
                IdSite::At(at) => {
                    let position = index.position(index.utf16_offset(content, at));
                    (position.line, position.column)
                }
            }
        }
        None => {
            // No original text: the id position in the generated code, mapped back (the generated
            // code is kept for it: `ScriptState::settle_text`).
            let generated = generated?;
            let byte = generated_index.byte_offset(generated, start);
            let IdSite::At(at) = id_site(generated, byte) else {
                return None;
            };
            let id_offset = generated_index.utf16_offset(generated, at);
            let j = map.mapping_at(id_offset)?;
            let (id_source, line, column) = map.original(j);
            if id_source != source || map.generated[j] != id_offset {
                return None;
            }
            (line + 1, column)
        }
    };
    Some(MethodSite {
        id: method_id(path, line, column),
        line,
        column,
        original: source,
    })
}

/// The count point of every line of the project's originals that a mapping at generated code
/// reaches (`at_code(k)`: generated code starts at mapping `k`), sorted by generated offset: the
/// mapping with the smallest original column, the last in the generated code on a tie (tools
/// put export glue mapped to a declaration before the declaration's code).
pub fn line_points(
    map: &DecodedMap,
    originals: &[Original],
    at_code: impl Fn(usize) -> bool,
) -> Vec<LinePoint> {
    // Per project original, its lines' best (column, mapping) so far, in one flat table (`None`
    // before the first).
    let mut first_line = Vec::with_capacity(originals.len());
    let mut total = 0usize;
    for original in originals {
        first_line.push(total);
        if original.path.is_some() {
            total += original.line_count;
        }
    }
    // The best mapping of each line so far (`NONE` before the first): 4 bytes a line of the
    // originals, while the map is loaded beside the script's text.
    const NONE: u32 = u32::MAX;
    let mut best: Vec<u32> = vec![NONE; total];
    for (k, source) in map.source.iter().enumerate() {
        let (line, column) = (map.line.get(k), map.column.get(k));
        if originals[source as usize].path.is_none() {
            continue;
        }
        // An original's line count covers its last mapped line (see `load_map`).
        let slot = &mut best[first_line[source as usize] + line as usize];
        // Mappings come in generated order: the last of equal columns wins.
        if (*slot == NONE || column <= map.column.get(*slot as usize)) && at_code(k) {
            *slot = k as u32;
        }
    }
    // In generated order (mapping order), each point allocated once: kept for the life of the
    // converter (52,000 points for the 2 MB bundle). The chosen mappings as bits, a bit each.
    let mut chosen = vec![0u64; map.generated.len().div_ceil(64)];
    let mut count = 0;
    for &k in best.iter().filter(|&&k| k != NONE) {
        chosen[k as usize / 64] |= 1 << (k % 64);
        count += 1;
    }
    drop(best);
    let mut points = Vec::with_capacity(count);
    let is_chosen = |k: usize| chosen[k / 64] & (1 << (k % 64)) != 0;
    points.extend((0..map.generated.len()).filter(|&k| is_chosen(k)).map(|k| {
        let (original, line, _) = map.original(k);
        LinePoint {
            generated: map.generated[k],
            original,
            line,
        }
    }));
    points
}

/// Line counts of the originals, and the lines each method owns: a line is its method's when
/// the innermost range at its point is the method's and ran.
fn add_lines(
    mapped: &Mapped,
    files: &[Option<u32>],
    default_rule: impl Fn(u32) -> bool,
    b: &mut Buffers,
    out: &mut Output,
) {
    let mut cursor = 0usize;
    for point in &mapped.lines {
        // Points are only on the project's originals, which have a file.
        let Some(file) = files[point.original as usize] else {
            continue;
        };
        let segment = segment_at(&b.segments, &mut cursor, point.generated);
        let count = segment.map_or(0, |s| s.count);
        // The file has the original's line count, which line_points kept within (or none: the
        // rule is off then).
        if default_rule(point.original) {
            let line = &mut out.data.files[file as usize].lines[point.line as usize];
            *line = Some(line.unwrap_or(0).saturating_add(count));
        }
        let Some(segment) = segment.filter(|s| s.count > 0) else {
            continue;
        };
        let method = b.method_of_function[segment.function as usize];
        if let Some(method) = method.filter(|&m| out.data.methods[m as usize].file == file) {
            add_line(&mut out.data.methods[method as usize].lines, point.line + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line points are kept for the life of the converter: no room left over from growing.
    #[test]
    fn line_points_hold_no_spare_room() {
        let mut map = DecodedMap::default();
        for line in 0..5 {
            map.generated.push(line * 10);
            map.source.push(0);
            map.line.push(line);
            map.column.push(0);
        }
        let originals = [Original {
            path: Some("src/o.ts".into()),
            location: "/app/src/o.ts".into(),
            content: None,
            index: std::cell::OnceCell::new(),
            line_count: 5,
        }];
        let points = line_points(&map, &originals, |_| true);
        let lines: Vec<u32> = points.iter().map(|point| point.line).collect();
        assert_eq!(lines, [0, 1, 2, 3, 4]);
        assert_eq!(points.capacity(), 5);
    }
}
