/**
 * Overlapping invocations in one isolate: the 4.x runtime client in its multi-concurrent mode
 * (AWS_LAMBDA_MAX_CONCURRENCY; AWS_LAMBDA_NODEJS_WORKER_COUNT workers, each running several invocations at
 * once), with the Runtime API stand-in serving overlapping events. V8 cannot tell the invocations apart, so
 * the rule is: each take closes a window and every invocation open during it gets what ran in it. Every
 * test's own functions must be in its hit (more is allowed, less never), every hit is sent exactly once, and
 * the responses are those of the function without the layer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { EXECUTION, agentEnv, apiV2, assertNothingRejected, fixtureRoot, hitsOf, layerLines, layerRoot, standin, startFunction } from './helpers.mjs';

const FILE = 'src/routes.js';
const HANDLER = { [`${FILE}@36,18`]: [37, 38, 39, 40, 41] };
/** Each route's own two functions (start before the wait, end after it). */
const OWN = {
  '/north': { [`${FILE}@6,9`]: [6, 7, 8], [`${FILE}@9,9`]: [9, 10, 11] },
  '/south': { [`${FILE}@12,9`]: [12, 13, 14], [`${FILE}@15,9`]: [15, 16, 17] },
  '/east': { [`${FILE}@18,9`]: [18, 19, 20], [`${FILE}@21,9`]: [21, 22, 23] },
  '/west': { [`${FILE}@24,9`]: [24, 25, 26], [`${FILE}@27,9`]: [27, 28, 29] },
};
const PATHS = Object.keys(OWN);
const ROUNDS = 10;
const WAITS = [20, 5, 15, 10];

/** Round r: one event per route, each waiting a different time, so they end in another order than they began. */
function roundEvents(r) {
  return PATHS.map((p, i) => ({ ...apiV2(p, { 'x-sl-test-name': `round ${r} ${p}` }), waitMs: WAITS[(i + r) % WAITS.length] }));
}

async function runOverlapping(mode, env, events) {
  const fn = await startFunction({ runtime: 'ric4', taskRoot: fixtureRoot(), handler: 'src/routes.handler', mode, layerRoot: layerRoot(), env });
  const results = [];
  try {
    for (let r = 0; r < ROUNDS; r++) results.push(...(await fn.invokeOverlapping(events(r))));
    await fn.idle();
  } finally {
    await fn.stop();
  }
  return { results, fn };
}

for (const { workers, concurrency } of [{ workers: 1, concurrency: 4 }, { workers: 2, concurrency: 8 }]) {
  describe(`ric4, ${workers} worker(s), up to ${concurrency} invocations at once`, () => {
    test('every test gets its own functions, once; responses unchanged', async () => {
      assertRuntimesInstalled();
      const s = await standin();
      const multi = { AWS_LAMBDA_MAX_CONCURRENCY: String(concurrency), AWS_LAMBDA_NODEJS_WORKER_COUNT: String(workers) };
      // Two rounds at once with 8 slots, so that invocations overlap across workers too.
      const events = (r) => (concurrency > 4 ? [...roundEvents(2 * r), ...roundEvents(2 * r + 1)] : roundEvents(r));
      try {
        const direct = await runOverlapping('direct', multi, events);
        const wrapped = await runOverlapping('exec-wrapper', { ...multi, ...agentEnv(s) }, events);
        const shape = (r) => ({ kind: r.kind, body: r.body });
        assert.deepEqual(wrapped.results.map(shape), direct.results.map(shape), wrapped.fn.output);
        assert.equal(wrapped.results.length, ROUNDS * (concurrency > 4 ? 8 : 4));
        assertNothingRejected(s);

        const hits = hitsOf(s.accepted());
        const names = wrapped.results.map((_, i) => `round ${Math.floor(i / 4)} ${PATHS[i % 4]}`);
        const byTest = new Map();
        for (const hit of hits.filter((h) => !h.init)) {
          assert.ok(!byTest.has(hit.testName), `${hit.testName} was sent twice`);
          byTest.set(hit.testName, hit.methods);
        }
        assert.deepEqual([...byTest.keys()].sort(), [...names].sort(), 'one hit per invocation');
        const allowed = new Set([...Object.keys(HANDLER), ...PATHS.flatMap((p) => Object.keys(OWN[p]))]);
        for (const name of names) {
          const methods = byTest.get(name);
          const own = { ...HANDLER, ...OWN[name.split(' ').pop()] };
          for (const [id, lines] of Object.entries(own)) {
            assert.ok(id in methods, `${name}: its own ${id} is missing: ${JSON.stringify(methods)}`);
            for (const line of lines) assert.ok(methods[id].includes(line), `${name}: ${id} lacks line ${line}`);
          }
          const foreign = Object.keys(methods).filter((id) => !allowed.has(id) && !id.startsWith(`${FILE}@4,`));
          assert.deepEqual(foreign, [], `${name}: methods from outside the routes`);
        }
        // One init hit per worker (each worker thread is an isolate of its own with its own agent).
        assert.deepEqual(hits.filter((h) => h.init).map((h) => h.methods), Array(workers).fill({ [`${FILE}@44,9`]: [44, 45, 46] }));
        for (const hit of hits) assert.equal(hit.executionId, EXECUTION.executionId);
        assert.deepEqual(layerLines(wrapped.fn.output).filter((l) => !l.includes('exact coverage')), []);
      } finally {
        await s.close();
      }
    });
  });
}
