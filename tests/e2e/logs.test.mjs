/**
 * The log says what changed, not what happened (issue 14, finding 5): with the backend down (connection refused)
 * for 3,000 invocations, each endpoint's outage is one line, the drops one line, and the return one line per
 * endpoint counting every hit dropped meanwhile; a summary at most once a minute in between. Through the real
 * runtime clients, with every invocation asking about the execution and sending (the worst case for the log).
 *
 *   V8FP_LOG_INVOCATIONS=N changes the 3,000 invocations.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { modeLine } from '../../wrapper/agent.mjs';
import { agentEnv, apiV2, assertNoToken, fixtureRoot, hitsOf, layerLines, layerRoot, standin, startFunction, startStandin } from './helpers.mjs';

const INVOCATIONS = Number(process.env.V8FP_LOG_INVOCATIONS || 3000);
const PENDING_HITS = 100;
const ROUTE_CYCLE = ['/a', '/b', '/lazy', '/x'];
const unreachable = (endpoint) =>
  `[v8-footprints] the backend cannot be reached for ${endpoint} (ECONNREFUSED): hits are kept for later sends, up to SL_PENDING_HITS=${PENDING_HITS}; the log says when it answers again`;

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: the backend down for ${INVOCATIONS} invocations`, () => {
    test('a handful of lines: one per change of state, the dropped hits counted', async (t) => {
      assertRuntimesInstalled();
      const first = await standin();
      const { port, token } = first;
      await first.close(); // connection refused from the start
      const fn = await startFunction({
        runtime,
        taskRoot: fixtureRoot(),
        handler: 'src/app.handler',
        mode: 'exec-wrapper',
        layerRoot: layerRoot(),
        env: agentEnv(first, { SL_ALWAYS_REPORT: 'true', SL_EXECUTION_CHECK_INTERVAL_S: '0', SL_PENDING_HITS: String(PENDING_HITS) }),
      });
      let s = null;
      try {
        const started = Date.now();
        for (let i = 0; i < INVOCATIONS; i++) {
          const r = await fn.invoke(apiV2(ROUTE_CYCLE[i % 4], { 'x-sl-test-name': `down #${i}` }));
          if (r.kind !== 'response') assert.fail(`invocation ${i}: ${JSON.stringify(r)}\n${fn.output}`);
        }
        await fn.idle();
        const downMs = Date.now() - started;
        s = await startStandin({ port, token });
        for (let i = 0; i < 2; i++) {
          await fn.invoke(apiV2('/x', { 'x-sl-test-name': `back #${i}` }));
          await fn.idle();
        }
        const lines = layerLines(fn.output).map((l) => l.split('\t').pop());
        t.diagnostic(`${INVOCATIONS} invocations in ${downMs} ms: ${lines.length} lines`);
        const summaries = lines.filter((l) => /^\[v8-footprints\] in the last \d+ s: /.test(l));
        assert.ok(summaries.length <= Math.floor(downMs / 60000) + 1, `at most one summary a minute:\n${summaries.join('\n')}`);
        const rest = lines.filter((l) => !summaries.includes(l));
        const [modeAndStart, dropping, backAgain] = [rest.slice(0, 6), rest[6], rest.slice(7)];
        assert.deepEqual(modeAndStart.slice().sort(), [
          `[v8-footprints] ${modeLine(true, 'after-response')}`,
          unreachable('agent events'),
          unreachable('footprints'),
          unreachable('the remote configuration'),
          unreachable('the test execution check'),
          unreachable("the build's methodology"),
        ].sort(), fn.output.slice(-3000));
        assert.match(dropping, new RegExp(`^\\[v8-footprints\\] hits are being dropped: more than SL_PENDING_HITS=${PENDING_HITS} waited to be sent \\(1 so far; later drops are counted in a summary\\)$`));
        // Back: the check, then the send; every hit is either sent or counted as dropped, none twice.
        assert.equal(backAgain.length, 2, backAgain.join('\n'));
        const back = backAgain.map((l) => /^\[v8-footprints\] the backend answers again for (.*), after (\d+) failed requests in \d+ s; (\d+) hits were dropped meanwhile \(SL_PENDING_HITS=100\)$/.exec(l));
        assert.deepEqual(back.map((m) => m && m[1]), ['the test execution check', 'footprints'], backAgain.join('\n'));
        const dropped = Number(back[1][3]);
        const sent = hitsOf(s.accepted());
        assert.equal(new Set(sent.map((h) => h.testName)).size, sent.length, 'a hit was sent twice');
        assert.equal(sent.length + dropped, INVOCATIONS + 2 + 1, `${sent.length} hits sent and ${dropped} dropped of ${INVOCATIONS + 3} (init included)`);
        // The newest SL_PENDING_HITS were kept (the first invocation back adds one and drops the oldest).
        const newest = Array.from({ length: PENDING_HITS - 1 }, (_, i) => `down #${INVOCATIONS - PENDING_HITS + 1 + i}`);
        assert.deepEqual(sent.map((h) => h.testName), [...newest, 'back #0', 'back #1']);
        assertNoToken(fn.output, token);
      } finally {
        await fn.stop();
        if (s) await s.close();
      }
    });
  });
}

/** What each runtime client prints for the request id of a line written at init. */
const INIT_REQUEST_ID = { ric3: 'undefined', ric4: '-' };

for (const runtime of ['ric3', 'ric4']) {
  test(`${runtime}: the layer's lines carry the runtime's own stamp, the time they were written (UTC, ISO 8601)`, async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const started = Date.now();
    const fn = await startFunction({ runtime, taskRoot: fixtureRoot(), handler: 'src/app.handler', mode: 'exec-wrapper', layerRoot: layerRoot(), env: agentEnv(s) });
    try {
      const r = await fn.invoke(apiV2('/a', { 'x-sl-test-name': 'stamp' }));
      assert.equal(r.kind, 'response', fn.output);
      const answered = Date.now();
      const lines = layerLines(fn.output);
      assert.equal(lines.length, 1, fn.output);
      const [stamp, requestId, level, message] = lines[0].split('\t');
      assert.deepEqual([requestId, level, message], [INIT_REQUEST_ID[runtime], 'INFO', `[v8-footprints] ${modeLine(true, 'after-response')}`]);
      assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const at = Date.parse(stamp);
      assert.ok(at >= started && at <= answered, `${stamp}: between the function's start and its first response`);
    } finally {
      await fn.stop();
      await s.close();
    }
  });
}
