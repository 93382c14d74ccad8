// The Node test suite of the built package (`<repo>/pkg`, built by ./build.sh), shared by
// package.test.mjs (loaded with import) and package.test.cjs (loaded with require).
//
// Every fixture of tests/fixtures/coverage/index.json goes through the package and is checked
// against the checked-in goldens (tests/fixtures/golden/, written by the Rust tests) and against
// the independent oracles in ./oracles/ (method ids from acorn, compat lines from v8-to-istanbul).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GOLDEN, PKG, PROJECT_ROOT, REPO, isProjectScript, loadFixtures } from './fixtures.mjs';
import { expectedBranches } from './oracles/branches.mjs';
import { expectedMethodIds, expectedMethods } from './oracles/ids.mjs';
import { istanbulLineCounts } from './oracles/istanbul.mjs';

/**
 * Imports an ESM entry of pkg/ (`subpath`: "." or "./agent") as its package.json "exports" (import condition)
 * names it.
 */
export async function importPackage(subpath = '.') {
  const manifest = path.join(PKG, 'package.json');
  if (!fs.existsSync(manifest)) {
    throw new Error(`the package is not built: ${manifest} is missing (run ./build.sh)`);
  }
  const json = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  const entry = resolveExport(json.exports && json.exports[subpath], new Set(['node', 'import', 'default'])) ?? (subpath === '.' ? 'index.mjs' : null);
  if (!entry) throw new Error(`${manifest} exports no ${subpath}`);
  return import(pathToFileURL(path.join(PKG, entry)).href);
}

/** Node's conditional exports for ".", reduced: the first matching condition, in key order. */
function resolveExport(exp, conditions) {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return null;
  if (Array.isArray(exp)) {
    for (const e of exp) {
      const r = resolveExport(e, conditions);
      if (r) return r;
    }
    return null;
  }
  if ('.' in exp) return resolveExport(exp['.'], conditions);
  for (const [key, value] of Object.entries(exp)) {
    if (conditions.has(key)) {
      const r = resolveExport(value, conditions);
      if (r) return r;
    }
  }
  return null;
}

const plain = (value) => JSON.parse(JSON.stringify(value));

/** A readable report of the first differences between two per-line count arrays. */
export function lineDiff(actual, expected, label) {
  const out = [];
  if (actual.length !== expected.length) {
    out.push(`${label}: ${actual.length} lines, expected ${expected.length}`);
  }
  const n = Math.max(actual.length, expected.length);
  let shown = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      total++;
      if (shown < 10) {
        out.push(`  line ${i + 1}: got ${JSON.stringify(actual[i])}, v8-to-istanbul ${JSON.stringify(expected[i])}`);
        shown++;
      }
    }
  }
  if (total > shown) out.push(`  ... ${total - shown} more`);
  return total === 0 && actual.length === expected.length ? null : `${label}: ${total} line differences\n${out.join('\n')}`;
}

function readGolden(name) {
  const file = path.join(GOLDEN, name);
  if (!fs.existsSync(file)) {
    assert.fail(`${path.relative(REPO, file)} is missing: the Rust golden test writes the goldens`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Structural invariants of one FootprintData. */
function checkShape(data, label, compat = false) {
  for (const key of ['files', 'methods', 'branches', 'hitMethods', 'hitBranches', 'methodLines', 'errors']) {
    assert.ok(key in data, `${label}: no ${key}`);
  }
  data.files.forEach((f, i) => {
    assert.ok(Array.isArray(f.lines), `${label}: files[${i}].lines`);
    const bad = f.lines.findIndex((c) => c !== null && !(Number.isInteger(c) && c >= 0));
    assert.equal(bad, -1, `${label}: files[${i}].lines[${bad}] = ${f.lines[bad]}`);
  });
  const methodIds = new Set();
  data.methods.forEach((m, i) => {
    const file = data.files[m.file];
    assert.ok(file, `${label}: methods[${i}].file ${m.file} out of range`);
    assert.equal(m.id, `${file.path}@${m.line},${m.column}`, `${label}: methods[${i}] id/position mismatch`);
    assert.ok(!methodIds.has(m.id), `${label}: duplicate method id ${m.id}`);
    methodIds.add(m.id);
  });
  const branchIds = new Set();
  data.branches.forEach((b, i) => {
    const file = data.files[b.file];
    assert.ok(file, `${label}: branches[${i}].file ${b.file} out of range`);
    assert.ok(b.id.startsWith(`${file.path}|${b.line},${b.column}|`), `${label}: branches[${i}] id ${b.id}`);
    assert.match(b.id, /\|[0-9]+$/, `${label}: branches[${i}] leaf index`);
    assert.ok(!branchIds.has(b.id), `${label}: duplicate branch id ${b.id}`);
    branchIds.add(b.id);
  });
  const hitIndices = (list) => list.flatMap((x, i) => (x.count > 0 ? [i] : []));
  assert.deepEqual(data.hitMethods, hitIndices(data.methods), `${label}: hitMethods are the methods with count > 0`);
  assert.deepEqual(data.hitBranches, hitIndices(data.branches), `${label}: hitBranches are the branches with count > 0`);
  for (const [key, lines] of Object.entries(data.methodLines)) {
    assert.ok(data.hitMethods.includes(Number(key)), `${label}: methodLines key ${key} is not a hit method`);
    assert.ok(lines.every((l) => Number.isInteger(l) && l >= 1), `${label}: methodLines[${key}]`);
    if (!compat) {
      // A method's lines are lines that ran (compat-mode lines are v8-to-istanbul's counts, not
      // the ones methodLines follow).
      const counts = data.files[data.methods[key].file].lines;
      const idle = lines.filter((l) => !(counts[l - 1] > 0));
      assert.deepEqual(idle, [], `${label}: methodLines[${key}] (${data.methods[key].id}) lists lines that did not run`);
    }
  }
}

/**
 * Runs every package check as subtests of `t`. `fp` is the loaded package module.
 */
export async function runPackageSuite(t, fp, how) {
  const fixtures = loadFixtures();
  const options = (extra = {}) => ({ projectRoot: PROJECT_ROOT, lineMode: 'default', exclude: [], ...extra });
  const convert = (coverage, sources, extra) => {
    const converter = new fp.Converter(options(extra));
    try {
      return converter.convert(coverage, sources);
    } finally {
      if (typeof converter.free === 'function') converter.free();
    }
  };

  await t.test(`${how}: exports Converter, convert and buildBody`, () => {
    assert.equal(typeof fp.Converter, 'function');
    assert.equal(typeof fp.convert, 'function');
    assert.equal(typeof fp.buildBody, 'function');
  });

  for (const fx of fixtures) {
    const kept = fx.scripts.filter((s) => isProjectScript(s.url));
    const sourceFn = (url) => fx.sources[url];

    await t.test(`${fx.coverage}: string, bytes and object input give the same result`, () => {
      const fromString = convert(fx.text, fx.sources);
      const bytes = new Uint8Array(Buffer.from(fx.text, 'utf8'));
      assert.deepStrictEqual(convert(bytes, fx.sources), fromString, 'Uint8Array input');
      assert.deepStrictEqual(convert(bytes.slice().buffer, fx.sources), fromString, 'ArrayBuffer input');
      assert.deepStrictEqual(convert(JSON.parse(fx.text), fx.sources), fromString, 'parsed object input');
      assert.deepStrictEqual(convert(JSON.parse(fx.text).result, fx.sources), fromString, 'array of scripts input');
      assert.deepStrictEqual(convert(fx.text, sourceFn), fromString, 'sources as a function');
      assert.deepStrictEqual(convert(fx.text, new Map(Object.entries(fx.sources))), fromString, 'sources as a Map');
      const sourceBytes = Object.fromEntries(Object.entries(fx.sources).map(([u, text]) => [u, new Uint8Array(Buffer.from(text, 'utf8'))]));
      assert.deepStrictEqual(convert(fx.text, sourceBytes), fromString, 'sources as UTF-8 bytes');
      const converter = new fp.Converter(options());
      assert.deepStrictEqual(JSON.parse(converter.convertToJson(fx.text, fx.sources)), fromString, 'convertToJson');
      converter.free();
      assert.deepStrictEqual(fp.convert(fx.text, fx.sources, options()), fromString, 'one-shot fp.convert');
    });

    await t.test(`${fx.coverage}: default mode equals golden/${fx.coverage}`, () => {
      const data = convert(fx.text, fx.sources);
      checkShape(data, fx.coverage);
      // uses-dep.js names a map that does not exist: one typed error, the script still reported.
      const expectedErrors = 'file:///project/src/uses-dep.js' in fx.sources ? ['source-map'] : [];
      assert.deepStrictEqual(data.errors.map((e) => e.kind), expectedErrors, `${fx.coverage}: unexpected errors`);
      assert.deepStrictEqual(plain(data), readGolden(fx.coverage));
    });

    await t.test(`${fx.coverage}: compat mode lines equal v8-to-istanbul's, line by line`, async () => {
      const data = convert(fx.text, fx.sources, { lineMode: 'compat' });
      checkShape(data, `${fx.coverage} compat`, true);
      assert.deepStrictEqual(data.files.map((f) => f.url), kept.map((s) => s.url), 'files, in V8 order');
      const problems = [];
      for (const file of data.files) {
        const s = fx.scripts.find((x) => x.url === file.url);
        assert.ok(s, `${fx.coverage}: output file ${file.url} is not a fixture script`);
        const expected = await istanbulLineCounts(s.script, s.source, `/project/${s.rel}`);
        const diff = lineDiff(file.lines, expected, file.path);
        if (diff) problems.push(diff);
      }
      assert.equal(problems.length, 0, problems.join('\n'));
    });

    await t.test(`${fx.coverage}: compat mode equals golden/${fx.coverage.replace(/\.json$/, '.compat.json')}`, () => {
      const data = convert(fx.text, fx.sources, { lineMode: 'compat' });
      assert.deepStrictEqual(plain(data), readGolden(fx.coverage.replace(/\.json$/, '.compat.json')));
    });

    await t.test(`${fx.coverage}: methods equal the ids computed with acorn, with V8's counts`, () => {
      const data = convert(fx.text, fx.sources);
      assert.deepStrictEqual(data.files.map((f) => f.url), kept.map((s) => s.url), 'files, in V8 order');
      assert.deepStrictEqual(data.files.map((f) => f.path), kept.map((s) => s.rel), 'relative paths');
      data.files.forEach((file, fileIndex) => {
        const s = kept[fileIndex];
        const got = data.methods.filter((m) => m.file === fileIndex);
        assert.deepStrictEqual(got.map((m) => m.id), expectedMethodIds(s.script, s.source, s.rel), `${s.rel}: method ids`);
        const expected = expectedMethods(s.script, s.source, s.rel);
        assert.deepStrictEqual(got.map((m) => m.count), expected.map((m) => m.count), `${s.rel}: method counts`);
      });
    });

    await t.test(`${fx.coverage}: branches equal the leaves that ran by acorn's AST, with their counts`, () => {
      const data = convert(fx.text, fx.sources);
      assert.deepStrictEqual(data.hitBranches, data.branches.map((_, i) => i), 'only leaves that ran are listed');
      data.files.forEach((file, fileIndex) => {
        const s = kept[fileIndex];
        const got = data.branches
          .filter((b) => b.file === fileIndex)
          .map((b) => ({ id: b.id, count: b.count }))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        assert.deepStrictEqual(got, expectedBranches(s.script, s.source, s.rel), `${s.rel}: branch ids and counts`);
      });
    });

    await t.test(`${fx.coverage}: projectRoot as /project, /project/, '.' and './src' (with cwd)`, () => {
      const base = convert(fx.text, fx.sources);
      assert.deepStrictEqual(convert(fx.text, fx.sources, { projectRoot: '/project/' }), base, '/project/');
      assert.deepStrictEqual(convert(fx.text, fx.sources, { projectRoot: '.', cwd: '/project' }), base, ". with cwd /project");
      assert.deepStrictEqual(convert(fx.text, fx.sources, { projectRoot: './', cwd: '/project/' }), base, "./ with cwd /project/");
      const strip = (s) => s.replace(/^src\//, '');
      const inSrc = base.files.flatMap((f, i) => (f.path.startsWith('src/') ? [i] : []));
      for (const [label, extra] of [
        ['/project/src', { projectRoot: '/project/src' }],
        ['./src with cwd /project', { projectRoot: './src', cwd: '/project' }],
        ['. with cwd /project/src', { projectRoot: '.', cwd: '/project/src' }],
      ]) {
        const sub = convert(fx.text, fx.sources, extra);
        assert.deepStrictEqual(sub.files.map((f) => f.path), inSrc.map((i) => strip(base.files[i].path)), label);
        const keep = (list) => list.filter((x) => inSrc.includes(x.file)).map((x) => strip(x.id));
        assert.deepStrictEqual(sub.methods.map((m) => m.id), keep(base.methods), `${label}: method ids`);
        assert.deepStrictEqual(sub.branches.map((b) => b.id), keep(base.branches), `${label}: branch ids`);
      }
    });
  }

  await t.test('Converter.projectRoot is normalised the same for every spelling', () => {
    const rootOf = (extra) => {
      const converter = new fp.Converter(options(extra));
      const root = converter.projectRoot;
      converter.free();
      return root;
    };
    const root = rootOf({});
    assert.equal(rootOf({ projectRoot: '/project/' }), root);
    assert.equal(rootOf({ projectRoot: '.', cwd: '/project' }), root);
    assert.equal(rootOf({ projectRoot: './src/..', cwd: '/project' }), root);
  });

  await t.test('filtering: node: internals and node_modules scripts are dropped', () => {
    for (const name of ['filtering.json', 'uses-dep.nodev8.json']) {
      const fx = fixtures.find((f) => f.coverage === name);
      assert.ok(fx, `${name} missing from index.json`);
      assert.ok(fx.json.result.some((s) => s.url.startsWith('node:')), `${name} has a node: script`);
      assert.ok(fx.json.result.some((s) => s.url.includes('/node_modules/')), `${name} has a node_modules script`);
      const data = convert(fx.text, fx.sources);
      assert.deepStrictEqual(data.files.map((f) => f.path), ['src/uses-dep.js'], name);
      const ids = [...data.methods.map((m) => m.id), ...data.branches.map((b) => b.id)];
      assert.ok(ids.every((id) => id.startsWith('src/uses-dep.js')), `${name}: ids from dropped scripts`);
    }
  });

  await t.test('filtering: the NODE_V8_COVERAGE file and the inspector take of the same run agree on files', () => {
    const [inspector, nodeV8] = ['filtering.json', 'uses-dep.nodev8.json'].map((n) => fixtures.find((f) => f.coverage === n));
    const a = convert(inspector.text, inspector.sources);
    const b = convert(nodeV8.text, nodeV8.sources);
    assert.deepStrictEqual(b.files.map((f) => f.path), a.files.map((f) => f.path));
    assert.deepStrictEqual(b.methods.map((m) => m.id), a.methods.map((m) => m.id));
  });

  await t.test('filtering: excluded paths are dropped', () => {
    const arrows = fixtures.find((f) => f.coverage === 'arrows.json');
    const classes = fixtures.find((f) => f.coverage === 'classes.json');
    const both = [...arrows.json.result, ...classes.json.result];
    const sources = { ...arrows.sources, ...classes.sources };
    const all = convert(both, sources);
    assert.deepStrictEqual(all.files.map((f) => f.path), ['src/arrows.js', 'src/classes.js']);
    const alone = convert(classes.text, classes.sources);
    for (const exclude of [['src/arrows.js'], ['**/arrows.js'], ['src/arrow?.js'], ['src/a*.js']]) {
      assert.deepStrictEqual(convert(both, sources, { exclude }), alone, `exclude ${exclude}: same as classes.json alone`);
    }
    assert.deepStrictEqual(convert(both, sources, { exclude: ['src'] }).files, [], 'a folder excludes what is under it');
  });

  await t.test('a reused Converter gives the same result as a fresh one', () => {
    const conv = new fp.Converter(options());
    try {
      const [a, b] = [fixtures[0], fixtures.find((f) => f.coverage === 'lodash.json')];
      const first = conv.convert(a.text, a.sources);
      conv.convert(b.text, b.sources);
      assert.deepStrictEqual(conv.convert(JSON.parse(a.text), a.sources), first, 'object input after text input');
      assert.deepStrictEqual(conv.convert(a.text, a.sources), convert(a.text, a.sources), 'same as a fresh converter');
    } finally {
      conv.free();
    }
  });

  await t.test('bad input gives a JS Error, never a wasm trap', () => {
    const KINDS = ['json', 'shape', 'offset-out-of-range', 'source-mismatch', 'missing-source', 'non-utf8', 'source-map', 'option'];
    const notTrap = (err) =>
      err instanceof Error && !(err instanceof WebAssembly.RuntimeError) && KINDS.includes(err.kind);
    assert.throws(() => convert('{"result": [', {}), notTrap, 'truncated JSON');
    assert.throws(() => convert('not json', {}), notTrap, 'not JSON');
    assert.throws(() => convert({ result: 'x' }, {}), notTrap, 'wrong shape');
    assert.throws(() => convert(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), {}), notTrap, 'not UTF-8');
    // a source shorter than the coverage says: either a typed error, or an entry in errors naming the script
    const fx = fixtures.find((f) => f.coverage === 'classes.json');
    const url = fx.scripts[0].url;
    let data;
    try {
      data = convert(fx.text, { [url]: fx.scripts[0].source.slice(0, 100) });
    } catch (err) {
      assert.ok(notTrap(err), `trap: ${err}`);
      assert.ok(String(err.message).includes('classes.js'), `message names the script: ${err.message}`);
      return;
    }
    assert.ok(data.errors.some((e) => e.url === url && KINDS.includes(e.kind) && e.message), JSON.stringify(data.errors));
  });

  await t.test('buildBody: format 6.0, only hits, no duplicate ids', () => {
    const fx = fixtures.find((f) => f.coverage === 'classes.json');
    const data = convert(fx.text, fx.sources);
    const hit = (footprints, start, isInitFootprints) => ({
      footprints, executionId: 'exec-1', testName: null, start, end: start + 1, isInitFootprints, isFinalFootprints: false,
    });
    const meta = { agentId: '00000000-0000-4000-8000-000000000001', labId: 'lab-1', buildSessionId: 'bsid-1' };
    const text = fp.buildBody([hit(data, 1795432752, true), hit(data, 1795432760, false)], meta);
    assert.equal(typeof text, 'string');
    const body = JSON.parse(text);
    assert.equal(body.formatVersion, '6.0');
    assert.equal(new Set(body.methods).size, body.methods.length, 'no duplicate method ids');
    assert.equal(new Set(body.branches).size, body.branches.length, 'no duplicate branch ids');
    const hitIds = data.hitMethods.map((i) => data.methods[i].id);
    assert.deepStrictEqual([...body.methods].sort(), [...hitIds].sort(), 'methods table holds exactly the hit methods');
    const hitBranchIds = data.hitBranches.map((i) => data.branches[i].id);
    assert.deepStrictEqual([...body.branches].sort(), [...hitBranchIds].sort(), 'branches table holds exactly the hit branches');
    const hits = body.executions.filter((e) => e.executionId === 'exec-1').flatMap((e) => e.hits);
    assert.equal(hits.length, 2, 'two hits for exec-1');
    assert.deepStrictEqual(hits.map((h) => [h.start, h.end, h.isInitFootprints]), [[1795432752, 1795432753, true], [1795432760, 1795432761, false]]);
    for (const h of hits) {
      assert.equal(h.testName, null);
      assert.deepStrictEqual(h.methods.map((i) => body.methods[i]).sort(), [...hitIds].sort(), 'hit.methods point at the hit methods');
      assert.equal(new Set(h.methods).size, h.methods.length, 'no repeated index in a hit');
      assert.ok(h.branches.every((i) => Number.isInteger(i) && i >= 0 && i < body.branches.length));
    }
    assert.equal(body.meta.agentId, meta.agentId);
    assert.equal(body.meta.labId, 'lab-1');
  });
}
