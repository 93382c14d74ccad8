// The agent's collection (wrapper/lib/agent/old-space.mjs) on every Node the layer runs on: V8's memory-reducing
// collection, asked for on its coverage session (HeapProfiler.collectGarbage, coverage-session.mjs). On each it frees an
// unreachable weak target, shrinks a young generation that allocations grew back to its smallest (1 MB), and
// compacts an old space whose pages lost every other object (a plain full collection left 10.5-11 of the 10-11
// MB freed as room in four of five runs on Node 20). A Node whose inspector stopped answering that command, or
// whose V8 stopped reducing memory there, would fail here (the agent then turns the bound off, or runs a
// collection that gives nothing back).
//
//   node --test tests/platforms/old-space.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, nodeBinary } from './helpers.mjs';

const MODULE = pathToFileURL(path.join(REPO, 'wrapper/lib/agent/coverage-session.mjs')).href;
const NODES = {
  node18: () => nodeBinary('node18'),
  node20: () => process.execPath,
  node22: () => nodeBinary('node22'),
  node24: () => nodeBinary('node24'),
};
const SCRIPT = `
  import v8 from 'node:v8';
  import vm from 'node:vm';
  const { startCoverage } = await import(${JSON.stringify(MODULE)});
  const youngMB = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
  const collect = startCoverage({ exact: false }).collectGarbage;
  let target = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  target = null;
  // Objects that survive young collections for a while: V8 grows its young generation for them.
  let kept = [];
  for (let i = 0; i < 400000; i++) { kept.push({ i }); if (kept.length > 100000) kept = []; }
  kept = null;
  await new Promise((resolve) => setImmediate(resolve));
  const youngBefore = youngMB();
  await collect();
  const noGc = typeof globalThis.gc === 'undefined' && vm.runInNewContext('typeof gc') === 'undefined';
  const youngAfter = youngMB();
  // 500,000 objects in the old space, then every other one dropped: the room (MB) the collection leaves there.
  let objects = [];
  for (let i = 0; i < 500000; i++) objects.push({ i, j: i });
  await collect();
  await collect();
  for (let i = 0; i < objects.length; i += 2) objects[i] = null;
  await collect();
  const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  const roomLeft = (old.space_size - old.space_used_size) / 1048576;
  console.log(JSON.stringify({
    freed: ref.deref() === undefined, noGc, youngBefore: youngBefore > 1, youngAfter,
    compacted: roomLeft < 3, objects: objects.length,
  }));`;

for (const [name, binary] of Object.entries(NODES)) {
  test(`${name}: the agent's memory-reducing collection frees what is unreachable, gives the young generation back and compacts the old space`, () => {
    const out = JSON.parse(execFileSync(binary(), ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', env: { PATH: process.env.PATH } }).trim());
    assert.deepEqual(out, { freed: true, noGc: true, youngBefore: true, youngAfter: 1, compacted: true, objects: 500000 });
  });
}
