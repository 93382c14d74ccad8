/**
 * What arrives at the backend, through the real runtime clients with the layer: per invocation exactly the
 * fixture's methods and lines, the init footprints once (in the first report), the open execution's id, and the
 * test name from every HTTP event shape Lambda delivers, in any letter case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { CALLBACK_ROUTES, INIT, ROUTES } from './expected.mjs';
import {
  BSID, EXEC, LAB, STAGE, agentEnv, alb, apiV1, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot,
  functionUrl, hitsOf, layerLines, runPaired, standin,
} from './helpers.mjs';

/** Each case: the event, the route it takes, the test name the hit must carry. */
const CASES = [
  { event: apiV2('/a', { 'x-sl-test-name': 'checkout works' }), route: '/a', testName: 'checkout works' },
  { event: apiV1('/b', { headers: { 'X-SL-TESTID': `${EXEC}/v1 headers test` } }), route: '/b', testName: 'v1 headers test' },
  { event: apiV1('/lazy', { headers: {}, multiValueHeaders: { 'X-Sl-Test-Name': ['v1 multi-value test'] } }), route: '/lazy', testName: 'v1 multi-value test' },
  { event: alb('/x', { 'x-SL-testid': 'exec-other/alb test' }), route: '/x', testName: 'alb test' },
  { event: alb('/a', { 'X-SL-TEST-NAME': 'alb multi-value test' }, { multiValue: true }), route: '/a', testName: 'alb multi-value test' },
  { event: functionUrl('/b', { 'x-sl-testid': `${EXEC}/function url test` }), route: '/b', testName: 'function url test' },
  { event: apiV2('/x', { 'x-sl-test-name': 'name wins', 'x-sl-testid': `${EXEC}/id loses` }), route: '/x', testName: 'name wins' },
  { event: apiV2('/a'), route: '/a', testName: null },
  { event: apiV1('/b', { headers: null, multiValueHeaders: null }), route: '/b', testName: null },
  { event: { path: '/x' }, route: '/x', testName: null },
];

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: footprints per invocation`, () => {
    let s;
    let run;
    before(async () => {
      assertRuntimesInstalled();
      s = await standin();
      run = await runPaired({ runtime, taskRoot: fixtureRoot(), events: CASES.map((c) => c.event), env: agentEnv(s, { SL_LOG_LEVEL: 'debug' }) });
      await s.waitFor(() => s.received().length >= CASES.length, { timeoutMs: 2000 }).catch(() => {});
    });
    after(() => s?.close());

    test('responses are unchanged and each report arrived during its invocation', () => {
      assertInvisible(run, 1000);
      assertNothingRejected(s);
      // One footprints POST per invocation, each answered before the runtime went back to /next.
      assert.equal(s.accepted().length, CASES.length, run.fn.output);
    });

    test('every hit names exactly the methods and lines its route ran', () => {
      const hits = hitsOf(s.accepted()).filter((h) => !h.init);
      assert.equal(hits.length, CASES.length);
      hits.forEach((hit, i) => assert.deepEqual(hit.methods, ROUTES[CASES[i].route], `invocation ${i} (${CASES[i].route})`));
    });

    test('init footprints arrive once, in the first report, with what ran while the module loaded', () => {
      const records = s.accepted();
      const first = hitsOf(records.slice(0, 1));
      assert.deepEqual(first.map((h) => h.init), [true, false]);
      assert.deepEqual(first[0].methods, INIT);
      assert.equal(first[0].testName, null);
      assert.deepEqual(hitsOf(records.slice(1)).filter((h) => h.init), []);
    });

    test('the execution id, lab, build session and test stage are the open execution\'s', () => {
      for (const record of s.accepted()) {
        assert.equal(record.form, 'direct');
        assert.deepEqual(record.params, { executionBsid: BSID, testStage: STAGE, buildSessionId: BSID });
        assert.equal(record.headers['x-sl-executionid'], EXEC);
        assert.equal(record.body.meta.labId, LAB);
        assert.deepEqual(record.body.executions.map((e) => e.executionId), [EXEC]);
        assert.deepEqual(record.warnings, []);
      }
      for (const hit of hitsOf(s.accepted())) {
        assert.ok(hit.start <= hit.end && hit.end - hit.start <= 60, `start ${hit.start}, end ${hit.end}`);
      }
    });

    test('test names come from API Gateway v1/v2, ALB and function-URL headers, any letter case; null without', () => {
      const names = hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName);
      assert.deepEqual(names, CASES.map((c) => c.testName));
    });

    test('the token is never in the function\'s output, and the layer logged no warning', () => {
      assertNoToken(run.fn.output, s.token);
      const problems = layerLines(run.fn.output).filter((l) => /\t(WARN|ERROR)\t/.test(l) || !/\t(INFO|DEBUG)\t/.test(l));
      assert.deepEqual(problems, []);
    });
  });
}

describe('ric3: a callback-style handler reports per invocation too', () => {
  test('exact methods per invocation, init once', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    try {
      const routes = ['/a', '/x', '/lazy'];
      const run = await runPaired({ runtime: 'ric3', taskRoot: fixtureRoot(), handler: 'src/app.callback', events: routes.map((p) => apiV2(p)), env: agentEnv(s) });
      assertInvisible(run, 1000);
      assertNothingRejected(s);
      const hits = hitsOf(s.accepted());
      assert.deepEqual(hits.map((h) => h.init), [true, false, false, false]);
      assert.deepEqual(hits[0].methods, INIT);
      hits.slice(1).forEach((hit, i) => assert.deepEqual(hit.methods, CALLBACK_ROUTES[routes[i]], routes[i]));
    } finally {
      await s.close();
    }
  });
});
