/**
 * The agent holds V8's young generation at its starting size from the wrapper's first line
 * (wrapper/lib/memory-flags.mjs): each coverage take allocates the isolate's coverage as objects, and loading
 * the agent's modules alone doubled it, never to shrink. Through aws-lambda-ric 3.3.0 (Node 20), a handler
 * that allocates as much as V8 answers by growing its young generation: without the layer it grows to the
 * bootstrap's cap, with it it stays at 2 MB. Through aws-lambda-ric 4.0.2 on Node 24 the same handler's young
 * generation outgrows that cap with or without the layer (to 13.8 MB without it, to 25.5 MB with it in some
 * runs, which every run reached before the flag moved to the wrapper's first line): V8 13.6 does not size it
 * by the growth factor alone there, so no exact size is asserted for it (docs/layer.md, "What it costs").
 * What the layer costs is measured by bench/memory.mjs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { agentEnv, apiV2, fixtureRoot, runPaired, standin } from './helpers.mjs';

const MB = 1048576;

for (const runtime of ['ric3']) {
  test(`${runtime}: the layered function's young generation stays at 2 MB where the function's own grows`, async () => {
    assertRuntimesInstalled();
    const s = await standin();
    try {
      const { direct, wrapped, fn } = await runPaired({
        runtime,
        taskRoot: fixtureRoot(),
        handler: 'src/young.handler',
        events: [0, 1, 2].map((i) => apiV2('/young', { 'x-sl-test-name': `young #${i}` })),
        env: agentEnv(s),
      });
      const young = (results) => results.map((r) => r.body.youngBytes / MB);
      assert.deepEqual(young(wrapped), [2, 2, 2], fn.output);
      assert.ok(young(direct).every((size) => size >= 4), `direct: ${young(direct)}`);
    } finally {
      await s.close();
    }
  });
}
