/**
 * The agent's old-space bound (wrapper/lib/agent/old-space.mjs): when it collects, with a scripted heap, and
 * that its collection (the coverage session's collectGarbage) is V8's memory-reducing one on this Node, leaving the
 * process as it was. That it runs
 * through the runtime client after the response, and what it saves, is checked in tests/e2e/memory.test.mjs and
 * measured by `node bench/memory.mjs`; on every Node the layer runs on, in tests/platforms/old-space.test.mjs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startCoverage } from '../../wrapper/lib/agent/coverage-session.mjs';
import { createOldSpaceBound, GROWTH_BYTES, MAX_LIVE_BYTES, MIN_TAKES, oldSpaceUsed } from '../../wrapper/lib/agent/old-space.mjs';

/** Runs `work` with the agent's coverage session (its `collectGarbage` is the bound's collection), stopped after. */
async function withSession(work) {
  const coverage = startCoverage({ exact: false });
  try {
    return await work(coverage);
  } finally {
    coverage.stop();
  }
}

const MB = 1 << 20;

/** A bound over a scripted old space: `heap.used` is what it reads, each collection sets it to `heap.live`. */
function scripted(options = {}) {
  const heap = { used: 5 * MB, live: 5 * MB, collections: 0 };
  const bound = createOldSpaceBound({
    collect: async () => {
      heap.collections += 1;
      await new Promise((resolve) => setImmediate(resolve));
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

test('a collection waits for both the takes and the growth, and measures what is live after it', async () => {
  const { heap, bound, takes } = scripted({ minTakes: 3, growth: MB });
  heap.used = 7 * MB;
  takes(2);
  assert.equal(await bound.collectIfDue(), null, 'grown, but too few takes');
  takes(1);
  heap.live = 5.5 * MB;
  assert.deepEqual(await bound.collectIfDue(), { before: 7 * MB, after: 5.5 * MB, takes: 3 });
  assert.equal(heap.collections, 1);
  // From 5.5 MB live: the growth counts from there, and the takes from 0.
  takes(5);
  heap.used = 6.5 * MB - 1;
  assert.equal(await bound.collectIfDue(), null, 'one byte short of the growth');
  heap.used = 6.5 * MB;
  assert.deepEqual(await bound.collectIfDue(), { before: 6.5 * MB, after: 5.5 * MB, takes: 5 });
  assert.equal(await bound.collectIfDue(), null, 'no takes since');
  assert.equal(heap.collections, 2);
});

test('a function holding more than the live limit is left to V8', async () => {
  const { heap, bound, takes } = scripted({ minTakes: 1, growth: MB, maxLive: 8 * MB });
  heap.used = 12 * MB;
  heap.live = 9 * MB;
  takes(1);
  assert.deepEqual(await bound.collectIfDue(), { before: 12 * MB, after: 9 * MB, takes: 1 });
  heap.used = 20 * MB;
  takes(100);
  assert.equal(await bound.collectIfDue(), null);
  assert.equal(heap.collections, 1);
});

test('without a collection the bound never collects', async () => {
  const bound = createOldSpaceBound({ collect: null, minTakes: 1, growth: 0, used: () => 100 * MB });
  bound.noteTake();
  assert.equal(await bound.collectIfDue(), null);
});

test("with the coverage session's collection, a due one runs V8's and resolves after it", async () => {
  await withSession(async (coverage) => {
    let used = 5 * MB;
    const bound = createOldSpaceBound({ collect: coverage.collectGarbage, used: () => used, minTakes: 1, growth: MB });
    bound.noteTake();
    used = 6 * MB;
    assert.deepEqual(await bound.collectIfDue(), { before: 6 * MB, after: 6 * MB, takes: 1 });
  });
});

test('while a collection runs, another is not due', async () => {
  const { heap, bound, takes } = scripted({ minTakes: 1, growth: MB });
  heap.used = 7 * MB;
  takes(3);
  const first = bound.collectIfDue();
  assert.equal(await bound.collectIfDue(), null, 'the first one still runs');
  assert.deepEqual(await first, { before: 7 * MB, after: 5 * MB, takes: 3 });
  assert.equal(heap.collections, 1);
});

test("a failed collection rejects, and the next one is due again", async () => {
  let fail = true;
  const bound = createOldSpaceBound({ collect: async () => { if (fail) throw new Error('refused'); }, used: () => 7 * MB, minTakes: 1, growth: 0 });
  bound.noteTake();
  await assert.rejects(bound.collectIfDue(), /refused/);
  fail = false;
  assert.deepEqual(await bound.collectIfDue(), { before: 7 * MB, after: 7 * MB, takes: 1 });
});

const youngMB = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / MB;

test('the collection frees what is unreachable and shrinks a grown young generation, after the call, before it resolves', () => withSession(async (coverage) => {
  const collect = coverage.collectGarbage;
  assert.equal(typeof collect, 'function');
  let target = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  target = null;
  // Objects that survive young collections for a while: V8 grows its young generation for them.
  let kept = [];
  for (let i = 0; i < 400000; i++) {
    kept.push({ i });
    if (kept.length > 100000) kept = [];
  }
  kept = null;
  // A weak target stays alive until the job that made it ends.
  await new Promise((resolve) => setImmediate(resolve));
  const grown = youngMB();
  const running = collect();
  assert.equal(youngMB(), grown, 'V8 runs it as a task, not within the call');
  await running;
  assert.equal(ref.deref(), undefined);
  assert.deepEqual({ grown: grown > 1, after: youngMB() }, { grown: true, after: 1 });
  assert.ok(oldSpaceUsed() > 0);
}));

test('the collection needs no flag, no gc function and no code generated from strings', () => {
  const script = `
    const { default: vm } = await import('node:vm');
    const { startCoverage } = await import(${JSON.stringify(new URL('../../wrapper/lib/agent/coverage-session.mjs', import.meta.url).href)});
    let target = { payload: new Array(1000).fill(1) };
    const ref = new WeakRef(target);
    target = null;
    await new Promise((resolve) => setImmediate(resolve));
    await startCoverage({ exact: false }).collectGarbage();
    console.log(JSON.stringify({ freed: ref.deref() === undefined, gc: vm.runInNewContext('typeof gc') }));`;
  const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(child.stderr, '');
  assert.deepEqual(JSON.parse(child.stdout), { freed: true, gc: 'undefined' });
  assert.equal(typeof globalThis.gc, 'undefined');
  assert.equal(vm.runInNewContext('typeof gc'), 'undefined');
});
