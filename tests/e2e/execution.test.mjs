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
 * Runs `steps` (routes, or `open:<executionId>` / `close` / `status:<status>`) through the layer on ric3 against
 * a stand-in `s`, comparing each response with a direct run. Returns the paired run and, per route step, how
 * many footprints POSTs the stand-in had seen right after it.
 */
async function script(s, steps, env = {}) {
  const routes = steps.filter((p) => p.startsWith('/'));
  const seenAfter = [];
  let at = 0;
  const applyControls = () => {
    while (at < steps.length && !steps[at].startsWith('/')) {
      const step = steps[at++];
      if (step === 'close') s.setExecution(LAB, null);
      else if (step.startsWith('open:')) s.setExecution(LAB, { ...EXECUTION, executionId: step.slice(5) });
      else if (step.startsWith('status:')) s.setExecution(LAB, { ...EXECUTION, status: step.slice(7) });
    }
    at++; // the route itself
  };
  applyControls();
  const run = await runPaired({
    taskRoot: fixtureRoot(),
    events: routes.map((p, i) => apiV2(p, { 'x-sl-test-name': `test ${p} #${i}` })),
    env: agentEnv(s, { ...EVERY_TIME, ...env }),
    between: () => {
      seenAfter.push(s.received().length);
      applyControls();
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
      const hits = hitsOf(s.accepted()).filter((h) => !h.init);
      assert.ok(hits.length >= 2, run.fn.output);
      const [first, second] = hits.slice(-2);
      assert.equal(first.testName, 'test /x #3');
      assert.deepEqual(first.methods, ROUTES['/x'], 'the first collected invocation holds what ran before it');
      assert.deepEqual(second.methods, ROUTES['/b']);
      for (const hit of hitsOf(s.accepted())) assert.equal(hit.executionId, 'exec-1');
      // Only the execution query went out while paused: one per invocation with the interval at 0.
      const before = s.requests().slice(0, 2).map((r) => `${r.method} ${r.endpoint} ${r.status}`);
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
