// The package's API on coverage of real runs made here (a child `node` under an inspector session):
// script URLs with a query (ESM `import('./q.mjs?v=1')`), the same URL twice in one take (a
// CommonJS module loaded again after `delete require.cache[...]`), the default project root
// (process.cwd()), the typed error after free(), and the agent entry's PendingHits: addHit's input
// forms, its limit, and what it says about a wrong converter.
//
//   node --test tests/node/api.test.mjs      (needs pkg/ from ./build.sh)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { importPackage } from './package-suite.mjs';

let fp;
let agent; // the agent entry, v8-footprints/agent
let app; // a temporary project: <app>/src/{q.mjs,twice.cjs,run.mjs}
const runs = {};

const SOURCES = {
  'q.mjs': 'export function q(x) {\n  return x + 1;\n}\n',
  'twice.cjs': 'exports.twice = function twice(x) {\n  return 2 * x;\n};\n',
  'twice.js': 'function twice(x) {\n  return 2 * x;\n}\nmodule.exports = { twice };\n',
  // The child: precise coverage around `what`, one take, the scripts under src/ written out.
  'run.mjs': `
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire(import.meta.url);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
const what = process.argv[2];
if (what === 'query') {
  (await import('./q.mjs?v=123')).q(1);
  (await import('./q.mjs?v=456')).q(2);
  (await import('./q.mjs?v=456')).q(3);
} else {
  for (const round of [1, 2]) {
    delete require.cache[require.resolve('./twice.js')];
    const { twice } = require('./twice.js');
    for (let i = 0; i < round; i++) twice(i);
  }
}
const { result } = await session.post('Profiler.takePreciseCoverage');
const src = new URL('.', import.meta.url).href;
fs.writeFileSync(process.argv[3], JSON.stringify({ result: result.filter((s) => s.url.startsWith(src) && !s.url.includes('run.mjs')) }));
`,
};

before(async () => {
  fp = await importPackage();
  agent = await importPackage('./agent');
  app = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-api-')));
  fs.mkdirSync(path.join(app, 'src'));
  for (const [name, text] of Object.entries(SOURCES)) fs.writeFileSync(path.join(app, 'src', name), text);
  for (const what of ['query', 'twice']) {
    const out = path.join(app, `${what}.json`);
    const r = spawnSync(process.execPath, [path.join(app, 'src/run.mjs'), what, out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    runs[what] = JSON.parse(fs.readFileSync(out, 'utf8'));
  }
});

after(() => fs.rmSync(app, { recursive: true, force: true }));

/** The parts of a result these tests pin: files (path, url, lines) and methods (id, count, lines). */
const pinned = (data) => ({
  files: data.files.map((f) => [f.path, f.url, f.lines]),
  methods: data.methods.map((m) => [m.id, m.file, m.count, data.methodLines[data.methods.indexOf(m)] ?? []]),
  errors: data.errors,
});

test('ESM imports with ?query: one file and one method per id, without the query, counts summed', () => {
  const urls = runs.query.result.map((s) => s.url);
  const q = pathToFileURL(path.join(app, 'src/q.mjs')).href;
  assert.deepEqual(urls.sort(), [`${q}?v=123`, `${q}?v=456`], 'V8 reports both URLs');
  const data = fp.convert(runs.query, undefined, { projectRoot: app });
  assert.deepEqual(pinned(data), {
    // Line 1 starts with `export`: the top level's count, once per module instance (two URLs).
    files: [['src/q.mjs', `${q}?v=123`, [2, 3, 3, null]]],
    methods: [['src/q.mjs@1,16', 0, 3, [2, 3]]],
    errors: [],
  });
});

test('the same URL twice in one take (a module loaded again): one method per id, counts summed', () => {
  const twice = pathToFileURL(path.join(app, 'src/twice.js')).href;
  assert.deepEqual(runs.twice.result.map((s) => s.url), [twice, twice], 'V8 reports the URL twice');
  const data = fp.convert(runs.twice, undefined, { projectRoot: app });
  assert.deepEqual(pinned(data), {
    files: [['src/twice.js', twice, [3, 3, 3, 2, null]]],
    methods: [['src/twice.js@1,9', 0, 3, [1, 2, 3]]],
    errors: [],
  });
});

test('new Converter() and relative roots resolve against process.cwd() in Node', () => {
  const cwd = process.cwd();
  process.chdir(app);
  try {
    const ids = (options) => {
      const converter = new fp.Converter(options);
      try {
        return [converter.projectRoot, converter.convert(runs.twice).methods.map((m) => m.id)];
      } finally {
        converter.free();
      }
    };
    assert.deepEqual(ids(), [app, ['src/twice.js@1,9']]);
    assert.deepEqual(ids({}), [app, ['src/twice.js@1,9']]);
    assert.deepEqual(ids({ projectRoot: '.' }), [app, ['src/twice.js@1,9']]);
    assert.deepEqual(ids({ projectRoot: './src' }), [path.join(app, 'src'), ['twice.js@1,9']]);
    // An explicit cwd still wins.
    assert.deepEqual(ids({ projectRoot: '.', cwd: path.join(app, 'src') }), [path.join(app, 'src'), ['twice.js@1,9']]);
  } finally {
    process.chdir(cwd);
  }
});

test('every method after free() throws a FootprintsError of kind "freed"', () => {
  const converter = new fp.Converter({ projectRoot: app });
  converter.free();
  converter.free(); // twice is fine
  const calls = {
    convert: () => converter.convert(runs.twice),
    convertToJson: () => converter.convertToJson(JSON.stringify(runs.twice)),
    add: () => converter.add(runs.twice),
    total: () => converter.total,
    totalToJson: () => converter.totalToJson(),
    clearTotal: () => converter.clearTotal(),
    projectRoot: () => converter.projectRoot,
  };
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof Error, name);
      assert.equal(error.name, 'FootprintsError', name);
      assert.equal(error.kind, 'freed', name);
      assert.equal(error.message, `Converter.${name}: the converter was freed (free() was called)`);
      return true;
    });
  }
});

test('PendingHits: every method after its free() throws a "freed" FootprintsError; a freed converter is named as such', () => {
  const converter = new agent.Converter({ projectRoot: app });
  const hits = new agent.PendingHits(converter);
  hits.free();
  hits.free(); // twice is fine
  const calls = {
    addHit: () => hits.addHit(runs.twice, { start: 1, end: 2 }),
    openInvocation: () => hits.openInvocation(1),
    addWindow: () => hits.addWindow(runs.twice),
    closeInvocation: () => hits.closeInvocation(1, { start: 1, end: 2 }),
    nextBody: () => hits.nextBody({ agentId: 'a', labId: 'l', buildSessionId: 'b' }),
    confirmSent: () => hits.confirmSent(1),
    discardTentative: () => hits.discardTentative(),
    assignExecution: () => hits.assignExecution('e'),
    pendingCount: () => hits.pendingCount,
    droppedCount: () => hits.droppedCount,
  };
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(call, (error) => {
      assert.equal(error.name, 'FootprintsError', name);
      assert.equal(error.kind, 'freed', name);
      assert.equal(error.message, `PendingHits.${name}: the pending hits were freed (free() was called)`);
      return true;
    });
  }
  // Live pending hits over a freed converter: the calls that convert say the converter was freed.
  const live = new agent.PendingHits(converter);
  converter.free();
  for (const [name, call] of [['addHit', () => live.addHit(runs.twice, { start: 1, end: 2 })], ['addWindow', () => live.addWindow(runs.twice)]]) {
    assert.throws(call, { name: 'FootprintsError', kind: 'freed', message: `Converter.${name}: the converter was freed (free() was called)` });
  }
  assert.equal(live.openInvocation(7), false, 'what needs no conversion still works');
  assert.deepEqual(live.closeInvocation(7, { start: 1, end: 2 }), { methods: 0 });
  live.free();
});

test('the agent entry shares the main entry instance; PendingHits wants one of its Converters and a whole limit', () => {
  assert.equal(agent.Converter, fp.Converter);
  assert.equal(agent.buildBody, fp.buildBody);
  assert.equal(typeof agent.PendingHits, 'function');
  assert.equal(fp.PendingHits, undefined, 'the main ESM entry does not export PendingHits');
  const converter = new fp.Converter({ projectRoot: app });
  try {
    for (const notConverter of [undefined, {}, { _inner: converter._inner }]) {
      assert.throws(() => new agent.PendingHits(notConverter), {
        name: 'FootprintsError',
        kind: 'option',
        message: 'PendingHits: the first argument must be a Converter of this package',
      });
    }
    for (const limit of [0, -1, 1.5, '10', null, 2 ** 32]) {
      assert.throws(() => new agent.PendingHits(converter, { limit }), {
        name: 'FootprintsError',
        kind: 'option',
        message: `PendingHits: limit must be a whole number from 1 to 2^32-1, not ${String(limit)}`,
      });
    }
    // The converter no longer takes the buffer's option.
    assert.throws(() => new fp.Converter({ projectRoot: app, pendingHits: 10 }), { name: 'FootprintsError', kind: 'option' });
  } finally {
    converter.free();
  }
});

test('PendingHits keeps at most `limit` hits: past it the oldest is dropped and counted', () => {
  const converter = new agent.Converter({ projectRoot: app });
  const hits = new agent.PendingHits(converter, { limit: 2 });
  try {
    for (const start of [1795432701, 1795432702, 1795432703]) {
      assert.deepEqual(hits.addHit(runs.twice, { executionId: 'exec', testName: `t${start}`, start, end: start }), { methods: 1, errors: [] });
    }
    assert.equal(hits.pendingCount, 2);
    assert.equal(hits.droppedCount, 1);
    const next = hits.nextBody({ agentId: 'a', labId: 'l', buildSessionId: 'b' }, 'exec', 10);
    assert.equal(next.hits, 2);
    assert.equal(next.executionId, 'exec');
    assert.deepEqual(JSON.parse(next.body).executions[0].hits.map((h) => h.testName), ['t1795432702', 't1795432703']);
    hits.confirmSent(next.hits);
    assert.equal(hits.pendingCount, 0);
    assert.equal(hits.nextBody({ agentId: 'a', labId: 'l', buildSessionId: 'b' }, 'exec', 10), undefined);
    // The default keeps 500.
    const roomy = new agent.PendingHits(converter);
    for (let i = 0; i < 501; i++) roomy.addHit(runs.twice, { executionId: 'exec', start: 1, end: 1 });
    assert.deepEqual([roomy.pendingCount, roomy.droppedCount], [500, 1]);
    roomy.free();
  } finally {
    hits.free();
    converter.free();
  }
});

test('PendingHits.addHit takes coverage as objects, JSON text and JSON bytes, like convert', () => {
  const meta = { agentId: 'agent', labId: 'lab', buildSessionId: 'bsid' };
  const bodyOf = (coverage) => {
    const converter = new agent.Converter({ projectRoot: app });
    const hits = new agent.PendingHits(converter);
    try {
      const summary = hits.addHit(coverage, { executionId: 'exec', testName: 't', start: 1795432752, end: 1795432753 });
      const next = hits.nextBody(meta, 'exec', 10);
      return { summary, body: JSON.parse(next.body) };
    } finally {
      hits.free();
      converter.free();
    }
  };
  const text = JSON.stringify(runs.twice);
  const objects = bodyOf(runs.twice);
  assert.deepEqual(objects.summary, { methods: 1, errors: [] });
  assert.deepEqual(objects.body.methods, ['src/twice.js@1,9']);
  assert.deepEqual(objects.body.executions[0].hits[0].methodLines, { 0: [1, 2, 3] });
  assert.deepEqual(bodyOf(text), objects, 'JSON text');
  assert.deepEqual(bodyOf(new TextEncoder().encode(text)), objects, 'JSON bytes (Uint8Array)');
  assert.deepEqual(bodyOf(Buffer.from(text)), objects, 'JSON bytes (Buffer)');
  assert.deepEqual(bodyOf(new TextEncoder().encode(text).buffer), objects, 'ArrayBuffer');
  for (const [what, bad, kind] of [['text', '{"result": [', 'json'], ['bytes', new Uint8Array([0x7b, 0xff]), 'non-utf8']]) {
    const converter = new agent.Converter({ projectRoot: app });
    const hits = new agent.PendingHits(converter);
    try {
      assert.throws(() => hits.addHit(bad, { start: 1, end: 2 }), (error) => error.name === 'FootprintsError' && error.kind === kind, what);
    } finally {
      hits.free();
      converter.free();
    }
  }
});
