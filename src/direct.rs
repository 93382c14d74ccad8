//! Footprints of a script at its own positions (no source map): line counts in the chosen
//! line mode, one entry per function with an id, the lines each method owns, and the branch
//! leaves that ran.

use crate::branch_hits::add_direct;
use crate::buffers::Buffers;
use crate::compat::CompatLines;
use crate::converter::LineMode;
use crate::coverage::Script;
use crate::footprints::add_line;
use crate::footprints::FootprintData;
use crate::ids::method_id;
use crate::lines::line_counts;
use crate::method_ids::{id_site, IdSite};
use crate::output::{record_method, Output};
use crate::script_state::{kept_text, MethodSite, ScriptState};

/// Converts one script at its own positions into `out`; `b.segments` already holds its
/// flattened ranges.
pub fn convert_direct(
    script: &Script<'_>,
    state: &mut ScriptState,
    shift: u32,
    line_mode: LineMode,
    b: &mut Buffers,
    out: &mut Output,
) {
    // With hits only, the file has no line counts (what ran is its methods, with their lines).
    let file_lines = !b.hits_only;
    let line_count = if file_lines {
        state.index.line_count()
    } else {
        0
    };
    let file = out.file(&state.path, script.url, line_count);
    let mut work = DirectWork { b, line_mode };
    line_counts(
        &state.index,
        &work.b.segments,
        &mut work.b.counts,
        &mut work.b.owners,
    );
    if file_lines {
        work.add_lines(script, state, file, &mut out.data);
        if let (LineMode::Compat, Some(compat)) = (line_mode, &state.compat) {
            // A line an ignore hint keeps at 1 is 1 once in a total (crate::compat_total).
            for line in 0..compat.line_count() {
                let hinted = compat.ignored(line);
                out.compat_lines.push((file, line as u32, hinted));
            }
        }
    }
    work.add_methods(script, state, shift, file, out);
    work.add_method_lines(&mut out.data);
    work.add_branches(state, file, out);
}

struct DirectWork<'a> {
    b: &'a mut Buffers,
    line_mode: LineMode,
}

impl DirectWork<'_> {
    fn add_lines(
        &mut self,
        script: &Script<'_>,
        state: &mut ScriptState,
        file: u32,
        data: &mut FootprintData,
    ) {
        let lines = &mut data.files[file as usize].lines;
        match self.line_mode {
            LineMode::Default => {
                for (mine, theirs) in lines.iter_mut().zip(self.b.counts.iter()) {
                    if let Some(theirs) = theirs {
                        *mine = Some(mine.unwrap_or(0).saturating_add(*theirs));
                    }
                }
            }
            LineMode::Compat => {
                let compat = state
                    .compat
                    .get_or_insert_with(|| CompatLines::new(kept_text(state.source.as_deref())));
                compat.counts(script, &mut self.b.compat_counts, &mut self.b.scratch);
                // Compat lines split only at `\n`: the table has its own length.
                lines.resize(self.b.compat_counts.len(), None);
                for (mine, &theirs) in lines.iter_mut().zip(self.b.compat_counts.iter()) {
                    *mine = Some(mine.unwrap_or(0).saturating_add(theirs));
                }
            }
        }
    }

    fn add_methods(
        &mut self,
        script: &Script<'_>,
        state: &mut ScriptState,
        shift: u32,
        file: u32,
        out: &mut Output,
    ) {
        self.b.method_of_function.clear();
        self.b
            .method_of_function
            .resize(script.function_count(), None);
        if !state.scanned {
            return;
        }
        let skip = usize::from(script.top_level().is_some());
        for (index, function) in script.functions().enumerate().skip(skip) {
            let Some(extent) = function.ranges.first() else {
                continue;
            };
            if self.b.hits_only && extent.count == 0 {
                continue;
            }
            let site = state.sites.entry(extent.start).or_insert_with(|| {
                let source = kept_text(state.source.as_deref());
                let start = state.index.byte_offset(source, extent.start + shift);
                match id_site(source, start) {
                    IdSite::None => None,
                    IdSite::At(byte) => {
                        let at = state.index.position(state.index.utf16_offset(source, byte));
                        Some(MethodSite {
                            id: method_id(&state.path, at.line, at.column),
                            line: at.line,
                            column: at.column,
                            original: 0,
                        })
                    }
                }
            });
            let Some(site) = site else {
                continue;
            };
            record_method(self.b, out, index, &function, site, file);
        }
    }

    fn add_method_lines(&mut self, data: &mut FootprintData) {
        for (line, (&count, &owner)) in self.b.counts.iter().zip(self.b.owners.iter()).enumerate() {
            let Some(owner) = owner.filter(|_| count.unwrap_or(0) > 0) else {
                continue;
            };
            if let Some(method) = self.b.method_of_function[owner as usize] {
                add_line(&mut data.methods[method as usize].lines, line as u32 + 1);
            }
        }
    }

    fn add_branches(&self, state: &mut ScriptState, file: u32, out: &mut Output) {
        if state.scanned {
            let ScriptState {
                branches,
                source,
                index,
                path,
                ..
            } = state;
            let source = kept_text(source.as_deref());
            add_direct(branches, source, index, path, file, &self.b.segments, out);
        }
    }
}
