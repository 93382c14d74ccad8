/**
 * The converter's first call (issue 11), side by side with v8-to-istanbul's first conversion in the same run.
 *
 *   node bench/first-call.mjs [--corpus DIR] [--entries typescript,bundle|all] [--procs N] [--reps N] [--pkg DIR]
 *
 * Per corpus entry, N fresh Node processes per variant (this converter in `default` and in `compat` line mode,
 * and v8-to-istanbul 9.3.0), interleaved so that the machine's noise falls on all alike. Each process takes
 * precise coverage as the agent does (an inspector session with its exact flags), loads and runs the entry's
 * handler, takes the init take, then times on it:
 *   first   the first conversion in the process (loading the module not included, shown apart as load);
 *   fresh   a second, fresh converter (v8-to-istanbul: a second conversion) in the now warm process;
 *   warm    the median of `--reps` more conversions with that converter.
 * Prints one table of medians over the processes, the ratios to v8-to-istanbul, and the goals.
 * The corpus is the benchmark's (`node bench/corpus.mjs` builds it under .cache/bench/corpus); --corpus
 * points at another checkout's. Needs bench/node_modules (`bash tools/npm-ci.sh bench`).
 * `--dump DIR` writes each entry's init take to DIR/<entry>.json instead (for native profiling).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDir, entries as corpusEntries } from './corpus.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const now = () => performance.now();

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};

// ---------------------------------------------------------------------------------------------------------
// The child: `node first-call.mjs --child '<json>'`.
if (args[0] === '--child') {
  const { entry, variant, reps, pkg } = JSON.parse(args[1]);
  const { startCoverage } = await import('../wrapper/lib/agent/coverage-session.mjs');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const coverage = startCoverage();
  const handlerModule = require(entry.scriptPath);
  await handlerModule.handler(handlerModule.sampleEvent || {});
  const take = coverage.take();
  coverage.stop();
  if (variant === 'dump') {
    fs.writeSync(1, JSON.stringify({ result: take }) + '\n');
    process.exit(0);
  }
  const out = { variant };
  const times = [];
  if (variant === 'v2i') {
    const inProject = (url) => {
      const p = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (!path.isAbsolute(p) || p.split(path.sep).includes('node_modules')) return false;
      return p.startsWith(entry.dir + path.sep) || p.startsWith(entry.projectRoot + path.sep);
    };
    let t0 = now();
    const V8ToIstanbul = require('v8-to-istanbul');
    out.load = now() - t0;
    const convert = async () => {
      let files = 0;
      for (const script of take) {
        if (!inProject(script.url)) continue;
        const c = new V8ToIstanbul(script.url.startsWith('file:') ? fileURLToPath(script.url) : script.url, 0);
        await c.load();
        c.applyCoverage(script.functions);
        files += Object.keys(c.toIstanbul()).length;
      }
      return files;
    };
    t0 = now();
    out.files = await convert();
    out.first = now() - t0;
    t0 = now();
    await convert();
    out.fresh = now() - t0;
    for (let i = 0; i < reps; i++) {
      t0 = now();
      await convert();
      times.push(now() - t0);
    }
  } else {
    const lineMode = variant;
    const options = { projectRoot: entry.projectRoot, cwd: entry.dir, scriptRoot: entry.dir, lineMode };
    let t0 = now();
    const { Converter } = require(path.join(pkg, 'index.cjs'));
    const converter = new Converter(options);
    out.load = now() - t0;
    t0 = now();
    const data = JSON.parse(converter.convertToJson(take));
    out.first = now() - t0;
    out.files = data.files.length;
    if (data.errors.length) out.errors = data.errors.slice(0, 3).map((e) => e.message);
    const second = new Converter(options);
    t0 = now();
    second.convertToJson(take);
    out.fresh = now() - t0;
    for (let i = 0; i < reps; i++) {
      t0 = now();
      second.convertToJson(take);
      times.push(now() - t0);
    }
  }
  out.warm = median(times);
  fs.writeSync(1, JSON.stringify(out) + '\n');
  process.exit(0);
}

function median(a) {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  if (!s.length) return NaN;
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// ---------------------------------------------------------------------------------------------------------
// The parent.
const corpus = path.resolve(option('corpus', corpusDir));
const pkg = path.resolve(option('pkg', path.join(root, 'pkg')));
const procs = Number(option('procs', 3));
const reps = Number(option('reps', 9));
const wanted = option('entries', 'typescript,bundle');
const all = corpusEntries().map((e) => {
  const swap = (p) => path.join(corpus, path.relative(corpusDir, p));
  return { ...e, dir: swap(e.dir), projectRoot: swap(e.projectRoot), scriptPath: swap(e.scriptPath) };
});
const entries = wanted === 'all' ? all : wanted.split(',').map((name) => all.find((e) => e.name === name) || fail(`no entry ${name}`));
for (const e of entries) if (!fs.existsSync(e.scriptPath)) fail(`${e.scriptPath} is missing: build the corpus (node bench/corpus.mjs) or pass --corpus`);
if (!fs.existsSync(path.join(here, 'node_modules/v8-to-istanbul'))) fail('bench/node_modules is missing: bash tools/npm-ci.sh bench');

function fail(message) {
  console.error(message);
  process.exit(2);
}

function child(entry, variant) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify({ entry, variant, reps, pkg })], {
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${entry.name} ${variant}: exit ${code}: ${err.slice(-2000)}`))));
  });
}

if (option('dump')) {
  const dir = path.resolve(option('dump'));
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of entries) {
    const take = await new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify({ entry, variant: 'dump', reps, pkg })], {
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${entry.name}: exit ${code}`))));
    });
    fs.writeFileSync(path.join(dir, `${entry.name}.json`), take);
    console.log(`${entry.name}: ${path.join(dir, entry.name + '.json')} (${take.length} bytes)`);
  }
  process.exit(0);
}

const variants = ['default', 'compat', 'v2i'];
const fmt = (v) => (!Number.isFinite(v) ? '-' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '-');
console.log(`first-call benchmark, ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`pkg ${path.relative(process.cwd(), pkg) || '.'}, ${procs} fresh processes per variant, warm = median of ${reps}; ms, medians over processes`);
console.log();
console.log('| entry | variant | load | first | fresh converter | warm | first / v2i first | goal first <= 0.33 |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const goals = [];
for (const entry of entries) {
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  for (let i = 0; i < procs; i++) {
    const order = i % 2 ? [...variants].reverse() : variants;
    for (const v of order) runs[v].push(await child(entry, v));
  }
  const m = (v, key) => median(runs[v].map((r) => r[key]));
  const v2iFirst = m('v2i', 'first');
  for (const v of variants) {
    const errors = runs[v].flatMap((r) => r.errors || []);
    const r = ratio(m(v, 'first'), v2iFirst);
    const met = v === 'v2i' ? '' : m(v, 'first') <= v2iFirst / 3 ? 'met' : 'NOT met';
    if (v !== 'v2i') goals.push(met === 'met');
    console.log(`| ${entry.name} | ${v} | ${fmt(m(v, 'load'))} | ${fmt(m(v, 'first'))} | ${fmt(m(v, 'fresh'))} | ${fmt(m(v, 'warm'))} | ${v === 'v2i' ? '' : r} | ${met} |${errors.length ? ' errors: ' + errors[0] : ''}`);
  }
  if (entry.name === 'typescript') {
    for (const v of ['default', 'compat']) {
      const w = m(v, 'warm');
      console.log(`| typescript | ${v} warm <= 25 ms | | | | ${fmt(w)} | ${ratio(w, m('v2i', 'warm'))} of v2i warm | ${w <= 25 ? 'met' : 'NOT met'} |`);
    }
  }
}
console.log();
console.log(`first-call goals met: ${goals.filter(Boolean).length} of ${goals.length}`);
