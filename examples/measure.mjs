#!/usr/bin/env node
/**
 * Measures what the layer adds to the example service (examples/serverless-example), through the real runtime
 * client (aws-lambda-ric 3.x, the nodejs18/20/22 runtime) and the backend stand-in on 127.0.0.1:
 *   - per warm invocation: the same API Gateway v2 events, run directly and with the layer (exec wrapper),
 *     interleaved; added = wrapped - direct for each pair; median and p99 of the pairs;
 *   - at cold start: a new process per start (spawn, runtime client, handler load, first invocation), run
 *     directly and with the layer, alternating; added = median(wrapped) - median(direct).
 * Both with a test execution open (every invocation sends its footprints) and with none (the layer asks the
 * backend at most once per 10 s and otherwise does nothing).
 *
 *   node examples/measure.mjs [--warm 200] [--cold 15] [--runtime ric3|ric4]
 *
 * Times are taken around each invoke with performance.now(), once the runtime is waiting for the next event.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { layerRoot, unzip, tempDir } from '../tests/layer/helpers.mjs';
import { RUNTIMES, repoRoot, startFunction } from '../tests/layer/runtime-api.mjs';
import { startStandin } from '../tests/backend/standin.mjs';

export const EXAMPLE = path.join(repoRoot, 'examples/serverless-example');
export const HANDLER = './src/test-lambda-1/index.handler';
export const LAB = 'demo-lab';
export const BSID = 'demo-build-session';
export const EXECUTION = { executionId: 'demo-execution-1', buildSessionId: BSID, testStage: 'Demo Tests' };

/** The layer as Lambda unpacks it: dist/v8-footprints-layer.zip when ./build.sh made it, else assembled now. */
export function demoLayer() {
  const zip = path.join(repoRoot, 'dist/v8-footprints-layer.zip');
  if (!fs.existsSync(zip)) return layerRoot();
  const dir = path.join(tempDir('v8fp-demo-layer-'), 'opt');
  unzip(zip, dir);
  return dir;
}

/** True when tests/layer/setup.sh has installed the runtime clients. */
export function runtimesInstalled() {
  return Object.values(RUNTIMES).every((r) => fs.existsSync(r.node) && fs.existsSync(r.check));
}

/** The layer's settings for the example, as its serverless.yml gives them, against stand-in `s`. */
export function exampleEnv(s, extra = {}) {
  return { SL_TOKEN: s.token, SL_BUILD_SESSION_ID: BSID, SL_LAB_ID: LAB, SL_PROJECT_ROOT: './src', ...extra };
}

/** An API Gateway HTTP API (payload 2.0) event for `rawPath`, with `headers`. */
export function httpApiEvent(rawPath, headers = {}) {
  return {
    version: '2.0',
    routeKey: `GET ${rawPath}`,
    rawPath,
    rawQueryString: '',
    headers: { accept: 'application/json', host: 'demo.execute-api.eu-west-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'demo',
      domainName: 'demo.execute-api.eu-west-1.amazonaws.com',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'v8-footprints-demo' },
      requestId: 'demo-request',
      routeKey: `GET ${rawPath}`,
      stage: '$default',
      time: '23/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795435200000,
    },
    isBase64Encoded: false,
  };
}

/** One timed invocation: waits until the runtime is idle, then times invoke -> response (ms, fractional). */
export async function timed(fn, event) {
  await fn.idle();
  const t = performance.now();
  const result = await fn.invoke(event);
  return { result, ms: performance.now() - t };
}

export const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};

/**
 * Warm invocations: `n` pairs (direct, wrapped) of the same events, after `warmup` pairs; returns the per-pair
 * added ms and both series. The functions must be started already.
 */
export async function measureWarm(direct, wrapped, n, { warmup = 20, events = warmEvents() } = {}) {
  for (let i = 0; i < warmup; i++) {
    await timed(direct, events[i % events.length]);
    await timed(wrapped, events[i % events.length]);
  }
  const added = [];
  const d = [];
  const w = [];
  for (let i = 0; i < n; i++) {
    const event = events[i % events.length];
    // Alternate which goes first, so neither always runs right after the other's work.
    const first = i % 2 === 0 ? await timed(direct, event) : await timed(wrapped, event);
    const second = i % 2 === 0 ? await timed(wrapped, event) : await timed(direct, event);
    const [dm, wm] = i % 2 === 0 ? [first.ms, second.ms] : [second.ms, first.ms];
    d.push(dm);
    w.push(wm);
    added.push(wm - dm);
  }
  return { added, direct: d, wrapped: w };
}

export function warmEvents() {
  return [
    httpApiEvent('/default', { 'x-sl-test-name': 'greets the world' }),
    httpApiEvent('/sealights', { 'x-sl-testid': `${EXECUTION.executionId}/says goodbye` }),
    httpApiEvent('/nowhere'),
  ];
}

/** Cold starts: `n` fresh processes each way, alternating; returns both series (ms, spawn to first response). */
export async function measureCold(layer, env, n, runtime = 'ric3') {
  const series = { direct: [], wrapped: [] };
  for (let i = 0; i < n; i++) {
    for (const mode of i % 2 === 0 ? ['direct', 'exec-wrapper'] : ['exec-wrapper', 'direct']) {
      const fn = await startFunction({ runtime, taskRoot: EXAMPLE, handler: HANDLER, mode, layerRoot: layer, env: mode === 'direct' ? {} : env });
      const t = performance.now();
      const r = await fn.invoke(warmEvents()[0]);
      const ms = performance.now() - t;
      await fn.stop();
      if (r.kind !== 'response') throw new Error(`cold start ${mode}: ${r.kind}\n${fn.output}`);
      series[mode === 'direct' ? 'direct' : 'wrapped'].push(ms);
    }
  }
  return series;
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;

/** Measures one configuration (execution open or not); returns a summary. */
export async function measureExample({ open, warm, cold, runtime = 'ric3', layer = demoLayer() }) {
  const s = await startStandin({ labs: open ? { [LAB]: EXECUTION } : {} });
  try {
    const env = exampleEnv(s);
    const direct = await startFunction({ runtime, taskRoot: EXAMPLE, handler: HANDLER, mode: 'direct' });
    const wrapped = await startFunction({ runtime, taskRoot: EXAMPLE, handler: HANDLER, mode: 'exec-wrapper', layerRoot: layer, env });
    let w;
    try {
      w = await measureWarm(direct, wrapped, warm);
    } finally {
      await direct.stop();
      await wrapped.stop();
    }
    const c = cold > 0 ? await measureCold(layer, env, cold, runtime) : null;
    return {
      open,
      warm: { n: warm, median: quantile(w.added, 0.5), p99: quantile(w.added, 0.99), directMedian: quantile(w.direct, 0.5), wrappedMedian: quantile(w.wrapped, 0.5) },
      cold: c && { n: cold, direct: quantile(c.direct, 0.5), wrapped: quantile(c.wrapped, 0.5), added: quantile(c.wrapped, 0.5) - quantile(c.direct, 0.5) },
      sent: s.accepted().length,
      rejected: s.rejected().length,
    };
  } finally {
    await s.close();
  }
}

export function describeMeasure(m) {
  const lines = [
    `  execution ${m.open ? 'open (every invocation sends its footprints)' : 'none open (nothing collected or sent)'}: ` +
      `${m.sent} bodies accepted, ${m.rejected} rejected`,
    `    warm, ${m.warm.n} pairs: added per invocation median ${fmt(m.warm.median)}, p99 ${fmt(m.warm.p99)} ` +
      `(direct median ${fmt(m.warm.directMedian)}, with the layer ${fmt(m.warm.wrappedMedian)})`,
  ];
  if (m.cold) {
    lines.push(
      `    cold start, ${m.cold.n} each: added ${fmt(m.cold.added)} (median spawn-to-first-response direct ${fmt(m.cold.direct)}, with the layer ${fmt(m.cold.wrapped)})`,
    );
  }
  return lines.join('\n');
}

async function main(argv) {
  const arg = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const warm = Number(arg('warm', 200));
  const cold = Number(arg('cold', 15));
  const runtime = arg('runtime', 'ric3');
  if (!runtimesInstalled()) throw new Error('the runtime clients are missing: run bash tests/layer/setup.sh');
  const layer = demoLayer();
  const node = execFileSync(RUNTIMES[runtime].node, ['--version'], { encoding: 'utf8' }).trim();
  const client = runtime === 'ric3' ? 'aws-lambda-ric 3.x' : 'aws-lambda-ric 4.x';
  console.log(`added latency of the layer on the example (${client} on Node ${node}), ${new Date().toISOString()}`);
  for (const open of [true, false]) console.log(describeMeasure(await measureExample({ open, warm, cold, runtime, layer })));
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.stack || String(error));
    process.exitCode = 1;
  });
}
