/**
 * The agent's hooks through the real runtime clients: they run around every completion style, a hook that
 * throws, hangs past its budget or leaves a timer and a socket behind changes no response and does not delay
 * a callback-style response past the budget, and a wrapper that cannot start exports the original handler.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EVENTS } from './forms.mjs';
import { here, layerRoot, normalize, pool, taskRoot, tempDir } from './helpers.mjs';
import { assertRuntimesInstalled, startFunction } from './runtime-api.mjs';

const BUDGET_MS = 300;
const agent = (name) => path.join(here, 'agents', `${name}.mjs`);
const tmp = tempDir('v8fp-hooks-');
let hangServer;
let hangPort;
const held = [];

before(async () => {
  assertRuntimesInstalled();
  layerRoot();
  // A server that never answers: the leaky agent's request stays open.
  hangServer = http.createServer((req, res) => held.push(res));
  await new Promise((resolve) => hangServer.listen(0, '127.0.0.1', resolve));
  hangPort = hangServer.address().port;
});

after(async () => {
  for (const res of held) res.destroy();
  hangServer.closeAllConnections();
  await new Promise((resolve) => hangServer.close(resolve));
});

/** Runs `handler`, invoking it with both events; returns {results, output}. */
async function run(runtime, handler, mode, env = {}, options = {}) {
  const fn = await startFunction({ runtime, taskRoot: taskRoot(), handler, mode, layerRoot: options.layerRoot ?? layerRoot(), env, execWrapper: options.execWrapper });
  try {
    const results = [];
    for (const event of EVENTS) results.push(await fn.invoke(event, { timeoutMs: 15000 }));
    await fn.idle();
    return { results, output: fn.output };
  } finally {
    await fn.stop();
  }
}

const direct = new Map();
async function directRun(runtime, handler) {
  const key = `${runtime} ${handler}`;
  if (!direct.has(key)) direct.set(key, run(runtime, handler, 'direct'));
  return direct.get(key);
}

function readRecord(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

const FAULTY_FORMS = {
  ric3: ['forms.asyncOk', 'forms.asyncThrow', 'forms.callbackOk', 'forms.callbackWaits', 'forms.callbackNoWait',
    'forms.succeed', 'forms.syncReturn', 'forms.syncThrow', 'forms.neverSettlesSync', 'streaming.ok', 'streaming.midError'],
  ric4: ['forms.asyncOk', 'forms.asyncThrow', 'forms.syncReturn', 'forms.syncThrow', 'streaming.ok', 'streaming.midError'],
};
// Completion styles where the response waits for the event loop or the callback (3.x) — the timing check.
const CALLBACK_STYLE = new Set(['forms.callbackOk', 'forms.callbackWaits', 'forms.succeed', 'forms.syncReturn', 'forms.neverSettlesSync']);

describe('faulty hooks change no response and respect the budget', () => {
  const cases = [];
  for (const agentName of ['throwing', 'hanging', 'leaky']) {
    for (const runtime of ['ric3', 'ric4']) {
      for (const handler of FAULTY_FORMS[runtime]) cases.push({ agentName, runtime, handler });
    }
  }
  const outcomes = new Map();
  before(async () => {
    await pool(
      cases.map((c) => async () => {
        const env = { V8FP_AGENT_MODULE: agent(c.agentName), SL_FLUSH_BUDGET_MS: String(BUDGET_MS), V8FP_TEST_HANG_PORT: String(hangPort) };
        const [layered, expected] = await Promise.all([run(c.runtime, c.handler, 'exec-wrapper', env), directRun(c.runtime, c.handler)]);
        outcomes.set(c, { layered, expected });
      }),
      4,
    );
  });

  for (const c of cases) {
    test(`${c.agentName} agent, ${c.runtime} ${c.handler}`, () => {
      const { layered, expected } = outcomes.get(c);
      assert.deepEqual(
        layered.results.map((r) => normalize(r)),
        expected.results.map((r) => normalize(r)),
        `response changed; output:\n${layered.output}`,
      );
      const slowHook = c.agentName !== 'throwing';
      layered.results.forEach((r, i) => {
        const base = expected.results[i].ms;
        // Released no later than the budget after the handler completed (generous margin for 2 cores)...
        assert.ok(r.ms < base + BUDGET_MS + 1500, `invocation ${i} took ${r.ms} ms (direct ${base} ms)`);
        // ...and a hook that hangs is waited for, up to the budget, before the response is released.
        if (slowHook && r.kind !== 'stream') assert.ok(r.ms >= BUDGET_MS - 30, `invocation ${i} took only ${r.ms} ms`);
      });
      if (CALLBACK_STYLE.has(c.handler) && c.runtime === 'ric3') {
        layered.results.forEach((r) => assert.ok(r.ms < 3000, `a callback-style response waited ${r.ms} ms`));
      }
    });
  }

  test('the leaky agent did leave requests open (so the timing checks above cover sockets too)', () => {
    assert.ok(held.length > 0, 'no request reached the hang server');
  });

  test('each failure is logged once, on one line', () => {
    const c = cases.find((x) => x.agentName === 'throwing' && x.runtime === 'ric3' && x.handler === 'forms.asyncOk');
    const lines = outcomes.get(c).layered.output.split('\n').filter((l) => l.includes('[v8-footprints]'));
    const count = (re) => lines.filter((l) => re.test(l)).length;
    assert.equal(count(/beforeLoad hook failed: Error: beforeLoad exploded/), 1, lines.join('\n'));
    assert.equal(count(/beforeInvoke hook failed: TypeError: beforeInvoke exploded/), 1, lines.join('\n'));
    assert.equal(count(/afterInvoke hook failed: RangeError: afterInvoke exploded/), 1, lines.join('\n'));
    const h = cases.find((x) => x.agentName === 'hanging' && x.runtime === 'ric4' && x.handler === 'forms.asyncOk');
    const hangLines = outcomes.get(h).layered.output.split('\n').filter((l) => l.includes('did not finish within'));
    assert.equal(hangLines.length, 2, 'beforeLoad and afterInvoke budgets, once each');
  });
});

describe('afterInvoke runs once per invocation, whatever the completion style', () => {
  const EXPECTED = {
    ric3: {
      'forms.asyncOk': ['success', 'promise'],
      'forms.asyncThrow': ['error', 'promise'],
      'forms.promiseOk': ['success', 'promise'],
      'forms.callbackOk': ['success', 'callback'],
      'forms.callbackError': ['error', 'callback'],
      'forms.callbackWaits': ['success', 'callback'],
      'forms.succeed': ['success', 'context'],
      'forms.fail': ['error', 'context'],
      'forms.doneErr': ['error', 'context'],
      'forms.syncReturn': ['success', 'event-loop'],
      'forms.syncThrow': ['error', 'throw'],
      'forms.neverSettlesSync': ['success', 'event-loop'],
      'streaming.ok': ['success', 'stream'],
      'streaming.midError': ['error', 'stream'],
    },
    ric4: {
      'forms.asyncOk': ['success', 'promise'],
      'forms.asyncReject': ['error', 'promise'],
      'forms.syncReturnTwoArgs': ['success', 'return'],
      'forms.syncThrow': ['error', 'throw'],
      'streaming.ok': ['success', 'stream'],
      'streaming.midError': ['error', 'stream'],
    },
  };
  const cases = [];
  for (const [runtime, forms] of Object.entries(EXPECTED)) {
    for (const [handler, [status, style]] of Object.entries(forms)) {
      const mode = cases.length % 2 ? 'redirect' : 'exec-wrapper';
      cases.push({ runtime, handler, status, style, mode, execWrapper: cases.length % 4 === 2 ? 'setup' : undefined });
    }
  }
  for (const c of cases) {
    test(`${c.runtime} ${c.handler} (${c.mode}${c.execWrapper ? ' via /opt/setup' : ''}): ${c.status}, ${c.style}`, async () => {
      const file = path.join(tmp, `record-${c.runtime}-${c.handler}-${c.mode}.jsonl`);
      const env = { V8FP_AGENT_MODULE: agent('recording'), V8FP_TEST_RECORD: file };
      const [{ results, output }, expected] = await Promise.all([
        run(c.runtime, c.handler, c.mode, env, { execWrapper: c.execWrapper }),
        directRun(c.runtime, c.handler),
      ]);
      assert.deepEqual(results.map((r) => normalize(r)), expected.results.map((r) => normalize(r)), output);
      const record = readRecord(file);
      assert.deepEqual(
        record.map((r) => r.hook),
        ['beforeLoad', 'beforeInvoke', 'afterInvoke', 'beforeInvoke', 'afterInvoke'],
        output,
      );
      assert.equal(record[0].awslambda, 'object', 'beforeLoad runs after the runtime defined awslambda');
      assert.deepEqual(record[1].event, EVENTS[0]);
      for (const [i, r] of record.entries()) {
        if (r.hook !== 'afterInvoke') continue;
        assert.deepEqual(r.outcome, { status: c.status, style: c.style });
        assert.ok(r.requestId, 'afterInvoke gets the context');
        assert.equal(r.requestId, record[i - 1].requestId, 'the context of the same invocation');
      }
    });
  }
});

describe('a wrapper that cannot start exports the original handler', () => {
  const cases = [
    { name: 'agent fails at import', env: { V8FP_AGENT_MODULE: agent('import-fails') }, log: /the agent could not be loaded: Error: the agent failed at import/ },
    { name: 'bad SL_FLUSH_BUDGET_MS', env: { SL_FLUSH_BUDGET_MS: 'soon' }, log: /bad configuration: SL_FLUSH_BUDGET_MS/ },
    { name: 'relative V8FP_AGENT_MODULE', env: { V8FP_AGENT_MODULE: 'agents/recording.mjs' }, log: /not an absolute path/ },
    { name: 'SL_DISABLE=true', env: { SL_DISABLE: 'true' }, log: null },
  ];
  for (const runtime of ['ric3', 'ric4']) {
    for (const c of cases) {
      for (const mode of ['exec-wrapper', 'redirect']) {
        test(`${runtime} ${mode}: ${c.name}`, async () => {
          const file = path.join(tmp, `startfail-${runtime}-${mode}-${c.name.replace(/\W/g, '')}.jsonl`);
          const env = { V8FP_AGENT_MODULE: agent('recording'), V8FP_TEST_RECORD: file, ...c.env };
          const handler = runtime === 'ric3' ? 'forms.callbackOk' : 'forms.asyncOk';
          const [{ results, output }, expected] = await Promise.all([run(runtime, handler, mode, env), directRun(runtime, handler)]);
          assert.deepEqual(results.map((r) => normalize(r)), expected.results.map((r) => normalize(r)), output);
          assert.deepEqual(readRecord(file), [], 'no hook ran');
          if (c.log) assert.match(output, c.log);
          else assert.doesNotMatch(output, /\[v8-footprints\]/);
        });
      }
    }
  }

  test('disabled exec wrapper leaves the environment alone; enabled it restores _HANDLER', async () => {
    const disabled = await run('ric3', 'forms.layerEnv', 'exec-wrapper', { SL_DISABLE: 'TRUE' });
    assert.deepEqual(disabled.results[0].body, { ORIG_NAME: null, _HANDLER: 'forms.layerEnv' });
    const enabled = await run('ric4', 'forms.layerEnv', 'exec-wrapper');
    assert.deepEqual(enabled.results[0].body, { ORIG_NAME: 'forms.layerEnv', _HANDLER: 'forms.layerEnv' });
  });

  test('an exec wrapper whose layer has no wrapper.mjs starts the function normally', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-opt-'));
    fs.copyFileSync(path.join(layerRoot(), 'sealights-extension'), path.join(empty, 'sealights-extension'));
    fs.chmodSync(path.join(empty, 'sealights-extension'), 0o755);
    const r = await run('ric3', 'forms.layerEnv', 'exec-wrapper', {}, { layerRoot: empty });
    assert.deepEqual(r.results[0].body, { ORIG_NAME: null, _HANDLER: 'forms.layerEnv' });
  });

  test('redirect mode without SL_ORIGINAL_HANDLER fails init with a clear log line', async () => {
    const fn = await startFunction({ runtime: 'ric3', taskRoot: taskRoot(), handler: 'forms.asyncOk', mode: 'redirect', layerRoot: layerRoot(), env: { SL_ORIGINAL_HANDLER: '' } });
    const r = await fn.invoke({}, { timeoutMs: 8000 });
    await fn.stop();
    assert.equal(r.kind, 'init-error');
    assert.equal(r.body.errorType, 'Runtime.MalformedHandlerName');
    assert.match(fn.output, /\[v8-footprints\] no original handler: set SL_ORIGINAL_HANDLER/);
  });
});

describe('the budget is kept tightly', () => {
  // A hook that never settles holds each response for the budget: not less, and well under twice the budget
  // (the medians of 5 invocations, against the direct run's: a doubled budget would add 2,000 ms).
  const TIGHT_BUDGET_MS = 1000;
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: a hanging afterInvoke holds the response ${TIGHT_BUDGET_MS} ms, not twice that`, async () => {
      const runFive = async (mode, env) => {
        const fn = await startFunction({ runtime, taskRoot: taskRoot(), handler: 'forms.asyncOk', mode, layerRoot: layerRoot(), env });
        try {
          const ms = [];
          for (let i = 0; i < 5; i++) ms.push((await fn.invoke(EVENTS[0], { timeoutMs: 15000 })).ms);
          return ms;
        } finally {
          await fn.stop();
        }
      };
      const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
      const base = await runFive('direct', {});
      const held = await runFive('exec-wrapper', { V8FP_AGENT_MODULE: agent('hanging'), SL_FLUSH_BUDGET_MS: String(TIGHT_BUDGET_MS) });
      const added = median(held) - median(base);
      assert.ok(Math.min(...held) >= TIGHT_BUDGET_MS - 30, `released before the budget: ${held} ms`);
      assert.ok(added < TIGHT_BUDGET_MS * 1.5, `held ${added} ms more than the direct run (${held} vs ${base} ms): the budget is ${TIGHT_BUDGET_MS} ms`);
    });
  }
});

describe("the invocation's deadline bounds the guard too", () => {
  // A hook that never settles, a budget longer than the function's timeout: the guard lets the response go
  // before the deadline (less its margin), so the invocation answers as it does without the layer.
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: function timeout 1,000 ms, SL_FLUSH_BUDGET_MS=5000, afterInvoke hanging: answered in time`, async () => {
      const fn = await startFunction({
        runtime,
        taskRoot: taskRoot(),
        handler: 'forms.asyncOk',
        mode: 'exec-wrapper',
        layerRoot: layerRoot(),
        env: { V8FP_AGENT_MODULE: agent('hanging'), SL_FLUSH_BUDGET_MS: '5000' },
      });
      try {
        const results = [];
        for (let i = 0; i < 2; i++) results.push(await fn.invoke(EVENTS[0], { timeoutMs: 1000 }));
        assert.deepEqual(results.map((r) => r.kind), ['response', 'response'], fn.output);
        for (const r of results) assert.ok(r.ms >= 1000 - 150 - 30 && r.ms < 1000, `answered after ${r.ms} ms`);
        assert.match(fn.output, /afterInvoke hook did not finish before the invocation's deadline \(less 150 ms\)/);
      } finally {
        await fn.stop();
      }
    });
  }
});
