//! Summing compat-mode takes the way c8 does. c8 merges the V8 coverage of every process first
//! and converts once, so a line that no range spans (in a mapped original: types, comments) or
//! that an ignore hint keeps is 1 however many processes loaded it, and one that some range spans
//! has the sum of those counts (the 1 it starts at is gone). Summing each take's counts would give such a line one per take instead:
//! this keeps, per line, whether a take spanned it and whether one left it at its starting 1, and
//! corrects the summed total after each take is added.

use crate::footprints::FootprintData;

/// A take spanned the line with a range.
const SPANNED: u8 = 1;
/// A take left the line at its starting 1.
const UNSPANNED: u8 = 2;

/// What the takes added so far did to each compat-counted line, by file index in the total.
#[derive(Default)]
pub struct CompatTotal {
    lines: Vec<Vec<u8>>,
}

impl CompatTotal {
    /// Corrects `total`, to which `take` was just added: `compat_lines` are the lines of `take`
    /// that compat mode counted through a map, as (file index in `take`, line from 0, whether no
    /// range spanned it).
    pub fn correct(
        &mut self,
        total: &mut FootprintData,
        take: &FootprintData,
        compat_lines: &[(u32, u32, bool)],
    ) {
        let mut current: Option<(u32, usize)> = None;
        for &(file, line, unspanned) in compat_lines {
            let Some(path) = take.files.get(file as usize).map(|f| &f.path) else {
                continue;
            };
            let at = match current {
                Some((known, at)) if known == file => at,
                _ => match total.files.iter().position(|f| &f.path == path) {
                    Some(at) => {
                        current = Some((file, at));
                        at
                    }
                    None => continue,
                },
            };
            if self.lines.len() <= at {
                self.lines.resize(at + 1, Vec::new());
            }
            let flags = &mut self.lines[at];
            let line = line as usize;
            if flags.len() <= line {
                flags.resize(line + 1, 0);
            }
            let Some(Some(value)) = total.files[at].lines.get_mut(line) else {
                continue;
            };
            let before = flags[line];
            // The total already holds this take's count: drop a starting 1 that should not be
            // there (a second unspanned take, or an unspanned one beside a spanned one).
            let extra = if unspanned {
                before != 0
            } else {
                before == UNSPANNED
            };
            if extra {
                *value = value.saturating_sub(1);
            }
            flags[line] = before | if unspanned { UNSPANNED } else { SPANNED };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprints::FileFootprint;

    fn data(lines: &[Option<u32>]) -> FootprintData {
        FootprintData {
            files: vec![FileFootprint {
                path: "src/a.ts".into(),
                url: String::new(),
                lines: lines.to_vec(),
            }],
            ..FootprintData::default()
        }
    }

    /// Adds takes of three lines (count, unspanned) and returns the corrected total.
    fn sum(takes: &[[(u32, bool); 3]]) -> Vec<Option<u32>> {
        let mut total = FootprintData::default();
        let mut compat = CompatTotal::default();
        for take in takes {
            let take_data = data(&take.map(|(count, _)| Some(count)));
            total.add(&take_data);
            let lines: Vec<(u32, u32, bool)> = (0..3).map(|i| (0, i, take[i as usize].1)).collect();
            compat.correct(&mut total, &take_data, &lines);
        }
        total.files[0].lines.clone()
    }

    #[test]
    fn each_file_of_a_take_is_corrected_in_its_own_total_file() {
        let mut total = FootprintData::default();
        let mut compat = CompatTotal::default();
        let mut take = data(&[Some(1), Some(5)]);
        take.files.push(FileFootprint {
            path: "src/b.ts".into(),
            url: String::new(),
            lines: vec![Some(1)],
        });
        // The first file's line 1 and the second's line 1 start at 1; the first's line 2 ran.
        let lines = [(0, 0, true), (0, 1, false), (1, 0, true)];
        for _ in 0..2 {
            total.add(&take);
            compat.correct(&mut total, &take, &lines);
        }
        assert_eq!(total.files[0].lines, [Some(1), Some(10)]);
        assert_eq!(total.files[1].lines, [Some(1)]);
        // A file the total does not have, a line past its end: left alone.
        compat.correct(&mut total, &take, &[(5, 0, true), (1, 3, true)]);
        assert_eq!(total.files[1].lines, [Some(1)]);
    }

    #[test]
    fn a_starting_one_counts_once_and_never_beside_a_range() {
        let unspanned = (1, true);
        // Line 1 never spanned; line 2 spanned in both (0 then 3); line 3 spanned once only,
        // before and after an unspanned take.
        assert_eq!(
            sum(&[
                [unspanned, (0, false), (2, false)],
                [unspanned, (3, false), unspanned],
                [unspanned, (0, false), unspanned],
            ]),
            [Some(1), Some(3), Some(2)]
        );
        assert_eq!(
            sum(&[
                [unspanned, unspanned, unspanned],
                [unspanned, (0, false), (4, false)]
            ]),
            [Some(1), Some(0), Some(4)]
        );
    }
}
