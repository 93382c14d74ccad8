/**
 * Post-response delivery: the agent registers as an internal extension during init, the response goes out as
 * soon as the handler completes, and the agent takes, converts and sends afterwards, asking Lambda for the
 * next event only when it is done. The Runtime API stand-in implements the Extensions API as Lambda does (the
 * next event only once the runtime and every extension asked for it; registration only during init; an
 * invocation whose extension is still at work at its deadline times out and resets the sandbox) and can
 * freeze the process between invocations.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { normalize, taskRoot as layerTaskRoot } from '../layer/helpers.mjs';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { modeLine } from '../../wrapper/agent.mjs';
import { ROUTES } from './expected.mjs';
import { agentEnv, apiV2, assertNothingRejected, fixtureRoot, hitsOf, layerLines, layerRoot, standin, startFunction } from './helpers.mjs';

const FORMS = {
  ric3: ['asyncOk', 'promiseOk', 'asyncThrow', 'callbackOk', 'callbackWaits', 'callbackNoWait', 'succeed', 'fail', 'doneOk', 'syncReturn', 'syncThrow'],
  ric4: ['asyncOk', 'promiseOk', 'asyncThrow', 'syncReturn', 'syncThrow'],
};
const STREAMING = ['ok', 'midError'];

/** The line of `exports.<name> =` in a layer fixture file: the form's own function starts there. */
function lineOf(file, name) {
  const lines = fs.readFileSync(path.join(layerTaskRoot(), file), 'utf8').split('\n');
  return lines.findIndex((l) => l.startsWith(`exports.${name} =`)) + 1;
}

/** Invokes `handler` directly and with the layer, `count` times each; returns both runs' results and the layered function. */
async function paired(runtime, handler, env, { count = 2, taskRoot = layerTaskRoot(), options = {} } = {}) {
  const direct = await startFunction({ runtime, taskRoot, handler, mode: 'direct' });
  const fn = await startFunction({ runtime, taskRoot, handler, mode: 'exec-wrapper', layerRoot: layerRoot(), env, ...options });
  const out = { direct: [], wrapped: [], fn };
  try {
    for (let i = 0; i < count; i++) {
      const event = apiV2('/form', { 'x-sl-test-name': `${handler} #${i}` });
      out.direct.push(await direct.invoke(event));
      out.wrapped.push(await fn.invoke(event));
      await fn.idle();
    }
  } finally {
    await direct.stop();
    await fn.stop();
  }
  return out;
}

const shape = (r) => normalize(r, { frames: false });

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: footprints after the response, every completion style`, () => {
    const forms = [...FORMS[runtime].map((name) => ['forms.js', name]), ...STREAMING.map((name) => ['streaming.js', name])];
    for (const [file, name] of forms) {
      test(`${file.replace('.js', '')}.${name}: the response does not wait, its hit arrives before the next event`, async () => {
        assertRuntimesInstalled();
        const s = await standin();
        try {
          const run = await paired(runtime, `${file.replace('.js', '')}.${name}`, agentEnv(s));
          assert.deepEqual(run.wrapped.map(shape), run.direct.map(shape), run.fn.output);
          assert.deepEqual(run.fn.extensions, ['v8-footprints']);
          // Registration and every `next` over one kept-alive connection, not a new one per invocation.
          assert.equal(run.fn.extensionConnections, 1);
          assert.equal(run.fn.extensionTimeouts, 0);
          assertNothingRejected(s);
          // One hit per invocation, holding the form's own function, sent after that invocation's response.
          const records = s.accepted();
          const hits = hitsOf(records).filter((h) => !h.init);
          assert.deepEqual(hits.map((h) => h.testName), run.wrapped.map((_, i) => `${file.replace('.js', '')}.${name} #${i}`));
          const line = lineOf(file, name);
          for (const hit of hits) assert.ok(Object.keys(hit.methods).some((id) => id.startsWith(`${file}@${line},`)), `${JSON.stringify(hit.methods)} lacks ${file}@${line}`);
          const sentAt = records.map((r) => Date.parse(r.at));
          run.wrapped.forEach((r, i) => assert.ok(sentAt[i] >= r.at - 5, `invocation ${i}: footprints sent ${r.at - sentAt[i]} ms before its response`));
          assert.deepEqual(layerLines(run.fn.output).filter((l) => !l.includes(modeLine(true, 'after-response'))), []);
        } finally {
          await s.close();
        }
      });
    }
  });
}

describe('the sandbox frozen after each invocation', () => {
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: a burst of invocations, frozen right after the last: every hit arrived`, async () => {
      assertRuntimesInstalled();
      const s = await standin();
      const routes = ['/a', '/b', '/lazy', '/x', '/a'];
      const fn = await startFunction({ runtime, taskRoot: fixtureRoot(), handler: 'src/app.handler', mode: 'exec-wrapper', layerRoot: layerRoot(), env: agentEnv(s), freeze: true });
      try {
        for (const [i, route] of routes.entries()) {
          const r = await fn.invoke(apiV2(route, { 'x-sl-test-name': `burst #${i}` }));
          assert.equal(r.kind, 'response');
          await fn.idle(); // frozen now, until the next invocation
        }
        assert.equal(fn.freezes, routes.length, 'frozen after every invocation');
        // Frozen now: whatever arrived is all there is.
        assert.deepEqual(hitsOf(s.accepted()).filter((h) => !h.init).map((h) => [h.testName, h.methods]), routes.map((route, i) => [`burst #${i}`, ROUTES[route]]));
      } finally {
        await fn.stop();
        await s.close();
      }
    });
  }
});

describe("the invocation's deadline", () => {
  test('ric3: a hanging backend never turns an answered invocation into a timeout; nothing is lost once it answers', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    s.setMode('slow', { ms: 5000, endpoints: 'footprints' });
    const fn = await startFunction({ runtime: 'ric3', taskRoot: fixtureRoot(), handler: 'src/slow.handler', mode: 'exec-wrapper', layerRoot: layerRoot(), env: agentEnv(s, { SL_FLUSH_BUDGET_MS: '5000', SL_HTTP_TIMEOUT_MS: '5000' }) });
    try {
      // 1 s per invocation: one that used 700 ms leaves the agent less than its margin; one of 10 ms leaves it
      // about 690 ms, then it must stop and tell Lambda it is done.
      const results = [];
      for (const sleepMs of [700, 10, 10]) {
        const r = await fn.invoke({ ...apiV2('/slow', { 'x-sl-test-name': `slept ${sleepMs}` }), sleepMs }, { timeoutMs: 1000 });
        results.push(r);
        await fn.idle();
        // The deadline counts from the delivery of the event (a cold start's init comes before it).
        assert.ok(Date.now() - (r.at - r.ms) < 1000, `invocation of ${sleepMs} ms ended after its deadline`);
      }
      assert.deepEqual(results.map((r) => [r.kind, r.body.body]), [['response', 'slept 700'], ['response', 'slept 10'], ['response', 'slept 10']]);
      assert.equal(fn.extensionTimeouts, 0, fn.output);
      assert.equal(fn.starts, 1, 'the sandbox was never reset');
      s.setMode('normal');
      await fn.invoke({ ...apiV2('/slow', { 'x-sl-test-name': 'after recovery' }), sleepMs: 0 }, { timeoutMs: 3000 });
      await fn.idle();
      const names = hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName);
      assert.deepEqual([...names].sort(), ['after recovery', 'slept 10', 'slept 10', 'slept 700'], fn.output);
    } finally {
      await fn.stop();
      await s.close();
    }
  });
});

describe('falling back to sending before the response', () => {
  test('ric3: no Extensions API: the mode line says why, and footprints go out before each response', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    try {
      const run = await paired('ric3', 'src/app.handler', agentEnv(s), { taskRoot: fixtureRoot(), options: { extensionsApi: false } });
      assert.deepEqual(run.wrapped.map(shape), run.direct.map(shape));
      const lines = layerLines(run.fn.output).map((l) => l.split('\t').pop());
      assert.deepEqual(lines, [`[v8-footprints] ${modeLine(true, 'inline (the Extensions API refused the agent: Error: the Extensions API answered 404 to the registration)')}`]);
      const records = s.accepted();
      assert.equal(hitsOf(records).filter((h) => !h.init).length, 2);
      run.wrapped.forEach((r, i) => assert.ok(Date.parse(records[i].at) <= r.at, `invocation ${i}: sent after the response`));
    } finally {
      await s.close();
    }
  });

  test('ric3: SL_DELIVERY=inline', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    try {
      const run = await paired('ric3', 'src/app.handler', agentEnv(s, { SL_DELIVERY: 'inline' }), { taskRoot: fixtureRoot() });
      assert.deepEqual(run.fn.extensions, []);
      assert.deepEqual(layerLines(run.fn.output).map((l) => l.split('\t').pop()), [`[v8-footprints] ${modeLine(true, 'inline (SL_DELIVERY=inline)')}`]);
      assert.equal(hitsOf(s.accepted()).filter((h) => !h.init).length, 2);
    } finally {
      await s.close();
    }
  });
});
