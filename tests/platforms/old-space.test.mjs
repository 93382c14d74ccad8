// The agent's full collection (wrapper/lib/agent/old-space.mjs: V8's %CollectGarbage, compiled with natives
// syntax on for that moment only) on the Nodes the agent uses it on, 18 and 20 (from Node 22 the old space is
// left to V8): it compiles, frees an unreachable weak target, and leaves natives syntax off. A V8 that renamed
// the intrinsic would fail here (the agent then runs without the bound: fullCollection() returns null).
//
//   node --test tests/platforms/old-space.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, nodeBinary } from './helpers.mjs';

const MODULE = pathToFileURL(path.join(REPO, 'wrapper/lib/agent/old-space.mjs')).href;
const NODES = { node18: () => nodeBinary('node18'), node20: () => process.execPath };
const SCRIPT = `
  const { fullCollection } = await import(${JSON.stringify(MODULE)});
  const collect = fullCollection();
  let target = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  target = null;
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  let nativesOff = false;
  try { new Function('return %IsBeingInterpreted();'); } catch (error) { nativesOff = error instanceof SyntaxError; }
  console.log(JSON.stringify({ compiled: typeof collect, freed: ref.deref() === undefined, nativesOff }));`;

for (const [name, binary] of Object.entries(NODES)) {
  test(`${name}: the agent's full collection compiles, frees what is unreachable and leaves natives syntax off`, () => {
    const out = execFileSync(binary(), ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.deepEqual(JSON.parse(out.trim()), { compiled: 'function', freed: true, nativesOff: true });
  });
}
