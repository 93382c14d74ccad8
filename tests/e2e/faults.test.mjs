/**
 * Faults never reach the function: with the backend down, slow past the budget, failing with 500 then
 * recovering, answering 404, with a malformed token, without a build session id, with a wasm that does not load,
 * and with a script the converter cannot convert, the response is the one of the direct run and the added latency
 * stays within the flush budget. Where a later send succeeds, every footprint arrives (nothing lost).
 * The token never appears in the function's output (every run here logs at debug level).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { unzip } from '../layer/helpers.mjs';
import { assertRuntimesInstalled } from '../layer/runtime-api.mjs';
import { INIT, ROUTES } from './expected.mjs';
import {
  EXECUTION, LAB, agentEnv, apiV2, assertInvisible, assertNoToken, assertNothingRejected, fixtureRoot, hitsOf, layerLines, repoRoot,
  runPaired, standin, startStandin, tempDir,
} from './helpers.mjs';

const BUDGET_MS = 2000; // SL_FLUSH_BUDGET_MS's default; SL_HTTP_TIMEOUT_MS (1500) bounds each afterInvoke's sends
const MARGIN_MS = 500; // scheduling noise on a loaded 2-CPU machine
const ROUTE_CYCLE = ['/a', '/b', '/lazy', '/x'];

/** `n` events cycling through the routes, each with its own test name. */
function events(n) {
  return Array.from({ length: n }, (_, i) => ({ route: ROUTE_CYCLE[i % 4], testName: `fault test #${i}` }));
}

/** Asserts every invocation's footprints arrived (keyed by test name), exactly once, and the init hit once. */
function assertNothingLost(s, cases, { except = [] } = {}) {
  const hits = hitsOf(s.accepted());
  assert.deepEqual(hits.filter((h) => h.init).map((h) => h.methods), [INIT], 'init footprints: once');
  const byName = {};
  for (const hit of hits.filter((h) => !h.init)) {
    assert.ok(!(hit.testName in byName), `${hit.testName} arrived twice`);
    byName[hit.testName] = hit.methods;
  }
  const expected = Object.fromEntries(cases.filter((c, i) => !except.includes(i)).map((c) => [c.testName, ROUTES[c.route]]));
  assert.deepEqual(byName, expected);
}

/** Runs `cases` through ric3 with the layer and directly; `between(i)` runs after invocation i. */
function run(s, cases, { env = {}, between, runtime = 'ric3', layer, taskRoot = fixtureRoot() } = {}) {
  return runPaired({
    runtime,
    taskRoot,
    layer,
    events: cases.map((c) => apiV2(c.route, { 'x-sl-test-name': c.testName })),
    env: agentEnv(s, { SL_LOG_LEVEL: 'debug', ...env }),
    between,
  });
}

const footprintPosts = (s) => s.requests().filter((r) => r.endpoint === 'footprints');

describe('ric3: the backend failing', () => {
  test('down (connection refused) from the start, then up: nothing lost', async () => {
    assertRuntimesInstalled();
    const first = await standin();
    const { port, token } = first;
    await first.close();
    let s = first;
    const cases = events(4);
    try {
      const result = await run(s, cases, {
        env: { SL_EXECUTION_CHECK_INTERVAL_S: '0' },
        between: async (i) => {
          if (i === 1) s = await startStandin({ port, token, labs: { [LAB]: EXECUTION } });
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      assertNothingLost(s, cases);
      assertNoToken(result.fn.output, token);
      assert.ok(layerLines(result.fn.output).some((l) => /ECONNREFUSED/.test(l)), 'the refused connection is logged');
    } finally {
      await s.close();
    }
  });

  test('footprints endpoint dropping connections, then recovering: nothing lost', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const cases = events(5);
    try {
      const result = await run(s, cases, {
        between: (i) => {
          if (i === 0) s.setMode('down', { endpoints: 'footprints' });
          if (i === 3) s.setMode('normal');
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      assert.ok(s.received().filter((r) => r.outcome === 'down').length >= 3, 'the drops happened');
      assertNothingLost(s, cases);
      assertNoToken(result.fn.output, s.token);
    } finally {
      await s.close();
    }
  });

  for (const delivery of ['after-response', 'inline']) {
    test(`${delivery}: footprints endpoint slower than the budget, then recovering: response within the budget, nothing lost`, async () => {
      assertRuntimesInstalled();
      const s = await standin();
      const cases = events(4);
      try {
        const result = await run(s, cases, {
          env: { SL_DELIVERY: delivery },
          between: (i) => {
            if (i === 0) s.setMode('slow', { ms: 4000, endpoints: 'footprints' });
            if (i === 2) s.setMode('normal');
          },
        });
        assertInvisible(result, BUDGET_MS + MARGIN_MS);
        const added = result.wrapped.map((r, i) => r.ms - result.direct[i].ms);
        if (delivery === 'inline') {
          assert.ok(added[1] >= 1000 && added[2] >= 1000, `the slow sends were waited for, up to their time budget: ${added}`);
        } else {
          // The slow sends happen after the response: the caller never waits for them.
          assert.ok(added[1] < 300 && added[2] < 300, `the responses waited for the slow sends: ${added}`);
        }
        assertNothingRejected(s);
        assertNothingLost(s, cases);
        assertNoToken(result.fn.output, s.token);
      } finally {
        await s.close();
      }
    });
  }

  test('a callback-style handler with a slow backend: no timer or socket of ours delays the response', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    s.setMode('slow', { ms: 4000, endpoints: 'footprints' });
    try {
      const result = await runPaired({
        runtime: 'ric3',
        taskRoot: fixtureRoot(),
        handler: 'src/app.callback',
        events: ['/a', '/b', '/x'].map((p) => apiV2(p)),
        env: agentEnv(s, { SL_LOG_LEVEL: 'debug' }),
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNoToken(result.fn.output, s.token);
    } finally {
      await s.close();
    }
  });

  test('execution query slower than the budget from the start, then recovering: nothing lost', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    s.setMode('slow', { ms: 4000, endpoints: 'execution' });
    const cases = events(4);
    try {
      const result = await run(s, cases, {
        env: { SL_EXECUTION_CHECK_INTERVAL_S: '0' },
        between: (i) => {
          if (i === 1) s.setMode('normal');
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      assertNothingLost(s, cases);
    } finally {
      await s.close();
    }
  });

  test('500 (retried), then recovery: nothing lost', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const cases = events(4);
    try {
      const result = await run(s, cases, {
        between: (i) => {
          if (i === 0) s.setMode('fail-then-recover', { count: 3 });
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      assert.equal(s.received().filter((r) => r.status === 500).length, 3);
      assertNothingLost(s, cases);
      assertNoToken(result.fn.output, s.token);
    } finally {
      await s.close();
    }
  });

  test('down longer than SL_PENDING_HITS invocations: the oldest are dropped and counted in the log (a line when it starts, the count when the backend is back), the newest arrive', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const cases = events(8);
    try {
      const result = await run(s, cases, {
        env: { SL_PENDING_HITS: '3' },
        between: (i) => {
          if (i === 0) s.setMode('down', { endpoints: 'footprints' });
          if (i === 6) s.setMode('normal');
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      const arrived = hitsOf(s.accepted()).filter((h) => !h.init).map((h) => h.testName);
      const n = arrived.length;
      // Invocation 0 went out before the outage; after it, only the newest hits can have been kept.
      assert.deepEqual(arrived, [cases[0].testName, ...cases.slice(cases.length - (n - 1)).map((c) => c.testName)]);
      assert.ok(n - 1 >= 3, `at least SL_PENDING_HITS hits were kept: ${arrived}`);
      // One line when the drops start, one when the backend answers again, counting every hit dropped meanwhile.
      const lines = layerLines(result.fn.output).filter((l) => /dropped/.test(l));
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0], /hits are being dropped: more than SL_PENDING_HITS=3 waited to be sent \(1 so far/);
      const dropped = Number(/(\d+) hits were dropped meanwhile \(SL_PENDING_HITS=3\)/.exec(lines[1])?.[1]);
      assert.equal(dropped, cases.length - n, `every dropped hit is counted in the log:\n${result.fn.output}`);
    } finally {
      await s.close();
    }
  });

  test('404 on footprints: counted as done (not retried, not resent); later sends go on', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const cases = events(4);
    try {
      const result = await run(s, cases, {
        between: (i) => {
          if (i === 0) s.setMode('404', { endpoints: 'footprints' });
          if (i === 2) s.setMode('normal');
        },
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      assert.deepEqual(footprintPosts(s).map((r) => r.status), [200, 404, 404, 200], 'one POST per invocation');
      assertNothingLost(s, cases, { except: [1, 2] });
    } finally {
      await s.close();
    }
  });
});

describe('ric3 and ric4: bad configuration runs the function without coverage', () => {
  const configs = [
    ['a malformed token', (s) => ({ SL_TOKEN: `${s.token.split('.')[1]}-not-a-jwt` }), /SL_TOKEN is not a valid agent token/],
    ['a token without x-sl-server', (s) => ({ SL_TOKEN: `${s.token.split('.')[0]}.${Buffer.from('{"subject":"x@agent"}').toString('base64url')}.${s.token.split('.')[2]}` }), /x-sl-server/],
    ['an unreadable SL_TOKEN_FILE', () => ({ SL_TOKEN: '', SL_TOKEN_FILE: 'no-such-token.txt' }), /SL_TOKEN_FILE names a file that cannot be read/],
    ['no build session id', () => ({ SL_BUILD_SESSION_ID: '' }), /SL_BUILD_SESSION_ID \(or SL_BUILD_SESSION_ID_FILE\) is not set/],
  ];
  for (const runtime of ['ric3', 'ric4']) {
    for (const [name, env, line] of configs) {
      test(`${runtime}: ${name}`, async () => {
        assertRuntimesInstalled();
        const s = await standin();
        try {
          const result = await run(s, events(3), { runtime, env: env(s) });
          assertInvisible(result, MARGIN_MS);
          const lines = layerLines(result.fn.output);
          assert.equal(lines.length, 1, `one line: ${lines.join('\n')}`);
          assert.match(lines[0], /coverage is off/);
          assert.match(lines[0], line);
          assert.deepEqual(s.requests(), [], 'nothing was sent');
          assertNoToken(result.fn.output, s.token);
        } finally {
          await s.close();
        }
      });
    }
  }
});

/** A layer whose v8-footprints/pkg has a truncated .wasm (built with layer/assemble.sh). */
function brokenWasmLayer() {
  const dir = tempDir('v8fp-broken-wasm-');
  const pkg = path.join(dir, 'pkg');
  fs.cpSync(path.join(repoRoot, 'pkg'), pkg, { recursive: true, dereference: true });
  const wasm = path.join(pkg, 'v8_footprints_bg.wasm');
  fs.truncateSync(wasm, 64);
  execFileSync(path.join(repoRoot, 'layer/assemble.sh'), [pkg, path.join(dir, 'layer.zip')], { stdio: 'pipe' });
  unzip(path.join(dir, 'layer.zip'), path.join(dir, 'opt'));
  return path.join(dir, 'opt');
}

describe('the converter failing', () => {
  for (const runtime of ['ric3', 'ric4']) {
    test(`${runtime}: the wasm does not load: one line, no coverage, responses unchanged`, async () => {
      assertRuntimesInstalled();
      const s = await standin();
      try {
        const result = await run(s, events(3), { runtime, layer: brokenWasmLayer() });
        assertInvisible(result, MARGIN_MS);
        // The converter loads after the first response: its failure is one line then, and coverage stops.
        const lines = layerLines(result.fn.output).filter((l) => /\t(WARN|ERROR)\t/.test(l));
        assert.equal(lines.length, 1, lines.join('\n'));
        assert.match(lines[0], /coverage is off: the converter could not be loaded/);
        // The cold start's calls (config, methodology, registration) may go out first; footprints never do.
        assert.deepEqual(s.requests().filter((r) => !['config', 'methodology', 'events'].includes(r.endpoint)), []);
        assertNoToken(result.fn.output, s.token);
      } finally {
        await s.close();
      }
    });
  }

  test('ric3: a script whose source was deleted or rewritten after load: a warning, the rest still arrives', async () => {
    assertRuntimesInstalled();
    const s = await standin();
    const routes = ['/x', '/gone', '/changed', '/x'];
    try {
      const result = await runPaired({
        runtime: 'ric3',
        taskRoot: fixtureRoot(),
        directTaskRoot: fixtureRoot(),
        handler: 'src/volatile.handler',
        events: routes.map((p, i) => apiV2(p, { 'x-sl-test-name': `volatile #${i}` })),
        env: agentEnv(s, { SL_LOG_LEVEL: 'debug' }),
      });
      assertInvisible(result, BUDGET_MS + MARGIN_MS);
      assertNothingRejected(s);
      const keep = { 'src/volatile.js@7,9': [7, 8, 9] };
      const handler = (lines) => ({ ...keep, 'src/volatile.js@11,18': lines });
      assert.deepEqual(
        hitsOf(s.accepted()).map((h) => [h.testName, h.methods]),
        [
          ['volatile #0', handler([12, 13, 19, 25, 26])],
          ['volatile #1', handler([12, 13, 14, 15, 16, 17, 18, 26])], // without src/gone.js
          ['volatile #2', handler([12, 13, 19, 20, 21, 22, 23, 24, 26])], // without src/changing.js
          ['volatile #3', handler([12, 13, 19, 25, 26])],
        ],
      );
      const warnings = layerLines(result.fn.output).filter((l) => /\tWARN\t/.test(l));
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.match(warnings[0], /src\/gone\.js/);
      assert.match(warnings[1], /src\/changing\.js: the source does not match the coverage/);
      assertNoToken(result.fn.output, s.token);
    } finally {
      await s.close();
    }
  });
});
