/**
 * The agent's own work must not grow V8's young generation, and the function's must size it as without the
 * layer (wrapper/lib/memory-flags.mjs): V8 doubles it when many objects survive a collection, up to the
 * bootstrap's cap, and never shrinks it back. The agent holds it from the wrapper's first line to the
 * function's module load and during each take, conversion and send, and releases it for the function. What
 * the layer costs in all is measured by bench/memory.mjs.
 *
 * Through aws-lambda-ric 3.3.0 (Node 20). Through aws-lambda-ric 4.0.2 on Node 24 an allocation-heavy
 * handler's young generation is larger with the layer (25.3 MB against 13.8), because exact counting keeps V8's
 * optimizing compilers off (with SL_EXACT_COVERAGE=false it is the direct one's): no exact size is asserted
 * for it (docs/layer.md, "What it costs").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { agentEnv, apiV2, fixtureRoot, runPaired, standin } from './helpers.mjs';

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

test('ric3: an allocation-heavy function grows its young generation with the layer as it does without it', async () => {
  assertRuntimesInstalled();
  const { direct, wrapped, output } = await youngSizes('ric3', 3, false);
  assert.deepEqual(direct, [8, 8, 8]);
  assert.deepEqual(wrapped, direct, output);
});
