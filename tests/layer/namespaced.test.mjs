/**
 * The namespaced entries, /opt/v8-footprints/handler.handleExecution and /opt/v8-footprints/exec-wrapper,
 * through the real runtime clients: as the function's handler (handler-redirect mode) and through the exec
 * wrapper, the hooks run and the results are those of the function without the layer; with another layer's
 * `/opt/wrapper.mjs` and `/opt/sealights-extension` over the seed's names (layers merge into one /opt), the
 * namespaced ones still work.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { EVENTS } from './forms.mjs';
import { here, layerRoot, normalize, taskRoot, tempDir } from './helpers.mjs';
import { assertRuntimesInstalled, startFunction } from './runtime-api.mjs';

const tmp = tempDir('v8fp-namespaced-');
const recording = path.join(here, 'agents', 'recording.mjs');
const HANDLER = { ric3: 'forms.callbackOk', ric4: 'forms.asyncOk' };
let overwritten;

before(() => {
  assertRuntimesInstalled();
  // The layer as /opt after another layer that ships its own wrapper.mjs was merged over it.
  overwritten = path.join(tmp, 'opt-overwritten');
  fs.cpSync(layerRoot(), overwritten, { recursive: true });
  fs.writeFileSync(path.join(overwritten, 'wrapper.mjs'), "throw new Error('another layer\\'s wrapper.mjs');\n");
  // ... and its own /opt/sealights-extension, which starts the runtime without ours.
  fs.writeFileSync(path.join(overwritten, 'sealights-extension'), '#!/bin/bash\nexec "$@"\n');
});

/** Runs the function with both events; returns {results, output, record}. */
async function run(runtime, options) {
  const record = path.join(tmp, `${runtime}-${Math.random().toString(36).slice(2)}.jsonl`);
  const env = options.agent === false ? {} : { V8FP_AGENT_MODULE: recording, V8FP_TEST_RECORD: record };
  const fn = await startFunction({ runtime, taskRoot: taskRoot(), ...options, env: { ...env, ...options.env } });
  try {
    const results = [];
    for (const event of EVENTS) results.push(await fn.invoke(event, { timeoutMs: 15000 }));
    await fn.idle();
    const lines = fs.existsSync(record) ? fs.readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
    return { results, output: fn.output, hooks: lines.map((l) => l.hook) };
  } finally {
    await fn.stop();
  }
}

const HOOKS = ['beforeLoad', 'beforeInvoke', 'afterInvoke', 'beforeInvoke', 'afterInvoke'];

for (const runtime of ['ric3', 'ric4']) {
  describe(`${runtime}: the namespaced entry`, () => {
    const handler = HANDLER[runtime];
    let expected;
    before(async () => {
      expected = await run(runtime, { handler, mode: 'direct', agent: false });
    });

    for (const [name, opt] of [['the layer', () => layerRoot()], ["the layer under another layer's wrapper.mjs", () => overwritten]]) {
      test(`${name}: as the function's handler, with SL_ORIGINAL_HANDLER`, async () => {
        const root = opt();
        const r = await run(runtime, {
          handler: path.join(root, 'v8-footprints/handler.handleExecution'),
          mode: 'direct',
          layerRoot: root,
          env: { SL_ORIGINAL_HANDLER: handler },
        });
        assert.deepEqual(r.results.map((x) => normalize(x, { layer: root })), expected.results.map((x) => normalize(x)), r.output);
        assert.deepEqual(r.hooks, HOOKS, r.output);
      });

      test(`${name}: through the namespaced exec wrapper`, async () => {
        const root = opt();
        const r = await run(runtime, { handler, mode: 'exec-wrapper', layerRoot: root, execWrapper: 'v8-footprints/exec-wrapper' });
        assert.deepEqual(r.results.map((x) => normalize(x, { layer: root })), expected.results.map((x) => normalize(x)), r.output);
        assert.deepEqual(r.hooks, HOOKS, r.output);
        // The function sees its own handler name, as without the layer.
        const env = await run(runtime, { handler: 'forms.layerEnv', mode: 'exec-wrapper', layerRoot: root, execWrapper: 'v8-footprints/exec-wrapper', agent: false });
        assert.deepEqual(env.results[0].body, { ORIG_NAME: 'forms.layerEnv', _HANDLER: 'forms.layerEnv' }, env.output);
      });
    }

    test('the layer: through the seed\'s exec wrapper, which also goes to the namespaced entry', async () => {
      const r = await run(runtime, { handler, mode: 'exec-wrapper', layerRoot: layerRoot() });
      assert.deepEqual(r.results.map((x) => normalize(x)), expected.results.map((x) => normalize(x)), r.output);
      assert.deepEqual(r.hooks, HOOKS, r.output);
    });

    test("another layer's /opt/sealights-extension runs the function without ours: the reason for the namespaced one", async () => {
      const r = await run(runtime, { handler, mode: 'exec-wrapper', layerRoot: overwritten });
      assert.deepEqual(r.results.map((x) => normalize(x, { layer: overwritten })), expected.results.map((x) => normalize(x)), r.output);
      assert.deepEqual(r.hooks, []);
    });

    test("the seed's entry under another layer's wrapper.mjs fails as that file does: the reason for the namespaced one", async () => {
      const r = await run(runtime, {
        handler: path.join(overwritten, 'wrapper.handleExecution'),
        mode: 'direct',
        layerRoot: overwritten,
        env: { SL_ORIGINAL_HANDLER: handler },
      });
      assert.equal(r.results[0].kind, 'init-error', r.output);
      assert.equal(r.results[0].body.errorMessage, "another layer's wrapper.mjs");
      assert.deepEqual(r.hooks, []);
    });
  });
}
