/**
 * Long runs through the real runtime clients with the layer: thousands of warm invocations of one sandbox,
 * and every invocation's hit must hold exactly the functions it ran, from the first to the last. V8 stops
 * counting calls of code its optimizing compilers took over (a hot helper vanished from the 5th invocation on
 * Node 24, a handler from the 3,076th on Node 20); the layer keeps those compilers off (SL_EXACT_COVERAGE).
 * The negative control turns that off and must see functions go missing, so these tests would notice a
 * mechanism that stopped working.
 *
 *   node --test tests/e2e/longrun.test.mjs      (V8FP_LONGRUN=N changes the 5,000 invocations per run)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXAMPLE, HANDLER as EXAMPLE_HANDLER, EXECUTION as EXAMPLE_EXECUTION, LAB as EXAMPLE_LAB, exampleEnv, httpApiEvent } from '../../examples/measure.mjs';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { modeLine } from '../../wrapper/agent.mjs';
import { EXECUTION, agentEnv, apiV2, assertNothingRejected, fixtureRoot, hitsOf, layerLines, layerRoot, standin, startFunction, startStandin } from './helpers.mjs';

const INVOCATIONS = Number(process.env.V8FP_LONGRUN || 5000);

/** What src/hot.js runs per invocation: the handler's arrow and the helper, with their lines. */
const HOT = { 'src/hot.js@9,18': [10, 11, 12, 13], 'src/hot.js@5,9': [5, 6, 7] };
/** What the example runs per route (as tests/e2e/example.test.mjs derives it). */
const INDEX = 'test-lambda-1/index.js';
const EXAMPLE_ROUTES = {
  '/default': { [`${INDEX}@9,9`]: [9, 10, 11], [`${INDEX}@13,18`]: [14, 15, 16, 17, 22], 'test-lambda-1/lib/greeting.js@3,9': [3, 4, 5] },
  '/sealights': { [`${INDEX}@9,9`]: [9, 10, 11], [`${INDEX}@13,18`]: [14, 15, 18, 19, 20, 22], 'test-lambda-1/lib/greeting.js@7,9': [7, 8, 11, 12] },
};

/**
 * Runs `count` invocations (`eventOf(i)`, test name `t<i>`) one after another in one sandbox with the layer,
 * checks every response against the first direct one of its kind, and returns the hits by test name plus
 * the function's output.
 */
async function longRun({ runtime, taskRoot, handler, env, count, eventOf, kindOf, s }) {
  const direct = await startFunction({ runtime, taskRoot, handler, mode: 'direct' });
  const expected = new Map();
  const fn = await startFunction({ runtime, taskRoot, handler, mode: 'exec-wrapper', layerRoot: layerRoot(), env });
  try {
    for (let i = 0; i < count; i++) {
      const event = eventOf(i);
      const kind = kindOf(i);
      if (!expected.has(kind)) expected.set(kind, await direct.invoke(event));
      const r = await fn.invoke(event);
      if (r.kind !== expected.get(kind).kind || JSON.stringify(r.body) !== JSON.stringify(expected.get(kind).body)) {
        assert.fail(`invocation ${i}: ${JSON.stringify(r)} differs from the direct run's ${JSON.stringify(expected.get(kind))}\n${fn.output}`);
      }
    }
    await fn.idle();
  } finally {
    await direct.stop();
    await fn.stop();
  }
  assert.equal(fn.starts, 1, 'one sandbox served every invocation');
  assertNothingRejected(s);
  const byTest = new Map();
  for (const hit of hitsOf(s.accepted()).filter((h) => !h.init)) {
    assert.ok(!byTest.has(hit.testName), `${hit.testName} was sent twice`);
    byTest.set(hit.testName, hit.methods);
  }
  return { byTest, output: fn.output };
}

/** The invocations whose hit differs from `expectedOf(i)`, as `[i, hit]` (an absent hit is `undefined`). */
function wrongHits(byTest, count, expectedOf) {
  const canonical = (methods) => JSON.stringify(methods && Object.entries(methods).sort(([a], [b]) => (a < b ? -1 : 1)));
  const wrong = [];
  for (let i = 0; i < count; i++) {
    const hit = byTest.get(`t${i}`);
    if (canonical(hit) !== canonical(expectedOf(i))) wrong.push([i, hit]);
  }
  return wrong;
}

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: ${INVOCATIONS} warm invocations of one sandbox`, () => {
    test('a handler with a hot helper: every hit holds the handler and the helper', async () => {
      assertRuntimesInstalled();
      const s = await standin();
      try {
        const { byTest, output } = await longRun({
          runtime,
          taskRoot: fixtureRoot(),
          handler: 'src/hot.handler',
          env: agentEnv(s),
          count: INVOCATIONS,
          eventOf: (i) => ({ ...apiV2('/hot', { 'x-sl-test-name': `t${i}` }), n: i % 7 }),
          kindOf: (i) => i % 7,
          s,
        });
        assert.deepEqual(wrongHits(byTest, INVOCATIONS, () => HOT), [], output.slice(-3000));
        assert.equal(byTest.size, INVOCATIONS);
        for (const hit of hitsOf(s.accepted())) assert.equal(hit.executionId, EXECUTION.executionId);
        assert.deepEqual(layerLines(output).map((l) => l.split('\t').pop()), [`[v8-footprints] ${modeLine(true, 'after-response')}`]);
      } finally {
        await s.close();
      }
    });

    test("the seed's example: every hit holds exactly its route's functions", async () => {
      assertRuntimesInstalled();
      const s = await startStandin({ labs: { [EXAMPLE_LAB]: EXAMPLE_EXECUTION } });
      const routeOf = (i) => (i % 3 === 2 ? '/sealights' : '/default');
      try {
        const { byTest } = await longRun({
          runtime,
          taskRoot: EXAMPLE,
          handler: EXAMPLE_HANDLER,
          env: exampleEnv(s),
          count: INVOCATIONS,
          eventOf: (i) => httpApiEvent(routeOf(i), { 'x-sl-test-name': `t${i}` }),
          kindOf: routeOf,
          s,
        });
        assert.deepEqual(wrongHits(byTest, INVOCATIONS, (i) => EXAMPLE_ROUTES[routeOf(i)]), []);
        assert.equal(byTest.size, INVOCATIONS);
      } finally {
        await s.close();
      }
    });
  });
}

describe('negative control: SL_EXACT_COVERAGE=false', () => {
  test('ric4: the hot helper goes missing, as it did before the mechanism (and the mode is logged)', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const count = 300;
    try {
      const { byTest, output } = await longRun({
        runtime: 'ric4',
        taskRoot: fixtureRoot(),
        handler: 'src/hot.handler',
        env: agentEnv(s, { SL_EXACT_COVERAGE: 'false' }),
        count,
        eventOf: (i) => apiV2('/hot', { 'x-sl-test-name': `t${i}` }),
        kindOf: () => 0,
        s,
      });
      const wrong = wrongHits(byTest, count, () => HOT);
      assert.ok(wrong.length > count / 2, `only ${wrong.length} of ${count} hits lost a function without the mechanism`);
      assert.deepEqual(wrong.find(([, hit]) => hit && !hit['src/hot.js@5,9'])?.[1], { 'src/hot.js@9,18': HOT['src/hot.js@9,18'] });
      assert.deepEqual(layerLines(output).map((l) => l.split('\t').pop()), [`[v8-footprints] ${modeLine(false, 'after-response')}`]);
    } finally {
      await s.close();
    }
  });
});
