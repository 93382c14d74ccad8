// The agent's full collection (wrapper/lib/agent/old-space.mjs) on every Node the layer runs on: on 18 and
// 20 V8's %CollectGarbage, compiled with natives syntax on for that moment only; on 22 and 24 V8's
// memory-reducing collection through its gc extension. Each frees an unreachable weak target, compacts an
// old space whose pages lost every other object (on 18 and 20 with V8's compaction flag on for that
// collection: there a plain full collection left 10.5-11 of the 10-11 MB freed as room in four of five runs
// on Node 20, the agent's at most 0.8) and leaves neither natives syntax nor a gc function behind; the
// memory-reducing one also shrinks a young generation that allocations grew. A V8 that renamed the intrinsic
// or dropped the flavor would fail here (the agent then runs without the bound: fullCollection() returns
// null, or a collection that gives nothing back).
//
//   node --test tests/platforms/old-space.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, nodeBinary } from './helpers.mjs';

const MODULE = pathToFileURL(path.join(REPO, 'wrapper/lib/agent/old-space.mjs')).href;
const NODES = {
  node18: { binary: () => nodeBinary('node18'), kind: 'full' },
  node20: { binary: () => process.execPath, kind: 'full' },
  node22: { binary: () => nodeBinary('node22'), kind: 'memory-reducing' },
  node24: { binary: () => nodeBinary('node24'), kind: 'memory-reducing' },
};
const SCRIPT = `
  import v8 from 'node:v8';
  import vm from 'node:vm';
  const { collectionKind, fullCollection } = await import(${JSON.stringify(MODULE)});
  const youngMB = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
  const collect = fullCollection();
  let target = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  target = null;
  // Objects that survive young collections for a while: V8 grows its young generation for them.
  let kept = [];
  for (let i = 0; i < 400000; i++) { kept.push({ i }); if (kept.length > 100000) kept = []; }
  kept = null;
  await new Promise((resolve) => setImmediate(resolve));
  const youngBefore = youngMB();
  collect();
  let nativesOff = false;
  try { new Function('return %IsBeingInterpreted();'); } catch (error) { nativesOff = error instanceof SyntaxError; }
  const noGc = typeof globalThis.gc === 'undefined' && vm.runInNewContext('typeof gc') === 'undefined';
  const youngAfter = youngMB();
  // 500,000 objects in the old space, then every other one dropped: the room (MB) the collection leaves there.
  let objects = [];
  for (let i = 0; i < 500000; i++) objects.push({ i, j: i });
  collect();
  collect();
  for (let i = 0; i < objects.length; i += 2) objects[i] = null;
  collect();
  const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  const roomLeft = (old.space_size - old.space_used_size) / 1048576;
  console.log(JSON.stringify({
    kind: collectionKind(), compiled: typeof collect, freed: ref.deref() === undefined, nativesOff, noGc,
    youngShrunk: youngAfter < youngBefore, youngAfter,
    compacted: roomLeft < 3, objects: objects.length,
  }));`;

for (const [name, { binary, kind }] of Object.entries(NODES)) {
  test(`${name}: the agent's ${kind} collection frees what is unreachable, compacts the old space and leaves nothing behind`, () => {
    const out = JSON.parse(execFileSync(binary(), ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', env: { PATH: process.env.PATH } }).trim());
    const reducing = kind === 'memory-reducing';
    assert.deepEqual(
      { ...out, youngAfter: reducing ? out.youngAfter : 'not read' },
      { kind, compiled: 'function', freed: true, nativesOff: true, noGc: true, youngShrunk: reducing, youngAfter: reducing ? 1 : 'not read', compacted: true, objects: 500000 },
    );
  });
}
