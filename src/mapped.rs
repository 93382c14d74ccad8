//! Footprints of a script through its source map, reported in the original files.
//!
//! One ordered pass over the mappings and the flattened ranges (both sorted by generated
//! offset): each mapping covers the generated code up to the next mapping, and an original
//! line's count is the maximum over the generated code mapped to it. Lines no mapping reaches
//! (types, comments, blank lines) are not executable. A function's id is found in the original
//! source at the position its start maps to when the map carries the source text, else at its
//! id position in the generated code mapped back. Originals outside the project root are left
//! out.

use crate::coverage::Script;
use crate::footprints::{BranchFootprint, MethodFootprint};
use crate::method_ids::{id_site, IdSite};
use crate::script::{Mapped, MethodSite, ScriptState};
use crate::segments::Segment;
use crate::work::{add_line, Buffers, Output};

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
    add_branches(script, mapped, shift, &files, out);
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
        let key = (site.original, site.line, site.column);
        if let Some(&existing) = b.seen_sites.get(&key) {
            let method = &mut out.data.methods[existing as usize];
            method.count = method.count.saturating_add(extent.count);
            b.method_of_function[index] = existing;
            continue;
        }
        b.seen_sites.insert(key, out.data.methods.len() as u32);
        b.method_of_function[index] = out.data.methods.len() as u32;
        out.data.methods.push(MethodFootprint {
            id: site.id.clone(),
            file,
            name: function.name.to_owned(),
            line: site.line,
            column: site.column,
            count: extent.count,
            lines: Vec::new(),
        });
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
    let k = map.mapping_at(start)?;
    let source = map.source[k];
    let original = mapped.originals.get(source as usize)?;
    let path = original.path.as_ref()?;
    let (line, column) = match (&original.content, &original.index) {
        (Some(content), Some(index)) => {
            // The start's position in the original (the mapping's, moved by the distance from
            // it when the start has no mapping of its own), then the scanner's rules there.
            let line_start = *index.line_starts().get(map.line[k] as usize)?;
            let line_end = index
                .line_starts()
                .get(map.line[k] as usize + 1)
                .copied()
                .unwrap_or(index.len_utf16());
            let same_line = generated_index.position(map.generated[k]).line
                == generated_index.position(start).line;
            let delta = if same_line {
                start - map.generated[k]
            } else {
                0
            };
            let offset = (line_start + map.column[k] + delta)
                .min(line_end.saturating_sub(1).max(line_start));
            let byte = index.byte_offset(content, offset);
            match id_site(content, byte) {
                IdSite::None => return None,
                IdSite::At(at) => {
                    let position = index.position(index.utf16_offset(content, at));
                    (position.line, position.column)
                }
            }
        }
        _ => {
            // No original text: the id position in the generated code, mapped back.
            let byte = generated_index.byte_offset(generated, start);
            let IdSite::At(at) = id_site(generated, byte) else {
                return None;
            };
            let id_offset = generated_index.utf16_offset(generated, at);
            let j = map.mapping_at(id_offset)?;
            if map.source[j] != source {
                return None;
            }
            let same_line = generated_index.position(map.generated[j]).line
                == generated_index.position(id_offset).line;
            let delta = if same_line {
                id_offset - map.generated[j]
            } else {
                0
            };
            (map.line[j] + 1, map.column[j] + delta)
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
        if file == u32::MAX {
            continue;
        }
        let from = map.generated[k];
        let to = map
            .generated
            .get(k + 1)
            .copied()
            .unwrap_or(u32::MAX)
            .max(from + 1);
        while cursor < segments.len() && segments[cursor].end <= from {
            cursor += 1;
        }
        let Some(first) = segments.get(cursor).filter(|s| s.start <= from) else {
            continue;
        };
        let mut count = first.count;
        let mut at = cursor + 1;
        while at < segments.len() && segments[at].start < to {
            count = count.max(segments[at].count);
            at += 1;
        }
        let line = map.line[k] as usize;
        let lines = &mut out.data.files[file as usize].lines;
        if line >= lines.len() {
            lines.resize(line + 1, None);
        }
        lines[line] = Some(lines[line].map_or(count, |c| c.max(count)));
        if count > 0 {
            let method = b.method_of_function[first.function as usize];
            if method != u32::MAX && out.data.methods[method as usize].file == file {
                b.method_lines.push((method, line as u32 + 1));
            }
        }
    }
    for &(method, line) in &b.method_lines {
        add_line(&mut out.data.methods[method as usize].lines, line);
    }
}

fn add_branches(script: &Script<'_>, mapped: &Mapped, shift: u32, files: &[u32], out: &mut Output) {
    let map = &mapped.map;
    let first = out.data.branches.len();
    let mut seen = std::collections::HashMap::new();
    for function in script.functions() {
        for block in function.ranges.iter().skip(1) {
            let Some(k) = map.mapping_at(block.start + shift) else {
                continue;
            };
            let original = &mapped.originals[map.source[k] as usize];
            let (Some(path), file) = (&original.path, files[map.source[k] as usize]) else {
                continue;
            };
            let (line, column) = (map.line[k] + 1, map.column[k]);
            let id = format!("{path}|{line},{column}|0");
            if let Some(&at) = seen.get(&id) {
                let branch: &mut BranchFootprint = &mut out.data.branches[at];
                branch.count = branch.count.max(block.count);
                continue;
            }
            seen.insert(id.clone(), out.data.branches.len());
            out.data.branches.push(BranchFootprint {
                id,
                file,
                line,
                column,
                count: block.count,
            });
        }
    }
    debug_assert!(out.data.branches.len() >= first);
}
