// The package's merge: `merge(a, b, ...)` and a converter's running total (`Converter#add`,
// `total`, `clearTotal`), on real coverage of a child `node` that takes precise coverage three
// times (each take resets V8's counters), so the takes are parts of one run. Checked against
// counts summed by hand in this file and hand-counted calls; every entry of the package has them.
//
//   node --test tests/node/merge.test.mjs      (needs pkg/ from ./build.sh)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PKG } from './fixtures.mjs';
import { importPackage } from './package-suite.mjs';

let fp;
let app;
let takes; // three takes of one run, NODE_V8_COVERAGE-like objects {result}

const SOURCES = {
  'calc.js': [
    'function add(a, b) {',
    '  return a + b;',
    '}',
    'function sign(x) {',
    '  if (x < 0) {',
    '    return -1;',
    '  }',
    '  return x > 0 ? 1 : 0;',
    '}',
    'module.exports = { add, sign };',
    '',
  ].join('\n'),
  'words.js': [
    'exports.upper = function upper(text) {',
    '  return text.toUpperCase();',
    '};',
    '',
  ].join('\n'),
  'run.mjs': `
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire(import.meta.url);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
const src = new URL('.', import.meta.url).href;
const take = async () => (await session.post('Profiler.takePreciseCoverage')).result
  .filter((s) => s.url.startsWith(src) && !s.url.endsWith('run.mjs'));
const calc = require('./calc.js');
const takes = [];
for (let i = 0; i < 3; i++) calc.add(i, 1);
calc.sign(-2);
takes.push(await take());
for (let i = 0; i < 4; i++) calc.add(i, 2);
calc.sign(5);
calc.sign(0);
require('./words.js').upper('x');
takes.push(await take());
calc.sign(-1);
takes.push(await take());
fs.writeFileSync(process.argv[2], JSON.stringify(takes.map((result) => ({ result }))));
`,
};

before(async () => {
  fp = await importPackage();
  app = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-merge-')));
  for (const [name, text] of Object.entries(SOURCES)) fs.writeFileSync(path.join(app, name), text);
  const out = path.join(app, 'takes.json');
  const r = spawnSync(process.execPath, [path.join(app, 'run.mjs'), out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  takes = JSON.parse(fs.readFileSync(out, 'utf8'));
});

after(() => fs.rmSync(app, { recursive: true, force: true }));

/** An independent sum of footprint data: lines by path, methods and branches by id. */
function summed(parts) {
  const files = new Map();
  const methods = new Map();
  const branches = new Map();
  for (const data of parts) {
    for (const file of data.files) {
      const lines = files.get(file.path) ?? [];
      file.lines.forEach((count, i) => {
        if (count !== null) lines[i] = (lines[i] ?? 0) + count;
        else if (lines[i] === undefined) lines[i] = null;
      });
      files.set(file.path, lines);
    }
    data.methods.forEach((m, i) => {
      const known = methods.get(m.id) ?? { count: 0, lines: new Set() };
      known.count += m.count;
      for (const line of data.methodLines[i] ?? []) known.lines.add(line);
      methods.set(m.id, known);
    });
    for (const b of data.branches) branches.set(b.id, (branches.get(b.id) ?? 0) + b.count);
  }
  return {
    files: Object.fromEntries([...files].map(([p, lines]) => [p, Array.from(lines, (c) => c ?? null)])),
    methods: Object.fromEntries([...methods].map(([id, m]) => [id, [m.count, [...m.lines].sort((a, b) => a - b)]])),
    branches: Object.fromEntries(branches),
  };
}

/** The same view of one result, read through its indices. */
function view(data) {
  return {
    files: Object.fromEntries(data.files.map((f) => [f.path, f.lines])),
    methods: Object.fromEntries(data.methods.map((m, i) => [m.id, [m.count, data.methodLines[i] ?? []]])),
    branches: Object.fromEntries(data.branches.map((b) => [b.id, b.count])),
  };
}

test('merge sums three takes of one run: hand-counted calls, and the same as an independent sum', () => {
  const parts = takes.map((take) => fp.convert(take, undefined, { projectRoot: app }));
  const merged = fp.merge(...parts);
  const methods = Object.fromEntries(merged.methods.map((m) => [m.id, m.count]));
  // add: 3 + 4 calls; sign: 1 + 2 + 1; upper: 1 (only in the second take).
  assert.deepEqual(methods, { 'calc.js@1,9': 7, 'calc.js@4,9': 4, 'words.js@1,25': 1 });
  assert.deepEqual(merged.files.map((f) => f.path), ['calc.js', 'words.js']);
  // Branches: `x < 0` true twice, false twice; `x > 0 ?` 1 once, 0 once.
  assert.deepEqual(Object.fromEntries(merged.branches.map((b) => [b.id, b.count])), {
    'calc.js|5,2|0': 2, 'calc.js|5,2|1': 2, 'calc.js|8,9|0': 1, 'calc.js|8,9|1': 1,
  });
  assert.deepEqual(view(merged), summed(parts));
  assert.deepEqual(merged.hitMethods, [0, 1, 2]);
  assert.deepEqual(merged.errors, []);
});

test('merge takes JSON text as well as objects, and one argument gives it back unchanged', () => {
  const parts = takes.map((take) => fp.convert(take, undefined, { projectRoot: app }));
  assert.deepEqual(fp.merge(JSON.stringify(parts[0]), parts[1], JSON.stringify(parts[2])), fp.merge(...parts));
  assert.deepEqual(fp.merge(parts[1]), parts[1]);
  assert.deepEqual(fp.merge(), { files: [], methods: [], branches: [], hitMethods: [], hitBranches: [], methodLines: {}, errors: [] });
});

test('Converter#add keeps a total equal to merging the takes, and clearTotal starts again', () => {
  const parts = takes.map((take) => fp.convert(take, undefined, { projectRoot: app }));
  const converter = new fp.Converter({ projectRoot: app });
  try {
    // The three input forms of a take: objects, JSON text, JSON bytes.
    assert.deepEqual(converter.add(takes[0]), { errors: [] });
    assert.deepEqual(converter.add(JSON.stringify(takes[1])), { errors: [] });
    assert.deepEqual(converter.add(new TextEncoder().encode(JSON.stringify(takes[2]))), { errors: [] });
    // The total lists the leaves that did not run too: `x < 0` and `x > 0 ?` all ran, so the same.
    assert.deepEqual(view(converter.total), view(fp.merge(...parts)));
    assert.deepEqual(JSON.parse(converter.totalToJson()), converter.total);
    assert.equal(converter.report('json'), converter.totalToJson());
    converter.clearTotal();
    assert.deepEqual(converter.total.methods, []);
    converter.add(takes[1]);
    // Only the leaves that ran are in a conversion; the total has `x < 0`'s true leaf at 0 too.
    assert.deepEqual(view(converter.total), { ...view(parts[1]), branches: { 'calc.js|5,2|0': 0, ...view(parts[1]).branches } });
    assert.deepEqual(view(parts[1]).branches, { 'calc.js|5,2|1': 2, 'calc.js|8,9|0': 1, 'calc.js|8,9|1': 1 });
  } finally {
    converter.free();
  }
});

test('Converter#add reports the scripts it left out, and keeps them in the total', () => {
  const converter = new fp.Converter({ projectRoot: app });
  try {
    const sources = (url) => (url.endsWith('words.js') ? undefined : fs.readFileSync(new URL(url), 'utf8'));
    const words = pathToFileURL(path.join(app, 'words.js')).href;
    const { errors } = converter.add(takes[1], sources);
    assert.deepEqual(errors.map((e) => [e.url, e.kind]), [[words, 'missing-source']]);
    assert.deepEqual(converter.total.errors.map((e) => [e.url, e.kind]), [[words, 'missing-source']]);
    assert.deepEqual(converter.total.files.map((f) => f.path), ['calc.js']);
  } finally {
    converter.free();
  }
});

test('merge of something that is not footprint data: a FootprintsError naming the argument', () => {
  const part = fp.convert(takes[0], undefined, { projectRoot: app });
  const fails = (args, kind, message) => assert.throws(() => fp.merge(...args), (error) => {
    assert.equal(error.name, 'FootprintsError');
    assert.equal(error.kind, kind);
    assert.equal(error.message, message);
    return true;
  });
  fails([part, 42], 'shape', 'footprint data has the wrong shape: merge: argument 1 is not footprint data (an object with `files` and `methods` arrays, or its JSON text)');
  fails(['{"files":'], 'json', `merge: argument 0 is not valid JSON: ${jsonError('{"files":')}`);
  fails([part, { files: [], methods: [{ id: 'x@1,0', file: 0, line: 1, column: 0, count: 1 }] }], 'shape',
    'footprint data has the wrong shape: input 1: methods[0].file is 0, but there are 0 files');
  fails([{ ...part, methods: [{ ...part.methods[0], count: -1 }] }], 'shape', 'footprint data has the wrong shape: input 0: methods[0].count is -1, outside 0 to 2^32-1');
  fails([{ ...part, methods: [{ ...part.methods[0], count: 'many' }] }], 'shape', 'footprint data has the wrong shape: input 0: methods[0].count is not a whole number');
  fails([{ ...part, files: [{ ...part.files[0], lines: [1.5] }] }], 'shape', 'footprint data has the wrong shape: input 0: files[0].lines[0] is not a whole number');
});

function jsonError(text) {
  try {
    JSON.parse(text);
  } catch (e) {
    return e.message;
  }
  return '';
}

test('merge and Converter#add are on every entry: require, import and the web entry', async () => {
  const required = createRequire(import.meta.url)(path.join(PKG, 'index.cjs'));
  assert.equal(typeof required.merge, 'function');
  assert.equal(typeof required.Converter.prototype.add, 'function');
  const imported = await import(pathToFileURL(path.join(PKG, 'index.mjs')).href);
  assert.equal(imported.merge, required.merge, 'import and require share one instance');
  // The web entry: the same wasm, loaded from bytes as a page would.
  const web = await import(pathToFileURL(path.join(PKG, 'web.js')).href);
  await web.default({ module_or_path: fs.readFileSync(path.join(PKG, 'v8_footprints_bg.wasm')) });
  const parts = takes.map((take) => {
    const sources = Object.fromEntries(take.result.map((s) => [s.url, fs.readFileSync(new URL(s.url), 'utf8')]));
    return web.convert(take, sources, { projectRoot: app });
  });
  assert.deepEqual(web.merge(...parts), fp.merge(...parts.map((p) => fp.merge(p))));
  const converter = new web.Converter({ projectRoot: app });
  const sources = Object.fromEntries(takes[1].result.map((s) => [s.url, fs.readFileSync(new URL(s.url), 'utf8')]));
  converter.add(takes[1], sources);
  assert.deepEqual(view(converter.total), { ...view(parts[1]), branches: { 'calc.js|5,2|0': 0, ...view(parts[1]).branches } });
  converter.free();
});
