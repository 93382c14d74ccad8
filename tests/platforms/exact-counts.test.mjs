// Exact counts for the life of a process, without a runtime client: V8 stops counting calls of code its
// optimizing compilers compiled, and the layer's mechanism (coverage-session.mjs with `exact`: those
// compilers off, set at run time before the code loads) must keep every function in every take, on every
// Node the layer supports. The negative control (exact off) shows the loss is real on that Node, so the
// test would catch a mechanism that stopped working.
//
//   node --test tests/platforms/exact-counts.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, nodeBinary } from './helpers.mjs';

const PROBE = path.join(REPO, 'tests/platforms/exact/probe.mjs');
const SESSION = path.join(REPO, 'wrapper/lib/agent/coverage-session.mjs');
const TAKES = 5000;
const NODES = { node18: () => nodeBinary('node18'), node20: () => process.execPath, node22: () => nodeBinary('node22'), node24: () => nodeBinary('node24') };

function probe(node, exact) {
  const out = execFileSync(node, [PROBE, SESSION, String(exact), String(TAKES)], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return JSON.parse(out.trim().split('\n').pop());
}

for (const [name, binary] of Object.entries(NODES)) {
  test(`${name}: every take of ${TAKES} counts the handler and its hot helper`, () => {
    const node = binary();
    const exact = probe(node, true);
    assert.deepEqual({ firstMissing: exact.firstMissing, takesMissingOne: exact.takesMissingOne }, { firstMissing: { handler: -1, helper: -1 }, takesMissingOne: 0 }, exact.node);
    const optimized = probe(node, false);
    assert.ok(optimized.takesMissingOne > TAKES / 2, `${optimized.node}: without the mechanism the helper should vanish: ${JSON.stringify(optimized)}`);
  });
}
