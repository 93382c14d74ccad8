//! The coverage input model: V8's list of script coverages, held in flat arrays (scripts,
//! functions, ranges, one string of function names) so that reading it allocates per script,
//! not per function or range. Filled by the JSON reader in `coverage_json` or by a caller that
//! already holds the data (the packed form the JS glue builds from inspector objects).

use std::ops::Range;

/// One V8 range: `[start, end)` in UTF-16 code units of the script, run `count` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverageRange {
    /// First code unit covered, from 0.
    pub start: u32,
    /// One past the last code unit covered.
    pub end: u32,
    /// How many times the range ran (V8 saturates at 2^32-1).
    pub count: u32,
}

#[derive(Clone, Debug)]
struct ScriptEntry {
    url: String,
    functions: Range<u32>,
}

#[derive(Clone, Debug)]
struct FunctionEntry {
    name: Range<u32>,
    is_block_coverage: bool,
    ranges: Range<u32>,
}

/// A source map Node cached for a script (the `source-map-cache` of a `NODE_V8_COVERAGE` file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedMap {
    /// The script's URL.
    pub script_url: String,
    /// Where the map was found (its sources are relative to it), when Node says.
    pub map_url: Option<String>,
    /// The map's JSON text; `None` when Node could not read it.
    pub json: Option<String>,
}

/// V8 precise coverage of any number of scripts.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    scripts: Vec<ScriptEntry>,
    functions: Vec<FunctionEntry>,
    ranges: Vec<CoverageRange>,
    names: String,
    source_maps: Vec<CachedMap>,
}

/// One script of a [`Coverage`].
#[derive(Clone, Copy, Debug)]
pub struct Script<'a> {
    /// The URL V8 reported (`file:///...`, `node:...`, a plain path, or empty).
    pub url: &'a str,
    functions: &'a [FunctionEntry],
    coverage: &'a Coverage,
}

/// One function of a [`Script`]: `ranges[0]` is its extent and call count, the rest are blocks.
#[derive(Clone, Copy, Debug)]
pub struct Function<'a> {
    /// The name V8 reported; unreliable, never used to identify a function.
    pub name: &'a str,
    /// Whether V8 reported block ranges for it (false for never-compiled functions).
    pub is_block_coverage: bool,
    /// The function's ranges in V8's order.
    pub ranges: &'a [CoverageRange],
}

impl Coverage {
    /// An empty coverage, to be filled with the `push_*` methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new script; the functions pushed next belong to it.
    pub fn push_script(&mut self, url: &str) {
        let at = self.functions.len() as u32;
        self.scripts.push(ScriptEntry {
            url: url.to_owned(),
            functions: at..at,
        });
    }

    /// Replaces the URL of the script being filled (JSON may name it after its functions).
    pub fn set_script_url(&mut self, url: &str) {
        if let Some(script) = self.scripts.last_mut() {
            url.clone_into(&mut script.url);
        }
    }

    /// Starts a new function of the current script; the ranges pushed next belong to it.
    pub fn push_function(&mut self, name: &str, is_block_coverage: bool) {
        if self.scripts.is_empty() {
            self.push_script("");
        }
        let name_start = self.names.len() as u32;
        self.names.push_str(name);
        let at = self.ranges.len() as u32;
        self.functions.push(FunctionEntry {
            name: name_start..self.names.len() as u32,
            is_block_coverage,
            ranges: at..at,
        });
        let count = self.functions.len() as u32;
        if let Some(script) = self.scripts.last_mut() {
            script.functions.end = count;
        }
    }

    /// Sets the name and block flag of the function being filled.
    pub fn set_function_details(&mut self, name: &str, is_block_coverage: bool) {
        let name_start = self.names.len() as u32;
        self.names.push_str(name);
        let end = self.names.len() as u32;
        if let Some(function) = self.functions.last_mut() {
            function.name = name_start..end;
            function.is_block_coverage = is_block_coverage;
        }
    }

    /// Adds a range to the current function.
    pub fn push_range(&mut self, range: CoverageRange) {
        if self.functions.is_empty() {
            self.push_function("", false);
        }
        self.ranges.push(range);
        let count = self.ranges.len() as u32;
        if let Some(function) = self.functions.last_mut() {
            function.ranges.end = count;
        }
    }

    /// Adds a source map cached for a script.
    pub fn push_cached_map(&mut self, map: CachedMap) {
        self.source_maps.push(map);
    }

    /// Every source map the input carried.
    pub fn cached_maps(&self) -> &[CachedMap] {
        &self.source_maps
    }

    /// The source map cached for `script_url`, if the input carried one.
    pub fn cached_map(&self, script_url: &str) -> Option<&CachedMap> {
        self.source_maps.iter().find(|m| m.script_url == script_url)
    }

    /// Number of scripts.
    pub fn len(&self) -> usize {
        self.scripts.len()
    }

    /// Whether there is no script at all.
    pub fn is_empty(&self) -> bool {
        self.scripts.is_empty()
    }

    /// The scripts, in input order.
    pub fn scripts(&self) -> impl ExactSizeIterator<Item = Script<'_>> + '_ {
        self.scripts.iter().map(move |entry| Script {
            url: &entry.url,
            functions: &self.functions
                [entry.functions.start as usize..entry.functions.end as usize],
            coverage: self,
        })
    }
}

impl<'a> Script<'a> {
    /// Number of functions V8 reported, the top level included.
    pub fn function_count(&self) -> usize {
        self.functions.len()
    }

    /// The functions in V8's order (pre-order; the first is the script's top level).
    pub fn functions(
        &self,
    ) -> impl ExactSizeIterator<Item = Function<'a>> + DoubleEndedIterator + 'a {
        let coverage = self.coverage;
        self.functions.iter().map(move |entry| Function {
            name: &coverage.names[entry.name.start as usize..entry.name.end as usize],
            is_block_coverage: entry.is_block_coverage,
            ranges: &coverage.ranges[entry.ranges.start as usize..entry.ranges.end as usize],
        })
    }

    /// The top level's extent, `[0, length)`, when V8 reported it: the first function, if it is
    /// nameless and starts at 0. A take after a reset omits functions that did not run since,
    /// the top level included, so the first function is not always the top level.
    pub fn top_level(&self) -> Option<CoverageRange> {
        let first = self.functions().next()?;
        let extent = *first.ranges.first()?;
        (extent.start == 0 && first.name.is_empty()).then_some(extent)
    }
}
