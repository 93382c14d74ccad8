/**
 * Differential suite: every handler form runs directly, through the exec wrapper and in handler-redirect
 * mode, on aws-lambda-ric 3.x (Node 20) and 4.x (Node 24), and must give the same results (helpers.normalize
 * says what "the same" means). The layer runs with coverage on: the agent is configured (valid token and
 * build session id) against a backend stand-in per runtime with a test execution open, so every invocation
 * takes coverage and sends footprints; the layer must log nothing, and the stand-in must accept every body.
 * A negative control runs a naive wrapper and asserts that the suite catches it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { EVENTS, FRAMES_DIFFER, INIT_FORMS, INVOCATION_FORMS, TIMEOUT_FORMS } from './forms.mjs';
import { here, layerRoot, normalize, pool, taskRoot } from './helpers.mjs';
import { assertRuntimesInstalled, startFunction } from './runtime-api.mjs';
import { startStandin } from '../backend/standin.mjs';
import { modeLine } from '../../wrapper/agent.mjs';

const EXACT_MODE_LINE = `[v8-footprints] ${modeLine(true, 'after-response')}`;

const RUNTIMES = ['ric3', 'ric4'];
const MODES = ['direct', 'exec-wrapper', 'redirect'];
const PARALLEL = 4;

const LAB = 'lab-differential';
const BSID = 'bsid-differential';
const standins = {}; // one per runtime, with a test execution open for LAB

/** The agent's settings for the layer modes: coverage on, reporting to the runtime's stand-in. */
function agentEnv(runtime) {
  return { SL_TOKEN: standins[runtime].token, SL_BUILD_SESSION_ID: BSID, SL_LAB_ID: LAB };
}

/** Runs `handler` in `mode` and invokes it with each event; returns the raw results. */
async function run(runtime, handler, mode, root, env = mode === 'direct' ? {} : agentEnv(runtime)) {
  const timeoutMs = TIMEOUT_FORMS[handler] ?? 8000;
  const events = INIT_FORMS.includes(handler) || TIMEOUT_FORMS[handler] ? EVENTS.slice(0, 1) : EVENTS;
  const fn = await startFunction({ runtime, taskRoot: taskRoot(), handler, mode, layerRoot: root, env });
  try {
    const results = [];
    for (const event of events) results.push(await fn.invoke(event, { timeoutMs }));
    return { results, output: fn.output, starts: fn.starts };
  } finally {
    await fn.stop();
  }
}

const results = {}; // results[runtime][handler][mode] = {results, output}

before(async () => {
  assertRuntimesInstalled();
  const root = layerRoot();
  const tasks = [];
  for (const runtime of RUNTIMES) {
    standins[runtime] = await startStandin({
      labs: { [LAB]: { executionId: `exec-${runtime}`, buildSessionId: BSID, testStage: 'Differential' } },
    });
    results[runtime] = {};
    for (const handler of [...INVOCATION_FORMS, ...INIT_FORMS]) {
      results[runtime][handler] = {};
      for (const mode of MODES) {
        tasks.push(async () => {
          results[runtime][handler][mode] = await run(runtime, handler, mode, root);
        });
      }
    }
  }
  await pool(tasks, PARALLEL);
});

after(async () => {
  for (const s of Object.values(standins)) await s.close();
});

for (const runtime of RUNTIMES) {
  describe(`${runtime}: same results with and without the layer`, () => {
    for (const handler of [...INVOCATION_FORMS, ...INIT_FORMS]) {
      test(handler, () => {
        const byMode = results[runtime][handler];
        const opts = { frames: !FRAMES_DIFFER.has(handler) };
        const expected = byMode.direct.results.map((r) => normalize(r, opts));
        if (!TIMEOUT_FORMS[handler]) {
          assert.notEqual(expected[0].kind, 'timeout', `direct run timed out:\n${byMode.direct.output}`);
        }
        for (const mode of ['exec-wrapper', 'redirect']) {
          const actual = byMode[mode].results.map((r) => normalize(r, opts));
          assert.deepEqual(actual, expected, `${mode} differs from direct; output:\n${byMode[mode].output}`);
          // Coverage is on and the backend answers: the layer says only, once per cold start, that it counts exactly.
          const lines = byMode[mode].output.split('\n').filter((l) => /\[v8-footprints\]/.test(l));
          const others = lines.filter((l) => !l.endsWith(`\tINFO\t${EXACT_MODE_LINE}`));
          assert.deepEqual(others, [], 'the layer logged a line');
          assert.equal(lines.length, byMode[mode].starts, `one mode line per cold start; output:\n${byMode[mode].output}`);
        }
      });
    }
    test('coverage was on: the stand-in accepted footprints and rejected none', () => {
      const s = standins[runtime];
      assert.deepEqual(s.rejected().map((r) => r.problems), []);
      const hits = s.accepted().flatMap((r) => r.body.executions.flatMap((e) => e.hits));
      assert.ok(hits.length >= INVOCATION_FORMS.length, `only ${hits.length} hits for ${INVOCATION_FORMS.length} invocation forms`);
      const files = new Set(s.accepted().flatMap((r) => r.body.methods.map((id) => id.split('@')[0])));
      assert.ok(files.has('forms.js'), `reported files: ${[...files].join(', ')}`);
      assert.ok(![...files].some((f) => f.includes('node_modules')), `reported files: ${[...files].join(', ')}`);
    });
  });
}

describe('the runtimes behave as the reference says (the emulator is faithful)', () => {
  const first = (runtime, handler) => results[runtime][handler].direct.results[0];
  test('3.x: a sync return without callback responds null; 4.x: the value', () => {
    assert.deepEqual(first('ric3', 'forms.syncReturn'), { ...first('ric3', 'forms.syncReturn'), kind: 'response', body: null });
    assert.deepEqual(first('ric4', 'forms.syncReturn').body, { syncReturn: EVENTS[0] });
  });
  test('3.x: callback waits for the event loop unless told not to', () => {
    assert.ok(first('ric3', 'forms.callbackWaits').ms >= 140, 'waited for the 150 ms timer');
    assert.ok(first('ric3', 'forms.callbackNoWait').ms < 1000, 'did not wait for the 1.5 s timer');
    assert.equal(first('ric3', 'forms.callbackNoWait').body, 'did not wait');
  });
  test('4.x: callback handlers fail init; thrown strings give errorType "string"', () => {
    assert.equal(first('ric4', 'forms.callbackOk').body.errorType, 'Runtime.CallbackHandlerDeprecated');
    assert.equal(first('ric3', 'forms.asyncThrowString').body.errorType, 'string');
  });
  test('streaming: an error mid-stream goes into the trailers', () => {
    for (const runtime of RUNTIMES) {
      const r = first(runtime, 'streaming.midError');
      assert.equal(r.kind, 'stream');
      assert.equal(r.trailers['lambda-runtime-function-error-type'], 'Error');
      assert.match(r.body, /before the error;/);
    }
  });
  test('init errors are the Runtime.* errors', () => {
    assert.equal(first('ric3', 'nomodule.handler').body.errorType, 'Runtime.ImportModuleError');
    assert.equal(first('ric3', 'nodot').body.errorType, 'Runtime.MalformedHandlerName');
    assert.equal(first('ric4', 'broken.handler').body.errorType, 'Runtime.UserCodeSyntaxError');
    assert.equal(first('ric4', 'forms.notAFunction').body.errorMessage, 'forms.notAFunction is not a function');
  });
});

describe('negative control', () => {
  test('a naive wrapper (async (e, c) => orig(e, c)) is caught by the suite', async (t) => {
    // The naive layer: the real layer's files with wrapper.mjs replaced, loading the handler correctly
    // (through our loader) but calling it naively.
    const naiveRoot = path.join(path.dirname(layerRoot()), 'naive-opt');
    fs.cpSync(layerRoot(), naiveRoot, { recursive: true });
    fs.copyFileSync(path.join(here, 'naive-wrapper.mjs'), path.join(naiveRoot, 'wrapper.mjs'));
    const caught = new Set();
    const tasks = [];
    for (const runtime of RUNTIMES) {
      for (const handler of INVOCATION_FORMS) {
        tasks.push(async () => {
          const naive = await run(runtime, handler, 'redirect', naiveRoot, {});
          const expected = results[runtime][handler].direct.results.map((r) => normalize(r));
          const actual = naive.results.map((r) => normalize(r, { layer: naiveRoot }));
          try {
            assert.deepEqual(actual, expected);
          } catch {
            caught.add(`${runtime} ${handler}`);
          }
        });
      }
    }
    await pool(tasks, PARALLEL);
    const list = [...caught].sort();
    t.diagnostic(`naive wrapper caught on ${list.length} cases: ${list.join(', ')}`);
    assert.ok(list.length >= 8, `the naive wrapper differs on only ${list.length} cases: ${list.join(', ')}`);
    for (const expected of ['ric3 forms.callbackOk', 'ric3 forms.syncReturn', 'ric3 streaming.ok', 'ric4 streaming.ok']) {
      assert.ok(caught.has(expected), `naive wrapper not caught on ${expected}; caught: ${list.join(', ')}`);
    }
  });
});
