/**
 * The layer through the real runtime client (aws-lambda-ric 3.x on this Node, tests/layer/runtime-api.mjs)
 * and the backend stand-in (tests/backend/standin.mjs), for the small and the bundled handler:
 *   - warm latency: the same event sent round-robin to the function without the layer (direct), with the
 *     layer and a test execution open, and with the layer and none open; time from the invocation's
 *     delivery request to the runtime's response, measured here with performance.now();
 *   - RSS read from inside each function (an `{rss: true}` event) after 100 and after `rounds` invocations;
 *   - cold start: the first invocation of a fresh process (spawn to response), direct and with the layer;
 *   - the take's own cost inside the bundled function with the layer (its `{bench: 'take'}` route).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const imp = (rel) => import(pathToFileURL(path.join(root, rel)).href);
const now = () => performance.now();

export async function runLayer({ pkg = path.join(root, 'pkg'), corpus, rounds = 2000, latencyFrom = 20, latencyN = 300, coldReps = 5, log = () => {} }) {
  const { startFunction } = await imp('tests/layer/runtime-api.mjs');
  const { tempDir, unzip } = await imp('tests/layer/helpers.mjs');
  const { startStandin } = await imp('tests/backend/standin.mjs');
  // The layer zip, assembled from `pkg` and unpacked as Lambda unpacks it (as tests/layer/helpers.mjs does).
  const { execFileSync } = await import('node:child_process');
  const zip = path.join(root, '.cache/bench/v8-footprints-layer.zip');
  execFileSync(path.join(root, 'layer/assemble.sh'), [pkg, zip], { stdio: 'pipe' });
  const layer = path.join(tempDir('v8fp-bench-layer-'), 'opt');
  unzip(zip, layer);
  // The layer's agent with timers around its pieces (timed-agent.mjs), for the split.
  const timedAgent = { V8FP_AGENT_MODULE: path.join(here, 'timed-agent.mjs'), V8FP_BENCH_AGENT: path.join(layer, 'v8-footprints/wrapper/agent.mjs') };
  const statsDir = fs.mkdtempSync(path.join(root, '.cache/bench/stats-'));
  const standin = await startStandin({ labs: { 'lab-open': { executionId: 'exec-1', testStage: 'Bench', buildSessionId: 'bsid-1' } } });
  const handlers = {
    small: { taskRoot: path.join(corpus, 'small'), env: {}, event: require0(path.join(corpus, 'small/index.js')).sampleEvent },
    bundle: {
      taskRoot: path.join(corpus, 'bundle'),
      env: { SL_PROJECT_ROOT: path.join(corpus, 'project') },
      event: { id: 42, day: 3 },
    },
  };
  const variants = {
    direct: { mode: 'direct', env: {} },
    open: { mode: 'exec-wrapper', env: { SL_LAB_ID: 'lab-open', ...timedAgent } },
    none: { mode: 'exec-wrapper', env: { SL_LAB_ID: 'lab-none', ...timedAgent } },
  };
  const start = (h, v) =>
    startFunction({
      runtime: 'ric3',
      taskRoot: handlers[h].taskRoot,
      handler: 'index.handler',
      mode: variants[v].mode,
      layerRoot: layer,
      env: { NODE_NO_WARNINGS: '1', SL_TOKEN: standin.token, SL_BUILD_SESSION_ID: 'bsid-1', ...handlers[h].env, ...variants[v].env },
    });
  // ms: invocation to response; afterMs: response to the runtime and every extension back in next (the
  // agent's work after the response, with post-response delivery).
  const timed = async (fn, event) => {
    await fn.idle();
    const t0 = now();
    const r = await fn.invoke(event);
    const ms = now() - t0;
    if (r.kind !== 'response') throw new Error(`${fn.handler} (${fn.mode}): ${r.kind} ${JSON.stringify(r.body)}\n${fn.output.slice(-2000)}`);
    await fn.idle();
    return { ms, afterMs: now() - t0 - ms, body: r.body };
  };

  const out = { latency: {}, afterResponse: {}, rss: {}, cold: {}, coldStats: {}, takeInFunction: null };
  // Cold starts first, on an idle machine state: fresh function per start, the variants interleaved.
  for (const h of Object.keys(handlers)) {
    out.cold[h] = { direct: [], open: [], none: [] };
    for (let i = 0; i < coldReps; i++) {
      for (const v of Object.keys(variants)) {
        const fn = await start(h, v);
        out.cold[h][v].push((await timed(fn, handlers[h].event)).ms);
        if (v !== 'direct') {
          const file = path.join(statsDir, `cold-${h}-${v}-${i}.json`);
          await timed(fn, { benchStats: file });
          if (!fs.existsSync(file)) throw new Error(`${h} (${v}): the timed agent wrote no figures; the function's output:\n${fn.output.slice(-3000)}`);
          (out.coldStats[`${h}/${v}`] ||= []).push(JSON.parse(fs.readFileSync(file, 'utf8')).first);
        }
        await fn.stop();
      }
    }
    log(`layer: cold starts of ${h} done`);
  }

  // Warm: all six functions, round-robin.
  const fns = {};
  for (const h of Object.keys(handlers)) for (const v of Object.keys(variants)) fns[`${h}/${v}`] = await start(h, v);
  for (const key of Object.keys(fns)) {
    out.latency[key] = [];
    out.afterResponse[key] = [];
    out.rss[key] = {};
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [key, fn] of Object.entries(fns)) {
      const h = key.split('/')[0];
      const { ms, afterMs } = await timed(fn, handlers[h].event);
      if (round > latencyFrom && round <= latencyFrom + latencyN) {
        out.latency[key].push(ms);
        out.afterResponse[key].push(afterMs);
      }
      if (round === 100 || round === rounds) out.rss[key][round] = (await timed(fn, { rss: true })).body;
    }
    if (round % 500 === 0) log(`layer: ${round} of ${rounds} rounds`);
  }
  out.rounds = rounds;
  out.takeInFunction = (await timed(fns['bundle/open'], { bench: 'take', n: 20 })).body.takeMs;
  out.agentStats = {};
  for (const [key, fn] of Object.entries(fns)) {
    if (key.endsWith('/direct')) continue;
    const file = path.join(statsDir, key.replace('/', '-') + '.json');
    await timed(fn, { benchStats: file });
    out.agentStats[key] = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  // The same split for each variant's cold start (the first invocation of each fresh process).
  const accepted = standin.accepted();
  out.accepted = accepted.length;
  out.rejected = standin.rejected().length;
  for (const fn of Object.values(fns)) await fn.stop();
  const problems = Object.entries(fns)
    .filter(([, fn]) => /\[v8-footprints\]/.test(fn.output) && /warn|error|fail/i.test(fn.output))
    .map(([key, fn]) => `${key}: ${fn.output.split('\n').filter((l) => l.includes('v8-footprints')).slice(0, 2).join(' | ')}`);
  out.logProblems = problems;
  await standin.close();
  fs.rmSync(statsDir, { recursive: true, force: true });

  out.zipBytes = fs.statSync(zip).size;
  return out;
}

function require0(file) {
  // The sample event of a CommonJS handler, without loading it into this process's coverage-free realm twice.
  const text = fs.readFileSync(file, 'utf8');
  const m = { exports: {} };
  new Function('exports', 'module', 'require', text)(m.exports, m, () => ({}));
  return m.exports;
}
