#!/usr/bin/env node
// Conversion time of a multi-megabyte esbuild bundle with its map: the converter (pkg/, or
// V8_FOOTPRINTS_PKG) against v8-to-istanbul with the same map. Not part of the tests.
//
//   bash tests/sourcemaps/run.sh --bench      (or: node tests/sourcemaps/bench.mjs [runs])
//
// The bundle: bench/entry.ts (the project's handler plus lodash-es, moment with its locales,
// acorn, terser, ajv, source-map and webpack-sources), bundled by esbuild into
// fixtures/bench/index.js with a linked map. Real V8 coverage of one run of it (the fixtures'
// EVENTS, in a child node with an inspector session). Both tools get the script's text and the
// map from memory (no file reads timed): the converter the map's JSON text, v8-to-istanbul the
// parsed map (JSON.parse is timed on its own). Median of several runs after a warm-up.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { FIXTURES, HERE, ensureFixtures } from './fixtures.mjs';

const require = createRequire(import.meta.url);
const REPO = path.resolve(HERE, '..', '..');
const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
const RUNS = Number(process.argv[2] ?? 9);
const OUT = path.join(FIXTURES, 'bench');
const BUNDLE = path.join(OUT, 'index.js');

await ensureFixtures(); // the app's node_modules/ms copy and the child driver
fs.mkdirSync(OUT, { recursive: true });
await require('esbuild').build({
  entryPoints: [path.join(HERE, 'bench/entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: BUNDLE,
  sourcemap: 'linked',
  logLevel: 'warning',
});
const coverageFile = path.join(OUT, 'coverage.json');
const child = spawnSync(process.execPath, [path.join(HERE, 'fixtures.mjs'), '--child', BUNDLE, coverageFile], { encoding: 'utf8' });
if (child.status !== 0) throw new Error(child.stderr);

const url = pathToFileURL(BUNDLE).href;
const coverage = JSON.parse(fs.readFileSync(coverageFile, 'utf8'));
const script = coverage.result.find((s) => s.url === url);
const source = fs.readFileSync(BUNDLE, 'utf8');
const mapText = fs.readFileSync(`${BUNDLE}.map`, 'utf8');
const map = JSON.parse(mapText);
const ranges = script.functions.reduce((n, f) => n + f.ranges.length, 0);

const fp = await import(pathToFileURL(path.join(PKG, 'index.mjs')).href);
const v8ToIstanbul = require('v8-to-istanbul');

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = (fn) => {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
};
const timeAsync = async (fn) => {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
};

const options = { projectRoot: HERE, lineMode: 'default' };
const sources = { [url]: source };
const maps = (location) => (location === `${BUNDLE}.map` ? mapText : undefined);

// Converter, cold: a new converter each time (reads the source, decodes the map).
const cold = [];
let result;
for (let i = 0; i <= RUNS; i++) {
  const converter = new fp.Converter(options);
  const [ms, r] = time(() => converter.convert(coverage, sources, maps));
  converter.free();
  if (i > 0) cold.push(ms);
  result = r;
}
// Converter, warm: one converter, later calls (the map decoded once and kept, as in a warm Lambda).
const converter = new fp.Converter(options);
converter.convert(coverage, sources, maps);
const warm = [];
for (let i = 0; i < RUNS * 3; i++) warm.push(time(() => converter.convert(coverage, sources, maps))[0]);
const warmJson = [];
for (let i = 0; i < RUNS * 3; i++) warmJson.push(time(() => converter.convertToJson(coverage, sources, maps))[0]);
converter.free();

// v8-to-istanbul with the map (a new instance each time, as c8 does per script).
const istanbul = [];
for (let i = 0; i <= RUNS; i++) {
  const [ms] = await timeAsync(async () => {
    const c = v8ToIstanbul(BUNDLE, 0, { source, sourceMap: { sourcemap: map } });
    await c.load();
    c.applyCoverage(script.functions);
    return c.toIstanbul();
  });
  if (i > 0) istanbul.push(ms);
}
const parse = [];
for (let i = 0; i < RUNS; i++) parse.push(time(() => JSON.parse(mapText))[0]);

const fmt = (x) => `${x.toFixed(1)} ms`;
console.log(`bundle: ${(source.length / 1e6).toFixed(2)} MB, map ${(mapText.length / 1e6).toFixed(2)} MB, ` +
  `${map.sources.length} sources, ${script.functions.length} V8 functions, ${ranges} ranges; ` +
  `footprints: ${result.files.length} files, ${result.methods.length} methods, ${result.errors.length} errors`);
console.log(`Node ${process.version}, median of ${RUNS} runs (warm: ${RUNS * 3})`);
console.log(`| converter, first call (new Converter: source + map decoded) | ${fmt(median(cold))} |`);
console.log(`| converter, warm call (map kept), convert() | ${fmt(median(warm))} |`);
console.log(`| converter, warm call (map kept), convertToJson() | ${fmt(median(warmJson))} |`);
console.log(`| v8-to-istanbul with the parsed map (load + applyCoverage + toIstanbul) | ${fmt(median(istanbul))} |`);
console.log(`| JSON.parse of the map (not in the v8-to-istanbul figure) | ${fmt(median(parse))} |`);
