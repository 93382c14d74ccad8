/**
 * Only files under the project root are reported: SL_PROJECT_ROOT given as `.`, `./src`, absolute, with a
 * trailing slash, or a subfolder; SL_EXCLUDE's patterns leave files out; node_modules and the layer's own code never appear, not even when the layer
 * sits inside the project root. And both ways to reach the backend are accepted: the direct form (the token's
 * x-sl-server) and the collector form (SL_COLLECTOR_URL with or without `/api`).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { INIT, ROUTES, rebase } from './expected.mjs';
import {
  BSID, agentEnv, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot, hitsOf, layerRoot, runPaired, standin,
} from './helpers.mjs';

const ROUTE_LIST = ['/a', '/lazy'];

/** Runs /a and /lazy with `env`; returns the hits (init first) and the stand-in's records. */
async function runWith(env, { taskRoot = fixtureRoot(), layer = layerRoot(), runtime = 'ric3' } = {}) {
  const s = await standin();
  try {
    const run = await runPaired({ runtime, taskRoot, layer, events: ROUTE_LIST.map((p) => apiV2(p)), env: agentEnv(s, env) });
    assertInvisible(run, 1000);
    assertNothingRejected(s);
    assertNoToken(run.fn.output, s.token);
    return { hits: hitsOf(s.accepted()), records: s.accepted(), run };
  } finally {
    await s.close();
  }
}

const expectedUnder = (from, to = '') => [rebase(INIT, from, to), ...ROUTE_LIST.map((p) => rebase(ROUTES[p], from, to))];

describe('ric3: only files under the project root', () => {
  const cases = [
    ['unset (the task root)', () => undefined, ['src/', 'src/']],
    ['"."', () => '.', ['src/', 'src/']],
    ['"./src"', () => './src', ['src/', '']],
    ['"src/" (trailing slash)', () => 'src/', ['src/', '']],
    ['absolute', (root) => path.join(root, 'src'), ['src/', '']],
    ['absolute with a trailing slash', (root) => `${path.join(root, 'src')}/`, ['src/', '']],
    ['a subfolder ("./src/lib"): other files are left out', () => './src/lib', ['src/lib/', '']],
  ];
  for (const [name, value, [from, to]] of cases) {
    test(`SL_PROJECT_ROOT ${name}`, async () => {
      assertRuntimesInstalled();
      const taskRoot = fixtureRoot();
      const v = value(taskRoot);
      const { hits } = await runWith(v === undefined ? {} : { SL_PROJECT_ROOT: v }, { taskRoot });
      // A hit with no method under the root is not sent (with ./src/lib, /lazy's).
      const expected = expectedUnder(from, to).filter((m) => Object.keys(m).length > 0);
      assert.deepEqual(hits.map((h) => h.methods), expected);
      for (const hit of hits) for (const id of Object.keys(hit.methods)) assert.ok(!/node_modules|e2e-dep/.test(id), id);
    });
  }

  // SL_EXCLUDE, relative to the project root: `**` crosses folders, `*` stays in one, a plain path is a folder.
  const excludes = [
    ['"src/lib/**": the folder below', 'src/lib/**', (id) => !id.startsWith('src/lib/')],
    ['"src/*.js": the folder\'s own files, not its subfolders\'', 'src/*.js', (id) => id.startsWith('src/lib/')],
    ['"**/lazy.js, src/lib": a file at any depth and a folder', '**/lazy.js, src/lib', (id) => !id.startsWith('src/lib/') && !id.startsWith('src/lazy.js')],
  ];
  for (const [i, [name, value, kept]] of excludes.entries()) {
    const runtime = i === 0 ? 'ric4' : 'ric3';
    test(`${runtime}: SL_EXCLUDE ${name}`, async () => {
      assertRuntimesInstalled();
      const { hits } = await runWith({ SL_EXCLUDE: value }, { runtime });
      const only = (methods) => Object.fromEntries(Object.entries(methods).filter(([id]) => kept(id)));
      // Hits left with no method are not sent.
      const expected = expectedUnder('src/', 'src/').map(only).filter((m) => Object.keys(m).length > 0);
      assert.ok(expected.length >= 2, 'the case keeps something');
      assert.deepEqual(hits.map((h) => h.methods), expected);
    });
  }

  test('the layer\'s own code never appears, even when the layer is inside the project root', async () => {
    assertRuntimesInstalled();
    const taskRoot = fixtureRoot();
    const layer = path.join(taskRoot, 'opt');
    fs.cpSync(layerRoot(), layer, { recursive: true });
    const { hits } = await runWith({ SL_PROJECT_ROOT: '.' }, { taskRoot, layer });
    const ours = [...new Set(hits.flatMap((h) => Object.keys(h.methods)).filter((id) => id.startsWith('opt/')))];
    assert.deepEqual(ours, [], `the layer's files were reported (${ours.length} methods)`);
    assert.deepEqual(hits.map((h) => h.methods), expectedUnder('src/', 'src/'));
  });
});

describe('ric3 and ric4: both ways to the backend are accepted', () => {
  const forms = [
    ['direct (x-sl-server of the token)', () => ({}), 'direct'],
    ['collector, URL without /api', (s) => ({ SL_COLLECTOR_URL: s.url }), 'collector'],
    ['collector, URL ending in /api', (s) => ({ SL_COLLECTOR_URL: s.apiUrl }), 'collector'],
    ['collector, URL with a trailing slash', (s) => ({ SL_COLLECTOR_URL: `${s.apiUrl}/` }), 'collector'],
  ];
  for (const runtime of ['ric3', 'ric4']) {
    for (const [name, env, form] of forms) {
      test(`${runtime}: ${name}`, async () => {
        assertRuntimesInstalled();
        const s = await standin();
        try {
          const run = await runPaired({ runtime, taskRoot: fixtureRoot(), events: [apiV2('/a'), apiV2('/b')], env: agentEnv(s, env(s)) });
          assertInvisible(run, 1000);
          assertNothingRejected(s);
          const records = s.accepted();
          assert.equal(records.length, 2, run.fn.output);
          for (const r of records) {
            assert.equal(r.form, form);
            assert.equal(r.params.buildSessionId, BSID);
            assert.equal(r.headers['content-encoding'], 'gzip');
            assert.equal(r.headers['content-type'], form === 'collector' ? 'application/json' : 'application/octet-stream');
          }
          assert.deepEqual(hitsOf(records).map((h) => h.methods), [INIT, ROUTES['/a'], ROUTES['/b']]);
        } finally {
          await s.close();
        }
      });
    }
  }
});
