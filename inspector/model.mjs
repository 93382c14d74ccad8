// The page's data: the source pool (texts found by path suffix), coverage sets converted by the wasm
// converter (the files of one opening added into one total), tests read from footprints bodies, and
// the problems of every input. The converter decides every count; this module only looks things up and
// groups what it returned.

const urlPath = (url) => {
  if (url.startsWith('/')) return url;
  if (!url.startsWith('file://')) return null;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
};

/** `src/a.js@12,4` -> {path: 'src/a.js', line: 12}; a branch id `src/a.js|12,4|1` likewise. */
export function siteOf(id) {
  const at = id.lastIndexOf('@');
  if (at > 0 && !id.includes('|')) return { path: id.slice(0, at), line: Number(id.slice(at + 1).split(',')[0]) };
  const [path, position] = id.split('|');
  return { path, line: Number((position || '').split(',')[0]) };
}

/** Texts (sources, maps) by path; a script URL or a map location finds the text whose path is its longest suffix. */
export class SourcePool {
  constructor() {
    this.texts = new Map(); // path as opened -> text
    this.bySuffix = new Map(); // every suffix of every path (whole segments) -> path
  }

  add(path, text) {
    const clean = path.replace(/^\/+/, '');
    this.texts.set(clean, text);
    const segments = clean.split('/');
    for (let i = 0; i < segments.length; i++) {
      const suffix = segments.slice(i).join('/');
      if (!this.bySuffix.has(suffix) || i === 0) this.bySuffix.set(suffix, clean);
    }
  }

  /** The opened path whose suffix is longest in `absolute` (an absolute path), or undefined. */
  find(absolute) {
    const segments = absolute.replace(/^\/+/, '').split('/');
    for (let i = 0; i < segments.length; i++) {
      const path = this.bySuffix.get(segments.slice(i).join('/'));
      if (path !== undefined) return path;
    }
    return undefined;
  }

  /** The text for a script URL or a map location (absolute path or file URL). */
  lookup(location) {
    const absolute = urlPath(location);
    if (absolute === null) return undefined;
    const path = this.find(absolute);
    return path === undefined ? undefined : this.texts.get(path);
  }

  /**
   * The project root the pool suggests for these script URLs: the folder that, joined with a file's
   * path inside the opened folder, gives the URL's path (most votes); '' when no URL is found.
   */
  rootFor(urls) {
    const votes = new Map();
    for (const url of urls) {
      const absolute = urlPath(url);
      if (absolute === null) continue;
      const path = this.find(absolute);
      if (path === undefined) continue;
      const inside = path.includes('/') ? path.slice(path.indexOf('/') + 1) : path;
      if (!absolute.endsWith('/' + inside)) continue;
      const root = absolute.slice(0, absolute.length - inside.length - 1) || '/';
      votes.set(root, (votes.get(root) || 0) + 1);
    }
    let best = '';
    let most = 0;
    for (const [root, count] of votes) if (count > most) [best, most] = [root, count];
    return best;
  }
}

/** The deepest folder holding every file:// script outside node_modules ('/' when none). */
export function commonFolder(urls) {
  let common = null;
  for (const url of urls) {
    if (url.includes('/node_modules/')) continue;
    const absolute = url.startsWith('file://') ? urlPath(url) : null;
    if (!absolute) continue;
    const folder = absolute.split('/').slice(0, -1);
    if (common === null) common = folder;
    else {
      let i = 0;
      while (i < common.length && i < folder.length && common[i] === folder[i]) i++;
      common = common.slice(0, i);
    }
  }
  return common && common.length > 1 ? common.join('/') : '/';
}

/** Method and branch counts and covered lines of a set or a test, keyed by id and by path. */
export function footprintOf(data) {
  const methods = new Map();
  const branches = new Map();
  const lines = new Map(); // path -> Map(line -> count)
  for (const m of data.methods) if (m.count > 0) methods.set(m.id, m.count);
  for (const b of data.branches) if (b.count > 0) branches.set(b.id, b.count);
  data.files.forEach((file) => {
    const covered = new Map();
    file.lines.forEach((count, i) => {
      if (count) covered.set(i + 1, count);
    });
    if (covered.size) lines.set(file.path, covered);
  });
  return { methods, branches, lines };
}

/** A test's footprint: its methods (hits that ran each), branches, and the lines its hits named. */
function testFootprint(test) {
  const lines = new Map();
  for (const [id, covered] of test.methodLines) {
    const { path } = siteOf(id);
    if (!lines.has(path)) lines.set(path, new Map());
    const perLine = lines.get(path);
    for (const line of covered) perLine.set(line, (perLine.get(line) || 0) + 1);
  }
  return { methods: test.methods, branches: test.branches, lines };
}

/**
 * Per-file numbers of a converted set: lines covered / executable, methods run / reported, branch leaves run
 * (and listed: a converter's total also lists leaves that did not run).
 */
export function fileSummaries(data) {
  const summaries = data.files.map((file) => {
    let executable = 0;
    let covered = 0;
    for (const count of file.lines) {
      if (count === null) continue;
      executable++;
      if (count > 0) covered++;
    }
    return { path: file.path, url: file.url, executable, covered, methods: 0, methodsHit: 0, branches: 0, branchesHit: 0 };
  });
  for (const m of data.methods) {
    const s = summaries[m.file];
    if (!s) continue;
    s.methods++;
    if (m.count > 0) s.methodsHit++;
  }
  for (const b of data.branches) {
    const s = summaries[b.file];
    if (!s) continue;
    s.branches++;
    if (b.count > 0) s.branchesHit++;
  }
  return summaries;
}

/**
 * Everything opened so far. `api` is the package's web entry ({Converter, merge}).
 */
export class Workspace {
  constructor(api) {
    this.api = api;
    this.pool = new SourcePool();
    this.sets = []; // {name, kind: 'coverage' | 'result', coverage?: [{name, json}], data, errors: [...]}
    this.tests = new Map(); // key -> test
    this.bodies = []; // {name, body}
    this.inputProblems = []; // {file, message}
    this.root = ''; // '' until given or found
    this.rootGiven = false;
  }

  /** Adds what one opening read (see inputs.readFiles); `name` names the set its coverage becomes. */
  add(read, name, root) {
    for (const { path, text } of read.texts) this.pool.add(path, text);
    this.inputProblems.push(...read.problems);
    if (root) this.setRoot(root, true);
    if (read.coverage.length) this.sets.push({ name, kind: 'coverage', coverage: read.coverage, data: null, errors: [] });
    if (read.results.length) {
      // Saved results opened together are summed by the converter (merge), as coverage files are.
      const names = read.results.map((r) => r.name);
      const set = { name: names.length === 1 ? names[0] : `${name} (${names.length} results)`, kind: 'result', errors: [] };
      try {
        set.data = this.api.merge(...read.results.map((r) => r.data));
        this.sets.push(set);
      } catch (error) {
        this.inputProblems.push({ file: names.join(', '), message: `${error.kind ? `${error.kind}: ` : ''}${error.message}` });
      }
    }
    for (const body of read.bodies) {
      this.bodies.push(body);
      this.readBody(body);
    }
    if (read.bodies.length) this.refreshBodySet();
    this.convertAll();
  }

  /** The project root: given by the user (kept) or found from the inputs. */
  setRoot(root, byUser) {
    this.root = root.replace(/\/+$/, '') || '/';
    this.rootGiven = this.rootGiven || byUser;
  }

  /** Converts every coverage set again (after new sources or another root). */
  convertAll() {
    const urls = this.sets.flatMap((set) => (set.coverage || []).flatMap((c) => scriptsOf(c.json).map((s) => s.url)));
    if (!this.rootGiven && urls.length) {
      this.root = this.pool.rootFor(urls) || this.root || commonFolder(urls);
    }
    for (const set of this.sets) if (set.kind === 'coverage') this.convert(set);
  }

  /**
   * Converts a set's coverage files into one total (Converter#add per file, Converter#total): the
   * converter sums what several processes and takes ran. A file the converter refuses is listed with
   * the reason and left out; a script it leaves out is listed once with the files that named it.
   */
  convert(set) {
    const sources = (url) => this.pool.lookup(url);
    const maps = (location) => this.pool.lookup(location);
    const problems = new Map();
    const converter = new this.api.Converter({ projectRoot: this.root || '/' });
    try {
      for (const file of set.coverage) {
        try {
          for (const e of converter.add(file.json, sources, maps).errors) {
            const key = `${e.url}\u0000${e.kind}\u0000${e.message}`;
            if (!problems.has(key)) problems.set(key, { file: e.url, message: `${e.kind}: ${e.message}`, inputs: [] });
            problems.get(key).inputs.push(file.name);
          }
        } catch (error) {
          problems.set(file.name, { file: file.name, message: `${error.kind ? `${error.kind}: ` : ''}${error.message}` });
        }
      }
      set.data = converter.total;
    } finally {
      converter.free();
    }
    set.errors = [...problems.values()];
  }

  /** The tests of a footprints body: per execution and test name, every hit's methods, branches and lines. */
  readBody({ name, body }) {
    const methods = Array.isArray(body.methods) ? body.methods : [];
    const branches = Array.isArray(body.branches) ? body.branches : [];
    const bad = [];
    for (const execution of body.executions) {
      for (const hit of (execution && execution.hits) || []) {
        const testName = hit.testName ?? (hit.isInitFootprints ? '(module load)' : '(no test name)');
        const executionId = execution.executionId ?? '(mapped by the collector)';
        const key = `${executionId}\u0000${testName}`;
        if (!this.tests.has(key)) {
          this.tests.set(key, {
            key, name: testName, executionId, bodies: new Set(), hits: 0, init: false,
            methods: new Map(), branches: new Map(), methodLines: new Map(),
          });
        }
        const test = this.tests.get(key);
        test.bodies.add(name);
        test.hits++;
        test.init = test.init || Boolean(hit.isInitFootprints);
        for (const index of hit.methods || []) {
          const id = methods[index];
          if (typeof id !== 'string') {
            bad.push(`method index ${index}`);
            continue;
          }
          test.methods.set(id, (test.methods.get(id) || 0) + 1);
          const covered = hit.methodLines && hit.methodLines[index];
          if (Array.isArray(covered)) {
            const known = new Set(test.methodLines.get(id) || []);
            for (const line of covered) known.add(line);
            test.methodLines.set(id, [...known].sort((a, b) => a - b));
          }
        }
        for (const index of hit.branches || []) {
          const id = branches[index];
          if (typeof id !== 'string') bad.push(`branch index ${index}`);
          else test.branches.set(id, (test.branches.get(id) || 0) + 1);
        }
      }
    }
    if (bad.length) this.inputProblems.push({ file: name, message: `names ids its tables do not hold: ${bad.slice(0, 5).join(', ')}` });
  }

  /**
   * The set of every test together (kind 'bodies'): a method's count is the hits that ran it, a line's
   * count the tests whose hits named it; lines no hit named are unknown (null).
   */
  refreshBodySet() {
    const files = new Map();
    const fileOf = (path) => {
      if (!files.has(path)) files.set(path, { index: files.size, lines: [] });
      return files.get(path);
    };
    const methods = new Map();
    const branches = new Map();
    for (const test of this.tests.values()) {
      for (const [id, count] of test.methods) {
        const { path, line } = siteOf(id);
        const file = fileOf(path);
        const entry = methods.get(id) || { id, file: file.index, name: '', line, column: Number(id.split(',').pop()), count: 0 };
        entry.count += count;
        methods.set(id, entry);
        for (const covered of test.methodLines.get(id) || []) file.lines[covered - 1] = (file.lines[covered - 1] || 0) + 1;
      }
      for (const [id, count] of test.branches) {
        const { path, line } = siteOf(id);
        const entry = branches.get(id) || { id, file: fileOf(path).index, line, column: Number(id.split('|')[1].split(',')[1]), count: 0 };
        entry.count += count;
        branches.set(id, entry);
      }
    }
    const data = {
      files: [...files].map(([path, f]) => ({ path, url: '', lines: Array.from(f.lines, (c) => c ?? null) })),
      methods: [...methods.values()], branches: [...branches.values()], errors: [],
    };
    data.hitMethods = data.methods.map((_, i) => i);
    data.hitBranches = data.branches.map((_, i) => i);
    const set = { name: 'footprints bodies (every test)', kind: 'bodies', data, errors: [] };
    const at = this.sets.findIndex((s) => s.kind === 'bodies');
    if (at >= 0) this.sets[at] = set;
    else this.sets.push(set);
  }

  /** Every problem: inputs that could not be read, files a conversion refused, scripts it left out. */
  problems() {
    return [...this.inputProblems, ...this.sets.flatMap((set) => set.errors.map((e) => ({ ...e, set: set.name })))];
  }

  /** Tests that ran the method `id`. */
  testsOf(id) {
    return [...this.tests.values()].filter((test) => test.methods.has(id));
  }

  /** What can be compared: every set and every test, as {key, label, footprint}. */
  comparables() {
    const out = this.sets.map((set, i) => ({ key: `set:${i}`, label: `set: ${set.name}`, footprint: () => footprintOf(set.data) }));
    for (const test of this.tests.values()) {
      out.push({ key: `test:${test.key}`, label: `test: ${test.name}${this.executionCount() > 1 ? ` (${test.executionId})` : ''}`, footprint: () => testFootprint(test) });
    }
    return out;
  }

  executionCount() {
    return new Set([...this.tests.values()].map((t) => t.executionId)).size;
  }

  /** The text of a file of the project (`path` relative to the root), from the pool or a map's sourcesContent. */
  sourceText(path, url) {
    const fromPool = this.pool.lookup(url && url.startsWith('file://') ? url : `${this.root}/${path}`);
    if (fromPool !== undefined) return fromPool;
    return this.sourcesContent().get(path);
  }

  /** Original files' text from the source maps the inputs carry, by the path a map names (../ and schemes dropped). */
  sourcesContent() {
    if (this._contents && this._contentsFor === this.pool.texts.size + this.sets.length) return this._contents;
    const out = new Map();
    const addMap = (map) => {
      if (!map || !Array.isArray(map.sources) || !Array.isArray(map.sourcesContent)) return;
      map.sources.forEach((source, i) => {
        const text = map.sourcesContent[i];
        if (typeof text !== 'string' || typeof source !== 'string') return;
        const clean = source.replace(/^[a-z]+:\/\/[^/]*\//i, '').replace(/^(\.\.?\/)+/, '');
        out.set(clean, text);
      });
    };
    for (const set of this.sets) {
      for (const file of set.coverage || []) {
        for (const entry of Object.values(file.json['source-map-cache'] || {})) addMap(entry && entry.data);
      }
    }
    for (const [path, text] of this.pool.texts) {
      if (!path.endsWith('.map')) continue;
      try {
        addMap(JSON.parse(text));
      } catch {
        // not a map after all
      }
    }
    // Found by the longest match: a map names `src/a.ts`, the result `src/a.ts` or `app/src/a.ts`.
    const found = new Map();
    const lookup = (path) => {
      if (found.has(path)) return found.get(path);
      let best;
      for (const [name, text] of out) {
        if ((path === name || path.endsWith('/' + name) || name.endsWith('/' + path)) && (!best || name.length > best[0].length)) best = [name, text];
      }
      found.set(path, best && best[1]);
      return best && best[1];
    };
    this._contents = { get: lookup };
    this._contentsFor = this.pool.texts.size + this.sets.length;
    return this._contents;
  }
}

function scriptsOf(json) {
  return Array.isArray(json) ? json : json.result;
}
