/**
 * The agent's own work must not grow V8's young generation, and the function's must size it as without the
 * layer (wrapper/lib/memory-flags.mjs): V8 doubles it when many objects survive a collection, up to the
 * bootstrap's cap, and never shrinks it back. The agent holds it from the wrapper's first line to the
 * function's module load, during each take, conversion and send, and (Node 18, 20) through the first
 * invocation, while the init take waits for the converter; it releases it for the function. What
 * the layer costs in all is measured by bench/memory.mjs.
 *
 * Through aws-lambda-ric 3.3.0 (Node 20). Through aws-lambda-ric 4.0.2 on Node 24 an allocation-heavy
 * handler's young generation is larger with the layer (25.3 MB against 13.8), because exact counting keeps V8's
 * optimizing compilers off (with SL_EXACT_COVERAGE=false it is the direct one's): no exact size is asserted
 * for it (docs/layer.md, "What it costs").
 *
 * The old space: the agent collects the garbage its sends leave there every few hundred invocations, after
 * the response (wrapper/lib/agent/old-space.mjs; SL_BOUND_OLD_SPACE=false leaves it to V8), read from its
 * debug log: V8's memory-reducing collection, which also gives back a young generation V8 left grown.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { agentEnv, apiV2, fixtureRoot, hitsOf, layerLines, layerRoot, runPaired, standin, startFunction } from './helpers.mjs';

const MB = 1048576;

/** The young generation's size (MB) after each of `count` invocations, without and with the layer. */
async function youngSizes(runtime, count, light) {
  const s = await standin();
  try {
    const event = (i) => ({ ...apiV2('/young', { 'x-sl-test-name': `young #${i}` }), light });
    const { direct, wrapped, fn } = await runPaired({
      runtime,
      taskRoot: fixtureRoot(),
      handler: 'src/young.handler',
      events: Array.from({ length: count }, (_, i) => event(i)),
      env: agentEnv(s),
    });
    const sizes = (results) => results.map((r) => r.body.youngBytes / MB);
    return { direct: sizes(direct), wrapped: sizes(wrapped), output: fn.output };
  } finally {
    await s.close();
  }
}

test('ric3: a function that allocates little keeps a 2 MB young generation with the layer, as without it', async () => {
  assertRuntimesInstalled();
  const { direct, wrapped, output } = await youngSizes('ric3', 40, true);
  assert.ok(direct.every((size) => size <= 2), `direct: ${direct}`);
  assert.deepEqual(wrapped, Array(40).fill(2), output);
});

// Its first invocation runs with the young generation held while the init take lives (until the converter
// takes it after the response): on V8 11 that take's objects, surviving the handler's collections, grew it
// for good in half the cold starts of the seed's example.
test('ric3: an allocation-heavy function grows its young generation with the layer as it does without it, from its second invocation on', async () => {
  assertRuntimesInstalled();
  const { direct, wrapped, output } = await youngSizes('ric3', 3, false);
  assert.deepEqual(direct, [8, 8, 8]);
  assert.deepEqual(wrapped, [2, 8, 8], output);
});

/**
 * The old-space collections of the agent (wrapper/lib/agent/old-space.mjs) through the runtime client: `count`
 * invocations with an execution open (the first `heavy` allocation-heavy, the rest light), the agent's debug log
 * read for each collection as `{takes, before, after}` (MB), and the young generation's size (MB) each
 * invocation answered.
 */
async function oldSpaceCollections(count, extra = {}, runtime = 'ric3', heavy = 0) {
  const s = await standin();
  const fn = await startFunction({
    runtime,
    taskRoot: fixtureRoot(),
    handler: 'src/young.handler',
    mode: 'exec-wrapper',
    layerRoot: layerRoot(),
    env: agentEnv(s, { SL_LOG_LEVEL: 'debug', ...extra }),
  });
  const young = [];
  try {
    for (let i = 0; i < count; i++) {
      const result = await fn.invoke({ ...apiV2('/old', { 'x-sl-test-name': `old #${i}` }), light: i >= heavy });
      assert.equal(result.kind, 'response', fn.output);
      young.push(result.body.youngBytes / MB);
      await fn.idle();
    }
  } finally {
    await fn.stop();
    await s.close();
  }
  const collections = layerLines(fn.output)
    .map((line) => /old space collected after (\d+) takes: ([\d.]+) -> ([\d.]+) MB/.exec(line))
    .filter(Boolean)
    .map(([, takes, before, after]) => ({ takes: Number(takes), before: Number(before), after: Number(after) }));
  const mode = layerLines(fn.output).filter((line) => line.includes('old space: '));
  return { collections, mode, young, output: fn.output, tests: hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName) };
}

test('ric3: the agent collects the old-space garbage its sends leave, after the response, every 200 takes or more', async () => {
  assertRuntimesInstalled();
  const { collections, mode, output, tests } = await oldSpaceCollections(1000);
  assert.equal(mode.length, 1, output);
  assert.match(mode[0], /old space: the agent's garbage there is collected after the response \(memory-reducing collection, V8 11\)$/);
  assert.deepEqual(tests, Array.from({ length: 1000 }, (_, i) => `old #${i}`), 'every invocation is still sent');
  // The first once 200 takes have run (what was live was measured before the module loaded), then every few
  // hundred (about 2.5 KB of garbage per invocation on Node 20).
  assert.ok(collections.length >= 2, `${collections.length} collections in 1,000 invocations:\n${layerLines(output).join('\n')}`);
  for (const { takes, before, after } of collections) {
    assert.ok(takes >= 200, `a collection after ${takes} takes`);
    // Due once the old space grew 1 MB past what was live after the last one, and it frees what it held.
    assert.ok(before - after >= 0.5, `collected ${before} -> ${after} MB`);
    assert.ok(after < 16, `live ${after} MB`);
  }
});

test('ric3: SL_BOUND_OLD_SPACE=false leaves the old space to V8', async () => {
  assertRuntimesInstalled();
  const { collections, mode, tests } = await oldSpaceCollections(500, { SL_BOUND_OLD_SPACE: 'false' });
  assert.equal(tests.length, 500);
  assert.equal(mode.length, 1);
  assert.match(mode[0], /old space: left to V8 \(SL_BOUND_OLD_SPACE=false\)$/);
  assert.deepEqual(collections, []);
});

for (const [runtime, v8Major] of [
  ['ric3', 11],
  ['ric4', 13],
]) {
  test(`${runtime}: the collection is memory-reducing: it gives back the young generation V8 left grown`, async () => {
    assertRuntimesInstalled();
    // Three allocation-heavy invocations grow the young generation to 8 MB or more and leave garbage in the old
    // space; light ones follow.
    const on = await oldSpaceCollections(300, {}, runtime, 3);
    assert.deepEqual(on.tests, Array.from({ length: 300 }, (_, i) => `old #${i}`), 'every invocation is still sent');
    assert.equal(on.mode.length, 1);
    assert.match(on.mode[0], new RegExp(`old space: the agent's garbage there is collected after the response \\(memory-reducing collection, V8 ${v8Major}\\)$`));
    assert.equal(on.collections.length, 1, layerLines(on.output).join('\n'));
    const [{ takes, before, after }] = on.collections;
    assert.equal(takes, 200);
    // What the heavy invocations left there V8 may have collected on its own by then; the agent's sends
    // leave about 2.5 KB an invocation.
    assert.ok(before - after >= 0.5, `collected ${before} -> ${after} MB`);
    assert.ok(Math.min(...on.young.slice(3, 150)) >= 8, `young generation before the collection: ${on.young.slice(3, 150)}`);
    assert.ok(on.young.at(-1) <= 2, `young generation at the end: ${on.young.at(-1)} MB`);

    const off = await oldSpaceCollections(300, { SL_BOUND_OLD_SPACE: 'false' }, runtime, 3);
    assert.match(off.mode[0], /old space: left to V8 \(SL_BOUND_OLD_SPACE=false\)$/);
    assert.deepEqual(off.collections, []);
    assert.ok(off.young.at(-1) >= 8, `without the collections V8 keeps it: ${off.young.at(-1)} MB`);
  });
}

/**
 * What the agent's sends leave for a full collection (wrapper/lib/agent/backend.mjs): on Node 24 a buffer from
 * Node's pool keeps its 8 KB slab until one, and V8 13 runs none in thousands of light invocations. With the
 * body's bytes and joined buffers from the pool, 1,500 invocations left 2.44 MB of array buffers; without,
 * 0.63 MB (the gzip stream's output buffers, which live across bodies).
 */
test('ric4: on Node 24 the sends of 1,500 invocations leave less than 1 MB of array buffers for a full collection', async () => {
  assertRuntimesInstalled();
  const s = await standin();
  const fn = await startFunction({
    runtime: 'ric4',
    taskRoot: fixtureRoot(),
    handler: 'src/young.handler',
    mode: 'exec-wrapper',
    layerRoot: layerRoot(),
    // What the sends leave, whatever the agent's collections would free.
    env: agentEnv(s, { SL_BOUND_OLD_SPACE: 'false' }),
  });
  try {
    for (let i = 0; i < 1500; i++) {
      const result = await fn.invoke({ ...apiV2('/buffers', { 'x-sl-test-name': `buffers #${i}` }), light: true });
      assert.equal(result.kind, 'response', fn.output);
      await fn.idle();
    }
    const answer = await fn.invoke({ arrayBuffers: true });
    assert.equal(answer.kind, 'response', fn.output);
    const { before, after } = answer.body;
    assert.ok(before - after < 1 * MB, `${((before - after) / MB).toFixed(2)} MB of array buffers were waiting for a full collection`);
    assert.equal(hitsOf(s.accepted()).filter((h) => !h.init && h.testName.startsWith('buffers #')).length, 1500);
  } finally {
    await fn.stop();
    await s.close();
  }
});
