#!/usr/bin/env node
// Builds the TypeScript project in project/ with the real tools and records real V8 coverage of
// each build, into fixtures/ (generated, not checked in; see README.md).
//
//   node tests/sourcemaps/fixtures.mjs            (re)builds when an input changed, else reuses
//   node tests/sourcemaps/fixtures.mjs --force    always rebuilds
//
// Layout of fixtures/ (the project root of every build is fixtures/app):
//   app/src/**            copy of project/src (the originals the maps name)
//   app/node_modules/ms   copy of the pinned `ms` package (a real dependency, inside the root)
//   app/dist/<build>/     each build's output (see BUILDS)
//   deploy/task/<build>/  a bundle and its map copied elsewhere, run from there (scriptRoot case)
//   deploy/app/dist/esbuild/  the esbuild bundle under another root with the build's layout
//   coverage/<build>.json {build, entry, scripts: [url...], coverage: takePreciseCoverage() result}
//   stamp                 hash of every input; a different hash rebuilds
//
// Coverage: each build runs in a fresh child `node` with an inspector Session and precise
// coverage ({callCount: true, detailed: true}); the child requires the build's entry and calls
// the handler with the EVENTS below. Only scripts under fixtures/ are kept (the app's
// node_modules/ms too, so that dropping it is the converter's doing). The `nodev8` build runs
// under NODE_V8_COVERAGE instead and keeps the file Node writes (with its source-map-cache).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT = path.join(HERE, 'project');
export const FIXTURES = path.join(HERE, 'fixtures');
export const APP = path.join(FIXTURES, 'app');
export const DEPLOY = path.join(FIXTURES, 'deploy');
export const COVERAGE = path.join(FIXTURES, 'coverage');
const require = createRequire(path.join(HERE, 'package.json'));

/** The events the handler is called with, in order (the same for every build). */
export const EVENTS = [
  { path: '/greet', body: 'ada' },
  { path: '/greet', body: '  a rather long name  ' },
  { path: '/duration', body: '2h' },
  { path: '/duration', body: '250' },
  { path: '/missing' },
];

/**
 * Every build: name -> {entry (relative to app/), map: how the map is found, content: whether the
 * map carries sourcesContent, bundle: whether node_modules/ms is inside it}.
 */
export const BUILDS = {
  'tsc-external': { entry: 'dist/tsc-external/handler.js', map: '.map file', content: false, bundle: false },
  'tsc-external-sources': { entry: 'dist/tsc-external-sources/handler.js', map: '.map file', content: true, bundle: false },
  'tsc-inline': { entry: 'dist/tsc-inline/handler.js', map: 'inline data: URL', content: true, bundle: false },
  esbuild: { entry: 'dist/esbuild/index.js', map: '.map file', content: true, bundle: true },
  'esbuild-min': { entry: 'dist/esbuild-min/index.js', map: '.map file', content: true, bundle: true },
  'esbuild-nocontent': { entry: 'dist/esbuild-nocontent/index.js', map: '.map file', content: false, bundle: true },
  'esbuild-inline': { entry: 'dist/esbuild-inline/index.js', map: 'inline data: URL', content: true, bundle: true },
  'index-map': { entry: 'dist/index-map/index.js', map: '.map file (index map with sections)', content: true, bundle: true },
  webpack: { entry: 'dist/webpack/index.js', map: '.map file', content: true, bundle: true },
  nodev8: { entry: 'dist/esbuild/index.js', map: 'NODE_V8_COVERAGE source-map-cache', content: true, bundle: true, nodev8: true },
  'deploy-esbuild': { entry: '../deploy/task/esbuild/index.js', map: '.map file', content: true, bundle: true },
  'deploy-webpack': { entry: '../deploy/task/webpack/index.js', map: '.map file', content: true, bundle: true },
  'deploy-dist': { entry: '../deploy/app/dist/esbuild/index.js', map: '.map file', content: true, bundle: true },
};

// ---------------------------------------------------------------- builds

function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}`))));
  });
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(a, b);
    else fs.copyFileSync(a, b);
  }
}

function tsc(outDir, flags) {
  const bin = require.resolve('typescript/bin/tsc');
  return run(process.execPath, [bin, '-p', path.join(APP, 'tsconfig.json'), '--outDir', path.join(APP, outDir), ...flags]);
}

async function esbuildBuilds() {
  const esbuild = require('esbuild');
  const common = {
    entryPoints: [path.join(APP, 'src/handler.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    absWorkingDir: APP,
    logLevel: 'silent',
  };
  await Promise.all([
    esbuild.build({ ...common, outfile: path.join(APP, 'dist/esbuild/index.js'), sourcemap: 'linked' }),
    esbuild.build({ ...common, outfile: path.join(APP, 'dist/esbuild-min/index.js'), sourcemap: 'linked', minify: true }),
    esbuild.build({ ...common, outfile: path.join(APP, 'dist/esbuild-nocontent/index.js'), sourcemap: 'linked', sourcesContent: false }),
    esbuild.build({ ...common, outfile: path.join(APP, 'dist/esbuild-inline/index.js'), sourcemap: 'inline' }),
  ]);
}

/**
 * An index map (`sections`), which no tool here emits: the esbuild bundle placed after a prelude
 * of two whole lines and a partial third one, with esbuild's map as the one section at the
 * bundle's offset (line 2, a non-zero column: the column offset applies to the section's first line).
 */
function indexMapBuild() {
  const dir = path.join(APP, 'dist/index-map');
  fs.mkdirSync(dir, { recursive: true });
  const bundle = fs.readFileSync(path.join(APP, 'dist/esbuild/index.js'), 'utf8').replace(/\/\/# sourceMappingURL=.*\n?$/, '');
  const map = JSON.parse(fs.readFileSync(path.join(APP, 'dist/esbuild/index.js.map'), 'utf8'));
  const lastLine = 'globalThis.__prelude = 1; ';
  const text = `// prelude: not mapped\n// (an index map puts the bundle after it)\n${lastLine}${bundle}//# sourceMappingURL=index.js.map\n`;
  fs.writeFileSync(path.join(dir, 'index.js'), text);
  const index = { version: 3, file: 'index.js', sections: [{ offset: { line: 2, column: lastLine.length }, map }] };
  fs.writeFileSync(path.join(dir, 'index.js.map'), JSON.stringify(index));
}

async function webpackBuild() {
  const webpack = require('webpack');
  const config = {
    mode: 'production',
    context: APP,
    target: 'node20',
    entry: './src/handler.ts',
    devtool: 'source-map',
    output: {
      path: path.join(APP, 'dist/webpack'),
      filename: 'index.js',
      library: { type: 'commonjs2' },
      uniqueName: 'sourcemap-app',
    },
    resolve: { extensions: ['.ts', '.js'] },
    resolveLoader: { modules: [path.join(HERE, 'node_modules')] },
    module: {
      rules: [{ test: /\.ts$/, loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { sourceMap: true } } }],
    },
    infrastructureLogging: { level: 'error' },
  };
  const stats = await new Promise((resolve, reject) =>
    webpack(config, (err, s) => (err ? reject(err) : resolve(s))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
}

/**
 * Bundles run from elsewhere: deploy/task/<build>/ (a folder unrelated to the build-time root,
 * as /var/task is) and deploy/app/dist/esbuild/ (the same layout as the build, under another
 * root that has no src/). Only the bundle and its map are copied.
 */
function deployCopies() {
  const copies = [
    ['esbuild', path.join(DEPLOY, 'task', 'esbuild')],
    ['webpack', path.join(DEPLOY, 'task', 'webpack')],
    ['esbuild', path.join(DEPLOY, 'app', 'dist', 'esbuild')],
  ];
  for (const [name, to] of copies) {
    fs.mkdirSync(to, { recursive: true });
    for (const f of ['index.js', 'index.js.map']) fs.copyFileSync(path.join(APP, 'dist', name, f), path.join(to, f));
  }
}

// ---------------------------------------------------------------- coverage

/** Child side: runs the entry under an inspector session and writes the kept coverage. */
async function child(entry, outFile) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  await drive(entry);
  const { result } = await session.post('Profiler.takePreciseCoverage');
  await session.post('Profiler.stopPreciseCoverage');
  session.disconnect();
  const prefix = pathToFileURL(FIXTURES).href + '/';
  fs.writeFileSync(outFile, JSON.stringify({ result: result.filter((s) => s.url.startsWith(prefix)) }));
}

async function drive(entry) {
  const { handler } = createRequire(import.meta.url)(entry);
  for (const event of EVENTS) await handler(event);
}

function coverageOf(name, build, tmp) {
  const entry = path.resolve(APP, build.entry);
  const file = path.join(COVERAGE, `${name}.json`);
  const me = fileURLToPath(import.meta.url);
  let coverage;
  if (build.nodev8) {
    const dir = fs.mkdtempSync(path.join(tmp, 'nodev8-'));
    const r = spawnSync(process.execPath, [me, '--drive', entry], { env: { ...process.env, NODE_V8_COVERAGE: dir }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: child failed\n${r.stderr}`);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    if (files.length !== 1) throw new Error(`${name}: expected one NODE_V8_COVERAGE file, got ${files}`);
    const raw = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
    const prefix = pathToFileURL(FIXTURES).href + '/';
    const keep = (url) => url.startsWith(prefix);
    coverage = {
      ...raw,
      result: raw.result.filter((s) => keep(s.url)),
      'source-map-cache': Object.fromEntries(Object.entries(raw['source-map-cache'] ?? {}).filter(([url]) => keep(url))),
    };
  } else {
    const out = path.join(tmp, `${name}.json`);
    const r = spawnSync(process.execPath, [me, '--child', entry, out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: child failed\n${r.stderr}`);
    coverage = JSON.parse(fs.readFileSync(out, 'utf8'));
  }
  const entryUrl = pathToFileURL(entry).href;
  if (!coverage.result.some((s) => s.url === entryUrl)) throw new Error(`${name}: no coverage of ${entryUrl}`);
  fs.writeFileSync(file, JSON.stringify({ build: name, entry, coverage }));
}

// ---------------------------------------------------------------- driver

function inputsHash() {
  const h = crypto.createHash('sha256');
  const add = (file) => h.update(file).update(fs.readFileSync(file));
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else add(p);
    }
  };
  walk(PROJECT);
  add(fileURLToPath(import.meta.url));
  add(path.join(HERE, 'package-lock.json'));
  h.update(process.version);
  return h.digest('hex');
}

/** Builds everything unless fixtures/stamp says the inputs are unchanged. Returns true when rebuilt. */
export async function ensureFixtures({ force = false } = {}) {
  const stamp = path.join(FIXTURES, 'stamp');
  const hash = inputsHash();
  if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return false;
  fs.rmSync(FIXTURES, { recursive: true, force: true });
  copyDir(PROJECT, APP);
  copyDir(path.dirname(require.resolve('ms/package.json')), path.join(APP, 'node_modules/ms'));
  await Promise.all([
    tsc('dist/tsc-external', ['--sourceMap']),
    tsc('dist/tsc-external-sources', ['--sourceMap', '--inlineSources']),
    tsc('dist/tsc-inline', ['--inlineSourceMap', '--inlineSources']),
    esbuildBuilds(),
  ]);
  await webpackBuild();
  indexMapBuild();
  deployCopies();
  fs.mkdirSync(COVERAGE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(FIXTURES, 'tmp-'));
  try {
    for (const [name, build] of Object.entries(BUILDS)) coverageOf(name, build, tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.writeFileSync(stamp, hash);
  return true;
}

/** {name, build, entry, coverage} of every build. */
export function loadCoverage() {
  return Object.entries(BUILDS).map(([name, build]) => {
    const { entry, coverage } = JSON.parse(fs.readFileSync(path.join(COVERAGE, `${name}.json`), 'utf8'));
    return { name, build, entry, coverage };
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [mode, entry, out] = process.argv.slice(2);
  if (mode === '--child') {
    await child(entry, out);
  } else if (mode === '--drive') {
    await drive(entry);
  } else {
    const t0 = performance.now();
    const rebuilt = await ensureFixtures({ force: mode === '--force' });
    console.log(`${rebuilt ? 'built' : 'up to date:'} ${FIXTURES} (${Math.round(performance.now() - t0)} ms)`);
  }
}
