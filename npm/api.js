// The package's JavaScript API over the wasm module, shared by every entry: build.sh wraps this
// file for CommonJS (index.cjs, re-exported by index.mjs) and for browsers (web.js). It only
// moves data across the boundary; every decision about coverage is made in Rust.

// `defaultCwd()`: the folder a relative (or omitted) project root is resolved against when the
// options name none: process.cwd() in Node; the browser entry passes none (`/`).
function createApi(wasm, defaultSources, defaultSourceMaps, defaultCwd) {
  function typedError(kind, message) {
    const error = /** @type {Error & { kind?: string }} */ (new Error(message));
    error.name = 'FootprintsError';
    error.kind = kind;
    return error;
  }

  function shapeError(message) {
    return typedError('shape', 'coverage has the wrong shape: ' + message);
  }

  // The wasm converter of a live Converter; a typed error once free() was called.
  function live(converter, method) {
    if (converter._inner) return converter._inner;
    throw typedError('freed', `Converter.${method}: the converter was freed (free() was called)`);
  }

  // The wasm state of a live PendingHits; a typed error once free() was called.
  function liveHits(hits, method) {
    if (hits._inner) return hits._inner;
    throw typedError('freed', `PendingHits.${method}: the pending hits were freed (free() was called)`);
  }

  // Coverage for the paths that take objects: JSON text and bytes are parsed here.
  function coverageObjects(coverage) {
    let text = coverage;
    if (coverage instanceof ArrayBuffer) coverage = new Uint8Array(coverage);
    if (coverage instanceof Uint8Array) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(coverage);
      } catch {
        throw typedError('non-utf8', 'the coverage JSON bytes are not UTF-8');
      }
    }
    if (typeof text !== 'string') return coverage;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw typedError('json', 'the coverage is not valid JSON: ' + e.message);
    }
  }

  function scriptsOf(coverage) {
    if (Array.isArray(coverage)) return coverage;
    if (coverage && typeof coverage === 'object' && Array.isArray(coverage.result)) return coverage.result;
    throw shapeError('expected JSON text, JSON bytes, an object with a `result` array, or an array of script coverages');
  }

  // Which URLs are the project's: Rust decides once per URL; a warm process, whose takes name the
  // same scripts every time, asks only about new ones.
  function projectMask(converter, urls) {
    const known = converter._known;
    const unknown = urls.filter((url) => !known.has(url));
    if (unknown.length > 0) {
      const answers = converter._inner.projectMask(unknown);
      unknown.forEach((url, i) => known.set(url, answers[i] === 1));
    }
    return urls.map((url) => known.get(url));
  }

  // Inspector objects cross as numbers: the URLs first (Rust says which are the project's),
  // then one Uint32Array holding the kept scripts' functions and ranges, and their names.
  function packObjects(converter, scripts) {
    const urls = new Array(scripts.length);
    for (let i = 0; i < scripts.length; i++) {
      const script = scripts[i];
      if (!script || typeof script.url !== 'string') throw shapeError(`result[${i}].url is not a string`);
      urls[i] = script.url;
    }
    const mask = projectMask(converter, urls);
    const keptUrls = [];
    let size = 0;
    for (let i = 0; i < scripts.length; i++) {
      if (!mask[i]) continue;
      const functions = scripts[i].functions;
      if (!Array.isArray(functions)) throw shapeError(`result[${i}].functions is not an array`);
      keptUrls.push(urls[i]);
      size += 1;
      for (let f = 0; f < functions.length; f++) {
        const ranges = functions[f] && functions[f].ranges;
        if (!Array.isArray(ranges)) throw shapeError(`result[${i}].functions[${f}].ranges is not an array`);
        size += 2 + 3 * ranges.length;
      }
    }
    const packed = new Uint32Array(size);
    const names = [];
    let at = 0;
    for (let i = 0; i < scripts.length; i++) {
      if (!mask[i]) continue;
      const functions = scripts[i].functions;
      packed[at++] = functions.length;
      for (let f = 0; f < functions.length; f++) {
        const fn = functions[f];
        const ranges = fn.ranges;
        packed[at++] = ranges.length;
        packed[at++] = fn.isBlockCoverage ? 1 : 0;
        names.push(typeof fn.functionName === 'string' ? fn.functionName.replace(/\0/g, '') : '');
        for (let r = 0; r < ranges.length; r++) {
          const range = ranges[r];
          const start = range && range.startOffset, end = range && range.endOffset, count = range && range.count;
          if (start >>> 0 !== start || end >>> 0 !== end || count >>> 0 !== count) {
            throw shapeError(`result[${i}].functions[${f}].ranges[${r}] needs startOffset, endOffset and count as whole numbers from 0 to 2^32-1`);
          }
          packed[at++] = start;
          packed[at++] = end;
          packed[at++] = count;
        }
      }
    }
    return { urls: keptUrls, names: names.join('\0'), packed };
  }

  // Inspector objects as the arguments Rust's packed calls take: URLs, names, numbers, Node's map cache.
  function packedTake(converter, coverage) {
    const { urls, names, packed } = packObjects(converter, scriptsOf(coverage));
    return [urls, names, packed, mapCacheOf(coverage)];
  }

  // The readers of sources and source maps a call was given, or the entry's defaults (Node: the files).
  function readersOr(sources, sourceMaps) {
    return [sources ?? (defaultSources || {}), sourceMaps ?? (defaultSourceMaps || {})];
  }

  // A hit's info with whole epoch seconds, as Rust reads it.
  function hitInfo(info) {
    const hit = wellFormedNames({ ...(info || {}) });
    for (const key of ['start', 'end']) hit[key] = Math.max(0, Math.floor(Number(hit[key]) || 0));
    return hit;
  }

  // A lone surrogate (a test name from an event's JSON may hold one) becomes U+FFFD: JSON.stringify
  // writes it as an escape that Rust's JSON reader refuses, which lost the whole hit.
  function wellFormedNames(hit) {
    for (const key of ['executionId', 'testName']) {
      if (typeof hit[key] === 'string') hit[key] = hit[key].replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    }
    return hit;
  }

  function wholeNumber(method, value) {
    if (value >>> 0 !== value) {
      throw typedError('option', `${method}: the key must be a whole number from 0 to 2^32-1, not ${String(value)}`);
    }
    return value;
  }

  // Node's source-map cache of a NODE_V8_COVERAGE file object, as JSON for Rust ('' when none).
  function mapCacheOf(coverage) {
    const cache = coverage && !Array.isArray(coverage) ? coverage['source-map-cache'] : undefined;
    return cache && typeof cache === 'object' ? JSON.stringify({ result: [], 'source-map-cache': cache }) : '';
  }

  /** Converts V8 coverage to footprints, keeping per-script work between calls. */
  class Converter {
    constructor(options) {
      options = options === undefined || options === null ? {} : options;
      if (defaultCwd && typeof options === 'object' && (options.cwd === undefined || options.cwd === null)) {
        options = { ...options, cwd: defaultCwd() };
      }
      this._inner = new wasm.WasmConverter(JSON.stringify(options));
      this._known = new Map(); // URL -> whether it is the project's
    }

    /** The normalised absolute project root. */
    get projectRoot() {
      return live(this, 'projectRoot').projectRoot;
    }

    /** Like `convert`, but returns the footprint data as JSON text. */
    convertToJson(coverage, sources, sourceMaps) {
      const readers = readersOr(sources, sourceMaps);
      const inner = live(this, 'convertToJson');
      if (typeof coverage === 'string') return inner.convertJsonText(coverage, ...readers);
      if (coverage instanceof Uint8Array) return inner.convertJsonBytes(coverage, ...readers);
      if (coverage instanceof ArrayBuffer) return inner.convertJsonBytes(new Uint8Array(coverage), ...readers);
      return inner.convertPacked(...packedTake(this, coverage), ...readers);
    }

    /**
     * Converts one coverage take; see docs/formats.md for the result's shape. `sources` gives a
     * script's source by URL, `sourceMaps` a map's JSON by its location (path or URL); in Node
     * both default to reading the file.
     */
    convert(coverage, sources, sourceMaps) {
      live(this, 'convert');
      return JSON.parse(this.convertToJson(coverage, sources, sourceMaps));
    }

    /**
     * Converts one take (inspector objects, or JSON text or bytes, e.g. a NODE_V8_COVERAGE file) and
     * adds it to the converter's total: counts of the same line, method or branch are summed. Returns
     * {errors}: the scripts of this take left out and why (they are in the total's errors too).
     */
    add(coverage, sources, sourceMaps) {
      const inner = live(this, 'add');
      const readers = readersOr(sources, sourceMaps);
      if (coverage instanceof ArrayBuffer) coverage = new Uint8Array(coverage);
      let errors;
      if (typeof coverage === 'string') {
        errors = inner.addJsonBytes(new TextEncoder().encode(coverage), ...readers);
      } else if (coverage instanceof Uint8Array) {
        errors = inner.addJsonBytes(coverage, ...readers);
      } else {
        errors = inner.addPacked(...packedTake(this, coverage), ...readers);
      }
      return { errors: JSON.parse(errors) };
    }

    /**
     * The total of every `add` so far, as footprint data (the shape `convert` returns; its branches
     * list every leaf, 0 for those that did not run).
     */
    get total() {
      return JSON.parse(live(this, 'total').totalJson());
    }

    /** The total as JSON text. */
    totalToJson() {
      return live(this, 'totalToJson').totalJson();
    }

    /**
     * The total as text in a report format: 'json' (footprint data), 'istanbul' (the
     * coverage-final.json shape, keyed by absolute path), 'lcov' (a tracefile) or 'summary' (JSON:
     * per file {path, lines, methods, branches: [hit, found], uncovered: [lines]}).
     */
    report(format) {
      return live(this, 'report').totalReport(String(format));
    }

    /** Starts a new total (what the converter learnt about each script is kept). */
    clearTotal() {
      live(this, 'clearTotal').clearTotal();
    }

    /** Releases the wasm memory this converter holds; any later call throws a `freed` FootprintsError. */
    free() {
      if (this._inner) this._inner.free();
      this._inner = undefined;
    }
  }

  /**
   * The layer's side of the backend protocol, apart from conversion: the hits waiting to be sent
   * (at most `limit`, the oldest dropped past it), the invocations open at once and their windows,
   * and the request bodies built from the hits. `converter` converts the takes it is given.
   */
  class PendingHits {
    constructor(converter, options) {
      if (!(converter instanceof Converter)) {
        throw typedError('option', 'PendingHits: the first argument must be a Converter of this package');
      }
      const limit = options === undefined || options === null || options.limit === undefined ? 500 : options.limit;
      if (limit >>> 0 !== limit || limit < 1) {
        throw typedError('option', `PendingHits: limit must be a whole number from 1 to 2^32-1, not ${String(limit)}`);
      }
      this.converter = converter;
      this._inner = new wasm.WasmPendingHits(limit);
    }

    /**
     * Converts one take (inspector objects, or JSON text or bytes) and keeps what ran as a pending hit
     * (`info`: {executionId, testName, start, end, isInitFootprints}; an empty executionId is
     * filled in when the body is built). Returns {methods, errors}: how many methods ran, and the
     * scripts left out and why.
     */
    addHit(coverage, info, sources, sourceMaps) {
      const inner = liveHits(this, 'addHit');
      const converter = live(this.converter, 'addHit');
      const take = packedTake(this.converter, coverageObjects(coverage));
      const summary = inner.addHitPacked(converter, ...take, ...readersOr(sources, sourceMaps), JSON.stringify(hitInfo(info)));
      return JSON.parse(summary);
    }

    /**
     * Opens an invocation: every take given to `addWindow` until `closeInvocation(key)` counts as
     * its own, also while other invocations are open (see the concurrency rule in docs/layer.md).
     */
    openInvocation(key) {
      return liveHits(this, 'openInvocation').openInvocation(wholeNumber('openInvocation', key));
    }

    /** Converts one take, which closes a window, and gives what ran to every open invocation. */
    addWindow(coverage, sources, sourceMaps) {
      const inner = liveHits(this, 'addWindow');
      const converter = live(this.converter, 'addWindow');
      const take = packedTake(this.converter, coverageObjects(coverage));
      return { errors: JSON.parse(inner.addWindowPacked(converter, ...take, ...readersOr(sources, sourceMaps))) };
    }

    /** Closes an invocation; what ran in its windows becomes one pending hit (`info` as for addHit). */
    closeInvocation(key, info) {
      const methods = liveHits(this, 'closeInvocation').closeInvocation(wholeNumber('closeInvocation', key), JSON.stringify(hitInfo(info)));
      return { methods };
    }

    /**
     * The next body to send: {body, hits, executionId} for the first pending hits (at most `max`)
     * of one test execution (hits without one count as `executionId`'s), or undefined when none waits.
     */
    nextBody(meta, executionId, max) {
      const next = liveHits(this, 'nextBody').nextBody(JSON.stringify(meta || {}), executionId || '', max || 1000);
      if (next === undefined) return undefined;
      const result = { body: next.body, hits: next.hits, executionId: next.executionId };
      next.free();
      return result;
    }

    /** Forgets the first `count` pending hits, once they were sent. */
    confirmSent(count) {
      liveHits(this, 'confirmSent').confirmSent(count);
    }

    /** Forgets the hits kept before it was known that no test execution was open; returns how many. */
    discardTentative() {
      return liveHits(this, 'discardTentative').discardTentative();
    }

    /** Gives pending hits without an execution id the one now known. */
    assignExecution(executionId) {
      liveHits(this, 'assignExecution').assignExecution(executionId);
    }

    /** Hits waiting to be sent. */
    get pendingCount() {
      return liveHits(this, 'pendingCount').pendingCount;
    }

    /** Hits dropped since the start because the buffer was full. */
    get droppedCount() {
      return liveHits(this, 'droppedCount').droppedCount;
    }

    /** Releases the wasm memory the hits hold (not the converter's); any later call throws a `freed` FootprintsError. */
    free() {
      if (this._inner) this._inner.free();
      this._inner = undefined;
    }
  }

  /** One-shot conversion with a fresh converter. */
  function convert(coverage, sources, options, sourceMaps) {
    const converter = new Converter(options);
    try {
      return converter.convert(coverage, sources, sourceMaps);
    } finally {
      converter.free();
    }
  }

  // Footprint data (objects as `convert` returns them, or their JSON text) packed for Rust as
  // numbers and NUL-joined strings, in the order src/footprints_packed.rs reads them; Rust checks
  // every number and index.
  function packFootprints(data) {
    const numbers = [];
    const strings = [];
    const text = (value) => strings.push(typeof value === 'string' ? value.replace(/\0/g, '') : '');
    const list = (value) => (Array.isArray(value) ? value : []);
    data.forEach((item, i) => {
      if (typeof item === 'string') {
        try {
          item = JSON.parse(item);
        } catch (e) {
          throw typedError('json', `merge: argument ${i} is not valid JSON: ${e.message}`);
        }
      }
      if (!item || typeof item !== 'object' || !Array.isArray(item.files) || !Array.isArray(item.methods)) {
        throw typedError('shape', `footprint data has the wrong shape: merge: argument ${i} is not footprint data (an object with \`files\` and \`methods\` arrays, or its JSON text)`);
      }
      numbers.push(item.files.length);
      for (const file of item.files) {
        const lines = list(file && file.lines);
        numbers.push(lines.length);
        for (const count of lines) numbers.push(count === null ? -1 : Number(count));
        text(file && file.path);
        text(file && file.url);
      }
      const methodLines = item.methodLines && typeof item.methodLines === 'object' ? item.methodLines : {};
      numbers.push(item.methods.length);
      item.methods.forEach((method, m) => {
        const own = list(Object.hasOwn(methodLines, m) ? methodLines[m] : undefined);
        method = method || {};
        numbers.push(Number(method.file), Number(method.line), Number(method.column), Number(method.count), own.length);
        for (const line of own) numbers.push(Number(line));
        text(method.id);
        text(method.name);
      });
      const branches = list(item.branches);
      numbers.push(branches.length);
      for (let branch of branches) {
        branch = branch || {};
        numbers.push(Number(branch.file), Number(branch.line), Number(branch.column), Number(branch.count));
        text(branch.id);
      }
      const errors = list(item.errors);
      numbers.push(errors.length);
      for (const error of errors) {
        text(error && error.url);
        text(error && error.kind);
        text(error && error.message);
      }
    });
    return { numbers: new Float64Array(numbers), strings: strings.join('\0') };
  }

  /**
   * Merges footprint data (objects as `convert` returns them, or their JSON text) into one: counts of
   * the same file line, method (by id) or branch (by id) are summed, the rest appended in order.
   */
  function merge(...data) {
    const { numbers, strings } = packFootprints(data);
    return JSON.parse(wasm.mergePacked(data.length, numbers, strings));
  }

  /** The request body of footprints format 6.0 for `hits`, as JSON text. */
  function buildBody(hits, meta) {
    if (!Array.isArray(hits)) throw new TypeError('buildBody: hits must be an array');
    const seconds = (value) => Math.max(0, Math.floor(Number(value) || 0));
    const whole = hits.map((hit) => {
      const footprints = (hit && hit.footprints) || {};
      const methodLines = Object.entries(footprints.methodLines || {}).map(([index, lines]) => [Number(index), lines]);
      return wellFormedNames({ ...hit, footprints: { ...footprints, methodLines }, start: seconds(hit && hit.start), end: seconds(hit && hit.end) });
    });
    return wasm.buildBodyJson(JSON.stringify(whole), JSON.stringify(meta || {}));
  }

  return { Converter, PendingHits, convert, merge, buildBody };
}
