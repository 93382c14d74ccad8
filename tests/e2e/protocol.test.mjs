/**
 * The agent's protocol beyond footprints, through the real runtime clients (ric3 and ric4) against the
 * stand-in: the exact request sequence of a cold start (remote config, methodology, registration, execution
 * check, footprints, first-execution and first-footprints events), what registration carries (never the
 * token nor the environment), the name headers, a muted remote config, a "Methods" build, a closing
 * (pendingDelete) execution, collector mode without the token's server (the collector answering the execution
 * query, or unable to), test names from the x-sl-testid cookie, a backend without the lifecycle endpoints, and
 * the shutdown event on SIGTERM. Responses are compared with a direct run each time.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { projectVersion } from '../../tools/version.mjs';
import { INIT, ROUTES } from './expected.mjs';
import {
  BSID, EXEC, EXECUTION, LAB, STAGE, agentEnv, alb, apiV1, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot,
  functionUrl, hitsOf, layerRoot, runPaired, standin, startFunction,
} from './helpers.mjs';

const RUNTIMES = ['ric3', 'ric4'];
/** The agent's version: Cargo.toml's, which the build stamps into the layer. */
const VERSION = projectVersion();
const SECRET = 'e2e-environment-secret-7f3a';
const NAMES = { SL_APP_NAME: 'shop-api', SL_BRANCH_NAME: 'main', SL_BUILD_NAME: 'build 42' };
/** The environment every run gets: a secret the stand-in must never see in an event or a query. */
const withSecret = (env) => ({ E2E_SECRET: SECRET, ...env });

/** Each request the stand-in saw, in order: `GET config`, `POST events 1006,1010`, `POST footprints`, ... */
function sequence(s) {
  return s.requests().map((r) => (r.endpoint === 'events' ? `POST events ${(r.eventTypes || []).join(',')}` : `${r.method} ${r.endpoint}`));
}

const COLD_START = ['GET config', 'GET methodology', 'POST events 1001'];
const linesOff = (methods) => Object.fromEntries(Object.keys(methods).map((id) => [id, []]));

async function runOn(runtime, s, events, env = {}, extra = {}) {
  const run = await runPaired({ runtime, taskRoot: fixtureRoot(), events, env: withSecret(agentEnv(s, env)), ...extra });
  assertInvisible(run, 1000);
  assertNoToken(run.fn.output, s.token);
  return run;
}

for (const runtime of RUNTIMES) {
  describe(`${runtime}: the agent's lifecycle`, () => {
    test('exact request sequence; registration without token or environment; name headers', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      try {
        const run = await runOn(runtime, s, [apiV2('/a'), apiV2('/b')], NAMES);
        assertNothingRejected(s);
        assert.deepEqual(sequence(s), [...COLD_START, 'GET execution', 'POST events 1006,1010', 'POST footprints', 'POST footprints'], run.fn.output);
        const [config] = s.requests();
        const agentId = s.accepted()[0].body.meta.agentId;
        assert.match(agentId, /^[0-9a-f-]{36}$/);
        assert.deepEqual(config.query, {
          agentType: 'nodejs-lambda', agentVersion: VERSION, agentId, appName: 'shop-api', branchName: 'main', buildName: 'build 42', testStage: STAGE, labId: LAB,
        });
        const [registration, later] = s.events().map((e) => e.body);
        const { processId, nodeVersion, ...info } = registration.events[0].data.agentInfo;
        assert.ok(Number.isInteger(processId) && /^v\d+\./.test(nodeVersion));
        assert.deepEqual(info, {
          agentId, agentType: 'nodejs-lambda', agentVersion: VERSION, technology: 'nodejs', buildSessionId: BSID, labId: LAB, collectorMode: false,
          testStage: STAGE, appName: 'shop-api', branchName: 'main', buildName: 'build 42',
        });
        assert.deepEqual(Object.keys(registration), ['agentId', 'buildSessionId', 'events', 'appName']);
        assert.deepEqual(Object.keys(registration.events[0].data), ['agentInfo', 'machineInfo']);
        // The CPU count from the kernel's list of CPUs online (not node:os): the count node:os gives.
        assert.deepEqual(registration.events[0].data.machineInfo, { os: process.platform, arch: process.arch, cpus: os.cpus().length });
        assert.deepEqual(later.events.map((e) => Object.keys(e)), [['type', 'utcTimestamp_ms'], ['type', 'utcTimestamp_ms']]);
        assert.equal(later.agentId, agentId);
        for (const r of s.accepted()) {
          assert.deepEqual([r.headers['x-sl-appname'], r.headers['x-sl-branchname'], r.headers['x-sl-buildname']], ['shop-api', 'main', 'build 42']);
        }
        assert.deepEqual(hitsOf(s.accepted()).map((h) => [h.executionId, h.init ? 'init' : h.testName, h.methods]), [
          [EXEC, 'init', INIT], [EXEC, null, ROUTES['/a']], [EXEC, null, ROUTES['/b']],
        ]);
      } finally {
        await s.close();
      }
    });

    test('names outside ASCII: URL-encoded name headers, sl-metadata escaped, every request accepted', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      try {
        const names = { SL_APP_NAME: 'boutique €', SL_BRANCH_NAME: 'fonctionnalité/été', SL_BUILD_NAME: 'ビルド 7' };
        const run = await runOn(runtime, s, [apiV2('/b')], names);
        assertNothingRejected(s);
        assert.deepEqual(sequence(s), [...COLD_START, 'GET execution', 'POST events 1006,1010', 'POST footprints'], run.fn.output);
        const [record] = s.accepted();
        assert.deepEqual([record.headers['x-sl-appname'], record.headers['x-sl-branchname'], record.headers['x-sl-buildname']],
          [encodeURIComponent('boutique €'), encodeURIComponent('fonctionnalité/été'), encodeURIComponent('ビルド 7')]);
        const metadata = JSON.parse(record.headers['sl-metadata']);
        assert.deepEqual([metadata.appName, metadata.branchName, metadata.buildName], ['boutique €', 'fonctionnalité/été', 'ビルド 7']);
        assert.equal(s.requests()[0].query.buildName, 'ビルド 7');
        assert.deepEqual(hitsOf(s.accepted()).map((h) => h.methods), [INIT, ROUTES['/b']]);
      } finally {
        await s.close();
      }
    });

    for (const [name, config] of [['sendFootprints: false', { sendFootprints: false }], ['enabled: false', { enabled: false }]]) {
      test(`remote config ${name}: nothing collected, nothing sent after the cold-start calls`, async () => {
        assertRuntimesInstalled();
        const s = await standin({ forbidden: [SECRET], remoteConfig: config });
        try {
          const run = await runOn(runtime, s, [apiV2('/a'), apiV2('/b'), apiV2('/x')], { SL_EXECUTION_CHECK_INTERVAL_S: '0' });
          assertNothingRejected(s);
          assert.deepEqual(sequence(s), COLD_START, run.fn.output);
          assert.equal((run.fn.output.match(/coverage is off for this process/g) || []).length, 1, run.fn.output);
        } finally {
          await s.close();
        }
      });
    }

    test('a "Methods" build: hits carry no methodLines; a "MethodLines" build (the default above) carries them', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET], methodology: 'Methods' });
      try {
        const run = await runOn(runtime, s, [apiV2('/a'), apiV2('/lazy')]);
        assertNothingRejected(s);
        const hits = s.accepted().flatMap((r) => r.body.executions.flatMap((e) => e.hits));
        assert.deepEqual(hits.map((h) => 'methodLines' in h), [false, false, false], run.fn.output);
        assert.deepEqual(hitsOf(s.accepted()).map((h) => h.methods), [linesOff(INIT), linesOff(ROUTES['/a']), linesOff(ROUTES['/lazy'])]);
      } finally {
        await s.close();
      }
    });

    test('pendingDelete: what is held for the closing execution is sent at once, then nothing is collected', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      try {
        const seen = [];
        const run = await runOn(runtime, s, [apiV2('/a', { 'x-sl-test-name': 't-a' }), apiV2('/b', { 'x-sl-test-name': 't-b' }), apiV2('/x', { 'x-sl-test-name': 't-x' })], { SL_EXECUTION_CHECK_INTERVAL_S: '0' }, {
          between: (i) => {
            seen.push(s.accepted().length);
            if (i === 0) s.setExecution(LAB, { ...EXECUTION, status: 'pendingDelete' });
          },
        });
        assertNothingRejected(s);
        // /b ran while exec-1 was open: its check finds it closing and sends it; /x is not collected.
        assert.deepEqual(seen, [1, 2, 2], run.fn.output);
        assert.deepEqual(hitsOf(s.accepted()).map((h) => [h.executionId, h.init ? 'init' : h.testName, h.methods]), [
          [EXEC, 'init', INIT], [EXEC, 't-a', ROUTES['/a']], [EXEC, 't-b', ROUTES['/b']],
        ]);
        assert.deepEqual(sequence(s), [
          ...COLD_START, 'GET execution', 'POST events 1006,1010', 'POST footprints', 'GET execution', 'POST footprints', 'GET execution',
        ]);
      } finally {
        await s.close();
      }
    });

    test('pendingDelete after a failed send: everything held for the closing execution goes out in its flush', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      s.setMode('fail-then-recover', { count: 2 }); // the first send and its retry get 500: init and /a are kept
      try {
        const run = await runOn(runtime, s, [apiV2('/a', { 'x-sl-test-name': 't-a' }), apiV2('/b', { 'x-sl-test-name': 't-b' }), apiV2('/x')], { SL_EXECUTION_CHECK_INTERVAL_S: '0' }, {
          between: (i) => {
            if (i === 0) s.setExecution(LAB, { ...EXECUTION, status: 'pendingDelete' });
          },
        });
        assertNothingRejected(s);
        assert.deepEqual(s.requests().map((r) => `${r.method} ${r.endpoint} ${r.status}`).slice(3), [
          'GET execution 200', 'POST events 200', 'POST footprints 500', 'POST footprints 500', 'GET execution 200', 'POST footprints 200', 'GET execution 200',
        ], run.fn.output);
        assert.equal(s.accepted().length, 1);
        assert.deepEqual(hitsOf(s.accepted()).map((h) => [h.executionId, h.init ? 'init' : h.testName, h.methods]), [
          [EXEC, 'init', INIT], [EXEC, 't-a', ROUTES['/a']], [EXEC, 't-b', ROUTES['/b']],
        ]);
      } finally {
        await s.close();
      }
    });

    test('test names from the x-sl-testid cookie: API Gateway v2 and function URL cookies, v1 and ALB cookie headers', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      try {
        const v2 = apiV2('/a');
        v2.cookies = ['session=1', `x-sl-testid=${EXEC}%2Fv2%20cookie%20test`];
        const url = functionUrl('/b');
        url.cookies = [`x-sl-testid=${EXEC}/url cookie/with slash`];
        const v1 = apiV1('/x', { headers: { Cookie: `a=b; x-sl-testid=${EXEC}/v1 cookie test; c=d` } });
        const lb = alb('/lazy', { cookie: `x-sl-testid=${EXEC}/alb cookie test` });
        const header = apiV2('/a', { 'x-sl-testid': `${EXEC}/header wins` });
        header.cookies = [`x-sl-testid=${EXEC}/cookie loses`];
        const run = await runOn(runtime, s, [v2, url, v1, lb, header]);
        assertNothingRejected(s);
        assert.deepEqual(hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName), [
          'v2 cookie test', 'url cookie/with slash', 'v1 cookie test', 'alb cookie test', 'header wins',
        ], run.fn.output);
      } finally {
        await s.close();
      }
    });

    test('a backend without the lifecycle endpoints (404): reporting is unchanged, methodLines sent, no later events', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      s.setMode('404', { endpoints: ['config', 'methodology', 'events'] });
      try {
        const run = await runOn(runtime, s, [apiV2('/a'), apiV2('/b')]);
        assertNothingRejected(s);
        assert.deepEqual(hitsOf(s.accepted()).map((h) => h.methods), [INIT, ROUTES['/a'], ROUTES['/b']], run.fn.output);
        // The registration was refused: no later events (and no shutdown event).
        assert.deepEqual(sequence(s), [...COLD_START, 'GET execution', 'POST footprints', 'POST footprints']);
      } finally {
        await s.close();
      }
    });
  });

  describe(`${runtime}: collector mode without the token's server`, () => {
    const forms = [
      ['URL without /api', (s) => s.url],
      ['URL ending in /api', (s) => s.apiUrl],
    ];
    for (const [name, collector] of forms) {
      test(`the collector answers the execution query (${name}): footprints with its execution id`, async () => {
        assertRuntimesInstalled();
        const s = await standin({ forbidden: [SECRET], serverReachable: false });
        try {
          const run = await runOn(runtime, s, [apiV2('/a'), apiV2('/b')], { SL_COLLECTOR_URL: collector(s) });
          assertNothingRejected(s);
          assert.deepEqual(s.requests().map((r) => `${r.method} ${r.path}`), [
            `GET /api/v4/testExecution/${LAB}`, `POST /api/v6/agents/${BSID}/footprints`, `POST /api/v6/agents/${BSID}/footprints`,
          ], run.fn.output);
          for (const r of s.accepted()) {
            assert.equal(r.headers['x-sl-executionid'], EXEC);
            assert.equal(r.body.meta.footprintsMapping, undefined);
          }
          assert.deepEqual(hitsOf(s.accepted()).map((h) => [h.executionId, h.methods]), [[EXEC, INIT], [EXEC, ROUTES['/a']], [EXEC, ROUTES['/b']]]);
        } finally {
          await s.close();
        }
      });
    }

    for (const [name, mode] of [['404 (no such route)', '404'], ['unreachable (socket destroyed)', 'down']]) {
      test(`the collector cannot tell (${name}): footprints in the collector's mapping, no execution id`, async () => {
        assertRuntimesInstalled();
        const s = await standin({ forbidden: [SECRET], serverReachable: false });
        s.setMode(mode, { endpoints: ['execution'] });
        try {
          const run = await runOn(runtime, s, [apiV2('/a', { 'x-sl-test-name': 'mapped a' }), apiV2('/b')], { SL_COLLECTOR_URL: s.url });
          assertNothingRejected(s);
          const records = s.accepted();
          assert.equal(records.length, 2, run.fn.output);
          for (const r of records) {
            assert.equal(r.form, 'collector');
            assert.equal(r.body.meta.footprintsMapping, 'agent');
            assert.deepEqual(r.body.executions.map((e) => Object.keys(e)), [['hits']]);
            assert.equal(r.headers['x-sl-executionid'], undefined);
            assert.equal(JSON.parse(r.headers['sl-metadata']).executionId, undefined);
          }
          assert.deepEqual(hitsOf(records).map((h) => [h.executionId, h.init ? 'init' : h.testName, h.methods]), [
            [undefined, 'init', INIT], [undefined, 'mapped a', ROUTES['/a']], [undefined, null, ROUTES['/b']],
          ]);
        } finally {
          await s.close();
        }
      });
    }
  });

  describe(`${runtime}: shutdown`, () => {
    test('SIGTERM: the shutdown event (1002) is sent and the process ends by SIGTERM, as without the layer', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      const taskRoot = fixtureRoot();
      const env = withSecret(agentEnv(s));
      const direct = await startFunction({ runtime, taskRoot, handler: 'src/app.handler', mode: 'direct', env });
      const fn = await startFunction({ runtime, taskRoot, handler: 'src/app.handler', mode: 'exec-wrapper', layerRoot: layerRoot(), env });
      try {
        const [d, w] = [await direct.invoke(apiV2('/a')), await fn.invoke(apiV2('/a'))];
        assert.deepEqual(w.body, d.body);
        await fn.idle();
        const [directEnd, wrappedEnd] = [await direct.terminate(), await fn.terminate()];
        assert.deepEqual([wrappedEnd.code, wrappedEnd.signal], [directEnd.code, directEnd.signal], fn.output);
        assert.equal(directEnd.signal, 'SIGTERM');
        assert.ok(wrappedEnd.ms < 600, `shutdown took ${wrappedEnd.ms} ms`);
        assertNothingRejected(s);
        assert.deepEqual(sequence(s), [...COLD_START, 'GET execution', 'POST events 1006,1010', 'POST footprints', 'POST events 1002'], fn.output);
        assertNoToken(fn.output, s.token);
      } finally {
        await direct.stop();
        await fn.stop();
        await s.close();
      }
    });

    test('SIGTERM with the function\'s own listener: its listener decides, once, as without the layer', async () => {
      assertRuntimesInstalled();
      const s = await standin({ forbidden: [SECRET] });
      const taskRoot = fixtureRoot();
      const env = withSecret(agentEnv(s));
      const direct = await startFunction({ runtime, taskRoot, handler: 'src/sigterm.handler', mode: 'direct', env });
      const fn = await startFunction({ runtime, taskRoot, handler: 'src/sigterm.handler', mode: 'exec-wrapper', layerRoot: layerRoot(), env });
      try {
        const [d, w] = [await direct.invoke(apiV2('/')), await fn.invoke(apiV2('/'))];
        assert.deepEqual(w.body, d.body);
        await fn.idle();
        const [directEnd, wrappedEnd] = [await direct.terminate(), await fn.terminate()];
        // The fixture's listener ends the process with SIGKILL 500 ms later; the layer neither ends it sooner
        // nor raises the signal again (its listener would run twice).
        assert.deepEqual([directEnd.code, directEnd.signal], [null, 'SIGKILL']);
        assert.deepEqual([wrappedEnd.code, wrappedEnd.signal], [null, 'SIGKILL'], fn.output);
        const received = (output) => (output.match(/\[fixture\] SIGTERM received/g) || []).length;
        assert.deepEqual([received(direct.output), received(fn.output)], [1, 1], fn.output);
        assertNothingRejected(s);
        // The event still goes out while the function's listener waits.
        assert.deepEqual(sequence(s).slice(-1), ['POST events 1002']);
      } finally {
        await direct.stop();
        await fn.stop();
        await s.close();
      }
    });
  });
}
