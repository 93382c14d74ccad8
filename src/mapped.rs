//! Footprints of a script through its source map, reported in the original files.
//!
//! One ordered pass over the mappings and the flattened ranges (both sorted by generated
//! offset): each mapping where generated code starts takes the count of the innermost range
//! there, and an original line's count is the maximum over the mappings sent to it. Lines no mapping
//! reaches (types, comments, blank lines) are not executable. A function's start is mapped
//! through the last mapping at or before it on the same generated line (bundler glue with no
//! mapping of its own on its line gets no id); its id is then found with the scanner's rules in
//! the original source when the map carries its text, else at the id position in the generated
//! code mapped back through a mapping exactly there. Branches are found in the originals too
//! (see [`crate::branch_hits`]). Originals outside the project root are left out.

use crate::branch_hits::add_mapped;
use crate::coverage::Script;
use crate::method_ids::{id_site, IdSite};
use crate::script::{Mapped, MethodSite, ScriptState};
use crate::segments::{segment_at, Segment};
use crate::tokens::skip_trivia_forward;
use crate::work::{add_line, record_method, Buffers, Output};

/// Converts one script through its map into `out`; `b.segments` holds its flattened ranges.
pub fn convert_mapped(
    script: &Script<'_>,
    state: &mut ScriptState,
    mapped: &Mapped,
    shift: u32,
    b: &mut Buffers,
    out: &mut Output,
) {
    // The output file of each original (u32::MAX when left out).
    let files: Vec<u32> = mapped
        .originals
        .iter()
        .map(|original| match &original.path {
            Some(path) => out.file(path, &original.location, original.line_count),
            None => u32::MAX,
        })
        .collect();
    add_methods(script, state, mapped, shift, &files, b, out);
    add_lines(mapped, &files, b, out);
    add_mapped(&mut state.branches, mapped, &files, &b.segments, out);
}

fn add_methods(
    script: &Script<'_>,
    state: &mut ScriptState,
    mapped: &Mapped,
    shift: u32,
    files: &[u32],
    b: &mut Buffers,
    out: &mut Output,
) {
    b.method_of_function.clear();
    b.method_of_function
        .resize(script.function_count(), u32::MAX);
    b.seen_sites.clear();
    let skip = usize::from(script.top_level().is_some());
    for (index, function) in script.functions().enumerate().skip(skip) {
        let Some(extent) = function.ranges.first() else {
            continue;
        };
        if b.hits_only && extent.count == 0 {
            continue;
        }
        let site = state.sites.entry(extent.start).or_insert_with(|| {
            mapped_site(&state.source, &state.index, mapped, extent.start + shift)
        });
        let Some(site) = site else {
            continue;
        };
        let file = files[site.original as usize];
        if file == u32::MAX {
            continue;
        }
        record_method(b, &mut out.data, index, &function, site, file);
    }
}

/// The id site, in its original file, of the function starting at generated offset `start`.
fn mapped_site(
    generated: &str,
    generated_index: &crate::line_index::LineIndex,
    mapped: &Mapped,
    start: u32,
) -> Option<MethodSite> {
    let map = &mapped.map;
    let on_line = |offset: u32| {
        let k = map.mapping_at(offset)?;
        (generated_index.position(map.generated[k]).line == generated_index.position(offset).line)
            .then_some(k)
    };
    let k = on_line(start)?;
    let source = map.source[k];
    let original = mapped.originals.get(source as usize)?;
    let path = original.path.as_ref()?;
    let (line, column) = match original.lines() {
        Some((content, index)) => {
            // The scanner's rules at the start's original position.
            let line_start = *index.line_starts().get(map.line[k] as usize)?;
            // A mapping may point at the white space before the token (tsc maps `static `).
            let byte = skip_trivia_forward(
                content,
                index.byte_offset(content, line_start + map.column[k]),
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
            // No original text: the id position in the generated code, mapped back.
            let byte = generated_index.byte_offset(generated, start);
            let IdSite::At(at) = id_site(generated, byte) else {
                return None;
            };
            let id_offset = generated_index.utf16_offset(generated, at);
            let j = map.mapping_at(id_offset)?;
            if map.source[j] != source || map.generated[j] != id_offset {
                return None;
            }
            (map.line[j] + 1, map.column[j])
        }
    };
    Some(MethodSite {
        id: format!("{path}@{line},{column}"),
        line,
        column,
        original: source,
    })
}

/// Line counts of the originals, and the lines each method owns.
fn add_lines(mapped: &Mapped, files: &[u32], b: &mut Buffers, out: &mut Output) {
    let map = &mapped.map;
    let segments: &[Segment] = &b.segments;
    b.method_lines.clear();
    let mut cursor = 0usize;
    for k in 0..map.generated.len() {
        let file = files[map.source[k] as usize];
        if file == u32::MAX || !mapped.at_code[k] {
            continue;
        }
        let Some(segment) = segment_at(segments, &mut cursor, map.generated[k]) else {
            continue;
        };
        let line = map.line[k] as usize;
        let lines = &mut out.data.files[file as usize].lines;
        if line >= lines.len() {
            lines.resize(line + 1, None);
        }
        lines[line] = Some(lines[line].map_or(segment.count, |c| c.max(segment.count)));
        if segment.count > 0 {
            let method = b.method_of_function[segment.function as usize];
            if method != u32::MAX && out.data.methods[method as usize].file == file {
                b.method_lines.push((method, line as u32 + 1));
            }
        }
    }
    for &(method, line) in &b.method_lines {
        add_line(&mut out.data.methods[method as usize].lines, line);
    }
}
