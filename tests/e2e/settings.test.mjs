/**
 * Settings checked at start, each message naming its setting (issue 14, findings 3, 4, 6 and 8), through the
 * real runtime clients: numbers out of range or not whole, ids that cannot go in a header as they are, plain
 * HTTP to a host that is not loopback (the token never leaves then: a stand-in listening on another address of
 * this machine sees no request at all, unless SL_ALLOW_PLAIN_HTTP says so), names in any script (encoded in their
 * headers, accepted), and a project root that does not exist or holds nothing that runs (a warning, once).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { modeLine } from '../../wrapper/agent.mjs';
import { INIT, ROUTES } from './expected.mjs';
import {
  EXECUTION, LAB, agentEnv, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot, hitsOf, layerLines, repoRoot, runPaired,
  standin, startStandin,
} from './helpers.mjs';

const MARGIN_MS = 500;
const ROUTE_LIST = ['/a', '/b', '/x'];

/** Runs the routes with the layer (and directly) with the agent's settings for `s` plus `env`. */
function run(s, env, { runtime = 'ric3' } = {}) {
  return runPaired({
    runtime,
    taskRoot: fixtureRoot(),
    events: ROUTE_LIST.map((p, i) => apiV2(p, { 'x-sl-test-name': `settings #${i}` })),
    env: agentEnv(s, env),
  });
}

/** The layer's lines without the Lambda prefix (time, request id, level). */
const messages = (output) => layerLines(output).map((l) => l.split('\t').pop());
const MODE = `[v8-footprints] ${modeLine(true, 'after-response')}`;

describe('ric3 and ric4: a setting the agent cannot use: one line naming it, no coverage, nothing sent', () => {
  const configs = [
    ['SL_PENDING_HITS=1.5', { SL_PENDING_HITS: '1.5' }, '[v8-footprints] coverage is off: SL_PENDING_HITS="1.5" is not a whole number from 1 to 100000'],
    ['SL_HTTP_TIMEOUT_MS=0', { SL_HTTP_TIMEOUT_MS: '0' }, '[v8-footprints] coverage is off: SL_HTTP_TIMEOUT_MS="0" is not a whole number from 1 to 900000'],
    ['SL_FLUSH_BUDGET_MS=0', { SL_FLUSH_BUDGET_MS: '0' }, '[v8-footprints] disabled, bad configuration: SL_FLUSH_BUDGET_MS="0" is not a whole number from 200 to 900000'],
    [
      'a build session id outside printable ASCII',
      { SL_BUILD_SESSION_ID: 'bsid-café' },
      '[v8-footprints] coverage is off: SL_BUILD_SESSION_ID holds U+00E9 at position 8: it is sent as it is in a header, which takes printable ASCII only',
    ],
    [
      'a lab id with a newline',
      { SL_LAB_ID: 'lab\nnext' },
      '[v8-footprints] coverage is off: SL_LAB_ID holds U+000A at position 3: it is sent as it is in a header, which takes printable ASCII only',
    ],
  ];
  for (const runtime of ['ric3', 'ric4']) {
    for (const [name, env, line] of configs) {
      test(`${runtime}: ${name}`, async () => {
        assertRuntimesInstalled();
        const s = await standin();
        try {
          const result = await run(s, env, { runtime });
          assertInvisible(result, MARGIN_MS);
          assert.deepEqual(messages(result.fn.output), [line]);
          assert.deepEqual(s.requests(), [], 'nothing was sent');
          assertNoToken(result.fn.output, s.token);
        } finally {
          await s.close();
        }
      });
    }
  }
});

describe('names in any script', () => {
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: SL_APP_NAME, SL_BUILD_NAME, SL_BRANCH_NAME beyond Latin-1 are sent, encoded in their headers`, async () => {
      assertRuntimesInstalled();
      const s = await standin();
      const names = { SL_APP_NAME: 'アプリ ☕', SL_BUILD_NAME: 'build 🚀 #1', SL_BRANCH_NAME: 'feature/ü\tx' };
      try {
        const result = await run(s, names, { runtime });
        assertInvisible(result, 2000 + MARGIN_MS);
        assert.deepEqual(messages(result.fn.output), [MODE]);
        assertNothingRejected(s);
        const records = s.accepted();
        assert.deepEqual(hitsOf(records).map((h) => h.methods), [INIT, ...ROUTE_LIST.map((p) => ROUTES[p])]);
        for (const r of records) {
          assert.deepEqual(
            [r.headers['x-sl-appname'], r.headers['x-sl-buildname'], r.headers['x-sl-branchname']].map(decodeURIComponent),
            [names.SL_APP_NAME, names.SL_BUILD_NAME, names.SL_BRANCH_NAME],
          );
          assert.deepEqual([r.body.meta.agentConfig.appName, r.body.meta.agentConfig.build, r.body.meta.agentConfig.branch], [names.SL_APP_NAME, names.SL_BUILD_NAME, names.SL_BRANCH_NAME]);
        }
        assert.deepEqual(s.eventTypes(), [1001, 1006, 1010]);
      } finally {
        await s.close();
      }
    });
  }
});

describe('the project root', () => {
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: SL_PROJECT_ROOT that does not exist: a warning naming it at start, then one saying no script ran`, async () => {
      assertRuntimesInstalled();
      const s = await standin();
      try {
        const result = await run(s, { SL_PROJECT_ROOT: './no-such-folder' }, { runtime });
        assertInvisible(result, 2000 + MARGIN_MS);
        const root = result.fn.output.match(/does not exist \(([^)]*)\)/)[1];
        assert.match(root, /\/no-such-folder$/);
        assert.deepEqual(messages(result.fn.output), [
          MODE,
          `[v8-footprints] SL_PROJECT_ROOT="./no-such-folder" does not exist (${root}): no script can be reported`,
          `[v8-footprints] no script under the project root ${root} ran in the module load and the first 2 invocations: check SL_PROJECT_ROOT`,
        ]);
        assert.deepEqual(s.accepted(), [], 'a hit without a method is not sent');
      } finally {
        await s.close();
      }
    });
  }

  test('ric3: SL_EXCLUDE leaving out every script: one warning naming both settings', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    try {
      const taskRoot = fixtureRoot();
      const result = await runPaired({ runtime: 'ric3', taskRoot, events: ROUTE_LIST.map((p) => apiV2(p)), env: agentEnv(s, { SL_EXCLUDE: 'src/**' }) });
      assert.deepEqual(messages(result.fn.output), [
        MODE,
        `[v8-footprints] no script under the project root ${taskRoot} ran in the module load and the first 2 invocations: check SL_PROJECT_ROOT and SL_EXCLUDE`,
      ]);
    } finally {
      await s.close();
    }
  });

  test('ric3: a project root where scripts run: no warning', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    try {
      const result = await run(s, { SL_PROJECT_ROOT: './src' });
      assert.deepEqual(messages(result.fn.output), [MODE]);
    } finally {
      await s.close();
    }
  });
});

/** An IPv4 address of this machine that is not loopback (traffic to it stays on the machine), or null. */
function otherLocalAddress() {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** The stand-in's certificate and key (tests only: 127.0.0.1 and localhost, self-signed, valid to 2126). */
const TLS_DIR = path.join(repoRoot, 'tests/fixtures/tls');
const TLS = { key: fs.readFileSync(path.join(TLS_DIR, 'loopback.key')), cert: fs.readFileSync(path.join(TLS_DIR, 'loopback.crt')) };

describe('a backend over HTTPS (node:https is loaded on first use)', () => {
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: its certificate trusted: every hit arrives over TLS`, async () => {
      assertRuntimesInstalled();
      const s = await standin({ tls: TLS });
      try {
        assert.match(s.apiUrl, /^https:\/\/127\.0\.0\.1:\d+\/api$/);
        const result = await run(s, { NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'loopback.crt') }, { runtime });
        assertInvisible(result, MARGIN_MS);
        assert.deepEqual(messages(result.fn.output), [MODE]);
        assertNothingRejected(s);
        assert.deepEqual(hitsOf(s.accepted()).map((h) => h.methods), [INIT, ...ROUTE_LIST.map((p) => ROUTES[p])]);
      } finally {
        await s.close();
      }
    });
  }

  test('ric3: a certificate the function does not trust: nothing reaches the backend, the function answers as before', async () => {
    assertRuntimesInstalled();
    const s = await standin({ tls: TLS });
    try {
      const result = await run(s, {});
      assertInvisible(result, MARGIN_MS);
      const unreachable = (what) =>
        `[v8-footprints] the backend cannot be reached for ${what} (DEPTH_ZERO_SELF_SIGNED_CERT): hits are kept for later sends, up to SL_PENDING_HITS=500; the log says when it answers again`;
      const endpoints = ['the remote configuration', "the build's methodology", 'agent events', 'the test execution check'];
      assert.deepEqual(messages(result.fn.output), [MODE, ...endpoints.map(unreachable)]);
      assert.deepEqual(s.requests(), []);
      assertNoToken(result.fn.output, s.token);
    } finally {
      await s.close();
    }
  });
});

describe('HTTPS only, except to loopback or with SL_ALLOW_PLAIN_HTTP', () => {
  const address = otherLocalAddress();
  const PLAIN = 'is plain HTTP to a host that is not a loopback address: the token would travel unencrypted (use https, or set SL_ALLOW_PLAIN_HTTP=true to accept that)';

  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: the token's x-sl-server over plain HTTP to ${address}: refused, not one request reaches it`, async (t) => {
      if (!address) return t.skip('this machine has no address but loopback');
      assertRuntimesInstalled();
      const s = await startStandin({ host: address, labs: { [LAB]: EXECUTION } });
      try {
        const result = await run(s, {}, { runtime });
        assertInvisible(result, MARGIN_MS);
        assert.deepEqual(messages(result.fn.output), [`[v8-footprints] coverage is off: the token's x-sl-server ${s.apiUrl} ${PLAIN}`]);
        assert.deepEqual(s.requests(), [], 'a request reached the plain-HTTP server');
        assertNoToken(result.fn.output, s.token);
      } finally {
        await s.close();
      }
    });
  }

  test(`ric3: SL_COLLECTOR_URL over plain HTTP to ${address}: refused, neither server gets a request`, async (t) => {
    if (!address) return t.skip('this machine has no address but loopback');
    assertRuntimesInstalled();
    const server = await standin();
    const collector = await startStandin({ host: address, token: server.token, labs: { [LAB]: EXECUTION } });
    try {
      const result = await run(server, { SL_COLLECTOR_URL: collector.url });
      assert.deepEqual(messages(result.fn.output), [`[v8-footprints] coverage is off: SL_COLLECTOR_URL=${collector.url} ${PLAIN}`]);
      assert.deepEqual([server.requests(), collector.requests()], [[], []]);
    } finally {
      await server.close();
      await collector.close();
    }
  });

  test(`ric3: SL_ALLOW_PLAIN_HTTP=true: footprints go to ${address} over plain HTTP`, async (t) => {
    if (!address) return t.skip('this machine has no address but loopback');
    assertRuntimesInstalled();
    const s = await startStandin({ host: address, labs: { [LAB]: EXECUTION } });
    try {
      const result = await run(s, { SL_ALLOW_PLAIN_HTTP: 'true' });
      assert.deepEqual(messages(result.fn.output), [MODE]);
      assertNothingRejected(s);
      assert.deepEqual(hitsOf(s.accepted()).map((h) => h.methods), [INIT, ...ROUTE_LIST.map((p) => ROUTES[p])]);
    } finally {
      await s.close();
    }
  });
});
