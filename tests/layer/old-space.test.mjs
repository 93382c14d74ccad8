/**
 * The agent's old-space bound (wrapper/lib/agent/old-space.mjs): when it collects, with a scripted heap, and
 * that its collection is a real full collection on this Node with natives syntax off again after it is
 * compiled. That it runs through the runtime client after the response, and what it saves, is checked in
 * tests/e2e/memory.test.mjs and measured by `node bench/memory.mjs`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import vm from 'node:vm';
import { collectionKind, createOldSpaceBound, fullCollection, GROWTH_BYTES, MAX_LIVE_BYTES, MIN_TAKES, oldSpaceUsed } from '../../wrapper/lib/agent/old-space.mjs';

const MB = 1 << 20;

/** A bound over a scripted old space: `heap.used` is what it reads, each collection sets it to `heap.live`. */
function scripted(options = {}) {
  const heap = { used: 5 * MB, live: 5 * MB, collections: 0 };
  const bound = createOldSpaceBound({
    collect: () => {
      heap.collections += 1;
      heap.used = heap.live;
    },
    used: () => heap.used,
    ...options,
  });
  const takes = (n) => {
    for (let i = 0; i < n; i++) bound.noteTake();
  };
  return { heap, bound, takes };
}

test('the defaults: 200 takes, 1 MB of growth, 16 MB live', () => {
  assert.deepEqual([MIN_TAKES, GROWTH_BYTES, MAX_LIVE_BYTES], [200, MB, 16 * MB]);
});

test("V8's %CollectGarbage on V8 11 and older (Node 18 and 20), its memory-reducing collection from V8 12 (Node 22) on", () => {
  assert.deepEqual([10, 11, 12, 13].map((major) => collectionKind(major)), ['full', 'full', 'memory-reducing', 'memory-reducing']);
});

test('a collection waits for both the takes and the growth, and measures what is live after it', () => {
  const { heap, bound, takes } = scripted({ minTakes: 3, growth: MB });
  heap.used = 7 * MB;
  takes(2);
  assert.equal(bound.collectIfDue(), null, 'grown, but too few takes');
  takes(1);
  heap.live = 5.5 * MB;
  assert.deepEqual(bound.collectIfDue(), { before: 7 * MB, after: 5.5 * MB, takes: 3 });
  assert.equal(heap.collections, 1);
  // From 5.5 MB live: the growth counts from there, and the takes from 0.
  takes(5);
  heap.used = 6.5 * MB - 1;
  assert.equal(bound.collectIfDue(), null, 'one byte short of the growth');
  heap.used = 6.5 * MB;
  assert.deepEqual(bound.collectIfDue(), { before: 6.5 * MB, after: 5.5 * MB, takes: 5 });
  assert.equal(bound.collectIfDue(), null, 'no takes since');
  assert.equal(heap.collections, 2);
});

test('a function holding more than the live limit is left to V8', () => {
  const { heap, bound, takes } = scripted({ minTakes: 1, growth: MB, maxLive: 8 * MB });
  heap.used = 12 * MB;
  heap.live = 9 * MB;
  takes(1);
  assert.deepEqual(bound.collectIfDue(), { before: 12 * MB, after: 9 * MB, takes: 1 });
  heap.used = 20 * MB;
  takes(100);
  assert.equal(bound.collectIfDue(), null);
  assert.equal(heap.collections, 1);
});

test('without a collection (code generation refused) the bound never collects', () => {
  const bound = createOldSpaceBound({ collect: null, minTakes: 1, growth: 0, used: () => 100 * MB });
  bound.noteTake();
  assert.equal(bound.collectIfDue(), null);
});

test('by default the collection is compiled when the first one is due, and runs V8\'s', () => {
  let used = 5 * MB;
  const bound = createOldSpaceBound({ used: () => used, minTakes: 1, growth: MB });
  bound.noteTake();
  used = 6 * MB;
  assert.deepEqual(bound.collectIfDue(), { before: 6 * MB, after: 6 * MB, takes: 1 });
});

test('the collection is a full one, and natives syntax is off again once it is compiled', async () => {
  const collect = fullCollection();
  assert.equal(typeof collect, 'function');
  let target = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  target = null;
  // A weak target stays alive until the job that made it ends.
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  assert.equal(ref.deref(), undefined);
  // A source of its own: V8 would answer the collection's own source from its compilation cache.
  assert.throws(() => new Function('return %IsBeingInterpreted();'), SyntaxError);
  assert.ok(oldSpaceUsed() > 0);
});

test('making the memory-reducing collection leaves no gc function to the function', () => {
  // What it frees and gives back on Node 22 and 24 is checked there: tests/platforms/old-space.test.mjs.
  assert.equal(typeof fullCollection(13), 'function');
  assert.equal(typeof globalThis.gc, 'undefined');
  assert.equal(vm.runInNewContext('typeof gc'), 'undefined', 'V8 puts gc in no later context');
});

test('a function started with natives syntax or with gc exposed keeps them once the collections are made', () => {
  const script = `
    const { default: vm } = await import('node:vm');
    const { fullCollection } = await import(${JSON.stringify(new URL('../../wrapper/lib/agent/old-space.mjs', import.meta.url).href)});
    const made = [typeof fullCollection(11), typeof fullCollection(13)];
    let natives = true;
    try { new Function('return %IsBeingInterpreted();'); } catch { natives = false; }
    console.log(JSON.stringify({ made, natives, gc: vm.runInNewContext('typeof gc') }));`;
  const run = (args, env = {}) => {
    const child = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    assert.equal(child.stderr, '');
    return JSON.parse(child.stdout);
  };
  const made = ['function', 'function'];
  assert.deepEqual(run(['--allow-natives-syntax']), { made, natives: true, gc: 'undefined' });
  assert.deepEqual(run([], { NODE_OPTIONS: '--expose-gc' }), { made, natives: false, gc: 'function' });
  assert.deepEqual(run([]), { made, natives: false, gc: 'undefined' });
});

test('where code generation from strings is refused, there is no collection and nothing is printed', () => {
  const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', `
    const { fullCollection } = await import(${JSON.stringify(new URL('../../wrapper/lib/agent/old-space.mjs', import.meta.url).href)});
    console.log(String(fullCollection()));`], { encoding: 'utf8' });
  const out = child.stdout;
  assert.equal(out, 'null\n');
  assert.equal(child.stderr, '');
});
