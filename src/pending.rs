//! Hits waiting to be sent: a bounded buffer of what ran per invocation (only methods and
//! branches that ran, with their lines), from which request bodies are built. A failed send
//! leaves its hits in place for the next one; when the buffer is full the oldest hits are
//! dropped and counted, so nothing is lost without a trace.

use crate::body::{build_body, BodyMeta, Hit};
use crate::footprints::FootprintData;
use std::collections::VecDeque;

/// What is known of a hit besides its footprints.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HitInfo {
    /// The test execution, or empty when not known yet (see [`PendingHits::next_body`]).
    pub execution_id: String,
    /// The test that caused it, when known.
    pub test_name: Option<String>,
    /// Start, in epoch seconds.
    pub start: u64,
    /// End, in epoch seconds.
    pub end: u64,
    /// Code that ran while the module loaded.
    pub is_init_footprints: bool,
    /// The last hit of the process.
    pub is_final_footprints: bool,
}

struct Stored {
    info: HitInfo,
    data: FootprintData,
}

/// A request body and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextBody {
    /// The body of format 6.0.
    pub body: String,
    /// How many pending hits it holds (confirm them once sent).
    pub hits: usize,
    /// The test execution all its hits belong to.
    pub execution_id: String,
}

/// The buffer of hits not sent yet.
pub struct PendingHits {
    hits: VecDeque<Stored>,
    capacity: usize,
    dropped: u64,
}

impl PendingHits {
    /// A buffer holding at most `capacity` hits (at least 1).
    pub fn new(capacity: usize) -> Self {
        PendingHits {
            hits: VecDeque::new(),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// Keeps what ran in `data` as one hit; a hit in which nothing ran is not kept. Returns the
    /// number of methods that ran.
    pub fn push(&mut self, info: HitInfo, mut data: FootprintData) -> usize {
        data.methods.retain(|m| m.count > 0);
        data.branches.retain(|b| b.count > 0);
        data.files.clear();
        data.errors.clear();
        if data.methods.is_empty() && data.branches.is_empty() {
            return 0;
        }
        let methods = data.methods.len();
        while self.hits.len() >= self.capacity {
            self.hits.pop_front();
            self.dropped += 1;
        }
        self.hits.push_back(Stored { info, data });
        methods
    }

    /// Hits waiting.
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether no hit is waiting.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// Hits dropped because the buffer was full, since the start.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The next body to send: the first hits (at most `max`) that belong to one test execution,
    /// hits without an execution id counting as `execution_id`'s. `None` when nothing waits.
    pub fn next_body(&self, meta: &BodyMeta, execution_id: &str, max: usize) -> Option<NextBody> {
        let effective = |stored: &Stored| -> String {
            if stored.info.execution_id.is_empty() {
                execution_id.to_owned()
            } else {
                stored.info.execution_id.clone()
            }
        };
        let first = effective(self.hits.front()?);
        let hits: Vec<Hit<'_>> = self
            .hits
            .iter()
            .take(max.max(1))
            .take_while(|stored| effective(stored) == first)
            .map(|stored| Hit {
                execution_id: &first,
                test_name: stored.info.test_name.as_deref(),
                start: stored.info.start,
                end: stored.info.end,
                is_init: stored.info.is_init_footprints,
                is_final: stored.info.is_final_footprints,
                data: &stored.data,
            })
            .collect();
        Some(NextBody {
            body: build_body(&hits, meta),
            hits: hits.len(),
            execution_id: first.clone(),
        })
    }

    /// Forgets the first `count` hits (they were sent).
    pub fn confirm(&mut self, count: usize) {
        let count = count.min(self.hits.len());
        self.hits.drain(..count);
    }

    /// Forgets the hits collected while it was not known whether a test execution was open
    /// (no execution id), except the init hit, which waits for the first execution.
    pub fn discard_tentative(&mut self) -> usize {
        let before = self.hits.len();
        self.hits
            .retain(|h| !h.info.execution_id.is_empty() || h.info.is_init_footprints);
        before - self.hits.len()
    }

    /// Gives the hits without an execution id the one now known.
    pub fn assign_execution(&mut self, execution_id: &str) {
        for hit in self.hits.iter_mut() {
            if hit.info.execution_id.is_empty() {
                execution_id.clone_into(&mut hit.info.execution_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprints::test_method;

    fn data(ids: &[(&str, u32)]) -> FootprintData {
        FootprintData {
            methods: ids
                .iter()
                .map(|&(id, count)| test_method(id, count))
                .collect(),
            ..FootprintData::default()
        }
    }

    fn info(execution: &str, init: bool) -> HitInfo {
        HitInfo {
            execution_id: execution.into(),
            start: 1_700_000_000,
            end: 1_700_000_001,
            is_init_footprints: init,
            ..HitInfo::default()
        }
    }

    #[test]
    fn bounded_and_counted() {
        let mut pending = PendingHits::new(2);
        assert_eq!(pending.push(info("e", false), data(&[("a@1,0", 0)])), 0);
        assert!(pending.is_empty());
        pending.push(info("e", false), data(&[("a@1,0", 1)]));
        pending.push(info("e", false), data(&[("b@1,0", 1)]));
        pending.push(info("e", false), data(&[("c@1,0", 1)]));
        assert_eq!((pending.len(), pending.dropped()), (2, 1));
        let next = pending.next_body(&BodyMeta::default(), "x", 10).unwrap();
        assert_eq!((next.hits, next.execution_id.as_str()), (2, "e"));
        let body = next.body;
        assert!(
            body.contains("\"b@1,0\"") && body.contains("\"c@1,0\"") && !body.contains("a@1,0")
        );
        pending.confirm(1);
        assert_eq!(pending.len(), 1);
    }

    #[test]
    fn tentative_hits_and_the_init_hit() {
        let mut pending = PendingHits::new(10);
        pending.push(info("", true), data(&[("init@1,0", 1)]));
        pending.push(info("", false), data(&[("t@1,0", 1)]));
        pending.push(info("e1", false), data(&[("k@1,0", 1)]));
        assert_eq!(pending.discard_tentative(), 1);
        pending.assign_execution("e2");
        // One body per execution, in order: the init hit (now e2's), then e1's.
        let first = pending.next_body(&BodyMeta::default(), "", 10).unwrap();
        assert_eq!((first.hits, first.execution_id.as_str()), (1, "e2"));
        pending.confirm(first.hits);
        let second = pending.next_body(&BodyMeta::default(), "", 10).unwrap();
        assert_eq!((second.hits, second.execution_id.as_str()), (1, "e1"));
        let body: serde_json::Value = serde_json::from_str(&first.body).unwrap();
        assert_eq!(body["executions"][0]["executionId"], "e2");
        assert_eq!(body["methods"], serde_json::json!(["init@1,0"]));
    }

    #[test]
    fn methods_only_and_the_collectors_mapping() {
        let mut pending = PendingHits::new(10);
        pending.push(info("", false), data(&[("a@1,0", 1)]));
        let meta: BodyMeta =
            serde_json::from_str(r#"{"methodLines":false,"footprintsMapping":"agent"}"#).unwrap();
        let next = pending.next_body(&meta, "", 10).unwrap();
        let body: serde_json::Value = serde_json::from_str(&next.body).unwrap();
        let execution = &body["executions"][0];
        assert_eq!(
            execution.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["hits"]
        );
        assert!(execution["hits"][0].get("methodLines").is_none());
        assert_eq!(body["meta"]["footprintsMapping"], "agent");
        let full = pending.next_body(&BodyMeta::default(), "e", 10).unwrap();
        let body: serde_json::Value = serde_json::from_str(&full.body).unwrap();
        assert_eq!(body["executions"][0]["executionId"], "e");
        assert_eq!(
            body["executions"][0]["hits"][0]["methodLines"]["0"],
            serde_json::json!([1])
        );
        assert!(body["meta"].get("footprintsMapping").is_none());
    }
}
