//! The WebAssembly boundary, and the only module that knows about JavaScript: converts options,
//! coverage (JSON text, JSON bytes, or the packed numbers the JS glue builds from inspector
//! objects) and sources into core types, results into one JSON string, and core errors into JS
//! `Error`s carrying `kind` and the error's position fields.
//!
//! Positions cross unchanged: offsets stay UTF-16 code units, lines from 1, columns from 0.

use crate::body::{build_body, BodyMeta, Hit};
use crate::converter::{Converter as CoreConverter, Inputs, LineMode, Options, SourceText};
use crate::coverage::{Coverage, CoverageRange};
use crate::error::Error;
use crate::footprints::{
    errors_to_json, BranchFootprint, FileFootprint, FootprintData, FootprintIndex, MethodFootprint,
};
use crate::invocations::OpenInvocations;
use crate::pending::{HitInfo, NextBody, PendingHits};
use js_sys::{Function, Map, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

/// Turns a core error into a JS `Error` with `kind` and the variant's fields.
fn to_js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("kind", error.kind().into());
    js.set_name("FootprintsError");
    match &error {
        Error::Json { line, column, .. } => {
            set("line", (*line as u32).into());
            set("column", (*column as u32).into());
        }
        Error::OffsetOutOfRange {
            url,
            offset,
            length,
        } => {
            set("url", url.as_str().into());
            set("offset", (*offset).into());
            set("length", (*length).into());
        }
        Error::SourceMismatch { url, .. }
        | Error::MissingSource { url }
        | Error::SourceMap { url, .. } => set("url", url.as_str().into()),
        Error::NonUtf8 { url, byte_offset } => {
            set("url", url.as_str().into());
            set("byteOffset", (*byte_offset as u32).into());
        }
        Error::Option { name, .. } => set("option", name.as_str().into()),
        Error::Shape { .. } | Error::FootprintShape { .. } => {}
    }
    js.into()
}

fn option_error(name: &str, message: impl ToString) -> JsValue {
    to_js_error(Error::Option {
        name: name.into(),
        message: message.to_string(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct JsOptions {
    project_root: Option<String>,
    cwd: Option<String>,
    script_root: Option<String>,
    build_root: Option<String>,
    exclude: Vec<String>,
    include: Vec<String>,
    line_mode: Option<String>,
}

/// A request body built from pending hits.
#[wasm_bindgen(js_name = NextBody)]
pub struct WasmNextBody {
    next: NextBody,
}

#[wasm_bindgen(js_class = NextBody)]
impl WasmNextBody {
    /// The body of format 6.0 (JSON text).
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.next.body.clone()
    }

    /// How many pending hits it holds.
    #[wasm_bindgen(getter)]
    pub fn hits(&self) -> usize {
        self.next.hits
    }

    /// The test execution its hits belong to.
    #[wasm_bindgen(getter, js_name = executionId)]
    pub fn execution_id(&self) -> String {
        self.next.execution_id.clone()
    }
}

/// A converter that keeps per-script work between calls (see the npm package's `Converter`).
#[wasm_bindgen(js_name = WasmConverter)]
pub struct WasmConverter {
    inner: CoreConverter,
    /// What `add` converted so far, merged (counts summed), and its index.
    total: FootprintData,
    total_index: FootprintIndex,
    /// Compat mode: sums the total's mapped lines as c8 does.
    compat_total: crate::compat_total::CompatTotal,
}

#[wasm_bindgen(js_class = WasmConverter)]
impl WasmConverter {
    /// `options_json`: JSON of `{projectRoot, cwd, scriptRoot, exclude, lineMode}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> Result<WasmConverter, JsValue> {
        #[cfg(debug_assertions)]
        console_error_panic_hook::set_once();
        let js: JsOptions =
            serde_json::from_str(options_json).map_err(|e| option_error("options", e))?;
        let line_mode = match js.line_mode.as_deref() {
            None | Some("default") => LineMode::Default,
            Some("compat") => LineMode::Compat,
            Some(other) => {
                return Err(option_error(
                    "lineMode",
                    format!("`{other}` is not a line mode; use \"default\" or \"compat\""),
                ))
            }
        };
        let cwd = js.cwd.unwrap_or_else(|| "/".into());
        let options = Options {
            project_root: js.project_root.unwrap_or_else(|| cwd.clone()),
            cwd,
            script_root: js.script_root,
            build_root: js.build_root,
            exclude: js.exclude,
            include: js.include,
            line_mode,
        };
        CoreConverter::new(&options)
            .map(|inner| WasmConverter {
                inner,
                total: FootprintData::default(),
                total_index: FootprintIndex::default(),
                compat_total: Default::default(),
            })
            .map_err(to_js_error)
    }

    /// The normalised absolute project root.
    #[wasm_bindgen(getter, js_name = projectRoot)]
    pub fn project_root(&self) -> String {
        self.inner.project_root().to_owned()
    }

    /// Converts coverage JSON given as bytes; returns the footprint data as JSON text.
    #[wasm_bindgen(js_name = convertJsonBytes)]
    pub fn convert_json_bytes(
        &mut self,
        json: &[u8],
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> Result<String, JsValue> {
        let coverage = crate::parse_coverage(json).map_err(to_js_error)?;
        Ok(self.convert(&coverage, sources, source_maps))
    }

    /// Converts coverage JSON given as text; returns the footprint data as JSON text.
    #[wasm_bindgen(js_name = convertJsonText)]
    pub fn convert_json_text(
        &mut self,
        json: &str,
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> Result<String, JsValue> {
        self.convert_json_bytes(json.as_bytes(), sources, source_maps)
    }

    /// Which of `urls` are the project's, as 1/0 bytes (the JS glue packs only those).
    #[wasm_bindgen(js_name = projectMask)]
    pub fn project_mask(&self, urls: Vec<String>) -> Vec<u8> {
        urls.iter()
            .map(|url| u8::from(self.inner.is_project_script(url)))
            .collect()
    }

    /// Converts packed coverage: `urls[i]` is script `i`; `names` are the function names
    /// joined by NUL; `packed` holds, per script, the function count, then per function the
    /// range count, the block flag and `start, end, count` per range; `map_cache_json` carries
    /// Node's source-map cache when the input object had one.
    #[wasm_bindgen(js_name = convertPacked)]
    pub fn convert_packed(
        &mut self,
        urls: Vec<String>,
        names: &str,
        packed: &[u32],
        map_cache_json: &str,
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> Result<String, JsValue> {
        let coverage = unpack(&urls, names, packed, map_cache_json).map_err(to_js_error)?;
        Ok(self.convert(&coverage, sources, source_maps))
    }

    fn convert(&mut self, coverage: &Coverage, sources: &JsValue, source_maps: &JsValue) -> String {
        self.footprints(coverage, sources, source_maps, false)
            .to_json()
    }

    fn footprints(
        &mut self,
        coverage: &Coverage,
        sources: &JsValue,
        source_maps: &JsValue,
        hits_only: bool,
    ) -> FootprintData {
        let mut sources = |url: &str| source_for(sources, url);
        let mut source_maps = |location: &str| source_for(source_maps, location);
        self.inner.convert_with(
            coverage,
            Inputs {
                sources: &mut sources,
                source_maps: &mut source_maps,
                hits_only,
            },
        )
    }

    /// Converts coverage JSON given as bytes and adds it to the total (counts summed). Returns
    /// JSON of the scripts left out of this take, as `errors` elsewhere.
    #[wasm_bindgen(js_name = addJsonBytes)]
    pub fn add_json_bytes(
        &mut self,
        json: &[u8],
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> Result<String, JsValue> {
        let coverage = crate::parse_coverage(json).map_err(to_js_error)?;
        Ok(self.add_to_total(&coverage, sources, source_maps))
    }

    /// Converts packed coverage (as `convertPacked`) and adds it to the total; returns as
    /// `addJsonBytes`.
    #[wasm_bindgen(js_name = addPacked)]
    pub fn add_packed(
        &mut self,
        urls: Vec<String>,
        names: &str,
        packed: &[u32],
        map_cache_json: &str,
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> Result<String, JsValue> {
        let coverage = unpack(&urls, names, packed, map_cache_json).map_err(to_js_error)?;
        Ok(self.add_to_total(&coverage, sources, source_maps))
    }

    fn add_to_total(
        &mut self,
        coverage: &Coverage,
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> String {
        // The total lists every branch leaf, 0 for those that did not run, for the reports.
        self.inner.set_every_leaf(true);
        let data = self.footprints(coverage, sources, source_maps, false);
        self.inner.set_every_leaf(false);
        self.total.add_indexed(&data, &mut self.total_index);
        self.compat_total
            .correct(&mut self.total, &data, self.inner.compat_lines());
        errors_to_json(&data.errors)
    }

    /// The total of every `add` so far, as footprint data JSON.
    #[wasm_bindgen(js_name = totalJson)]
    pub fn total_json(&self) -> String {
        self.total.to_json()
    }

    /// The total in a report format: `json` (footprint data), `istanbul` (`coverage-final.json`),
    /// `lcov` (a tracefile), with absolute paths under the project root, or `summary` (per file
    /// totals, see [`crate::report::write_summary`]).
    #[wasm_bindgen(js_name = totalReport)]
    pub fn total_report(&self, format: &str) -> Result<String, JsValue> {
        let texts = self.inner.file_texts();
        let text = |path: &str| texts.get(path).map(|text| text.as_ref());
        let root = self.inner.project_root();
        match format {
            "json" => Ok(self.total.to_json()),
            "istanbul" => Ok(crate::istanbul::write_istanbul(&self.total, root, &text)),
            "lcov" => Ok(crate::lcov::write_lcov(&self.total, root, &text)),
            "summary" => Ok(crate::report::write_summary(&self.total)),
            other => Err(option_error(
                "format",
                format!("`{other}` is not a report format; use \"json\", \"istanbul\", \"lcov\" or \"summary\""),
            )),
        }
    }

    /// Forgets the total (the converter's per-script work is kept).
    #[wasm_bindgen(js_name = clearTotal)]
    pub fn clear_total(&mut self) {
        self.total = FootprintData::default();
        self.total_index = FootprintIndex::default();
        self.compat_total = Default::default();
    }
}

/// The layer's protocol state (see the npm package's `PendingHits`): the open invocations and
/// their windows, and the hits waiting to be sent with the bodies built from them. Conversion
/// stays with the `WasmConverter` its adding methods are given.
#[wasm_bindgen(js_name = WasmPendingHits)]
pub struct WasmPendingHits {
    open: OpenInvocations,
    pending: PendingHits,
}

/// At most this many invocations are open at once (the multi-concurrent runtime runs a few per
/// worker); past it the oldest is forgotten, so one that never completes holds no memory for long.
const MAX_OPEN_INVOCATIONS: usize = 256;

#[wasm_bindgen(js_class = WasmPendingHits)]
impl WasmPendingHits {
    /// Keeps at most `limit` hits waiting; past it the oldest is dropped (and counted).
    #[wasm_bindgen(constructor)]
    pub fn new(limit: usize) -> WasmPendingHits {
        WasmPendingHits {
            open: OpenInvocations::new(MAX_OPEN_INVOCATIONS),
            pending: PendingHits::new(limit),
        }
    }

    /// Converts packed coverage with `converter` (as its `convertPacked`) and keeps what ran as
    /// one pending hit; `hit_json` is JSON of `{executionId, testName, start, end,
    /// isInitFootprints}`. Returns JSON of `{methods, errors}`: how many methods ran, and the
    /// scripts left out.
    #[wasm_bindgen(js_name = addHitPacked)]
    #[allow(clippy::too_many_arguments)] // one flat call across the boundary, no JS object
    pub fn add_hit_packed(
        &mut self,
        converter: &mut WasmConverter,
        urls: Vec<String>,
        names: &str,
        packed: &[u32],
        map_cache_json: &str,
        sources: &JsValue,
        source_maps: &JsValue,
        hit_json: &str,
    ) -> Result<String, JsValue> {
        let info: HitInfo = serde_json::from_str(hit_json).map_err(|e| option_error("hit", e))?;
        let coverage = unpack(&urls, names, packed, map_cache_json).map_err(to_js_error)?;
        let mut data = converter.footprints(&coverage, sources, source_maps, true);
        let errors = std::mem::take(&mut data.errors);
        let methods = self.pending.push(info, data);
        Ok(format!(
            "{{\"methods\":{methods},\"errors\":{}}}",
            errors_to_json(&errors)
        ))
    }

    /// Opens the invocation `key`: the windows closed from now on until it closes are its
    /// footprints (see the `invocations` module). Returns whether an older open invocation was
    /// forgotten to make room.
    #[wasm_bindgen(js_name = openInvocation)]
    pub fn open_invocation(&mut self, key: u32) -> bool {
        self.open.open(key)
    }

    /// Converts packed coverage with `converter` (as its `convertPacked`), one take that closes a
    /// window, and gives what ran to every open invocation (with none open it is dropped).
    /// Returns JSON of the scripts left out, as `errors` elsewhere.
    #[wasm_bindgen(js_name = addWindowPacked)]
    #[allow(clippy::too_many_arguments)] // one flat call across the boundary, no JS object
    pub fn add_window_packed(
        &mut self,
        converter: &mut WasmConverter,
        urls: Vec<String>,
        names: &str,
        packed: &[u32],
        map_cache_json: &str,
        sources: &JsValue,
        source_maps: &JsValue,
    ) -> Result<String, JsValue> {
        let coverage = unpack(&urls, names, packed, map_cache_json).map_err(to_js_error)?;
        if self.open.is_empty() {
            return Ok("[]".into());
        }
        let mut data = converter.footprints(&coverage, sources, source_maps, true);
        let errors = std::mem::take(&mut data.errors);
        self.open.add_window(data);
        Ok(errors_to_json(&errors))
    }

    /// Closes the invocation `key` and keeps the windows it was open in as one pending hit;
    /// `hit_json` as for `addHitPacked`. Returns how many methods ran (0 when `key` was not
    /// open or nothing ran: no hit is kept then).
    #[wasm_bindgen(js_name = closeInvocation)]
    pub fn close_invocation(&mut self, key: u32, hit_json: &str) -> Result<usize, JsValue> {
        let info: HitInfo = serde_json::from_str(hit_json).map_err(|e| option_error("hit", e))?;
        Ok(match self.open.close(key) {
            Some(data) => self.pending.push(info, data),
            None => 0,
        })
    }

    /// The next body to send: the first pending hits (at most `max`) of one test execution
    /// (hits without an execution id count as `execution_id`'s), or `undefined` when none
    /// waits. `meta_json` is as for `buildBodyJson`.
    #[wasm_bindgen(js_name = nextBody)]
    pub fn next_body(
        &self,
        meta_json: &str,
        execution_id: &str,
        max: usize,
    ) -> Result<Option<WasmNextBody>, JsValue> {
        let meta: BodyMeta =
            serde_json::from_str(meta_json).map_err(|e| option_error("meta", e))?;
        Ok(self
            .pending
            .next_body(&meta, execution_id, max)
            .map(|next| WasmNextBody { next }))
    }

    /// Forgets the first `count` pending hits (they were sent).
    #[wasm_bindgen(js_name = confirmSent)]
    pub fn confirm_sent(&mut self, count: usize) {
        self.pending.confirm(count);
    }

    /// Forgets hits collected before it was known that no test execution was open; returns
    /// how many.
    #[wasm_bindgen(js_name = discardTentative)]
    pub fn discard_tentative(&mut self) -> usize {
        self.pending.discard_tentative()
    }

    /// Gives pending hits without an execution id the one now known.
    #[wasm_bindgen(js_name = assignExecution)]
    pub fn assign_execution(&mut self, execution_id: &str) {
        self.pending.assign_execution(execution_id);
    }

    /// Hits waiting to be sent.
    #[wasm_bindgen(getter, js_name = pendingCount)]
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// Hits dropped because the buffer was full, since the start.
    #[wasm_bindgen(getter, js_name = droppedCount)]
    pub fn dropped_count(&self) -> f64 {
        self.pending.dropped() as f64
    }
}

/// Rebuilds coverage from its packed form; `map_cache_json` is JSON of a `NODE_V8_COVERAGE`
/// file's `{"source-map-cache": ...}` (empty when the input had none).
fn unpack(
    urls: &[String],
    names: &str,
    packed: &[u32],
    map_cache_json: &str,
) -> crate::Result<Coverage> {
    let truncated = || Error::Shape {
        message: "the packed coverage ends early".into(),
    };
    let mut coverage = Coverage::new();
    if !map_cache_json.is_empty() {
        for map in crate::parse_coverage(map_cache_json.as_bytes())?.cached_maps() {
            coverage.push_cached_map(map.clone());
        }
    }
    let mut names = names.split('\0');
    let mut at = 0usize;
    let mut next = || -> crate::Result<u32> {
        let value = packed.get(at).copied().ok_or_else(truncated)?;
        at += 1;
        Ok(value)
    };
    for url in urls {
        coverage.push_script(url);
        for _ in 0..next()? {
            let ranges = next()?;
            let is_block = next()? != 0;
            coverage.push_function(names.next().unwrap_or(""), is_block);
            for _ in 0..ranges {
                let (start, end, count) = (next()?, next()?, next()?);
                if end < start {
                    return Err(Error::Shape {
                        message: format!("{url}: a range ends ({end}) before it starts ({start})"),
                    });
                }
                coverage.push_range(CoverageRange { start, end, count });
            }
        }
    }
    Ok(coverage)
}

thread_local! {
    /// A file's bytes that a reader wrote into this module's memory (`stageSourceBytes`).
    static STAGED_SOURCE: std::cell::RefCell<Option<Vec<u8>>> = const { std::cell::RefCell::new(None) };
}

/// Room for `len` bytes of a source or a map, which a `sources` function fills in place during its
/// call and answers with the number `len`: Node's default reader reads files here, so that no
/// `Buffer` of a file's size passes through malloc (glibc keeps such buffers in its heap once a large
/// read has raised its mmap threshold). Returns where the bytes start in the module's memory.
#[wasm_bindgen(js_name = stageSourceBytes)]
pub fn stage_source_bytes(len: usize) -> *mut u8 {
    let mut bytes = vec![0u8; len];
    let start = bytes.as_mut_ptr();
    STAGED_SOURCE.with(|staged| *staged.borrow_mut() = Some(bytes));
    start
}

/// This module's memory, for a reader to fill what `stageSourceBytes` set aside.
#[wasm_bindgen(js_name = moduleMemory)]
pub fn module_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The staged bytes when a reader answered with their length (any other number finds none).
fn staged_source(len: f64) -> Option<SourceText> {
    let bytes = STAGED_SOURCE.with(|staged| staged.borrow_mut().take())?;
    (bytes.len() as f64 == len).then_some(SourceText::Bytes(bytes))
}

/// Asks the caller's `sources` (a function, a `Map` or a plain object) for a script's source,
/// or its `sourceMaps` for a map's JSON (an object is turned into JSON text). A function may
/// answer with the length of the bytes it staged and wrote during the call (`stageSourceBytes`).
fn source_for(sources: &JsValue, url: &str) -> Option<SourceText> {
    let key = JsValue::from_str(url);
    let value = if let Some(function) = sources.dyn_ref::<Function>() {
        // Only bytes staged by this call count: drop any a reader left behind.
        STAGED_SOURCE.with(|staged| staged.borrow_mut().take());
        let value = function.call1(&JsValue::NULL, &key).ok()?;
        if let Some(len) = value.as_f64() {
            return staged_source(len);
        }
        value
    } else if let Some(map) = sources.dyn_ref::<Map>() {
        map.get(&key)
    } else if sources.is_object() {
        let object: &Object = sources.unchecked_ref();
        if !Object::has_own(object, &key) {
            return None;
        }
        Reflect::get(object, &key).ok()?
    } else {
        return None;
    };
    if let Some(text) = value.as_string() {
        return Some(SourceText::Text(text));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Some(SourceText::Bytes(bytes.to_vec()));
    }
    if value.is_object() {
        return js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|text| text.as_string())
            .map(SourceText::Text);
    }
    None
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsHit {
    footprints: JsFootprints,
    #[serde(default)]
    execution_id: String,
    #[serde(default)]
    test_name: Option<String>,
    #[serde(default)]
    start: u64,
    #[serde(default)]
    end: u64,
    #[serde(default)]
    is_init_footprints: bool,
    #[serde(default)]
    is_final_footprints: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct JsFootprints {
    methods: Vec<JsEntry>,
    branches: Vec<JsEntry>,
    /// `[methodIndex, lines]` pairs (the JS glue turns the `methodLines` object into them).
    method_lines: Vec<(usize, Vec<u32>)>,
}

#[derive(serde::Deserialize)]
struct JsEntry {
    id: String,
    #[serde(default)]
    count: u32,
}

impl JsFootprints {
    fn into_core(self) -> FootprintData {
        let mut methods: Vec<MethodFootprint> = self
            .methods
            .into_iter()
            .map(|m| MethodFootprint {
                id: m.id,
                file: 0,
                name: String::new(),
                line: 0,
                column: 0,
                count: m.count,
                lines: Vec::new(),
            })
            .collect();
        for (index, lines) in self.method_lines {
            if let Some(method) = methods.get_mut(index) {
                method.lines = lines;
            }
        }
        FootprintData {
            files: Vec::<FileFootprint>::new(),
            methods,
            branches: self
                .branches
                .into_iter()
                .map(|b| BranchFootprint {
                    id: b.id,
                    file: 0,
                    line: 0,
                    column: 0,
                    count: b.count,
                })
                .collect(),
            errors: Vec::new(),
        }
    }
}

/// Merges `inputs` footprint data packed by the JS glue (see the `footprints_packed` module)
/// into one, counts summed; returns it as footprint data JSON.
#[wasm_bindgen(js_name = mergePacked)]
pub fn merge_packed(inputs: usize, numbers: &[f64], strings: &str) -> Result<String, JsValue> {
    crate::footprints_packed::merge_packed(inputs, numbers, strings)
        .map(|total| total.to_json())
        .map_err(to_js_error)
}

/// Builds the request body of format 6.0. `hits_json` is a JSON array of
/// `{footprints, executionId, testName, start, end, isInitFootprints, isFinalFootprints}`;
/// `meta_json` is JSON of `{agentId, labId, buildSessionId, appName, buildName, branchName, agentVersion,
/// agentType, intervalSeconds}`.
#[wasm_bindgen(js_name = buildBodyJson)]
pub fn build_body_json(hits_json: &str, meta_json: &str) -> Result<String, JsValue> {
    let hits: Vec<JsHit> = serde_json::from_str(hits_json).map_err(|e| option_error("hits", e))?;
    let meta: BodyMeta = serde_json::from_str(meta_json).map_err(|e| option_error("meta", e))?;
    let data: Vec<(JsHit, FootprintData)> = hits
        .into_iter()
        .map(|mut hit| {
            let footprints = std::mem::take(&mut hit.footprints);
            (hit, footprints.into_core())
        })
        .collect();
    let hits: Vec<Hit<'_>> = data
        .iter()
        .map(|(hit, footprints)| Hit {
            execution_id: &hit.execution_id,
            test_name: hit.test_name.as_deref(),
            start: hit.start,
            end: hit.end,
            is_init: hit.is_init_footprints,
            is_final: hit.is_final_footprints,
            data: footprints,
        })
        .collect();
    Ok(build_body(&hits, &meta))
}
