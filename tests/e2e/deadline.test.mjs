/**
 * The function's own deadline bounds every wait of the agent (issue 14, finding 1): function timeout 3 s, the
 * backend hanging (every endpoint answers only after a minute), handlers that take 1,600, 2,400 and 2,900 ms.
 * Without the layer each answers in time; with it each must too, in both delivery modes, through ric3 (Node 20)
 * and ric4 (Node 24): the same response, no timeout, no sandbox reset, and the invocation over for Lambda (the
 * runtime and the agent back in `next`) before its deadline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { agentEnv, apiV2, assertNoToken, fixtureRoot, layerLines, layerRoot, standin, startFunction } from './helpers.mjs';

const TIMEOUT_MS = 3000;
const SLEEPS = [1600, 2400, 2900];
const HANG_MS = 60000;

/** Runs the slow fixture with each of SLEEPS: `[{kind, body, idleMs}]` (idleMs: from delivery to the invocation's end). */
async function runSleeps(fn) {
  const out = [];
  for (const sleepMs of SLEEPS) {
    const r = await fn.invoke({ ...apiV2('/slow', { 'x-sl-test-name': `slept ${sleepMs}` }), sleepMs }, { timeoutMs: TIMEOUT_MS });
    await fn.idle();
    // From the delivery of the event (when the function's timeout starts) to the end of the invocation.
    const deliveredAt = r.at - r.ms;
    out.push({ kind: r.kind, body: r.body && r.body.body, idleMs: Date.now() - deliveredAt });
  }
  return out;
}

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: function timeout ${TIMEOUT_MS} ms, the backend hanging`, () => {
    for (const delivery of ['after-response', 'inline']) {
      test(`${delivery}: handlers of ${SLEEPS.join(', ')} ms answer as without the layer, before their deadline`, async () => {
        assertRuntimesInstalled();
        const s = await standin();
        s.setMode('slow', { ms: HANG_MS });
        const taskRoot = fixtureRoot();
        const direct = await startFunction({ runtime, taskRoot, handler: 'src/slow.handler', mode: 'direct' });
        const fn = await startFunction({
          runtime,
          taskRoot,
          handler: 'src/slow.handler',
          mode: 'exec-wrapper',
          layerRoot: layerRoot(),
          env: agentEnv(s, { SL_DELIVERY: delivery, SL_EXECUTION_CHECK_INTERVAL_S: '0', SL_LOG_LEVEL: 'debug' }),
        });
        try {
          const expected = await runSleeps(direct);
          const actual = await runSleeps(fn);
          const answers = SLEEPS.map((ms) => ({ kind: 'response', body: `slept ${ms}` }));
          assert.deepEqual(expected.map(({ kind, body }) => ({ kind, body })), answers, 'the direct run answered in time');
          assert.deepEqual(actual.map(({ kind, body }) => ({ kind, body })), answers, `with the layer; output:\n${fn.output}`);
          for (const [i, r] of actual.entries()) assert.ok(r.idleMs < TIMEOUT_MS, `${SLEEPS[i]} ms: over for Lambda after ${r.idleMs} ms`);
          assert.equal(fn.extensionTimeouts, 0, fn.output);
          assert.equal(fn.starts, 1, `the sandbox was reset; output:\n${fn.output}`);
          assert.ok(s.requests().length > 0, 'the agent did talk to the (hanging) backend');
          // The agent kept its own deadline: the hook guard (the wrapper's last resort) never had to act.
          assert.deepEqual(layerLines(fn.output).filter((l) => /did not finish/.test(l)), []);
          assertNoToken(fn.output, s.token);
        } finally {
          await direct.stop();
          await fn.stop();
          await s.close();
        }
      });
    }
  });
}
