// Self-test of the test oracles (ids.mjs, istanbul.mjs) on every fixture, with hand-verified
// expectations. Needs only tests/node_modules (`cd tests && npm ci`), not the built package.
//
//   node --test tests/node/oracles.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedBranches } from './oracles/branches.mjs';
import { expectedMethodIds, mapV8Functions } from './oracles/ids.mjs';
import { istanbulLineCounts } from './oracles/istanbul.mjs';
import { loadFixtures } from './fixtures.mjs';

const fixtures = loadFixtures();
const byName = new Map(fixtures.map((f) => [f.name, f]));

function script(name, rel) {
  const fixture = byName.get(name);
  assert.ok(fixture, `fixture ${name} missing from coverage/index.json`);
  const found = fixture.scripts.find((s) => s.rel === rel);
  assert.ok(found, `${name}: no script ${rel}`);
  return found;
}

const idsOf = (name, rel) => {
  const s = script(name, rel);
  return expectedMethodIds(s.script, s.source, s.rel);
};
const linesOf = (name, rel) => {
  const s = script(name, rel);
  return istanbulLineCounts(s.script, s.source, `/project/${rel}`);
};

test('index.json lists every kind of fixture', () => {
  const names = fixtures.map((f) => f.coverage);
  for (const expected of [
    'unicode.json', 'crlf.json', 'cr.json', 'separators.json', 'shebang.json', 'bom-cjs.json', 'bom-esm.json',
    'hoisted.json', 'classes.json', 'name-next-line.json', 'exports.json', 'default-anon.json',
    'default-async.json', 'arrows.json', 'async-gen.json', 'object-methods.json', 'iife.json', 'branches.json',
    'branchy.json', 'never-called.json', 'module-cjs.json', 'twice.take1.json', 'twice.take2.json', 'lodash.json',
    'filtering.json', 'uses-dep.nodev8.json',
  ]) {
    assert.ok(names.includes(expected), `${expected} missing`);
  }
  for (const f of fixtures) {
    assert.ok(f.scripts.length >= 1, `${f.coverage}: no project script`);
    assert.ok(!f.text.includes('/work/'), `${f.coverage}: machine-specific path`);
  }
});

for (const fixture of fixtures) {
  test(`oracles run on ${fixture.coverage}`, async () => {
    for (const { script: s, source, rel } of fixture.scripts) {
      const ids = expectedMethodIds(s, source, rel);
      assert.equal(new Set(ids).size, ids.length, `${rel}: duplicate ids`);
      for (const id of ids) assert.match(id, new RegExp(`^${rel.replace(/[.]/g, '\\.')}@[1-9][0-9]*,[0-9]+$`));
      if (rel.endsWith('.cjs')) assert.deepEqual(ids, []);
      const lines = await istanbulLineCounts(s, source, `/project/${rel}`);
      assert.equal(lines.length, source.trimEnd().split('\n').length, `${rel}: one count per \\n-separated line`);
      for (const c of lines) assert.ok(Number.isInteger(c) && c >= 0, `${rel}: bad count ${c}`);
    }
  });
}

test('ids: named functions at the name, in UTF-16 columns after astral characters', () => {
  assert.deepEqual(idsOf('unicode', 'src/unicode.js'), [
    'src/unicode.js@5,54', // after a comment holding two surrogate pairs
    'src/unicode.js@9,27', // `const e = '😀😀'; function sameLine`
    'src/unicode.js@12,9', // name made of astral letters
    'src/unicode.js@17,21', // arrow after a '🔑' key
    'src/unicode.js@17,56',
    'src/unicode.js@19,9',
  ]);
});

test('ids: classes (member start incl. static; no id for #private, initializers, implicit ctors)', () => {
  assert.deepEqual(idsOf('classes', 'src/classes.js'), [
    'src/classes.js@4,2', // Base constructor
    'src/classes.js@8,2', // greet
    'src/classes.js@15,12', // handler = () => ...   (the arrow itself)
    'src/classes.js@16,11', // legacy = function () ...
    'src/classes.js@19,16', // static make = (n) => ...
    'src/classes.js@25,2', // Widget constructor
    'src/classes.js@30,2', // static create
    'src/classes.js@31,2', // static /* comment */ describe
    'src/classes.js@32,2', // static \n spaced
    'src/classes.js@34,2', // static async load
    'src/classes.js@35,2', // static *ids
    'src/classes.js@36,2', // static get total
    'src/classes.js@37,2', // static set total
    'src/classes.js@38,2', // get size
    'src/classes.js@39,2', // set size
    'src/classes.js@40,2', // async fetch
    'src/classes.js@41,2', // *[Symbol.iterator]
    'src/classes.js@42,2', // ['computed' + 'Key']
    'src/classes.js@43,2', // 'string key'
    'src/classes.js@44,2', // 42
    'src/classes.js@47,2', // static reveal   (#read, static #hidden: no id)
    'src/classes.js@48,2', // neverCalled
    'src/classes.js@53,2', // Implicit#method
    'src/classes.js@59,2', // class Named { run }
  ]);
});

test('ids: what V8 reports for class initializers (learned from real output)', () => {
  const s = script('classes', 'src/classes.js');
  const forms = mapV8Functions(s.script, s.source, s.rel).map((m) => [m.fn.functionName, m.form, m.offset]);
  const text = (offset, n) => s.source.slice(offset, offset + n);
  const inst = forms.filter(([name]) => name === '<instance_members_initializer>');
  const stat = forms.filter(([name]) => name === '<static_initializer>');
  // one per class with instance fields, starting at `class`
  assert.deepEqual(inst.map(([, , o]) => text(o, 15)), ['class Widget ex', 'class Implicit ']);
  // static fields + static block: starts at the last static field, `static` included
  assert.deepEqual(stat.map(([, , o]) => text(o, 11)), ['static make', 'static flag']);
  // implicit constructors (Implicit, Plain, Derived) are not reported at all
  assert.equal(forms.filter(([, form]) => form === 'constructor').length, 2);
  // static members start after `static` and any whitespace/comments
  const describe = forms.find(([name]) => name === 'describe');
  assert.equal(text(describe[2], 8), 'describe');
});

test('ids: BOM is column 0; the ESM loader strips it (offsets one smaller), CommonJS does not', () => {
  const esm = script('bom-esm', 'src/bom.mjs');
  assert.equal(esm.source.length - esm.script.functions[0].ranges[0].endOffset, 1);
  assert.deepEqual(idsOf('bom-esm', 'src/bom.mjs'), [
    'src/bom.mjs@1,17', 'src/bom.mjs@3,16', 'src/bom.mjs@7,24', 'src/bom.mjs@9,16',
  ]);
  const cjs = script('bom-cjs', 'src/bom.js');
  assert.equal(cjs.source.length - cjs.script.functions[0].ranges[0].endOffset, 0);
  assert.deepEqual(idsOf('bom-cjs', 'src/bom.js'), ['src/bom.js@1,10', 'src/bom.js@3,9', 'src/bom.js@7,17']);
});

test('ids: default exports, names on the next line, line terminators, .cjs', () => {
  assert.deepEqual(idsOf('default-anon', 'src/default-anon.mjs'), ['src/default-anon.mjs@2,22', 'src/default-anon.mjs@4,0']);
  assert.deepEqual(idsOf('default-async', 'src/default-async.mjs'), ['src/default-async.mjs@2,0']);
  assert.deepEqual(idsOf('exports', 'src/exports.mjs').at(-1), 'src/exports.mjs@21,24'); // export default function main
  assert.deepEqual(idsOf('name-next-line', 'src/name-next-line.js'), [
    'src/name-next-line.js@3,2', 'src/name-next-line.js@8,2', 'src/name-next-line.js@11,2',
  ]);
  // U+2028/U+2029 end lines, even inside comments and strings
  assert.equal(idsOf('separators', 'src/separators.js')[0], 'src/separators.js@6,19');
  assert.deepEqual(idsOf('cr', 'src/cr.js'), ['src/cr.js@2,9', 'src/cr.js@10,9', 'src/cr.js@14,16']);
  assert.deepEqual(idsOf('crlf', 'src/crlf.js'), ['src/crlf.js@2,9', 'src/crlf.js@10,18', 'src/crlf.js@13,9']);
  assert.deepEqual(idsOf('shebang', 'src/shebang.js'), ['src/shebang.js@3,9', 'src/shebang.js@7,9']);
  assert.deepEqual(idsOf('module-cjs', 'src/module.cjs'), []);
});

test('ids: object members, IIFEs and callbacks', () => {
  const obj = idsOf('object-methods', 'src/object-methods.js');
  assert.deepEqual(obj.slice(0, 10), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((l) => `src/object-methods.js@${l},2`));
  assert.deepEqual(obj.slice(10), [
    'src/object-methods.js@15,8', // prop: function () {}
    'src/object-methods.js@16,18', // named: function namedProp() {}
    'src/object-methods.js@17,13', // arrowProp: () => ...
    'src/object-methods.js@18,2', // never() {}
  ]);
  assert.deepEqual(idsOf('iife', 'src/iife.js'), [
    'src/iife.js@2,26', 'src/iife.js@6,14', 'src/iife.js@10,19', 'src/iife.js@13,13',
    'src/iife.js@17,30', 'src/iife.js@22,24', 'src/iife.js@26,10',
  ]);
});

test('ids: a later take has no top level, and every function has a non-zero count', () => {
  const take2 = script('twice.take2', 'src/twice.js').script;
  assert.notEqual(take2.functions[0].functionName, '');
  assert.ok(take2.functions.every((f) => f.ranges[0].count > 0));
  assert.deepEqual(idsOf('twice.take2', 'src/twice.js'), ['src/twice.js@2,9', 'src/twice.js@6,9', 'src/twice.js@10,9']);
  assert.deepEqual(idsOf('twice.take1', 'src/twice.js'), idsOf('twice.take2', 'src/twice.js'));
});

test('ids: lodash maps every V8 function', () => {
  const ids = idsOf('lodash', 'src/lodash.js');
  assert.ok(ids.length > 500, `only ${ids.length} ids`);
  assert.ok(ids.includes('src/lodash.js@6903,13'), 'function chunk(array, size, guard)'); // hand-checked
});

test('istanbul: known v8-to-istanbul artifacts are reproduced by the oracle', async () => {
  const hoisted = await linesOf('hoisted', 'src/hoisted.js');
  assert.equal(hoisted[8], 0, 'called hoisted helper header (line 9) is reported 0');
  assert.equal(hoisted[9], 2, 'its body (line 10) is counted');
  const branches = await linesOf('branches', 'src/branches.js');
  assert.equal(branches[11], 3, "never-taken `case 'never':` header (line 12) is reported covered (the function's count)");
  assert.equal(branches[12], 0, 'its body (line 13) is 0');
  const objects = await linesOf('object-methods', 'src/object-methods.js');
  assert.equal(objects[17], 1, 'never-called indented method line (18) is reported covered');
  const never = await linesOf('never-called', 'src/never-called.js');
  assert.deepEqual(never.slice(1, 4), [0, 0, 0], 'never-called top-level function at column 0 is 0');
  assert.equal(never[13], 1, 'indented never-called header (line 14) is reported covered');
  assert.equal(never[14], 0);
  // CR-only: v8-to-istanbul splits on \n only, so the whole file is one line
  assert.deepEqual(await linesOf('cr', 'src/cr.js'), [1]);
  // a later take without the top level: lines outside any reported function stay 1
  const take2 = await linesOf('twice.take2', 'src/twice.js');
  assert.equal(take2[0], 1);
});

const branchesOf = (name, rel) => {
  const s = script(name, rel);
  return Object.fromEntries(expectedBranches(s.script, s.source, s.rel).map((b) => [b.id.slice(rel.length + 1), b.count]));
};

// Counts checked by hand against the calls in tests/fixtures/generate.mjs (see the comments).
test('branches: the scanner numbering on acorn, with hand-checked counts (branches.js)', () => {
  assert.deepEqual(branchesOf('branches', 'src/branches.js'), {
    // switch at 5,2: 'a' once, 'b' twice (once by fall-through), 'never' not, default once (leaf 3)
    // if at 24,4 without else: then once (risky(true)), implicit else once
    // choose(20), choose(10), choose(5), choose(-1, 0): defaults `b = 10` (36,23) and `c = a * 2`
    // (36,31) take the function's count (V8 has no range for a default value)
    // logic(1, 0, null), logic(0, 0, 3): `a && b` (47,14), `a || b || c` (48,13), `c ?? ...` (49,18)
    '5,2|0': 1, '5,2|1': 2, '5,2|3': 1, '24,4|0': 1, '24,4|1': 1, '36,23|0': 4,
    '36,31|0': 4, '37,2|0': 1, '37,2|1': 3, '39,9|0': 1, '39,9|1': 2, '42,11|0': 1,
    '42,11|1': 1, '47,14|0': 2, '47,14|1': 1, '48,13|0': 2, '48,13|1': 1, '48,13|2': 1,
    '49,18|0': 2, '49,18|1': 1,
  });
});

test('branches: every form, nested and flattened, with hand-checked counts (branchy.js)', () => {
  assert.deepEqual(branchesOf('branchy', 'src/branchy.js'), {
    // 5,30: the default `curve = score > 90 ? ...` and its ternary share a position: 9 calls + 1
    // 34,12 / 39,27 / 42,43: a ternary whose test is a logical chain shares its position too
    // 39,27: `((a && b) || c) ?? (...)` is one chain of four leaves; the last never ran
    '5,30|0': 10, '5,30|1': 7, '5,58|0': 9, '7,2|0': 2, '7,2|1': 7, '9,9|0': 3,
    '9,9|1': 4, '10,4|0': 1, '10,4|1': 2, '11,11|0': 1, '11,11|1': 1, '13,2|0': 1,
    '13,2|1': 3, '14,9|0': 2, '14,9|1': 2, '14,23|0': 1, '14,23|1': 1, '18,15|0': 7,
    '18,15|1': 1, '20,2|0': 1, '20,2|1': 3, '20,2|2': 1, '20,2|4': 3, '23,12|0': 2,
    '23,12|1': 1, '27,12|0': 1, '34,12|0': 4, '34,12|1': 4, '34,12|2': 1, '39,27|0': 3,
    '39,27|1': 2, '39,27|2': 2, '42,17|0': 3, '42,17|1': 2, '42,43|0': 4, '42,43|1': 4,
    '44,12|0': 3, '44,12|1': 2, '45,20|0': 3, '45,20|1': 2, '45,20|2': 2, '49,18|0': 4,
    '49,25|0': 4, '53,15|0': 3, '54,30|0': 2, '54,30|1': 1, '57,30|0': 4, '57,30|1': 3,
    '57,52|0': 2, '65,6|0': 2, '65,6|1': 6, '65,10|0': 8, '65,10|1': 3, '66,6|0': 2,
    '66,6|1': 4,
  });
});
