#!/usr/bin/env node
// The command line against c8 on the same NODE_V8_COVERAGE folder (issue 13): whole processes, as a user runs
// them, interleaved, median of several runs, and the ratio. Both write LCOV to a file:
//   v8-footprints convert <folder> --project-root <root> --format lcov --out <file> --quiet
//   c8 report --temp-directory <folder> --reporter lcovonly --report-dir <dir>      (cwd: the root)
// The folders: corpus entries of bench/corpus.mjs (built by bench.mjs; cached under .cache/bench/corpus), each
// run in 4 processes under NODE_V8_COVERAGE (1, 2, 3 and 4 invocations), and the TypeScript project of
// tests/sourcemaps built by tsc with maps, 4 processes. c8 (12.0.0) is tests/cli's pinned copy.
//
//   node bench/cli.mjs [runs]       (default 7; needs pkg/, the corpus, tests/cli and tests/sourcemaps installed)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus } from './corpus.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const RUNS = Number(process.argv[2] ?? (process.env.BENCH_QUICK ? 3 : 7));
const PKG = process.env.BENCH_PKG_DIR ? path.resolve(process.env.BENCH_PKG_DIR) : path.join(root, 'pkg');
const CLI = path.join(PKG, 'cli', 'main.mjs');
const C8 = createRequire(path.join(root, 'tests', 'cli', 'package.json')).resolve('c8/bin/c8.js');
const tools = createRequire(path.join(root, 'tests', 'sourcemaps', 'package.json'));
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'v8fp-bench-cli-')));
// V8 reports real paths (.cache may be a link to a shared cache): roots and drivers use them too.
const real = (p) => fs.realpathSync(p);

function run(args, options) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r;
}

/** A NODE_V8_COVERAGE folder of 4 processes running `script` (its handler called 1..4 times). */
function coverageFolder(name, script, cwd) {
  const dir = path.join(work, name);
  const driver = `const m = require(${JSON.stringify(script)});
(async () => { for (let i = 0; i < Number(process.argv[1]); i++) await m.handler(m.sampleEvent || {}); })();`;
  for (let n = 1; n <= 4; n++) run(['-e', driver, String(n)], { cwd, env: { ...process.env, NODE_V8_COVERAGE: dir } });
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  return { dir, files: files.length, mb: files.reduce((s, f) => s + fs.statSync(f).size, 0) / 1e6 };
}

/** The TypeScript project of tests/sourcemaps, built by tsc with maps (5 files, one per module). */
function typescriptProject() {
  const app = path.join(work, 'ts-app');
  fs.cpSync(path.join(root, 'tests', 'sourcemaps', 'project'), app, { recursive: true });
  fs.cpSync(path.dirname(tools.resolve('ms/package.json')), path.join(app, 'node_modules', 'ms'), { recursive: true });
  run([tools.resolve('typescript/bin/tsc'), '-p', app, '--outDir', path.join(app, 'dist'), '--sourceMap']);
  fs.writeFileSync(path.join(app, 'dist', 'entry.js'), `const { handler } = require('./handler.js');
exports.handler = async () => { for (const e of [{ path: '/greet', body: 'ada' }, { path: '/duration', body: '2h' }, { path: '/missing' }]) await handler(e); };
`);
  return app;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(args, cwd) {
  const t0 = process.hrtime.bigint();
  run(args, { cwd });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const corpus = await buildCorpus({ quiet: true });
const byName = Object.fromEntries(corpus.map((e) => [e.name, e]));
const app = typescriptProject();
const scenarios = [
  { name: 'TypeScript project (tsc, 5 maps)', root: app, ...coverageFolder('ts', path.join(app, 'dist', 'entry.js'), app) },
  ...[
    ['small handler', 'small'],
    ['2.1 MB bundle + map (513 sources)', 'bundle+map'],
    ['typescript.js (8.7 MB, no map)', 'typescript'],
  ].map(([name, entry]) => {
    const e = byName[entry];
    // The bundle runs outside its project (its map's sources are under project/): the corpus folder is the
    // root for both tools, so both report every source of the map.
    const projectRoot = e.map ? path.dirname(e.projectRoot) : e.projectRoot;
    return { name, root: real(projectRoot), ...coverageFolder(entry.replace(/\W/g, '-'), real(e.scriptPath), real(e.dir)) };
  }),
];

const rows = [];
for (const s of scenarios) {
  const ours = [];
  const theirs = [];
  const lcov = path.join(work, `${s.name.length}.info`);
  const report = path.join(work, `c8-${s.name.length}`);
  for (let i = 0; i < RUNS + 1; i++) {
    const a = time([CLI, 'convert', s.dir, '--project-root', s.root, '--format', 'lcov', '--out', lcov, '--quiet'], s.root);
    const b = time([C8, 'report', '--temp-directory', s.dir, '--reporter', 'lcovonly', '--report-dir', report], s.root);
    if (i > 0) { // the first round warms the disk cache
      ours.push(a);
      theirs.push(b);
    }
  }
  const count = (file) => (fs.readFileSync(file, 'utf8').match(/^SF:/gm) || []).length;
  rows.push({ ...s, ours: median(ours), theirs: median(theirs), oursFiles: count(lcov), theirFiles: count(path.join(report, 'lcov.info')) });
}
fs.rmSync(work, { recursive: true, force: true });

console.log(`\n### The command line against c8 (whole processes, LCOV to a file, median of ${RUNS}, Node ${process.versions.node})\n`);
console.log('| coverage folder | files, MB | v8-footprints convert | c8 report | c8 / v8-footprints | files in the LCOV (ours / c8) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.files}, ${r.mb.toFixed(1)} MB | ${r.ours.toFixed(0)} ms | ${r.theirs.toFixed(0)} ms | x${(r.theirs / r.ours).toFixed(1)} | ${r.oursFiles} / ${r.theirFiles} |`);
}
