/**
 * Collection follows the test execution of the lab: nothing is sent while none is open, collection resumes
 * when one opens (and the first collected invocation holds only what ran during it), bodies follow the
 * execution when it changes, and SL_ALWAYS_REPORT reports without one. SL_EXECUTION_CHECK_INTERVAL_S=0 makes
 * the agent ask after every invocation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { INIT, ROUTES } from './expected.mjs';
import {
  EXECUTION, LAB, agentEnv, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot, hitsOf, runPaired, standin,
} from './helpers.mjs';

const EVERY_TIME = { SL_EXECUTION_CHECK_INTERVAL_S: '0' };

/**
 * Runs `steps` (routes, or `open:<executionId>` / `close` / `status:<status>` / `wait:<ms>`) through the layer on ric3 against
 * a stand-in `s`, comparing each response with a direct run. Returns the paired run and, per route step, how
 * many footprints POSTs the stand-in had seen right after it.
 */
async function script(s, steps, env = {}) {
  const routes = steps.filter((p) => p.startsWith('/'));
  const seenAfter = [];
  let at = 0;
  const applyControls = async () => {
    while (at < steps.length && !steps[at].startsWith('/')) {
      const step = steps[at++];
      if (step === 'close') s.setExecution(LAB, null);
      else if (step.startsWith('open:')) s.setExecution(LAB, { ...EXECUTION, executionId: step.slice(5) });
      else if (step.startsWith('status:')) s.setExecution(LAB, { ...EXECUTION, status: step.slice(7) });
      else if (step.startsWith('wait:')) await new Promise((resolve) => setTimeout(resolve, Number(step.slice(5))));
    }
    at++; // the route itself
  };
  await applyControls();
  const run = await runPaired({
    taskRoot: fixtureRoot(),
    events: routes.map((p, i) => apiV2(p, { 'x-sl-test-name': `test ${p} #${i}` })),
    env: agentEnv(s, { ...EVERY_TIME, ...env }),
    between: async () => {
      seenAfter.push(s.received().length);
      await applyControls();
    },
  });
  return { run, seenAfter };
}

describe('ric3: collection follows the test execution', () => {
  test('paused while none is open (nothing sent); resumed when one opens, without what ran before', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    try {
      // /a and /b run while no execution is open; /lazy is the invocation during which the agent learns that
      // one opened; /x is the first collected one and must hold only its own footprints.
      const { run, seenAfter } = await script(s, ['/a', '/b', 'open:exec-1', '/lazy', '/x', '/b']);
      assertInvisible(run, 1000);
      assertNothingRejected(s);
      assert.deepEqual(seenAfter.slice(0, 2), [0, 0], 'footprints were sent while no execution was open');
      // Exactly: the init hit, then /lazy (collected tentatively from a reset, given to exec-1 once its check
      // found it open) and the two after it, each with only what it ran; nothing of /a and /b.
      assert.deepEqual(
        hitsOf(s.accepted()).map((h) => [h.executionId, h.init ? 'init' : h.testName, h.methods]),
        [
          ['exec-1', 'init', INIT],
          ['exec-1', 'test /lazy #2', ROUTES['/lazy']],
          ['exec-1', 'test /x #3', ROUTES['/x']],
          ['exec-1', 'test /b #4', ROUTES['/b']],
        ],
        run.fn.output,
      );
      // Only the execution query went out while paused: one per invocation with the interval at 0.
      const before = s.requests().filter((r) => !['config', 'methodology', 'events'].includes(r.endpoint)).slice(0, 2).map((r) => `${r.method} ${r.endpoint} ${r.status}`);
      assert.deepEqual(before, ['GET execution 404', 'GET execution 404']);
      assertNoToken(run.fn.output, s.token);
    } finally {
      await s.close();
    }
  });

  test('init footprints are reported with the first report, also when the execution opens after the first invocation', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    try {
      const { run } = await script(s, ['/a', 'open:exec-1', '/b', '/x']);
      assertInvisible(run, 1000);
      const hits = hitsOf(s.accepted());
      assert.deepEqual(hits.filter((h) => h.init).map((h) => h.methods), [INIT], run.fn.output);
      assert.equal(hits[0].init, true, 'the init hit is in the first report');
    } finally {
      await s.close();
    }
  });

  test('an execution whose status is not "created" is not reported to', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    try {
      const { run } = await script(s, ['status:ended', '/a', '/b']);
      assertInvisible(run, 1000);
      assert.deepEqual(s.received(), []);
    } finally {
      await s.close();
    }
  });

  test('when the execution changes, every body is accepted and carries the right execution', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    try {
      // exec-1 is open for /a; it closes before /b (which the agent still collects for exec-1: it learns of
      // the close afterwards); exec-2 opens before /lazy, which is collected tentatively (the check is due)
      // and given to exec-2 once the check finds it open.
      const { run } = await script(s, ['open:exec-1', '/a', 'close', '/b', 'open:exec-2', '/lazy', '/x', '/a']);
      assertInvisible(run, 1000);
      assertNothingRejected(s);
      for (const record of s.accepted()) {
        const ids = record.body.executions.map((e) => e.executionId);
        assert.ok(ids.includes(record.headers['x-sl-executionid']), `header ${record.headers['x-sl-executionid']} vs body ${ids}`);
      }
      const byExecution = {};
      for (const hit of hitsOf(s.accepted()).filter((h) => !h.init)) (byExecution[hit.executionId] ??= []).push(hit.testName);
      assert.deepEqual(byExecution['exec-1'], ['test /a #0', 'test /b #1'], JSON.stringify(byExecution));
      assert.deepEqual(byExecution['exec-2'], ['test /lazy #2', 'test /x #3', 'test /a #4'], JSON.stringify(byExecution));
    } finally {
      await s.close();
    }
  });

  test('open, closed, open again with a real check interval: exactly the hits of each execution, none of the pause', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    try {
      // With a 1 s interval: /x #2 runs after exec-1 closed but before the agent may ask again, so it is
      // exec-1's (the agent knows no better, as the vendor's agent); /a #3 and /b #4 run while the agent knows
      // none is open and its next check is not due: nothing of them may reach any execution. /lazy #5 is the
      // invocation whose due check finds exec-2: collected from a take that ends the pause, so it holds only
      // what it ran.
      const steps = ['open:exec-1', '/a', '/b', 'close', 'wait:1100', '/x', '/a', '/b', 'open:exec-2', 'wait:1100', '/lazy', '/x'];
      const { run } = await script(s, steps, { SL_EXECUTION_CHECK_INTERVAL_S: '1' });
      assertInvisible(run, 1000);
      assertNothingRejected(s);
      const byExecution = {};
      for (const hit of hitsOf(s.accepted())) (byExecution[hit.executionId] ??= []).push([hit.init ? 'init' : hit.testName, hit.methods]);
      assert.deepEqual(byExecution, {
        'exec-1': [['init', INIT], ['test /a #0', ROUTES['/a']], ['test /b #1', ROUTES['/b']], ['test /x #2', ROUTES['/x']]],
        'exec-2': [['test /lazy #5', ROUTES['/lazy']], ['test /x #6', ROUTES['/x']]],
      }, run.fn.output);
      // Asked at the first invocation, then once a second: /x #2 (closed) and /lazy #5 (open), never while paused.
      assert.deepEqual(s.requests().filter((r) => r.endpoint === 'execution').map((r) => r.status), [200, 404, 200]);
    } finally {
      await s.close();
    }
  });

  test('SL_ALWAYS_REPORT=true reports without an open execution', async () => {
    assertRuntimesInstalled();
    const s = await standin({ open: false });
    try {
      const { run } = await script(s, ['/a', '/b', '/x'], { SL_ALWAYS_REPORT: 'true' });
      assertInvisible(run, 1000);
      assertNothingRejected(s);
      const hits = hitsOf(s.accepted()).filter((h) => !h.init);
      assert.deepEqual(hits.map((h) => h.methods), [ROUTES['/a'], ROUTES['/b'], ROUTES['/x']], run.fn.output);
    } finally {
      await s.close();
    }
  });
});
