//! The request body of footprints format 6.0: the hit methods and branches of any number of hits
//! (invocations) as id tables, each hit pointing into them by index, grouped by test execution.
//! Only what ran is sent; each id appears once.

use crate::footprints::FootprintData;
use crate::json_out::{push_opt_str, push_str, push_u32_array, push_u64};
use std::collections::HashMap;
use std::fmt::Write;

/// Who is sending: the `meta` section and the agent configuration echoed in it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BodyMeta {
    /// This agent's id (a UUID per process).
    pub agent_id: String,
    /// The lab the footprints belong to.
    pub lab_id: String,
    /// The build session id.
    pub build_session_id: String,
    /// Application name, when configured.
    pub app_name: Option<String>,
    /// Build name, when configured.
    pub build_name: Option<String>,
    /// Branch name, when configured.
    pub branch_name: Option<String>,
    /// The agent's version.
    pub agent_version: Option<String>,
    /// The agent's type (for example `"nodejs-lambda"`).
    pub agent_type: Option<String>,
    /// Seconds between footprint sends.
    pub interval_seconds: Option<u32>,
    /// Whether hits carry `methodLines` (the build's methodology is `MethodLines`); `None` means yes.
    pub method_lines: Option<bool>,
    /// `meta.footprintsMapping`, when set (`"agent"`: a collector resolves the test execution, so the
    /// executions carry no `executionId` key).
    pub footprints_mapping: Option<String>,
}

/// One hit: what ran during one invocation (or while the module loaded).
#[derive(Clone, Debug)]
pub struct Hit<'a> {
    /// The test execution it belongs to.
    pub execution_id: &'a str,
    /// The test that caused it, when known.
    pub test_name: Option<&'a str>,
    /// Start, in epoch seconds.
    pub start: u64,
    /// End, in epoch seconds.
    pub end: u64,
    /// Code that ran while the module loaded, before any invocation.
    pub is_init: bool,
    /// The last hit of the process.
    pub is_final: bool,
    /// The footprints of the hit.
    pub data: &'a FootprintData,
}

/// Builds the body of format 6.0 for `hits`.
pub fn build_body(hits: &[Hit<'_>], meta: &BodyMeta) -> String {
    let mut method_table: Vec<&str> = Vec::new();
    let mut method_index: HashMap<&str, u32> = HashMap::new();
    let mut branch_table: Vec<&str> = Vec::new();
    let mut branch_index: HashMap<&str, u32> = HashMap::new();
    let mut hit_json: Vec<(usize, String)> = Vec::with_capacity(hits.len());
    let mut executions: Vec<&str> = Vec::new();
    for hit in hits {
        let execution = match executions.iter().position(|e| *e == hit.execution_id) {
            Some(at) => at,
            None => {
                executions.push(hit.execution_id);
                executions.len() - 1
            }
        };
        let mut methods = Vec::new();
        let mut method_lines = String::new();
        for method in hit.data.methods.iter().filter(|m| m.count > 0) {
            let index = *method_index.entry(&method.id).or_insert_with(|| {
                method_table.push(&method.id);
                method_table.len() as u32 - 1
            });
            if methods.contains(&index) {
                continue;
            }
            methods.push(index);
            if !method.lines.is_empty() {
                if !method_lines.is_empty() {
                    method_lines.push(',');
                }
                let _ = write!(method_lines, "\"{index}\":");
                push_u32_array(&mut method_lines, method.lines.iter().copied());
            }
        }
        let mut branches = Vec::new();
        for branch in hit.data.branches.iter().filter(|b| b.count > 0) {
            let index = *branch_index.entry(&branch.id).or_insert_with(|| {
                branch_table.push(&branch.id);
                branch_table.len() as u32 - 1
            });
            if !branches.contains(&index) {
                branches.push(index);
            }
        }
        let mut out = String::new();
        out.push_str("{\"methods\":");
        push_u32_array(&mut out, methods);
        out.push_str(",\"branches\":");
        push_u32_array(&mut out, branches);
        if meta.method_lines != Some(false) {
            out.push_str(",\"methodLines\":{");
            out.push_str(&method_lines);
            out.push('}');
        }
        out.push_str(",\"start\":");
        push_u64(&mut out, hit.start);
        out.push_str(",\"end\":");
        push_u64(&mut out, hit.end);
        out.push_str(",\"testName\":");
        push_opt_str(&mut out, hit.test_name);
        let _ = write!(
            out,
            ",\"isInitFootprints\":{},\"isFinalFootprints\":{}}}",
            hit.is_init, hit.is_final
        );
        hit_json.push((execution, out));
    }

    let mut out = String::with_capacity(1024 + method_table.len() * 48);
    out.push_str("{\"formatVersion\":\"6.0\",\"methods\":[");
    push_str_list(&mut out, &method_table);
    out.push_str("],\"branches\":[");
    push_str_list(&mut out, &branch_table);
    out.push_str("],\"executions\":[");
    for (e, execution) in executions.iter().enumerate() {
        if e > 0 {
            out.push(',');
        }
        if meta.footprints_mapping.is_some() {
            out.push_str("{\"hits\":[");
        } else {
            out.push_str("{\"executionId\":");
            push_str(&mut out, execution);
            out.push_str(",\"hits\":[");
        }
        let mut first = true;
        for (_, json) in hit_json.iter().filter(|(at, _)| *at == e) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(json);
        }
        out.push_str("]}");
    }
    out.push_str("],\"meta\":{\"agentId\":");
    push_str(&mut out, &meta.agent_id);
    out.push_str(",\"labId\":");
    push_str(&mut out, &meta.lab_id);
    if let Some(mapping) = &meta.footprints_mapping {
        out.push_str(",\"footprintsMapping\":");
        push_str(&mut out, mapping);
    }
    let _ = write!(
        out,
        ",\"intervals\":{{\"timedFootprintsCollectionIntervalSeconds\":{}}}",
        meta.interval_seconds.unwrap_or(10)
    );
    out.push_str(",\"agentConfig\":{\"agentId\":");
    push_str(&mut out, &meta.agent_id);
    for (key, value) in [
        ("appName", meta.app_name.as_deref()),
        ("build", meta.build_name.as_deref()),
        ("branch", meta.branch_name.as_deref()),
        ("buildSessionId", Some(meta.build_session_id.as_str())),
        ("labId", Some(meta.lab_id.as_str())),
        ("agentVersion", meta.agent_version.as_deref()),
        ("agentType", meta.agent_type.as_deref()),
    ] {
        let _ = write!(out, ",\"{key}\":");
        push_opt_str(&mut out, value);
    }
    out.push_str("}}}");
    out
}

fn push_str_list(out: &mut String, items: &[&str]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(out, item);
    }
}
