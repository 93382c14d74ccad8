/**
 * One child process of the conversion benchmark: `node convert-child.mjs '<json>'` with
 * {entry, mode, reps}. It takes precise coverage the way the agent does (an inspector session in this
 * process, callCount + detailed), loads the entry's handler and runs it, then measures, in this process:
 *   warm   takePreciseCoverage after each invocation; JSON.parse of that coverage; this converter
 *          (convertToJson of the inspector objects; addHit + pendingBody, the layer's path; gzip; the POST to
 *          a stand-in backend) and v8-to-istanbul, each repeated on the same take after a first call;
 *   cold-fp / cold-v2i   the first conversion in a fresh process, loading the converter's module included;
 *   takes  the two ways of taking coverage, interleaved: the inspector session, and (run with
 *          NODE_V8_COVERAGE) v8.takeCoverage() + reading and parsing the file it writes.
 * Prints one JSON line.
 */
import { startCoverage } from '../../wrapper/lib/agent/coverage-session.mjs';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);
const { entry, mode, reps = 7 } = JSON.parse(process.argv[2]);
const now = () => performance.now();

// Coverage exactly as the agent takes it (its own module).
const coverage = startCoverage();

const handlerModule = require(entry.scriptPath);
const invoke = () => handlerModule.handler(handlerModule.sampleEvent || {});
await invoke();
// The init take: what ran while the module loaded and during the first invocation (the agent converts it
// at the first invocation). Every take after it holds what one invocation ran.
let t0 = now();
const initResult = coverage.take();
const out = { entry: entry.name, mode, initTakeMs: now() - t0 };

/** One invocation, then the take that follows it (what the agent takes after each invocation). */
async function invokeAndTake() {
  await invoke();
  const t = now();
  const result = coverage.take();
  return { ms: now() - t, result };
}

/** How many more times to repeat a measurement: at least `n`, and more while they are cheap. */
const more = (done, n, spentMs) => done < n || (spentMs < 250 && done < 200);

const inProject = (url) => {
  const p = url.startsWith('file:') ? fileURLToPath(url) : url;
  if (!path.isAbsolute(p) || p.split(path.sep).includes('node_modules')) return false;
  return p.startsWith(entry.dir + path.sep) || p.startsWith(entry.projectRoot + path.sep);
};
/** The body of the first `max` pending hits: `nextBody` (current API) or `pendingBody` (before it). */
const bodyOf = (c, meta, id, max) => (typeof c.nextBody === 'function' ? c.nextBody(meta, id, max)?.body : c.pendingBody(meta, id, max));
const converterOptions = { projectRoot: entry.projectRoot, cwd: entry.dir, scriptRoot: entry.dir };
/** The agent's pending hits over `converter`: the package's `PendingHits`, or the converter itself in builds before it. */
const hitsOf = (pkg, converter) => (typeof pkg.PendingHits === 'function' ? new pkg.PendingHits(converter) : converter);

async function v2iConvert(V8ToIstanbul, result) {
  let files = 0;
  for (const script of result) {
    if (!inProject(script.url)) continue;
    const file = script.url.startsWith('file:') ? fileURLToPath(script.url) : script.url;
    const c = new V8ToIstanbul(file, 0);
    await c.load();
    c.applyCoverage(script.functions);
    files += Object.keys(c.toIstanbul()).length;
  }
  return files;
}

/**
 * Times the Rust calls of a converter and of the pending hits over it, when given (the rest of a call is JS:
 * packing the inspector objects).
 */
function timeRust(...objects) {
  const timer = { ms: 0 };
  for (const object of objects) {
    const inner = object._inner;
    for (const name of ['convertPacked', 'addHitPacked', 'projectMask']) {
      if (typeof inner[name] !== 'function') continue;
      const original = inner[name].bind(inner);
      inner[name] = (...args) => {
        const s = now();
        try {
          return original(...args);
        } finally {
          timer.ms += now() - s;
        }
      };
    }
  }
  return timer;
}

function shape(result) {
  const text = JSON.stringify({ result });
  const mine = result.filter((s) => inProject(s.url));
  const o = {
    coverageBytes: text.length,
    scripts: result.length,
    allFunctions: result.reduce((n, s) => n + s.functions.length, 0),
    projectScripts: mine.length,
    functions: mine.reduce((n, s) => n + s.functions.length, 0),
    ranges: mine.reduce((n, s) => n + s.functions.reduce((m, f) => m + f.ranges.length, 0), 0),
    parseMs: [],
  };
  for (let spent = 0; more(o.parseMs.length, reps, spent); ) {
    const t = now();
    JSON.parse(text);
    o.parseMs.push(now() - t);
    spent += now() - t;
  }
  return o;
}

if (mode === 'warm') {
  const takes = [];
  let invResult;
  for (let spent = 0, t0i = now(); more(takes.length, reps, spent); spent = now() - t0i) {
    const t = await invokeAndTake();
    takes.push(t.ms);
    invResult = t.result;
  }
  out.invTakeMs = takes;
  out.init = shape(initResult);
  out.inv = shape(invResult);

  // A conversion that throws (a bug in the converter) is reported, and the rest is still measured.
  try {
    // This converter, loaded as the agent loads it; convertToJson of the inspector objects.
    t0 = now();
    const pkg = require(process.env.BENCH_PKG || path.join(root, 'pkg/index.cjs'));
    const { Converter } = pkg;
    out.fpLoadMs = now() - t0;
    const converter = new Converter(converterOptions);
    const rust = timeRust(converter);
    t0 = now();
    let json = converter.convertToJson(initResult);
    out.init.fpFirstMs = now() - t0;
    const parsed = JSON.parse(json);
    Object.assign(out.init, { fpFiles: parsed.files.length, fpMethods: parsed.methods.length, fpJsonBytes: json.length });
    out.fpErrors = parsed.errors.map((e) => `${e.kind}: ${e.message}`).slice(0, 3);
    for (const [key, result] of [['init', initResult], ['inv', invResult]]) {
      const o = out[key];
      Object.assign(o, { fpMs: [], fpRustMs: [] });
      for (let spent = 0; more(o.fpMs.length, reps * 2, spent); spent += o.fpMs[o.fpMs.length - 1]) {
        rust.ms = 0;
        t0 = now();
        json = converter.convertToJson(result);
        o.fpMs.push(now() - t0);
        o.fpRustMs.push(rust.ms);
      }
    }

    // The layer's path: addHit (pack + convert + keep), pendingBody (the format 6.0 body), gzip, POST to a
    // stand-in backend in this process (its handling is part of the POST's time).
    const { startStandin } = await import(pathToFileURL(path.join(root, 'tests/backend/standin.mjs')).href);
    const { createBackend } = await import(pathToFileURL(path.join(root, 'wrapper/lib/agent/backend.mjs')).href);
    const standin = await startStandin({ labs: { lab: { executionId: 'exec-1', testStage: 'Bench', buildSessionId: 'bsid-1' } } });
    const backend = createBackend({ token: standin.token, server: standin.apiUrl, collectorUrl: '' });
    const agentConverter = new Converter(converterOptions);
    const agentHits = hitsOf(pkg, agentConverter);
    const agentRust = timeRust(agentConverter, ...(agentHits === agentConverter ? [] : [agentHits]));
    const meta = { agentId: 'bench-agent', labId: 'lab', buildSessionId: 'bsid-1', agentVersion: '0.1.0', agentType: 'nodejs-lambda', intervalSeconds: 10 };
    const ids = {
      buildSessionId: 'bsid-1', executionBuildSessionId: 'bsid-1', testStage: 'Bench', labId: 'lab', executionId: 'exec-1', agentId: 'bench-agent',
      metadata: { labId: 'lab', agentId: 'bench-agent', buildSessionId: 'bsid-1', agentType: 'nodejs-lambda', agentTechnology: 'nodejs', agentVersion: '0.1.0', executionId: 'exec-1' },
    };
    const info = () => ({ executionId: 'exec-1', testName: 'bench', start: Math.floor(Date.now() / 1000), end: Math.floor(Date.now() / 1000) });
    out.sendFailures = 0;
    async function layerPath(result, o, n) {
      Object.assign(o, { addHitMs: [], addHitRustMs: [], bodyMs: [], gzipMs: [], sendMs: [] });
      for (let spent = 0, t0l = now(); more(o.addHitMs.length, n, n === 1 ? 1e9 : spent); spent = now() - t0l) {
        agentRust.ms = 0;
        t0 = now();
        agentHits.addHit(result, info());
        o.addHitMs.push(now() - t0);
        o.addHitRustMs.push(agentRust.ms);
        t0 = now();
        const body = bodyOf(agentHits, meta, 'exec-1', 1);
        o.bodyMs.push(now() - t0);
        t0 = now();
        const gz = zlib.gzipSync(Buffer.from(body, 'utf8'));
        o.gzipMs.push(now() - t0);
        o.bodyBytes = body.length;
        o.gzipBytes = gz.length;
        t0 = now();
        const sent = await backend.sendFootprints(body, ids, Date.now() + 5000);
        o.sendMs.push(now() - t0);
        if (!sent.ok) out.sendFailures++;
        agentHits.confirmSent(1);
      }
    }
    const first = {};
    await layerPath(initResult, first, 1);
    out.init.addHitFirstMs = first.addHitMs[0];
    await layerPath(initResult, out.init, reps * 2);
    await layerPath(invResult, out.inv, reps * 2);
    out.accepted = standin.accepted().length;
    await standin.close();
  } catch (error) {
    out.fpError = String((error && error.message) || error).slice(0, 200);
  }

  // v8-to-istanbul, as c8 uses it: a fresh instance per script, reading the file (and map) it names.
  t0 = now();
  const V8ToIstanbul = require('v8-to-istanbul');
  out.v2iLoadMs = now() - t0;
  t0 = now();
  out.init.v2iFiles = await v2iConvert(V8ToIstanbul, initResult);
  out.init.v2iFirstMs = now() - t0;
  for (const [key, result] of [['init', initResult], ['inv', invResult]]) {
    out[key].v2iMs = [];
    for (let spent = 0; more(out[key].v2iMs.length, reps, spent); spent += out[key].v2iMs[out[key].v2iMs.length - 1]) {
      t0 = now();
      await v2iConvert(V8ToIstanbul, result);
      out[key].v2iMs.push(now() - t0);
    }
  }
  // What precise coverage costs the function's own code (what the layer adds with no execution open): the
  // invocation with coverage on, then after Profiler.stopPreciseCoverage.
  const timeInvokes = async () => {
    const a = [];
    for (let spent = 0; more(a.length, reps * 2, spent); spent += a[a.length - 1]) {
      const t = now();
      await invoke();
      a.push(now() - t);
    }
    return a;
  };
  coverage.take();
  out.invokeCoverageOnMs = await timeInvokes();
  coverage.stop();
  out.invokeCoverageOffMs = await timeInvokes();
} else if (mode === 'cold-fp' || mode === 'cold-v2i') {
  // The first conversion in this process, of the init take, as at a function's first invocation.
  t0 = now();
  if (mode === 'cold-fp') {
    try {
      const pkg = require(process.env.BENCH_PKG || path.join(root, 'pkg/index.cjs'));
      const { Converter } = pkg;
      const converter = new Converter(converterOptions);
      out.loadMs = now() - t0;
      t0 = now();
      converter.convertToJson(initResult);
      out.firstMs = now() - t0;
      // A second fresh converter in the now warm process: what is per script (reading, UTF-8 check, line
      // tables, map decoding) rather than per process (first calls into the JS glue and the wasm code).
      let readMs = 0;
      const read = (url) => {
        const s = now();
        try {
          return fs.readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url);
        } catch {
          return undefined;
        } finally {
          readMs += now() - s;
        }
      };
      const second = new Converter(converterOptions);
      t0 = now();
      second.convertToJson(initResult, read, read);
      out.secondFirstMs = now() - t0;
      out.readMs = readMs;
      t0 = now();
      second.convertToJson(initResult, read, read);
      out.secondWarmMs = now() - t0;
      const again = hitsOf(pkg, new Converter(converterOptions));
      t0 = now();
      again.addHit(initResult, { executionId: 'e', start: 1, end: 1 });
      bodyOf(again, { agentId: 'a', labId: 'l', buildSessionId: 'b' }, 'e', 1);
      out.addHitFirstMs = now() - t0;
    } catch (error) {
      out.error = String((error && error.message) || error).slice(0, 200);
    }
  } else {
    const V8ToIstanbul = require('v8-to-istanbul');
    out.loadMs = now() - t0;
    t0 = now();
    await v2iConvert(V8ToIstanbul, initResult);
    out.firstMs = now() - t0;
  }
} else if (mode === 'takes') {
  // Interleaved: the agent's inspector take, and NODE_V8_COVERAGE's v8.takeCoverage() + read + parse.
  const dir = process.env.NODE_V8_COVERAGE;
  if (!dir) throw new Error('mode takes needs NODE_V8_COVERAGE');
  Object.assign(out, { inspectorMs: [], fileTakeMs: [], fileCallMs: [], fileReadMs: [], fileParseMs: [], fileBytes: 0 });
  for (let i = 0; i < reps; i++) {
    out.inspectorMs.push((await invokeAndTake()).ms);
    await invoke();
    const before = new Set(fs.readdirSync(dir));
    t0 = now();
    v8.takeCoverage();
    const t1 = now();
    const written = fs.readdirSync(dir).filter((f) => !before.has(f));
    const text = fs.readFileSync(path.join(dir, written[0]), 'utf8');
    const t2 = now();
    const parsed = JSON.parse(text);
    const t3 = now();
    if (!Array.isArray(parsed.result)) throw new Error('no result in the coverage file');
    out.fileCallMs.push(t1 - t0);
    out.fileReadMs.push(t2 - t1);
    out.fileParseMs.push(t3 - t2);
    out.fileTakeMs.push(t3 - t0);
    out.fileBytes = text.length;
    for (const f of written) fs.rmSync(path.join(dir, f));
  }
}

// Synchronous: stdout is a pipe, and process.exit would cut an asynchronous write short.
fs.writeSync(1, JSON.stringify(out) + '\n');
process.exit(0);
