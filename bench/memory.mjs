/**
 * What the layer adds to a warm function's memory over a long run, beside the same function without it, in
 * one run (the machine is shared: compare the columns, not runs). For each runtime client (aws-lambda-ric
 * 3.3.0 on this Node, 4.0.2 on Node 24) and case (the seed's example and the 2 MB esbuild bundle with its map,
 * when bench/corpus.mjs has built it, each with the backend over HTTPS as in production; the seed's example
 * also with a backend over plain HTTP, as a collector on loopback), the direct function and the layered one
 * (exec wrapper, a test execution open, the backend stand-in on loopback) are invoked in turns. Both run under
 * the heap limits Lambda's bootstrap gives a 128 MB function (tests/layer/bootstrap.sh) and both trust the
 * stand-in's certificate. The process's resident memory is read from /proc/<pid>/status (VmRSS: what the
 * issue's goal counts; RssAnon: its anonymous part, which the kernel cannot drop and reread the way it can the
 * `node` executable's pages) after 100 invocations, and at 1,000 and at N as the median of the readings every 50
 * invocations over the 500 before that mark, the mark's included (a steady state is a level: no GC is forced, so
 * a single reading moves with where each process's collections fall, which come every few hundred invocations:
 * read every 100 invocations from 1,000 to 4,000, the layered Node 24 bundle read 104.8-106.4 MB but for 101.8
 * just after its memory-reducing collection; the growth after warm-up compares two such medians).
 * `--pairs P` runs each case with P pairs of processes, one pair after another (with `--together`, the pairs'
 * invocations at once), and gives the median over the pairs of layered minus direct beside each pair's figure.
 *
 *   node bench/memory.mjs [N=3000] [--every K] [--pairs P [--together | --own-pace [--pause MS]]]
 *                         [--env NAME=VALUE ...] [--cpu PERCENT] [--only TEXT]
 *   (after ./build.sh; also part of ./build.sh bench; `--env` sets a variable in both functions' environment)
 * `--every K` also prints, per case, what the layer adds every K invocations (a long run: 10000 --every 1000).
 * `--cpu PERCENT` runs each function process in a cgroup of its own with that share of one CPU, as Lambda
 * gives a function a share by its memory size (one vCPU at 1,769 MB: a 128 MB function about 7%); it needs
 * a writable cgroup cpu controller (v1's, or v2's with cpu enabled for the root's children), as root. Each
 * process is limited from its first response on (its init is not).
 * `--own-pace` runs every process at once, each invoked as its own tests would: its next event as soon as it
 * answered the last (the direct function is not held back by the layered one, which it is in turns or with
 * `--together`); `--pause MS` leaves each that long idle after each response, as a suite whose tests do work of
 * their own between requests (read with 100: a direct function idle that long kept a smaller young generation
 * on V8 11 than the layered one).
 * `--only TEXT` runs only the cases whose "runtime case backend" contains TEXT (`ric4 2 MB bundle`).
 * Goal (issue 9): at most 8 MB added at N, and no growth after warm-up (N vs 1,000).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const imp = (rel) => import(pathToFileURL(path.join(root, rel)).href);
const { startFunction } = await imp('tests/layer/runtime-api.mjs');
const { layerRoot } = await imp('tests/layer/helpers.mjs');
const { startStandin } = await imp('tests/backend/standin.mjs');
const { EXAMPLE, HANDLER, httpApiEvent } = await imp('examples/measure.mjs');
const { corpusDir } = await imp('bench/corpus.mjs');

const args = process.argv.slice(2);
/** Takes `--name value` out of the arguments: its value, or undefined when it is not there. */
function takeValue(name) {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  if (at + 1 >= args.length) throw new Error(`${name}: a value expected`);
  return args.splice(at, 2)[1];
}
/** Takes the switch `--name` out of the arguments: whether it was there. */
function takeSwitch(name) {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
}
const EVERY = Number(takeValue('--every') ?? 0);
const PAIRS = Number(takeValue('--pairs') ?? 1);
if (!(Number.isInteger(PAIRS) && PAIRS >= 1)) throw new Error(`--pairs: a whole number of at least 1, not ${PAIRS}`);
const TOGETHER = takeSwitch('--together');
const OWN_PACE = takeSwitch('--own-pace');
const PAUSE_MS = Number(takeValue('--pause') ?? 0);
if (!(Number.isInteger(PAUSE_MS) && PAUSE_MS >= 0)) throw new Error(`--pause: whole milliseconds, not ${PAUSE_MS}`);
if (PAUSE_MS && !OWN_PACE) throw new Error('--pause: with --own-pace only');
if (TOGETHER && OWN_PACE) throw new Error('--together or --own-pace, not both');
/** `--env NAME=VALUE` (repeatable): set in both functions' environment, as a function's own settings are. */
const bothEnv = {};
for (let pair = takeValue('--env'); pair !== undefined; pair = takeValue('--env')) {
  const [, name, value] = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair) ?? [];
  if (!name) throw new Error(`--env: NAME=VALUE expected, not ${JSON.stringify(pair)}`);
  bothEnv[name] = value;
}
const CPU = takeValue('--cpu');
if (CPU !== undefined && !(Number(CPU) > 0 && Number(CPU) <= 100)) throw new Error(`--cpu: a share of one CPU in percent (0-100], not ${CPU}`);
const ONLY = takeValue('--only');
const N = Number(args[0] || 3000);
const AT = [...new Set([100, 1000, N])].filter((i) => i <= N);
/** The marks read as a median (warm-up done, and the end), and the readings whose median stands for a mark. */
const STEADY_MARKS = [...new Set([1000, N])].filter((i) => i <= N && i >= 600);
/** Every 50 invocations over the 500 up to `mark`: 11 readings. */
const steadyReadings = (mark) => Array.from({ length: 11 }, (_, k) => mark - 500 + 50 * k);
const STEADY = STEADY_MARKS.flatMap(steadyReadings);
const GOAL_MB = 8;
const mb = (bytes) => (bytes / 1048576).toFixed(1);

/** `{rss, anon}` in bytes from /proc/<pid>/status. */
function residentOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)[1]) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}
/** The middle value (of an even number of values, the higher of the two middle ones). */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** The stand-in's certificate, trusted by both functions (NODE_EXTRA_CA_CERTS, read at their start). */
const TLS_DIR = path.join(root, 'tests/fixtures/tls');
const TLS = { key: fs.readFileSync(path.join(TLS_DIR, 'loopback.key')), cert: fs.readFileSync(path.join(TLS_DIR, 'loopback.crt')) };
/** What both functions' environments have: trust in that certificate, and the `--env` settings. */
const BOTH_ENV = { NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'loopback.crt'), ...bothEnv };

const seed = { name: 'seed example', taskRoot: EXAMPLE, handler: HANDLER, env: { SL_PROJECT_ROOT: './src' }, event: (i) => httpApiEvent(i % 2 ? '/sealights' : '/default', { 'x-sl-test-name': `t${i}` }) };
const cases = [
  { ...seed, backend: 'https' },
  { ...seed, backend: 'http' },
];
if (fs.existsSync(path.join(corpusDir, 'bundle/index.js'))) {
  cases.push({ name: '2 MB bundle + map', taskRoot: path.join(corpusDir, 'bundle'), handler: 'index.handler', env: { SL_PROJECT_ROOT: path.join(corpusDir, 'project') }, event: () => ({ id: 42, day: 3 }), backend: 'https' });
} else {
  console.log('(the bundle is left out: run ./build.sh bench once to build the corpus)');
}

/**
 * Puts process `pid` in a cgroup of its own limited to `percent` of one CPU; returns a function that removes
 * the cgroup once the process has exited. cgroup v2 (`cpu.max`) where the unified hierarchy has the cpu
 * controller for its children, else v1's cpu hierarchy (`cpu.cfs_quota_us`).
 */
function limitCpu(pid, percent) {
  const period = 100000;
  const quota = Math.round((period * percent) / 100);
  const unified = '/sys/fs/cgroup';
  const v2 = fs.existsSync(path.join(unified, 'cgroup.subtree_control')) && /\bcpu\b/.test(fs.readFileSync(path.join(unified, 'cgroup.subtree_control'), 'utf8'));
  const dir = path.join(v2 ? unified : path.join(unified, 'cpu'), `v8-footprints-bench-${pid}`);
  try {
    fs.mkdirSync(dir);
    if (v2) fs.writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${period}`);
    else {
      fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(period));
      fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  } catch (error) {
    throw new Error(`--cpu: cannot limit process ${pid} in ${dir} (${error.code ?? error.message}): a writable cgroup cpu controller and root are needed`);
  }
  return () => fs.rmdirSync(dir);
}

const labs = { 'lab-mem': { executionId: 'exec-mem', testStage: 'Memory', buildSessionId: 'bsid-mem' } };
const standins = { http: await startStandin({ labs }), https: await startStandin({ labs, tls: TLS }) };
const rows = [];
/** With --every: what the layer adds at each mark, per case. */
const series = [];
let seriesHead = [];
try {
  for (const runtime of ['ric3', 'ric4']) {
    for (const h of cases) {
      if (ONLY !== undefined && !`${runtime} ${h.name} ${h.backend}`.includes(ONLY)) continue;
      const standin = standins[h.backend];
      const env = { ...BOTH_ENV, SL_TOKEN: standin.token, SL_BUILD_SESSION_ID: 'bsid-mem', SL_LAB_ID: 'lab-mem', ...h.env };
      const pairs = [];
      const readings = [];
      /** Starts pair p: the direct function and the layered one. */
      const startPair = async (p) => {
        pairs[p] = {
          direct: await startFunction({ runtime, taskRoot: h.taskRoot, handler: h.handler, mode: 'direct', env: BOTH_ENV }),
          layer: await startFunction({ runtime, taskRoot: h.taskRoot, handler: h.handler, mode: 'exec-wrapper', layerRoot: layerRoot(), env }),
        };
        readings[p] = { direct: {}, layer: {} };
      };
      const stopPair = async (p) => {
        for (const fn of Object.values(pairs[p] ?? {})) {
          await fn.stop();
          fn.unlimit?.();
        }
        pairs[p] = null;
      };
      const invoke = async (p, variant, i) => {
        const fn = pairs[p][variant];
        const r = await fn.invoke(h.event(i));
        if (r.kind !== 'response') throw new Error(`${runtime} ${h.name} ${variant} (pair ${p + 1}): ${r.kind} ${JSON.stringify(r.body)}\n${fn.output.slice(-2000)}`);
        // Limited from its first response on: the process starts at its first invocation, and Lambda's init
        // phase is not held to the function's share.
        if (CPU !== undefined && !fn.unlimit) fn.unlimit = limitCpu(fn.pid, Number(CPU));
        if (AT.includes(i) || STEADY.includes(i) || (EVERY && i % EVERY === 0)) {
          await fn.idle();
          readings[p][variant][i] = residentOf(fn.pid);
        }
      };
      // Together: every pair started, then each invocation i of every process at once. Else each pair in
      // turn, started when its turn comes, its two processes invoked in turns.
      const groups = TOGETHER || OWN_PACE ? [Array.from({ length: PAIRS }, (_, p) => p)] : Array.from({ length: PAIRS }, (_, p) => [p]);
      try {
        for (const group of groups) {
          for (const p of group) await startPair(p);
          if (OWN_PACE) {
            await Promise.all(group.flatMap((p) => ['direct', 'layer'].map(async (variant) => {
              for (let i = 1; i <= N; i++) {
                await invoke(p, variant, i);
                if (PAUSE_MS) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
              }
            })));
          } else for (let i = 1; i <= N; i++) {
            if (TOGETHER) await Promise.all(group.flatMap((p) => ['direct', 'layer'].map((variant) => invoke(p, variant, i))));
            else for (const variant of ['direct', 'layer']) await invoke(group[0], variant, i);
          }
          for (const p of group) await stopPair(p);
        }
      } finally {
        for (let p = 0; p < pairs.length; p++) await stopPair(p);
      }
      // At 1,000 and N: the median of the steady readings of one process, for each measure.
      const at = (p, variant, i, measure) =>
        STEADY_MARKS.includes(i) ? median(steadyReadings(i).map((j) => readings[p][variant][j][measure])) : readings[p][variant][i][measure];
      const overPairs = (f) => median(readings.map((_, p) => f(p)));
      const addedBy = (p) => at(p, 'layer', N, 'rss') - at(p, 'direct', N, 'rss');
      const added = overPairs(addedBy);
      const addedAnon = overPairs((p) => at(p, 'layer', N, 'anon') - at(p, 'direct', N, 'anon'));
      const growth = N > 1000 ? overPairs((p) => at(p, 'layer', N, 'rss') - at(p, 'layer', 1000, 'rss') - (at(p, 'direct', N, 'rss') - at(p, 'direct', 1000, 'rss'))) : 0;
      if (EVERY) {
        const marks = Object.keys(readings[0].layer).map(Number).filter((i) => i % EVERY === 0);
        series.push([`${runtime}, ${h.name}, ${h.backend}`, ...marks.map((i) => mb(overPairs((p) => readings[p].layer[i].rss - readings[p].direct[i].rss)))]);
        seriesHead = marks;
      }
      rows.push([
        runtime === 'ric3' ? `aws-lambda-ric 3.3.0, Node ${process.versions.node}` : 'aws-lambda-ric 4.0.2, Node 24',
        `${h.name}, backend over ${h.backend === 'https' ? 'HTTPS' : 'plain HTTP'}`,
        AT.map((i) => mb(overPairs((p) => at(p, 'direct', i, 'rss')))).join(' / '),
        AT.map((i) => mb(overPairs((p) => at(p, 'layer', i, 'rss')))).join(' / '),
        `${mb(added)} MB`,
        ...(PAIRS > 1 ? [readings.map((_, p) => mb(addedBy(p))).join(' / ')] : []),
        `${mb(addedAnon)} MB`,
        `${mb(growth)} MB`,
        added <= GOAL_MB * 1048576 && growth <= 1048576 ? 'met' : 'not met',
      ]);
      console.error(`memory: ${runtime} ${h.name} over ${h.backend} done`);
    }
  }
} finally {
  for (const standin of Object.values(standins)) await standin.close();
}

console.log(`\nRSS (VmRSS, MB) after ${AT.join(' / ')} warm invocations (at ${STEADY_MARKS.join(' and ')}: the median of the readings every 50 invocations over the 500 up to it)${PAIRS > 1 ? `, medians over ${PAIRS} pairs of processes${TOGETHER ? ' run at once' : ''}` : ''}${OWN_PACE ? `, each process at its own pace${PAUSE_MS ? ` with ${PAUSE_MS} ms idle after each response` : ''}` : ''}${CPU !== undefined ? `, each process limited to ${CPU}% of one CPU` : ''}${Object.keys(bothEnv).length ? `, both functions with ${Object.entries(bothEnv).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}; goal: the layer adds at most ${GOAL_MB} MB at ${N} and grows no more than the direct function after 1,000 (1 MB slack)\n`);
const head = ['runtime', 'case', 'direct', 'with the layer', `added at ${N}`, ...(PAIRS > 1 ? ['each pair'] : []), 'of it anonymous', `growth 1,000 -> ${N} beyond direct's`, 'goal'];
console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (EVERY) {
  console.log(`\nAdded by the layer (MB of VmRSS, single readings, median over the pairs) every ${EVERY} invocations\n`);
  console.log(`| case | ${seriesHead.join(' | ')} |\n| --- | ${seriesHead.map(() => '---').join(' | ')} |`);
  for (const row of series) console.log(`| ${row.join(' | ')} |`);
}
