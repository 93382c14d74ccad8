//! Invocations that overlap in one process, and which footprints each of them gets.
//!
//! V8 counts per isolate, not per invocation: a coverage take cannot be split between the
//! invocations that ran while it accumulated. The rule: takes are serialised and each take
//! closes a *window*; every invocation open during a window gets all of that window's
//! footprints (an invocation may be given code another one ran, never denied code it ran
//! itself); an invocation's hit is the sum of the windows it was open in, and it becomes one
//! pending hit when the invocation closes, so each invocation's hit is kept (and sent) once.
//! One invocation at a time is the special case of a single window per invocation.

use crate::footprints::FootprintData;

/// The invocations open now, each with the footprints of the windows it was open in.
pub struct OpenInvocations {
    open: Vec<Open>,
    capacity: usize,
}

struct Open {
    key: u32,
    data: FootprintData,
}

impl OpenInvocations {
    /// At most `capacity` (at least 1) invocations are open at once; opening one more forgets
    /// the oldest, whose close then finds nothing (an invocation that never closed cannot hold
    /// memory for the life of the process).
    pub fn new(capacity: usize) -> Self {
        OpenInvocations {
            open: Vec::new(),
            capacity: capacity.max(1),
        }
    }

    /// Opens the invocation `key` with no footprints yet (reopening a key starts it afresh).
    /// Returns whether an older invocation had to be forgotten to make room.
    pub fn open(&mut self, key: u32) -> bool {
        self.open.retain(|o| o.key != key);
        let forgot = self.open.len() >= self.capacity;
        if forgot {
            self.open.remove(0);
        }
        self.open.push(Open {
            key,
            data: FootprintData::default(),
        });
        forgot
    }

    /// Gives the footprints of one window (a take converted with hits only) to every open
    /// invocation. With none open, the window belongs to no invocation and is dropped. Only
    /// what ran is kept: methods and branches with a count, files without their line counts.
    pub fn add_window(&mut self, mut window: FootprintData) {
        if self.open.is_empty() {
            return;
        }
        window.methods.retain(|m| m.count > 0);
        window.branches.retain(|b| b.count > 0);
        window.errors.clear();
        for file in &mut window.files {
            file.lines = Vec::new();
        }
        let (last, others) = self.open.split_last_mut().expect("not empty");
        for open in others {
            open.data.add(&window);
        }
        if last.data == FootprintData::default() {
            last.data = window;
        } else {
            last.data.add(&window);
        }
    }

    /// Closes the invocation `key`: its footprints, or `None` when it was not open.
    pub fn close(&mut self, key: u32) -> Option<FootprintData> {
        let at = self.open.iter().position(|o| o.key == key)?;
        Some(self.open.remove(at).data)
    }

    /// How many invocations are open.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether none is open.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprints::{test_method, BranchFootprint, FileFootprint};

    /// A window in which `ids` ran (`(id, count)`), all in one file.
    fn window(ids: &[(&str, u32)]) -> FootprintData {
        FootprintData {
            files: vec![FileFootprint {
                path: "src/a.js".into(),
                url: "file:///t/src/a.js".into(),
                lines: vec![Some(1), None],
            }],
            methods: ids
                .iter()
                .map(|&(id, count)| test_method(id, count))
                .collect(),
            branches: vec![
                BranchFootprint {
                    id: "src/a.js|1,0|0".into(),
                    file: 0,
                    line: 1,
                    column: 0,
                    count: 0,
                },
                BranchFootprint {
                    id: "src/a.js|1,0|1".into(),
                    file: 0,
                    line: 1,
                    column: 0,
                    count: 3,
                },
            ],
            errors: Vec::new(),
        }
    }

    fn counts(data: &FootprintData) -> Vec<(String, u32)> {
        data.methods
            .iter()
            .map(|m| (m.id.clone(), m.count))
            .collect()
    }

    fn pairs(ids: &[(&str, u32)]) -> Vec<(String, u32)> {
        ids.iter().map(|&(id, n)| (id.to_owned(), n)).collect()
    }

    #[test]
    fn one_invocation_gets_its_window_without_what_did_not_run() {
        let mut open = OpenInvocations::new(8);
        assert!(open.is_empty());
        open.open(1);
        assert!(!open.is_empty());
        open.add_window(window(&[("a@1,0", 2), ("b@2,0", 0)]));
        let data = open.close(1).unwrap();
        assert_eq!(counts(&data), pairs(&[("a@1,0", 2)]));
        let branches: Vec<(&str, u32)> = data
            .branches
            .iter()
            .map(|b| (b.id.as_str(), b.count))
            .collect();
        assert_eq!(branches, vec![("src/a.js|1,0|1", 3)]);
        assert_eq!(data.files[0].lines, Vec::<Option<u32>>::new());
        assert!(open.is_empty());
    }

    #[test]
    fn overlapping_invocations_share_every_window_they_were_open_in() {
        // A opens; B opens; window 1 closes with A; C opens; window 2 closes with B; window 3 with C.
        let mut open = OpenInvocations::new(8);
        open.open(1);
        open.open(2);
        open.add_window(window(&[("a@1,0", 1), ("b@2,0", 1)]));
        let a = open.close(1).unwrap();
        open.open(3);
        open.add_window(window(&[("b@2,0", 2), ("c@3,0", 1)]));
        let b = open.close(2).unwrap();
        open.add_window(window(&[("c@3,0", 4)]));
        let c = open.close(3).unwrap();
        assert_eq!(counts(&a), pairs(&[("a@1,0", 1), ("b@2,0", 1)]));
        assert_eq!(
            counts(&b),
            pairs(&[("a@1,0", 1), ("b@2,0", 3), ("c@3,0", 1)])
        );
        assert_eq!(counts(&c), pairs(&[("b@2,0", 2), ("c@3,0", 5)]));
        assert_eq!(open.len(), 0);
    }

    #[test]
    fn a_window_with_nobody_open_is_dropped_and_a_key_closes_once() {
        let mut open = OpenInvocations::new(8);
        open.add_window(window(&[("a@1,0", 1)]));
        open.open(7);
        open.add_window(window(&[("b@2,0", 1)]));
        assert_eq!(counts(&open.close(7).unwrap()), pairs(&[("b@2,0", 1)]));
        assert_eq!(open.close(7), None);
        assert_eq!(open.close(8), None);
    }

    #[test]
    fn reopening_starts_afresh_and_the_oldest_is_forgotten_past_capacity() {
        let mut open = OpenInvocations::new(2);
        open.open(1);
        open.add_window(window(&[("a@1,0", 1)]));
        assert!(!open.open(1));
        assert!(!open.open(2));
        assert!(open.open(3));
        assert_eq!(open.len(), 2);
        assert_eq!(open.close(1), None);
        open.add_window(window(&[("c@3,0", 1)]));
        assert_eq!(counts(&open.close(2).unwrap()), pairs(&[("c@3,0", 1)]));
        assert_eq!(counts(&open.close(3).unwrap()), pairs(&[("c@3,0", 1)]));
        assert_eq!(OpenInvocations::new(0).capacity, 1);
    }
}
