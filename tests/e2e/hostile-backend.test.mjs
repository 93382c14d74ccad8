/**
 * A backend that answers what no backend should (issue 14, findings 2 and 7): an answer that never ends (200
 * with an endless body, on every endpoint) is read up to a small limit and abandoned, once logged, with the
 * function's memory and added time bounded; a 4xx other than 404 on footprints is final (the body is dropped
 * and logged, not resent on every invocation), a 429 is retried later; an execution id that cannot go in a
 * header is no answer (hits wait for a valid one); through the real runtime clients.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { ROUTES } from './expected.mjs';
import {
  agentEnv, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot, hitsOf, layerLines, layerRoot, runPaired, standin,
  startFunction,
} from './helpers.mjs';

const BUDGET_MS = 2000; // SL_FLUSH_BUDGET_MS's default
const MARGIN_MS = 500; // scheduling noise on a loaded 2-CPU machine
const ROUTE_CYCLE = ['/a', '/b', '/lazy', '/x'];

/** `n` events cycling through the routes, each with its own test name. */
function cases(n) {
  return Array.from({ length: n }, (_, i) => ({ route: ROUTE_CYCLE[i % 4], testName: `hostile #${i}` }));
}

/** Peak resident memory of process `pid` in kB (VmHWM). */
function peakRssKb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)[1]);
}

/**
 * Invokes `events` with the layer and directly, one pair at a time (`between(i)` after pair i); returns the
 * results, both functions' peak RSS (kB) and the layered function's output.
 */
async function pairedWithMemory({ runtime, env, events, between }) {
  const taskRoot = fixtureRoot();
  const direct = await startFunction({ runtime, taskRoot, handler: 'src/app.handler', mode: 'direct' });
  const fn = await startFunction({ runtime, taskRoot, handler: 'src/app.handler', mode: 'exec-wrapper', layerRoot: layerRoot(), env });
  const out = { direct: [], wrapped: [], fn };
  try {
    for (let i = 0; i < events.length; i++) {
      out.direct.push(await direct.invoke(events[i]));
      out.wrapped.push(await fn.invoke(events[i]));
      await fn.idle();
      if (between) await between(i);
    }
    out.directPeakKb = peakRssKb(direct.pid);
    out.peakKb = peakRssKb(fn.pid);
  } finally {
    await direct.stop();
    await fn.stop();
  }
  return out;
}

/** The most the layer may add to the peak RSS while the backend answers endlessly (measured 14-20 MB; 0.7-1.7 GB unbounded). */
const MAX_ADDED_RSS_KB = 50 * 1024;

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: a backend answering 200 with an endless body`, () => {
    for (const delivery of ['after-response', 'inline']) {
      test(`${delivery}: each answer abandoned past the limit, logged once; memory and added time bounded; nothing lost once it answers`, async (t) => {
        assertRuntimesInstalled();
        const s = await standin();
        s.setMode('endless');
        const list = cases(6);
        try {
          const result = await pairedWithMemory({
            runtime,
            env: agentEnv(s, { SL_DELIVERY: delivery, SL_EXECUTION_CHECK_INTERVAL_S: '0', SL_LOG_LEVEL: 'debug' }),
            events: list.map((c) => apiV2(c.route, { 'x-sl-test-name': c.testName })),
            between: (i) => {
              if (i === 3) s.setMode('normal');
            },
          });
          assertInvisible(result, BUDGET_MS + MARGIN_MS);
          const added = result.peakKb - result.directPeakKb;
          t.diagnostic(`peak RSS ${result.peakKb} kB with the layer, ${result.directPeakKb} kB without; added ms ${result.wrapped.map((r, i) => r.ms - result.direct[i].ms)}`);
          assert.ok(added < MAX_ADDED_RSS_KB, `peak RSS ${result.peakKb} kB, ${added} kB over the direct run's ${result.directPeakKb} kB`);
          const endless = s.requests().filter((r) => r.status === null);
          assert.ok(endless.length >= 4, `the endless answers were given: ${endless.length}`);
          const lines = layerLines(result.fn.output).filter((l) => /larger than/.test(l));
          assert.deepEqual(lines.map((l) => l.split('\t').pop()), [
            '[v8-footprints] an answer of the backend was larger than 65536 bytes: it was abandoned, and the request counts as failed',
          ]);
          // The execution was never learned while the answers were endless: the first hits were kept
          // tentatively and arrive with the others once the backend answers.
          assertNothingRejected(s);
          const hits = hitsOf(s.accepted()).filter((h) => !h.init);
          assert.deepEqual(Object.fromEntries(hits.map((h) => [h.testName, h.methods])), Object.fromEntries(list.map((c) => [c.testName, ROUTES[c.route]])));
          assertNoToken(result.fn.output, s.token);
        } finally {
          await s.close();
        }
      });
    }
  });
}

const footprintPosts = (s) => s.requests().filter((r) => r.endpoint === 'footprints');

/** Asserts every case's hit arrived exactly once (keyed by test name), except the cases at `except`. */
function assertArrived(s, list, { except = [] } = {}) {
  const hits = hitsOf(s.accepted()).filter((h) => !h.init);
  const names = hits.map((h) => h.testName);
  assert.equal(new Set(names).size, names.length, `a hit arrived twice: ${names}`);
  const expected = Object.fromEntries(list.filter((c, i) => !except.includes(i)).map((c) => [c.testName, ROUTES[c.route]]));
  assert.deepEqual(Object.fromEntries(hits.map((h) => [h.testName, h.methods])), expected);
}

describe('ric3 and ric4: a 4xx on footprints', () => {
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: 400 is final: one POST per invocation, its hits dropped (one line), later sends go on`, async () => {
      assertRuntimesInstalled();
      const s = await standin();
      const list = cases(4);
      try {
        const result = await runPaired({
          runtime,
          taskRoot: fixtureRoot(),
          events: list.map((c) => apiV2(c.route, { 'x-sl-test-name': c.testName })),
          env: agentEnv(s),
          between: (i) => {
            if (i === 0) s.setMode('400', { endpoints: 'footprints' });
            if (i === 2) s.setMode('normal');
          },
        });
        assertInvisible(result, BUDGET_MS + MARGIN_MS);
        assert.deepEqual(footprintPosts(s).map((r) => r.status), [200, 400, 400, 200], 'not retried, not resent');
        assertArrived(s, list, { except: [1, 2] });
        assert.deepEqual(layerLines(result.fn.output).filter((l) => /refused/.test(l)).map((l) => l.split('\t').pop()), [
          '[v8-footprints] the backend refused footprints (HTTP 400): 1 hits dropped, not resent; later refusals are counted in a summary',
        ]);
      } finally {
        await s.close();
      }
    });
  }

  test('ric3: 429 is transient: the hits are kept and arrive once the backend takes them', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const list = cases(4);
    try {
      const result = await runPaired({
        runtime: 'ric3',
        taskRoot: fixtureRoot(),
        events: list.map((c) => apiV2(c.route, { 'x-sl-test-name': c.testName })),
        env: agentEnv(s),
        between: (i) => {
          if (i === 0) s.setMode('429', { endpoints: 'footprints' });
          if (i === 2) s.setMode('normal');
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      // Invocations 1 and 2: a send and its one retry each, refused; invocation 3 sends all three.
      assert.deepEqual(footprintPosts(s).map((r) => r.status), [200, 429, 429, 429, 429, 200]);
      assertArrived(s, list);
      assertNothingRejected(s);
    } finally {
      await s.close();
    }
  });
});

describe('ric3: an execution id a header cannot carry', () => {
  test('is no answer: one line, nothing sent for it, the function unchanged; a later valid id gets every hit', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    s.setExecution('lab-e2e', { executionId: 'exec-\u00e9\u2028', buildSessionId: 'bsid-e2e', testStage: 'E2E Tests' });
    const list = cases(4);
    try {
      const result = await runPaired({
        runtime: 'ric3',
        taskRoot: fixtureRoot(),
        events: list.map((c) => apiV2(c.route, { 'x-sl-test-name': c.testName })),
        env: agentEnv(s, { SL_EXECUTION_CHECK_INTERVAL_S: '0' }),
        between: (i) => {
          if (i === 1) s.setExecution('lab-e2e', { executionId: 'exec-e2e', buildSessionId: 'bsid-e2e', testStage: 'E2E Tests' });
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assert.deepEqual(layerLines(result.fn.output).filter((l) => /WARN/.test(l)).map((l) => l.split('\t').pop()), [
        '[v8-footprints] cannot tell whether a test execution is open for lab lab-e2e: the test execution id is not printable ASCII',
      ]);
      // Kept tentatively while the execution was not known, then sent with the valid id.
      assertNothingRejected(s);
      assertArrived(s, list);
      assert.deepEqual([...new Set(hitsOf(s.accepted()).map((h) => h.executionId))], ['exec-e2e']);
    } finally {
      await s.close();
    }
  });
});
