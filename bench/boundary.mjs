// What crossing the wasm boundary costs for each input form, on the lodash fixture (633 functions,
// 213 KB of coverage JSON), warm, in one process: `node bench/boundary.mjs` after ./build.sh.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter } from '../pkg/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bytes = readFileSync(join(root, 'tests/fixtures/coverage/lodash.json'));
const text = bytes.toString();
const objects = JSON.parse(text);
const source = readFileSync(join(root, 'tests/fixtures/src/lodash.js'));
const sources = { 'file:///project/src/lodash.js': source };

function time(label, fn, n = 60) {
  fn();
  const t = [];
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} min ${t[0].toFixed(2).padStart(6)} ms  median ${t[n >> 1].toFixed(2).padStart(6)} ms`);
}

const converter = new Converter({ projectRoot: '/project' });
time('objects, packed into a Uint32Array', () => converter.convertToJson(objects, sources));
time('JSON bytes (serde_json with seeds)', () => converter.convertToJson(bytes, sources));
time('JSON text', () => converter.convertToJson(text, sources));
time('objects through JSON.stringify, then text', () => converter.convertToJson(JSON.stringify(objects), sources));
time('objects, result parsed back (convert)', () => converter.convert(objects, sources));
time('JSON.parse of the coverage alone', () => JSON.parse(text));
const testsRequire = createRequire(join(root, 'tests/package.json'));
let v8toIstanbul;
try {
  v8toIstanbul = testsRequire('v8-to-istanbul');
} catch {
  console.log('(v8-to-istanbul not installed: cd tests && npm ci)');
}
if (v8toIstanbul) {
  const sourceText = source.toString();
  const samples = [];
  for (let i = 0; i < 20; i++) {
    const s = process.hrtime.bigint();
    const c = v8toIstanbul('/project/src/lodash.js', 0, { source: sourceText });
    await c.load();
    c.applyCoverage(objects.result[0].functions);
    c.toIstanbul();
    samples.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  samples.sort((a, b) => a - b);
  console.log(`${'v8-to-istanbul 9.3.0 (same input)'.padEnd(44)} min ${samples[0].toFixed(2).padStart(6)} ms  median ${samples[10].toFixed(2).padStart(6)} ms`);
}
