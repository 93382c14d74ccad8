// The events the wrapper's fuzzer (tests/fuzz/wrapper-events.mjs, docs/fuzzing.md) found bugs with, kept in
// tests/fixtures/fuzz/wrapper-events.json: the test name the wrapper reads from each, and, through the built
// package as the agent gives it (PendingHits: openInvocation, addWindow, closeInvocation, nextBody), the name the body carries.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testNameOf } from '../../wrapper/lib/agent/test-name.mjs';
import { importPackage } from './package-suite.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cases = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/fuzz/wrapper-events.json'), 'utf8'));

/** `{repeat, times, then}` stands for a long list (an array) or text (a string) too big to keep in the file. */
function expand(value, inArray) {
  if (Array.isArray(value)) return value.map((v) => expand(v));
  if (value && typeof value === 'object') {
    if ('repeat' in value) {
      return inArray ? [...Array(value.times).fill(value.repeat), value.then] : value.repeat.repeat(value.times) + value.then;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, k === 'cookies')]));
  }
  return value;
}

for (const c of cases) {
  test(`test name: ${c.found.slice(0, 90)}`, () => {
    assert.equal(testNameOf(expand(c.event)), c.testName);
  });
}

test('a test name with lone surrogates reaches the body as well-formed text, and the hit is kept', async () => {
  const { Converter, PendingHits } = await importPackage('./agent');
  const source = 'function f() {\n  return 1;\n}\nf();\n';
  const coverage = { result: [{ scriptId: '1', url: 'file:///p/a.js', functions: [
    { functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: source.length, count: 1 }] },
    { functionName: 'f', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 29, count: 1 }] },
  ] }] };
  const converter = new Converter({ projectRoot: '/p' });
  const hits = new PendingHits(converter);
  for (const [key, c] of cases.filter((c) => c.sent).entries()) {
    hits.openInvocation(key);
    hits.addWindow(coverage, { 'file:///p/a.js': source });
    assert.deepEqual(hits.closeInvocation(key, { executionId: 'exec', testName: c.testName, start: 1, end: 2 }), { methods: 1 });
    const next = hits.nextBody({ agentId: 'a', labId: 'l', buildSessionId: 'b' }, 'exec', 1);
    hits.confirmSent(next.hits);
    assert.equal(JSON.parse(next.body).executions[0].hits[0].testName, c.sent);
  }
  hits.free();
  converter.free();
});
