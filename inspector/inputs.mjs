// What the page can open, and what each opened file is: V8 coverage (a NODE_V8_COVERAGE file or an
// inspector take), a footprints body (format 6.0, JSON or gzipped), what the backend stand-in recorded, a
// saved result (the converter's footprint data), or text for the source pool (sources, source maps). A file
// that cannot be read is a problem naming it and why; the others are read all the same.

/** Folders never read: dependencies and VCS data (the converter leaves node_modules out anyway). */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
/** Files larger than this are left out of the source pool (they are not sources a person reads). */
const MAX_TEXT_BYTES = 32 * 1024 * 1024;

const isGzip = (bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Like Node's readFileSync(file, 'utf8') but strict: a leading BOM is kept, as the converter wants it.
const utf8 = (bytes) => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);

/** Whether a path goes through a folder that is never read. */
export function skipped(path) {
  return path.split('/').some((segment) => SKIPPED_FOLDERS.has(segment));
}

/** What kind of JSON document `json` is, by its shape. */
export function kindOf(json) {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    if (typeof json.formatVersion === 'string' && Array.isArray(json.executions)) return 'body';
    if (Array.isArray(json.result)) return 'coverage';
    if (json.version === 3 && (typeof json.mappings === 'string' || Array.isArray(json.sections))) return 'map';
    if (Array.isArray(json.files) && Array.isArray(json.methods) && Array.isArray(json.hitMethods)) return 'result';
    return null;
  }
  if (Array.isArray(json) && json.length === 0) return 'records'; // e.g. a stand-in that received nothing yet
  if (Array.isArray(json)) {
    if (json.every((r) => r && typeof r === 'object' && 'body' in r && 'outcome' in r)) return 'records';
    if (json.every((s) => s && typeof s.url === 'string' && Array.isArray(s.functions))) return 'coverage';
  }
  return null;
}

/**
 * Reads opened files. `files`: [{path, bytes, direct}] where `path` is the name as opened (a folder's
 * relative path, or an absolute path for preloaded files) and `direct` says it was named by itself (not
 * found inside a folder): such a file must be something the page reads, else it is a problem.
 * Returns {coverage: [{name, json}], bodies: [{name, body}], results: [{name, data}],
 * texts: [{path, text}], problems: [{file, message}]}.
 */
export async function readFiles(files) {
  /** @type {{coverage: {name: string, json: any}[], bodies: {name: string, body: any}[], results: {name: string, data: any}[], texts: {path: string, text: string}[], problems: {file: string, message: string}[]}} */
  const out = { coverage: [], bodies: [], results: [], texts: [], problems: [] };
  const problem = (file, message) => out.problems.push({ file, message });
  for (const { path, bytes: raw, direct } of files) {
    if (skipped(path)) continue;
    const looksJson = /\.json(\.gz)?$|\.gz$/i.test(path);
    let bytes = raw;
    if (isGzip(bytes)) {
      try {
        bytes = await gunzip(bytes);
      } catch {
        problem(path, 'does not gunzip: the gzip data is corrupt or cut short');
        continue;
      }
    }
    let text;
    try {
      text = utf8(bytes);
    } catch {
      if (direct || looksJson) problem(path, 'is not UTF-8 text');
      continue;
    }
    const mustRead = direct || /(^|\/)coverage-[^/]*\.json$/.test(path);
    if (looksJson || (direct && /^\s*[[{]/.test(text))) {
      let json;
      try {
        json = JSON.parse(text);
      } catch (error) {
        if (mustRead) problem(path, `is not valid JSON: ${error.message}`);
        else if (bytes.length <= MAX_TEXT_BYTES) out.texts.push({ path, text });
        continue;
      }
      const kind = kindOf(json);
      if (kind === 'coverage') out.coverage.push({ name: path, json });
      else if (kind === 'body') out.bodies.push({ name: path, body: json });
      else if (kind === 'result') out.results.push({ name: path, data: json });
      else if (kind === 'records') readRecords(path, json, out);
      else if (kind === 'map' || !mustRead) out.texts.push({ path, text });
      else {
        problem(path, 'is JSON but not V8 coverage, a footprints body (format 6.0), a stand-in recording, ' +
          'a source map or a saved result');
      }
      continue;
    }
    if (bytes.length <= MAX_TEXT_BYTES) out.texts.push({ path, text });
  }
  return out;
}

/** The stand-in's record list (GET /__standin/received): each recorded body, and why it was refused. */
function readRecords(path, records, out) {
  for (const record of records) {
    const name = `${path} #${record.seq} (${record.outcome})`;
    if (record.body && kindOf(record.body) === 'body') out.bodies.push({ name, body: record.body });
    for (const message of record.problems || []) out.problems.push({ file: name, message: `the stand-in refused it: ${message}` });
    if (!record.body) out.problems.push({ file: name, message: 'the stand-in could not read its body' });
  }
}

/** Files of a file input (a folder input gives each file's relative path). */
export async function fromFileList(list) {
  const files = [];
  for (const file of list) {
    const path = file.webkitRelativePath || file.name;
    if (skipped(path)) continue;
    files.push({ path, bytes: new Uint8Array(await file.arrayBuffer()), direct: !file.webkitRelativePath });
  }
  return files;
}

/** Files of a drop: files and whole folders (read through the entries API, skipping node_modules). */
export async function fromDataTransfer(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (entries.length === 0) return fromFileList(dataTransfer.files);
  const files = [];
  const fileOf = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
  const children = (entry) => new Promise((resolve, reject) => {
    const reader = entry.createReader();
    const all = [];
    const next = () => reader.readEntries((batch) => {
      if (batch.length === 0) resolve(all);
      else {
        all.push(...batch);
        next();
      }
    }, reject);
    next();
  });
  const walk = async (entry, direct) => {
    const path = entry.fullPath.replace(/^\//, '');
    if (skipped(path)) return;
    if (entry.isDirectory) {
      for (const child of await children(entry)) await walk(child, false);
    } else {
      const file = await fileOf(entry);
      files.push({ path, bytes: new Uint8Array(await file.arrayBuffer()), direct });
    }
  };
  for (const entry of entries) await walk(entry, true);
  return files;
}

/**
 * Files preloaded by `v8-footprints inspect` or the stand-in: `./preload/index.json` beside the page lists
 * them ({root, files: [{path, href}]}); each is fetched from the same origin only.
 */
export async function fromPreload(manifestUrl) {
  const response = await fetch(manifestUrl, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${manifestUrl}: HTTP ${response.status}`);
  const manifest = await response.json();
  const files = [];
  const problems = [];
  for (const { path, href, direct } of manifest.files || []) {
    const url = new URL(href, new URL(manifestUrl, location.href));
    if (url.origin !== location.origin) {
      problems.push({ file: path, message: `not fetched: ${url.origin} is not this page's origin` });
      continue;
    }
    const file = await fetch(url, { cache: 'no-store' });
    if (!file.ok) {
      problems.push({ file: path, message: `could not be fetched: HTTP ${file.status}` });
      continue;
    }
    files.push({ path, bytes: new Uint8Array(await file.arrayBuffer()), direct: direct !== false });
  }
  return { root: manifest.root || '', name: manifest.name || 'preloaded', files, problems };
}
