//! The converter's fuzzer, on stable Rust: a seeded generator that mostly mutates the real
//! fixtures (V8 coverage of `tests/fixtures/src`, the tsc and esbuild builds with their maps in
//! `tests/fixtures/maps`) and sometimes writes cases from scratch, run through the checks of
//! `fuzz_case` (no panic, typed errors, well-formed results, bounded output), with a watchdog
//! for hangs and a counting allocator for memory.
//!
//! Not part of the default run (the test is ignored); `./build.sh fuzz [N]` runs it:
//!   FUZZ_INPUTS=N FUZZ_SEED=S FUZZ_JOBS=J cargo test --profile fuzz --test fuzz -- --ignored --nocapture
//! A failing case is written to `FUZZ_OUT` (default: `target/fuzz-found`) as a case file that
//! `tests/fuzz_regressions.rs` replays once moved to `tests/fixtures/fuzz/`.
//! `FUZZ_SAVE=I` writes case `I` of the seed without running it (for a case that hung or
//! aborted).

#![cfg(not(target_arch = "wasm32"))]

mod common;
mod fuzz_case;

use common::vlq::{vlq, BASE64};
use fuzz_case::{Blob, Case, CaseOptions};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// --- memory ------------------------------------------------------------------------------------

/// Counts the bytes each thread holds, and its peak since the last reset.
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Past this many bytes held by one fuzzing thread the process stops (the message names the case).
const HARD_LIMIT: isize = 1 << 30;
static CURRENT_CASE: [AtomicU64; 8] = [const { AtomicU64::new(u64::MAX) }; 8];
thread_local! {
    static WORKER: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn note(delta: isize) {
    let _ = HELD.try_with(|held| {
        let now = held.get() + delta;
        held.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
        if now > HARD_LIMIT {
            let worker = WORKER.try_with(Cell::get).unwrap_or(usize::MAX);
            if worker < CURRENT_CASE.len() {
                let case = CURRENT_CASE[worker].load(Ordering::Relaxed);
                let mut text = *b"FUZZ: over 1 GiB held by case                    \n";
                let digits = case.to_string();
                text[30..30 + digits.len()].copy_from_slice(digits.as_bytes());
                use std::io::Write;
                let _ = std::io::stderr().write_all(&text);
                std::process::abort();
            }
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak memory of a case may be this many times its input, plus a constant.
const MEMORY_FACTOR: usize = 64;
const MEMORY_SLACK: usize = 16 << 20;

// --- randomness --------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next();
        rng
    }
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    /// True `percent` times in 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

// --- the corpus --------------------------------------------------------------------------------

struct Seed {
    takes: Vec<Vec<u8>>,
    /// The takes parsed (cloned for a case that changes them).
    parsed: Vec<serde_json::Value>,
    /// The scripts' URLs.
    scripts: Vec<String>,
    files: Vec<(String, String)>,
    /// How often it is chosen, relative to the others.
    weight: usize,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn files_under(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, &format!("{prefix}/{name}"), out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((format!("{prefix}/{name}"), text));
        }
    }
}

fn corpus() -> Vec<Seed> {
    let mut seeds = corpus_files();
    for seed in &mut seeds {
        seed.parsed = seed
            .takes
            .iter()
            .map(|t| serde_json::from_slice(t).unwrap())
            .collect();
        seed.scripts = seed
            .parsed
            .iter()
            .flat_map(|t| t["result"].as_array().cloned().unwrap_or_default())
            .filter_map(|s| s["url"].as_str().map(str::to_owned))
            .collect();
    }
    seeds
}

fn corpus_files() -> Vec<Seed> {
    let mut seeds = Vec::new();
    let index: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("coverage/index.json")).unwrap(),
    )
    .unwrap();
    for entry in index.as_array().unwrap() {
        let coverage = entry["coverage"].as_str().unwrap();
        let mut files = Vec::new();
        for (url, path) in entry["sources"].as_object().unwrap() {
            let text = std::fs::read_to_string(fixtures().join(path.as_str().unwrap())).unwrap();
            files.push((url.trim_start_matches("file://").to_owned(), text));
        }
        // The source maps next to a script (uses-dep.js.map).
        for (url, _) in files.clone() {
            let map = format!("{url}.map");
            let on_disk = fixtures()
                .join(url.trim_start_matches("/project/"))
                .with_extension("js.map");
            if let Ok(text) = std::fs::read_to_string(on_disk) {
                files.push((map, text));
            }
        }
        let big = files.iter().any(|(_, text)| text.len() > 100_000);
        seeds.push(Seed {
            takes: vec![std::fs::read(fixtures().join("coverage").join(coverage)).unwrap()],
            files,
            parsed: Vec::new(),
            scripts: Vec::new(),
            weight: if big { 1 } else { 40 },
        });
    }
    let maps = fixtures().join("maps");
    let mut map_files = Vec::new();
    for dir in ["dist", "src", "node_modules", "deprecated"] {
        files_under(&maps.join(dir), &format!("/project/{dir}"), &mut map_files);
    }
    for build in [
        "tsc",
        "esbuild",
        "esbuild-nocontent",
        "tsc-esm",
        "tsc-esm-bom",
    ] {
        let whole = std::fs::read(maps.join(format!("coverage/{build}.json"))).unwrap();
        let files: Vec<(String, String)> = map_files
            .iter()
            .filter(|(path, _)| {
                !path.starts_with("/project/dist/")
                    || path.starts_with(&format!("/project/dist/{build}/"))
            })
            .cloned()
            .collect();
        seeds.push(Seed {
            takes: vec![whole],
            files: files.clone(),
            parsed: Vec::new(),
            scripts: Vec::new(),
            weight: 120,
        });
        let takes: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(
            &std::fs::read_to_string(maps.join(format!("coverage/{build}.takes.json"))).unwrap(),
        )
        .unwrap();
        seeds.push(Seed {
            takes: takes.iter().map(|t| t.get().as_bytes().to_vec()).collect(),
            files,
            parsed: Vec::new(),
            scripts: Vec::new(),
            weight: 60,
        });
    }
    seeds
}

// --- interesting values ------------------------------------------------------------------------

const FRAGMENTS: &[&str] = &[
    "if (",
    "?",
    ":",
    "`${",
    "}",
    "/",
    "'",
    "\"",
    "(",
    ")",
    "{",
    "[",
    "]",
    "<",
    ">>",
    "=>",
    "&&",
    "||",
    "??",
    "?.",
    "case ",
    "switch (x) {",
    "default:",
    "/*",
    "*/",
    "//",
    "\n",
    "\r\n",
    "\r",
    "é",
    "😀",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{85}",
    "\u{202e}",
    "\u{301}",
    "\u{fffd}",
    "\0",
    "\t",
    "\u{a0}",
    "type X = ",
    "a?.5",
    "#",
    "\\",
    "function (a = ",
    "function f() {",
    "class {",
    "class A extends B {",
    "`",
    "<T>(",
    "as ",
    "!",
    "enum {",
    "=",
    "async ",
    "*",
    "yield",
    "await ",
    "get ",
    "static {",
    "=> {",
    "return ",
    "try {",
    "catch {",
    "finally {",
    "for (;;) {",
    "while (0) ",
    "do ",
    "else ",
    "x = 1;",
    "/re[/]g/",
    "0x1F",
    "1e3",
    ".5",
    "@dec ",
    "import(",
    "export default ",
    "//# sourceMappingURL=",
    "\n//# sourceMappingURL=gen.js.map\n",
    "𝒳",
    "ℌ",
    "\u{10ffff}",
    "\u{e000}",
    "\u{200b}",
];

const URLS: &[&str] = &[
    "file:///project/src/a.js",
    "file:///project/gen.js",
    "file:///project/gen.ts",
    "/project/src/a.js",
    "file:///other/x.js",
    "node:internal/x",
    "",
    "file://",
    "file:///",
    "file:///project",
    "file:///project/",
    "file:///project/../etc/passwd",
    "file:///project/%2e%2e/x.js",
    "file:///project/sp ace/é😀.js",
    "file:///C:/project/a.js",
    "C:\\project\\a.js",
    "file:///project/node_modules/dep/index.js",
    "http://host/project/a.js",
    "data:text/javascript,1",
    "file:///project/src/a.js?query#hash",
    "file:///project//double//slash.js",
    "file:///project/./dot/./a.js",
];

const MAP_SOURCES: &[&str] = &[
    "../src/app.ts",
    "app.ts",
    "/abs/x.ts",
    "webpack:///./src/a.ts",
    "C:\\x\\y.ts",
    "c:/Projects/z.ts",
    "\\\\server\\share\\a.ts",
    "../../../../../../../../x.ts",
    "",
    "file:///project/src/app.ts",
    "data:,x",
    "src/é😀.ts",
    "%2e%2e/x.ts",
    "./",
    "..",
    "?",
    "#",
];

const EXCLUDES: &[&str] = &[
    "**/*.ts",
    "src/**",
    "*",
    "**/",
    "dist/*",
    "",
    "**",
    "[",
    "node_modules/**",
    "ünï/**",
    "**/**/**",
    "*/*/*",
    "/",
    "src/*.js",
    "a**b",
    "***",
];

const ROOTS: &[&str] = &[
    "/project",
    "/project/",
    "/",
    "",
    "project",
    "/project/src",
    "/project/../project",
    "/project/./",
    "C:\\project",
    "c:/project",
    "/pröject",
    "file:///project",
    "//",
    "/project/dist",
    ".",
    "..",
];

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

fn interesting_number(rng: &mut Rng, near: f64) -> serde_json::Value {
    use serde_json::json;
    match rng.below(16) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(u32::MAX),
        3 => json!(4_294_967_296u64),
        4 => json!(1e300),
        5 => json!(0.5),
        6 => json!(near + 1.0),
        7 => json!(near - 1.0),
        8 => json!((near as i64)
            .saturating_add(rng.below(40) as i64 - 20)
            .max(0)),
        9 => json!(i64::MIN),
        10 => json!("5"),
        11 => serde_json::Value::Null,
        12 => json!(u32::MAX - 1),
        13 => json!(near * 2.0),
        14 => json!(rng.below(5000)),
        _ => json!(-0.0),
    }
}

// --- structured JSON mutation ------------------------------------------------------------------

/// Counts the nodes of a JSON value.
fn count_nodes(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_nodes).sum(),
        serde_json::Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Calls `f` on the `k`-th node (pre-order).
fn with_node(
    value: &mut serde_json::Value,
    k: &mut usize,
    f: &mut dyn FnMut(&mut serde_json::Value),
) -> bool {
    if *k == 0 {
        f(value);
        return true;
    }
    *k -= 1;
    match value {
        serde_json::Value::Array(items) => items.iter_mut().any(|item| with_node(item, k, f)),
        serde_json::Value::Object(map) => map.values_mut().any(|item| with_node(item, k, f)),
        _ => false,
    }
}

fn mutate_value(rng: &mut Rng, value: &mut serde_json::Value, strings: &[&str]) {
    let nodes = count_nodes(value);
    let mut k = rng.below(nodes);
    let choice = rng.below(100);
    let extra = rng.next();
    let mut local = Rng(extra);
    with_node(value, &mut k, &mut |node| {
        use serde_json::Value;
        match node {
            Value::Number(n) => *node = interesting_number(&mut local, n.as_f64().unwrap_or(0.0)),
            Value::String(s) => {
                *node = match choice % 4 {
                    0 => Value::String(local.pick(strings).to_string()),
                    1 => Value::String(format!("{s}{}", local.pick(FRAGMENTS))),
                    2 => Value::Null,
                    _ => Value::String(s.chars().rev().collect()),
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let i = local.below(items.len());
                match choice % 6 {
                    0 => {
                        items.remove(i);
                    }
                    1 => {
                        let copy = items[i].clone();
                        items.insert(local.below(items.len() + 1), copy);
                    }
                    2 => {
                        let j = local.below(items.len());
                        items.swap(i, j);
                    }
                    3 => items.reverse(),
                    4 => items.truncate(i),
                    _ => *node = Value::Object(Default::default()),
                }
            }
            Value::Object(map) if !map.is_empty() => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let key = local.pick(&keys);
                match choice % 5 {
                    0 => {
                        map.remove(&key);
                    }
                    1 => {
                        map.insert(key, Value::Null);
                    }
                    2 => {
                        map.insert(key, Value::Array(vec![]));
                    }
                    3 => {
                        map.insert(format!("{key}_"), Value::Bool(true));
                    }
                    _ => *node = Value::Array(vec![]),
                }
            }
            Value::Bool(b) => *b = !*b,
            _ => {
                *node = match choice % 3 {
                    0 => Value::from(1),
                    1 => Value::String(local.pick(strings).to_string()),
                    _ => Value::Bool(false),
                }
            }
        }
    });
}

// --- byte and text mutation --------------------------------------------------------------------

fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>, others: &[&[u8]]) {
    let len = bytes.len();
    match rng.below(9) {
        0 if len > 0 => {
            let at = rng.below(len);
            bytes[at] ^= 1 << rng.below(8);
        }
        1 => {
            let at = rng.below(len + 1);
            let token = rng.pick(&[
                &b"{"[..],
                b"}",
                b"[",
                b"]",
                b",",
                b":",
                b"\"",
                b"\\",
                b"-",
                b"0",
                b"1e999",
                b"null",
                b"\xff",
                b"\xed\xa0\x80",
                b"\xc0\x80",
                b"\xf0\x9f",
                b"\\ud800",
                b"\\u0000",
                b"\"result\":",
                b"\"ranges\":[",
                b"\"startOffset\":",
                b"\"url\":\"\"",
            ]);
            bytes.splice(at..at, token.iter().copied());
        }
        2 if len > 0 => {
            let at = rng.below(len);
            let end = (at + 1 + rng.below(64)).min(len);
            bytes.drain(at..end);
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let end = (at + 1 + rng.below(256)).min(len);
            let copy = bytes[at..end].to_vec();
            let to = rng.below(len + 1);
            bytes.splice(to..to, copy);
        }
        4 => bytes.truncate(rng.below(len + 1)),
        5 if !others.is_empty() => {
            let other = rng.pick(others);
            let from = rng.below(other.len() + 1);
            let to = from + rng.below(other.len() + 1 - from).min(512);
            let at = rng.below(len + 1);
            bytes.splice(at..at, other[from..to].iter().copied());
        }
        6 if len > 0 => {
            let at = rng.below(len);
            bytes[at] = rng.below(256) as u8;
        }
        7 => {
            let at = rng.below(len + 1);
            let digits = rng.pick(&[
                &b"9999999999999"[..],
                b"-0",
                b"4294967295",
                b"4294967296",
                b"1.5",
            ]);
            bytes.splice(at..at, digits.iter().copied());
        }
        _ => {}
    }
}

fn char_boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A text mutation of a source; returns bytes when it made them invalid UTF-8.
fn mutate_source(rng: &mut Rng, text: &mut String) -> Option<Vec<u8>> {
    match rng.below(14) {
        0..=3 => {
            for _ in 0..1 + rng.below(4) {
                let at = char_boundary(rng, text);
                text.insert_str(at, rng.pick(FRAGMENTS));
            }
        }
        4 => *text = text.replace("\r\n", "\n").replace('\n', "\r\n"),
        5 => *text = text.replace('\n', "\r"),
        6 => {
            if let Some(rest) = text.strip_prefix('\u{feff}') {
                *text = rest.to_owned();
            } else {
                text.insert(0, '\u{feff}');
            }
        }
        7 => {
            // A huge line.
            let at = char_boundary(rng, text);
            let unit = rng.pick(&["x", "é", "😀", " ", "/*a*/", "(", "a,", "`"]);
            let times = [1_000, 20_000, 100_000][rng.below(3)];
            text.insert_str(at, &unit.repeat(times));
        }
        8 => {
            let at = char_boundary(rng, text);
            text.truncate(at);
        }
        9 => {
            let at = char_boundary(rng, text);
            let end = char_boundary(rng, &text[at..]) + at;
            text.replace_range(at..end, "");
        }
        10 => {
            // Invalid UTF-8: the caller gives it as bytes.
            let mut bytes = text.clone().into_bytes();
            let at = char_boundary(rng, text);
            let bad = rng.pick(&[
                &b"\xff"[..],
                b"\xed\xa0\x80",
                b"\xc0\x80",
                b"\xf0\x9f\x98",
                b"\x80",
            ]);
            bytes.splice(at..at, bad.iter().copied());
            return Some(bytes);
        }
        11 => {
            // Another sourceMappingURL.
            let reference = rng.pick(&[
                "gen.js.map",
                "data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==",
                "data:application/json;base64,!!!",
                "data:application/json,%7B%22version%22%3A3%2C%22sources%22%3A%5B%5D%2C%22mappings%22%3A%22AAAA%22%7D",
                "data:application/json;charset=utf-8;base64,e30",
                "data:",
                "data:,%ff",
                "data:,%",
                "http://host/x.map",
                "../../../x.map",
                "/abs/x.map",
                "C:\\x.map",
                "%2e%2e/x.map",
                "é.map",
            ]);
            let style = rng.pick(&[
                "\n//# sourceMappingURL=",
                "\n//@ sourceMappingURL=",
                "\n/*# sourceMappingURL=",
                "//# sourceMappingURL=",
            ]);
            text.push_str(style);
            text.push_str(reference);
            if style.starts_with("\n/*") {
                text.push_str(" */");
            }
        }
        _ => {
            let at = char_boundary(rng, text);
            let s = rng.pick(&[
                "\u{2028}", "\u{2029}", "\r", "\r\n", "\n\n\n", "\u{85}", "\u{b}", "\u{c}",
            ]);
            text.insert_str(at, s);
        }
    }
    None
}

/// A VLQ-level mutation of `mappings`.
fn mutate_mappings(rng: &mut Rng, mappings: &mut String) {
    let at = char_boundary(rng, mappings);
    match rng.below(8) {
        0 => {
            let c = rng.pick(BASE64) as char;
            mappings.insert(at, c);
        }
        1 => mappings.insert_str(
            at,
            rng.pick(&[
                "gggggggggggggg",
                "+/////////B",
                "//////////////D",
                "g",
                "A",
                ";",
                ",",
                ",,",
                ";;;;",
                "!",
                "é",
                "=",
                " ",
            ]),
        ),
        2 => {
            let end = char_boundary(rng, &mappings[at..]) + at;
            mappings.replace_range(at..end, "");
        }
        3 => mappings.truncate(at),
        4 => {
            let mut segment = String::new();
            for _ in 0..[1, 4, 5, 6][rng.below(4)] {
                let v = match rng.below(5) {
                    0 => i64::from(u32::MAX),
                    1 => -(rng.below(100) as i64),
                    2 => 1 << 40,
                    _ => rng.below(50) as i64,
                };
                vlq(v, &mut segment);
            }
            mappings.insert_str(at, &format!(",{segment},"));
        }
        5 => {
            let copy = mappings[at..].chars().take(200).collect::<String>();
            mappings.insert_str(at, &copy);
        }
        6 => *mappings = mappings.replace(';', ""),
        _ => *mappings = mappings.repeat(2),
    }
}

fn mutate_map(rng: &mut Rng, text: &str) -> String {
    let Ok(mut map) = serde_json::from_str::<serde_json::Value>(text) else {
        let mut bytes = text.as_bytes().to_vec();
        mutate_bytes(rng, &mut bytes, &[]);
        return String::from_utf8_lossy(&bytes).into_owned();
    };
    for _ in 0..1 + rng.below(3) {
        if !map.is_object() {
            break;
        }
        match rng.below(10) {
            0..=2 => {
                if let Some(serde_json::Value::String(m)) = map.get_mut("mappings") {
                    mutate_mappings(rng, m);
                }
            }
            3 => mutate_value(rng, &mut map, MAP_SOURCES),
            4 => {
                if let Some(sources) = map.get_mut("sources").and_then(|s| s.as_array_mut()) {
                    match rng.below(3) {
                        0 => sources
                            .push(serde_json::Value::String(rng.pick(MAP_SOURCES).to_string())),
                        1 => sources.clear(),
                        _ => {
                            if !sources.is_empty() {
                                let i = rng.below(sources.len());
                                sources[i] = if rng.chance(50) {
                                    serde_json::Value::Null
                                } else {
                                    serde_json::Value::String(rng.pick(MAP_SOURCES).to_string())
                                };
                            }
                        }
                    }
                }
            }
            5 => {
                let root = rng.pick(&["", "/", "c:/x/", "../", "webpack:///", "src", "é/"]);
                map["sourceRoot"] = serde_json::Value::String(root.to_string());
            }
            6 => {
                if let Some(contents) = map.get_mut("sourcesContent").and_then(|s| s.as_array_mut())
                {
                    match rng.below(4) {
                        0 => contents.clear(),
                        1 => contents.push(serde_json::Value::Null),
                        2 => {
                            if let Some(serde_json::Value::String(text)) = contents.first_mut() {
                                mutate_source(rng, text);
                            }
                        }
                        _ => {
                            contents.push(serde_json::Value::String("x\n".repeat(rng.below(3000))))
                        }
                    }
                } else {
                    map["sourcesContent"] = serde_json::json!(["let a = 1;\n", null, 5]);
                }
            }
            7 => {
                // An index map of sections (possibly nested, overlapping, far away).
                let mut sections = Vec::new();
                for _ in 0..1 + rng.below(3) {
                    let line = [0, 1, 2, 5, 40, u32::MAX as u64, 1 << 33][rng.below(7)];
                    let column = [0, 1, 10, 1000, u32::MAX as u64][rng.below(5)];
                    sections.push(serde_json::json!({"offset": {"line": line, "column": column}, "map": map.clone()}));
                }
                map = serde_json::json!({"version": 3, "sections": sections});
            }
            8 => {
                map["version"] = rng
                    .pick(&[
                        serde_json::json!(2),
                        serde_json::json!("3"),
                        serde_json::json!(3.0),
                        serde_json::Value::Null,
                        serde_json::json!(4_294_967_299u64),
                    ])
                    .clone();
            }
            _ => {
                let mut bytes = serde_json::to_vec(&map).unwrap();
                mutate_bytes(rng, &mut bytes, &[]);
                return String::from_utf8_lossy(&bytes).into_owned();
            }
        }
    }
    serde_json::to_string(&map).unwrap()
}

// --- the generator -----------------------------------------------------------------------------

/// Sets the top-level extent of `url`'s script in a take to `length` (so a changed source still
/// matches and the conversion goes deep).
fn fix_extent(take: &mut serde_json::Value, url: &str, length: usize) {
    let scripts = match take.get_mut("result") {
        Some(result) => result,
        None => take,
    };
    let Some(scripts) = scripts.as_array_mut() else {
        return;
    };
    for script in scripts {
        if script.get("url").and_then(|u| u.as_str()) != Some(url) {
            continue;
        }
        if let Some(range) = script
            .pointer_mut("/functions/0/ranges/0")
            .and_then(|r| r.as_object_mut())
        {
            if range.get("startOffset").and_then(|s| s.as_u64()) == Some(0) {
                range.insert("endOffset".into(), serde_json::json!(length));
            }
        }
    }
}

fn random_map(rng: &mut Rng, generated_lines: usize, original: &str) -> String {
    let mut mappings = String::new();
    let (mut line, mut column) = (0i64, 0i64);
    for l in 0..generated_lines {
        if l > 0 {
            mappings.push(';');
        }
        for s in 0..rng.below(6) {
            if s > 0 {
                mappings.push(',');
            }
            vlq(rng.below(40) as i64, &mut mappings);
            vlq(0, &mut mappings);
            let new_line = rng.below(60) as i64;
            let new_column = rng.below(80) as i64;
            vlq(new_line - line, &mut mappings);
            vlq(new_column - column, &mut mappings);
            (line, column) = (new_line, new_column);
        }
    }
    serde_json::json!({"version": 3, "sources": ["orig.ts"], "sourcesContent": [original], "mappings": mappings})
        .to_string()
}

/// A case written from scratch: a soup of fragments, coverage with ranges anywhere, a map.
fn synthetic(rng: &mut Rng) -> Case {
    let mut source = String::new();
    for _ in 0..rng.below(300) {
        if rng.chance(40) {
            source.push_str(rng.pick(&["a", "b", "f", "x1", "$", "_", "é", "async", "of", "in"]));
            source.push(' ');
        } else {
            source.push_str(rng.pick(FRAGMENTS));
        }
    }
    let url = if rng.chance(50) {
        "file:///project/gen.js"
    } else {
        "file:///project/gen.ts"
    };
    let original: String = source.chars().rev().collect();
    let map = random_map(rng, source.lines().count() + 1, &original);
    let mut files = Vec::new();
    match rng.below(3) {
        0 => {
            source.push_str("\n//# sourceMappingURL=gen.js.map");
            files.push(("/project/gen.js.map".to_owned(), Blob::Text(map)));
        }
        1 => {
            source.push_str("\n//# sourceMappingURL=data:application/json;base64,");
            source.push_str(&base64(map.as_bytes()));
        }
        _ => {}
    }
    let length = utf16_len(&source);
    let mut functions = Vec::new();
    if rng.chance(80) {
        functions.push(
            serde_json::json!({"functionName": "", "isBlockCoverage": true,
            "ranges": [{"startOffset": 0, "endOffset": length, "count": 1}]}),
        );
    }
    for _ in 0..rng.below(30) {
        let mut ranges = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let start = rng.below(length + 1);
            let end = start + rng.below(length + 1 - start);
            ranges.push(
                serde_json::json!({"startOffset": start, "endOffset": end, "count": rng.below(3)}),
            );
        }
        functions.push(serde_json::json!({"functionName": "f", "isBlockCoverage": rng.chance(50), "ranges": ranges}));
    }
    let take =
        serde_json::json!({"result": [{"scriptId": "1", "url": url, "functions": functions}]});
    files.push((
        url.trim_start_matches("file://").to_owned(),
        Blob::Text(source),
    ));
    Case {
        options: default_options(),
        takes: vec![Blob::Text(take.to_string())],
        files,
        maps_readable: true,
        hits_only: rng.chance(50),
        pending: (1 + rng.below(4), 1 + rng.below(3)),
    }
}

fn default_options() -> CaseOptions {
    CaseOptions {
        project_root: "/project".into(),
        cwd: "/".into(),
        script_root: None,
        build_root: None,
        exclude: Vec::new(),
        compat: false,
    }
}

fn mutate_options(rng: &mut Rng, options: &mut CaseOptions) {
    match rng.below(6) {
        0 => options.project_root = rng.pick(ROOTS).to_string(),
        1 => options.cwd = rng.pick(ROOTS).to_string(),
        2 => options.script_root = Some(rng.pick(ROOTS).to_string()),
        3 => options.build_root = Some(rng.pick(ROOTS).to_string()),
        4 => options.exclude.push(rng.pick(EXCLUDES).to_string()),
        _ => options.compat = !options.compat,
    }
}

/// The case's takes, parsed: cloned from the seed the first time a mutation needs them.
fn takes_mut<'a>(
    parsed: &'a mut Option<Vec<serde_json::Value>>,
    seed: &Seed,
) -> &'a mut Vec<serde_json::Value> {
    parsed.get_or_insert_with(|| seed.parsed.clone())
}

/// Case `index` of `seed`: the same every time (the watchdog and `FUZZ_SAVE` rebuild it).
fn generate(corpus: &[Seed], seed: u64, index: u64) -> Case {
    let mut rng = Rng::new(seed, index);
    if rng.chance(12) {
        let mut case = synthetic(&mut rng);
        if rng.chance(30) {
            mutate_options(&mut rng, &mut case.options);
        }
        return case;
    }
    let total: usize = corpus.iter().map(|s| s.weight).sum();
    let mut pick = rng.below(total);
    let seed_case = corpus
        .iter()
        .find(|s| {
            if pick < s.weight {
                true
            } else {
                pick -= s.weight;
                false
            }
        })
        .unwrap();
    // The takes are parsed (cloned) only when a mutation changes them.
    let mut parsed: Option<Vec<serde_json::Value>> = None;
    let mut files: Vec<(String, String)> = seed_case.files.clone();
    let mut raw_files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut options = default_options();
    let scripts = &seed_case.scripts;
    // Options.
    if rng.chance(25) {
        for _ in 0..1 + rng.below(2) {
            mutate_options(&mut rng, &mut options);
        }
    } else if rng.chance(30) {
        options.compat = true;
    }
    // Sources (the extent follows most of the time).
    if rng.chance(40) && !files.is_empty() {
        for _ in 0..1 + rng.below(2) {
            let i = rng.below(files.len());
            let (path, text) = &mut files[i];
            if path.ends_with(".map") {
                *text = mutate_map(&mut rng, text);
                continue;
            }
            if let Some(bytes) = mutate_source(&mut rng, text) {
                raw_files.push((path.clone(), bytes));
            }
            if rng.chance(80) {
                let url = format!("file://{path}");
                let length = utf16_len(text);
                for take in takes_mut(&mut parsed, seed_case) {
                    fix_extent(take, &url, length);
                }
            }
        }
    }
    // Source maps.
    if rng.chance(30) {
        let maps: Vec<usize> = (0..files.len())
            .filter(|&i| files[i].0.ends_with(".map"))
            .collect();
        if !maps.is_empty() {
            for _ in 0..1 + rng.below(2) {
                let i = rng.pick(&maps);
                files[i].1 = mutate_map(&mut rng, &files[i].1);
            }
            if rng.chance(20) {
                // Inline the map in its script instead.
                let i = rng.pick(&maps);
                let script = files[i].0.trim_end_matches(".map").to_owned();
                let inline = base64(files[i].1.as_bytes());
                if let Some((_, text)) = files.iter_mut().find(|(p, _)| *p == script) {
                    let name = script.rsplit('/').next().unwrap_or("");
                    *text = text.replace(
                        &format!("sourceMappingURL={name}.map"),
                        &format!("sourceMappingURL=data:application/json;base64,{inline}"),
                    );
                    let length = utf16_len(text);
                    for take in takes_mut(&mut parsed, seed_case) {
                        fix_extent(take, &format!("file://{script}"), length);
                    }
                }
            }
        }
    }
    // Coverage, structured.
    if rng.chance(50) {
        let takes = takes_mut(&mut parsed, seed_case);
        for _ in 0..1 + rng.below(3) {
            let t = rng.below(takes.len());
            match rng.below(10) {
                0 => {
                    // Node's source-map cache, with a map from the files or a mutated one.
                    let maps: Vec<&(String, String)> =
                        files.iter().filter(|(p, _)| p.ends_with(".map")).collect();
                    let data: serde_json::Value = match maps.first() {
                        Some((_, text)) => serde_json::from_str(&mutate_map(&mut rng, text))
                            .unwrap_or(serde_json::Value::Null),
                        None => {
                            serde_json::json!({"version": 3, "sources": ["a.ts"], "mappings": "AAAA;gggggggggggg"})
                        }
                    };
                    let script = scripts.first().cloned().unwrap_or_default();
                    let cache = serde_json::json!({ script.clone(): {"url": format!("{script}.map"), "data": data, "lineLengths": [1, 2]} });
                    if let Some(object) = takes[t].as_object_mut() {
                        object.insert("source-map-cache".into(), cache);
                    }
                }
                1 => {
                    // A bare array.
                    if let Some(result) = takes[t].get("result").cloned() {
                        takes[t] = result;
                    }
                }
                2 => {
                    // A function starting anywhere in its script.
                    let length = files.first().map(|(_, s)| utf16_len(s)).unwrap_or(10);
                    let start = rng.below(length + 1);
                    let end = start + rng.below(length + 1 - start);
                    if let Some(functions) = takes[t]
                        .pointer_mut("/result/0/functions")
                        .and_then(|f| f.as_array_mut())
                    {
                        functions.push(serde_json::json!({"functionName": "z", "isBlockCoverage": true,
                            "ranges": [{"startOffset": start, "endOffset": end, "count": rng.below(4)}]}));
                    }
                }
                3 => {
                    // A second take of the same run, reset.
                    let copy = takes[t].clone();
                    takes.push(copy);
                }
                _ => mutate_value(&mut rng, &mut takes[t], URLS),
            }
        }
    }
    let mut take_blobs: Vec<Blob> = match &parsed {
        Some(takes) => takes.iter().map(|t| Blob::Text(t.to_string())).collect(),
        None => seed_case
            .takes
            .iter()
            .map(|t| Blob::from_bytes(t.clone()))
            .collect(),
    };
    // Coverage, bytes.
    if rng.chance(10) {
        let others: Vec<&[u8]> = seed_case.takes.iter().map(Vec::as_slice).collect();
        let t = rng.below(take_blobs.len());
        let mut bytes = take_blobs[t].bytes();
        for _ in 0..1 + rng.below(3) {
            mutate_bytes(&mut rng, &mut bytes, &others);
        }
        take_blobs[t] = Blob::from_bytes(bytes);
    }
    // Files missing.
    if rng.chance(5) && !files.is_empty() {
        let i = rng.below(files.len());
        files.remove(i);
    }
    let mut blobs: Vec<(String, Blob)> = files
        .into_iter()
        .map(|(path, text)| (path, Blob::Text(text)))
        .collect();
    for (path, bytes) in raw_files {
        if let Some(entry) = blobs.iter_mut().find(|(p, _)| *p == path) {
            entry.1 = Blob::from_bytes(bytes);
        }
    }
    Case {
        options,
        takes: take_blobs,
        files: blobs,
        maps_readable: rng.chance(90),
        hits_only: rng.chance(40),
        pending: (1 + rng.below(5), 1 + rng.below(4)),
    }
}

// --- the run -----------------------------------------------------------------------------------

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn out_dir() -> PathBuf {
    std::env::var_os("FUZZ_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-found"))
}

fn save(case: &Case, name: &str, why: &str) -> PathBuf {
    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    let mut value = serde_json::to_value(case).unwrap();
    value["found"] = serde_json::Value::String(why.to_owned());
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    path
}

/// A short, stable name for what went wrong (the panic's location or the check's first words).
fn signature(why: &str) -> String {
    if let Some(rest) = why.strip_prefix("panic: panicked at ") {
        return rest.split(": ").next().unwrap_or(rest).to_owned();
    }
    why.split(|c: char| c.is_ascii_digit() || c == '(' || c == '{')
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(80)
        .collect()
}

thread_local! {
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

#[derive(Default)]
struct Totals {
    inputs: AtomicU64,
    failures: AtomicU64,
    errors: AtomicU64,
    input_bytes: AtomicU64,
    with_methods: AtomicU64,
    kinds: Mutex<std::collections::BTreeMap<&'static str, u64>>,
    slowest_ms: AtomicU64,
    peak_bytes: AtomicUsize,
}

#[test]
#[ignore = "the fuzzer: ./build.sh fuzz [N]"]
fn fuzz() {
    let corpus = Arc::new(corpus());
    let seed = env_u64("FUZZ_SEED", 1);
    if let Ok(index) = std::env::var("FUZZ_SAVE") {
        let index: u64 = index.parse().unwrap();
        let path = save(
            &generate(&corpus, seed, index),
            &format!("seed{seed}-case{index}"),
            "saved by FUZZ_SAVE",
        );
        println!("wrote {}", path.display());
        return;
    }
    // A panic is a finding: its message and place are kept, not printed each time.
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        if IN_CASE.with(Cell::get) {
            LAST_PANIC.with(|p| p.replace(text));
        } else {
            eprintln!("{text}");
        }
    }));
    let inputs = env_u64("FUZZ_INPUTS", 100_000);
    let jobs = env_u64("FUZZ_JOBS", 1).clamp(1, CURRENT_CASE.len() as u64);
    let case_ms = env_u64("FUZZ_CASE_MS", 5_000);
    let totals = Arc::new(Totals::default());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let started = Instant::now();
    let case_started: Arc<Vec<AtomicU64>> =
        Arc::new((0..jobs).map(|_| AtomicU64::new(0)).collect());
    let done = Arc::new(AtomicBool::new(false));
    // The watchdog: a case running past its time is written out and the run stops.
    let watchdog = {
        let (corpus, case_started, done) = (corpus.clone(), case_started.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let now = started.elapsed().as_millis() as u64;
                for worker in 0..jobs as usize {
                    let since = case_started[worker].load(Ordering::Relaxed);
                    let index = CURRENT_CASE[worker].load(Ordering::Relaxed);
                    if since > 0 && index != u64::MAX && now.saturating_sub(since) > case_ms {
                        let path = save(
                            &generate(&corpus, seed, index),
                            &format!("hang-seed{seed}-case{index}"),
                            "ran past the time bound",
                        );
                        eprintln!(
                            "FUZZ: case {index} ran over {case_ms} ms: {}",
                            path.display()
                        );
                        std::process::exit(3);
                    }
                }
            }
        })
    };
    let workers: Vec<_> = (0..jobs)
        .map(|worker| {
            let (corpus, totals, seen, case_started) = (
                corpus.clone(),
                totals.clone(),
                seen.clone(),
                case_started.clone(),
            );
            std::thread::spawn(move || {
                WORKER.with(|w| w.set(worker as usize));
                let mut index = worker;
                let mut last_report = Instant::now();
                while index < inputs {
                    let case = generate(&corpus, seed, index);
                    let input_bytes = case.input_bytes();
                    let held = HELD.with(Cell::get);
                    PEAK.with(|p| p.set(held));
                    CURRENT_CASE[worker as usize].store(index, Ordering::Relaxed);
                    let t0 = Instant::now();
                    case_started[worker as usize]
                        .store(started.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
                    IN_CASE.with(|c| c.set(true));
                    let result = std::panic::catch_unwind(|| fuzz_case::run(&case));
                    IN_CASE.with(|c| c.set(false));
                    let elapsed = t0.elapsed().as_millis() as u64;
                    case_started[worker as usize].store(0, Ordering::Relaxed);
                    let peak = (PEAK.with(Cell::get) - held).max(0) as usize;
                    let failure = match result {
                        Ok(Ok(outcome)) => {
                            totals
                                .errors
                                .fetch_add(outcome.errors as u64, Ordering::Relaxed);
                            if outcome.methods > 0 {
                                totals.with_methods.fetch_add(1, Ordering::Relaxed);
                            }
                            let mut kinds = totals.kinds.lock().unwrap();
                            for kind in &outcome.kinds {
                                *kinds.entry(kind).or_default() += 1;
                            }
                            drop(kinds);
                            (peak > MEMORY_FACTOR * input_bytes + MEMORY_SLACK).then(|| {
                                format!("held {peak} bytes for {input_bytes} bytes of input")
                            })
                        }
                        Ok(Err(why)) => Some(why),
                        Err(_) => Some(format!("panic: {}", LAST_PANIC.with(|p| p.take()))),
                    };
                    totals.inputs.fetch_add(1, Ordering::Relaxed);
                    totals
                        .input_bytes
                        .fetch_add(input_bytes as u64, Ordering::Relaxed);
                    totals.slowest_ms.fetch_max(elapsed, Ordering::Relaxed);
                    totals.peak_bytes.fetch_max(peak, Ordering::Relaxed);
                    if let Some(why) = failure {
                        totals.failures.fetch_add(1, Ordering::Relaxed);
                        let signature = signature(&why);
                        let mut seen = seen.lock().unwrap();
                        if !seen.contains(&signature) {
                            seen.push(signature);
                            let path = save(&case, &format!("seed{seed}-case{index}"), &why);
                            eprintln!(
                                "FUZZ: case {index}: {why}\n      saved as {}",
                                path.display()
                            );
                        }
                    }
                    if worker == 0 && last_report.elapsed() > Duration::from_secs(60) {
                        last_report = Instant::now();
                        let n = totals.inputs.load(Ordering::Relaxed);
                        eprintln!(
                            "FUZZ: {n} inputs in {:.0} s ({:.0}/s), {} failing",
                            started.elapsed().as_secs_f64(),
                            n as f64 / started.elapsed().as_secs_f64(),
                            totals.failures.load(Ordering::Relaxed)
                        );
                    }
                    index += jobs;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    watchdog.join().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let n = totals.inputs.load(Ordering::Relaxed);
    let failures = totals.failures.load(Ordering::Relaxed);
    println!(
        "FUZZ DONE: seed {seed}, {n} inputs in {seconds:.0} s ({:.0}/s, {jobs} jobs), {} MB of input, \
         {} cases found methods, {} typed errors returned ({:?}), slowest case {} ms, largest peak {} KB, {failures} failing inputs ({} distinct)",
        n as f64 / seconds,
        totals.input_bytes.load(Ordering::Relaxed) >> 20,
        totals.with_methods.load(Ordering::Relaxed),
        totals.errors.load(Ordering::Relaxed),
        totals.kinds.lock().unwrap(),
        totals.slowest_ms.load(Ordering::Relaxed),
        totals.peak_bytes.load(Ordering::Relaxed) >> 10,
        seen.lock().unwrap().len(),
    );
    assert_eq!(
        failures,
        0,
        "see the cases written to {}",
        out_dir().display()
    );
}

/// A few cases in the default run, so that the generator and the checks keep working.
#[test]
fn the_generator_and_the_checks_run() {
    let corpus = corpus();
    for index in 0..20 {
        let case = generate(&corpus, 1, index);
        assert_eq!(
            case,
            generate(&corpus, 1, index),
            "the generator is deterministic"
        );
        let text = serde_json::to_string(&case).unwrap();
        assert_eq!(
            serde_json::from_str::<Case>(&text).unwrap(),
            case,
            "a case survives its file"
        );
    }
}
