/** V8 precise coverage as `Profiler.takePreciseCoverage` returns it or Node writes it under NODE_V8_COVERAGE. */
export interface CoverageRange { startOffset: number; endOffset: number; count: number }
export interface FunctionCoverage { functionName: string; isBlockCoverage: boolean; ranges: CoverageRange[] }
export interface ScriptCoverage { scriptId?: string; url: string; functions: FunctionCoverage[] }
export type CoverageInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | ScriptCoverage[]
  | { result: ScriptCoverage[]; timestamp?: number; 'source-map-cache'?: Record<string, unknown> };

/** A script's source: text, or bytes (checked for UTF-8). */
export type SourceInput = string | Uint8Array;
/** Where sources come from: a function of the script URL, a Map, or an object keyed by URL. In Node, omitted means "read the file". */
export type Sources =
  | ((url: string) => SourceInput | undefined | null)
  | Map<string, SourceInput>
  | Record<string, SourceInput>;

/** Where source maps come from, by the map's location (an absolute path, or a URL): JSON text, bytes, or a parsed map object. In Node, omitted means "read the file". */
export type SourceMaps =
  | ((location: string) => SourceInput | object | undefined | null)
  | Map<string, SourceInput | object>
  | Record<string, SourceInput | object>;

export interface ConverterOptions {
  /** Project root: absolute, or relative to `cwd` (`.`, `./src`). Default: `cwd`. */
  projectRoot?: string;
  /** Folder a relative root is resolved against. Default: `process.cwd()` in Node, `/` in browsers (`v8-footprints/web`). */
  cwd?: string;
  /** Also look at scripts under this folder (where a bundle runs when projectRoot is the folder it was built in); they are reported through their source maps. */
  scriptRoot?: string;
  /** Where the files under scriptRoot were built (default: projectRoot): a map's relative sources resolve as if the map were there. */
  buildRoot?: string;
  /** Relative paths to leave out: `*` within a folder, `**` across folders, `?` one character; a plain path excludes that file or folder. */
  exclude?: string[];
  /** When given, only relative paths matching one of these patterns (as for `exclude`) are the project's; excludes still apply. */
  include?: string[];
  /** `default` (first non-blank character decides; blank lines not executable) or `compat` (v8-to-istanbul's counts). */
  lineMode?: 'default' | 'compat';
}

/** What is known of a hit besides its footprints (`PendingHits` of `v8-footprints/agent`). */
export interface HitInfo {
  /** Empty when not known yet: filled in by `PendingHits.nextBody`. */
  executionId?: string;
  testName?: string | null;
  /** Epoch seconds. */
  start: number;
  end: number;
  isInitFootprints?: boolean;
  isFinalFootprints?: boolean;
}

export interface FileFootprint {
  /** Path relative to the project root, `/`-separated. */
  path: string;
  url: string;
  /** `lines[i]` is the count of line i + 1; null where not executable. */
  lines: (number | null)[];
}
export interface MethodFootprint {
  /** `<relativePath>@<line>,<column>` (line from 1, column from 0 in UTF-16 code units). */
  id: string;
  file: number;
  name: string;
  line: number;
  column: number;
  count: number;
}
export interface BranchFootprint {
  /** `<relativePath>|<line>,<column>|<leafIndex>`. */
  id: string;
  file: number;
  line: number;
  column: number;
  count: number;
}
/** One file's figures in `report('summary')`: `[hit, found]` pairs (branches count leaves) and the executable lines that did not run. */
export interface FileSummary {
  path: string;
  lines: [number, number];
  methods: [number, number];
  branches: [number, number];
  uncovered: number[];
}
export interface ScriptError { url: string; kind: string; message: string }
export interface FootprintData {
  files: FileFootprint[];
  methods: MethodFootprint[];
  branches: BranchFootprint[];
  hitMethods: number[];
  hitBranches: number[];
  /** Method index -> lines (from 1) of that method that ran. */
  methodLines: Record<string, number[]>;
  errors: ScriptError[];
}

export interface Hit {
  footprints: FootprintData;
  executionId: string;
  testName?: string | null;
  /** Epoch seconds. */
  start: number;
  end: number;
  isInitFootprints?: boolean;
  isFinalFootprints?: boolean;
}
export interface BodyMeta {
  agentId: string;
  labId: string;
  buildSessionId: string;
  appName?: string;
  buildName?: string;
  branchName?: string;
  agentVersion?: string;
  agentType?: string;
  intervalSeconds?: number;
  /** `false`: hits carry no `methodLines` (a build whose methodology is `Methods`). Default true. */
  methodLines?: boolean;
  /** `"agent"`: `meta.footprintsMapping` is set and executions carry no `executionId` (a collector resolves it). */
  footprintsMapping?: string;
}

/** Errors thrown for bad input carry a `kind` and, where known, the script and position; `freed`: a call after `free()`. */
export interface FootprintsError extends Error {
  kind: 'json' | 'shape' | 'offset-out-of-range' | 'source-mismatch' | 'missing-source' | 'non-utf8' | 'source-map' | 'option' | 'freed';
  url?: string;
  line?: number;
  column?: number;
  offset?: number;
  option?: string;
}

export class Converter {
  constructor(options?: ConverterOptions);
  readonly projectRoot: string;
  convert(coverage: CoverageInput, sources?: Sources, sourceMaps?: SourceMaps): FootprintData;
  convertToJson(coverage: CoverageInput, sources?: Sources, sourceMaps?: SourceMaps): string;
  /**
   * Converts one take and adds it to the converter's total (counts of the same line, method or branch
   * summed). Returns the scripts of this take that were left out (also kept in the total's `errors`).
   */
  add(coverage: CoverageInput, sources?: Sources, sourceMaps?: SourceMaps): { errors: ScriptError[] };
  /** The total of every `add` since the start or `clearTotal()`; its branches list every leaf, 0 for those that did not run. */
  readonly total: FootprintData;
  /**
   * The total as text: `json` (footprint data), `istanbul` (the `coverage-final.json` shape: statements per
   * executable line, a function per method, a branch per branch point; keyed by absolute path) or `lcov`
   * (a tracefile), or `summary` (JSON of {@link FileSummary}[], per file in the total's order). Throws an
   * `option` FootprintsError for another format.
   */
  report(format: 'json' | 'istanbul' | 'lcov' | 'summary'): string;
  /** The total as JSON text. */
  totalToJson(): string;
  /** Starts a new total; what the converter learnt about each script (sources, maps, ids) is kept. */
  clearTotal(): void;
  free(): void;
}
export function convert(coverage: CoverageInput, sources?: Sources, options?: ConverterOptions, sourceMaps?: SourceMaps): FootprintData;
/**
 * Merges footprint data (as `convert` returns it, or its JSON text) into one: counts of the same file
 * line, method id or branch id are summed, new ones appended in order. Throws a `shape` or `json`
 * FootprintsError naming the argument (`input N`) when one is not footprint data.
 */
export function merge(...data: (FootprintData | string)[]): FootprintData;
/** The request body of footprints format 6.0, as JSON text (the agent's bodies: `PendingHits` of `v8-footprints/agent`). */
export function buildBody(hits: Hit[], meta: BodyMeta): string;
