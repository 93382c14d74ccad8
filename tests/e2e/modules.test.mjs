/**
 * The agent's own modules cost the function memory: on Node 22 and later an ES-module import of `node:http`
 * loads Node's bundled fetch client (undici, ~0.8 MB of source kept compiled with coverage on, ~3 MB of a warm
 * function's resident memory measured on Node 24), which the agent never uses. Through both runtime clients,
 * with a test execution open (so the backend client and, after the response, the extension client both run),
 * the layered function has loaded no undici module beyond what the same function loads without the layer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { agentEnv, apiV2, assertNothingRejected, fixtureRoot, hitsOf, runPaired, standin } from './helpers.mjs';

assertRuntimesInstalled();

for (const runtime of ['ric3', 'ric4']) {
  test(`${runtime}: the layer loads no undici module the function does not`, async () => {
    const s = await standin();
    try {
      const { direct, wrapped, fn } = await runPaired({
        runtime,
        taskRoot: fixtureRoot(),
        handler: 'src/modules.handler',
        events: [0, 1, 2].map((i) => apiV2('/modules', { 'x-sl-test-name': `modules #${i}` })),
        env: agentEnv(s),
      });
      assert.deepEqual(direct.map((r) => r.body), [{ undici: [] }, { undici: [] }, { undici: [] }]);
      assert.deepEqual(wrapped.map((r) => r.body), direct.map((r) => r.body), fn.output);
      // The agent did its whole work: every invocation's hit reached the stand-in.
      assert.deepEqual(hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName), ['modules #0', 'modules #1', 'modules #2'], fn.output);
      assertNothingRejected(s);
    } finally {
      await s.close();
    }
  });
}
