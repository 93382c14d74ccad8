/**
 * The agent's own modules cost the function memory: an ES-module import of a built-in reads all its exports,
 * and on Node 22 and later that makes `node:http` load Node's bundled fetch client (undici) and `node:fs` load
 * fs/promises, readline and the REPL's history, none of which the agent uses (about 4 MB of a warm Node 24
 * function's resident memory, see wrapper/lib/builtins.mjs). node:crypto (for the agent's id) and node:https
 * (and with it node:tls) cost another 3 MB, and a backend reached over plain HTTP (the stand-in here, a
 * collector) needs neither. node:perf_hooks (behind the global `performance`) and node:os (for the CPU count)
 * cost 0.6 and 0.3 MB on Node 20 for one fact each (node:inspector loads node:worker_threads itself); node:vm
 * is for Node 22's and later's old-space collection, loaded when the first is due. Through both runtime clients, with a test execution open (so the backend client
 * and, after the response, the extension client both run), the layered function has loaded none of them, as
 * the same function without the layer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { agentEnv, apiV2, assertNothingRejected, fixtureRoot, hitsOf, runPaired, standin } from './helpers.mjs';

assertRuntimesInstalled();

for (const runtime of ['ric3', 'ric4']) {
  test(`${runtime}: the layer loads no undici, fs/promises, readline, REPL, perf_hooks, os, vm, crypto, tls or https module the function does not`, async () => {
    const s = await standin();
    try {
      const { direct, wrapped, fn } = await runPaired({
        runtime,
        taskRoot: fixtureRoot(),
        handler: 'src/modules.handler',
        events: [0, 1, 2].map((i) => apiV2('/modules', { 'x-sl-test-name': `modules #${i}` })),
        env: agentEnv(s),
      });
      // aws-lambda-ric 4 on Node 24 loads only node:os of them itself (3.x loads fs/promises and readline).
      const os = { loaded: ['NativeModule os'] };
      if (runtime === 'ric4') assert.deepEqual(direct.map((r) => r.body), [os, os, os]);
      assert.deepEqual(wrapped.map((r) => r.body), direct.map((r) => r.body), fn.output);
      // The agent did its whole work: every invocation's hit reached the stand-in.
      assert.deepEqual(hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName), ['modules #0', 'modules #1', 'modules #2'], fn.output);
      assertNothingRejected(s);
    } finally {
      await s.close();
    }
  });
}
