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
 *
 *   node bench/memory.mjs [N=3000] [--every K]   (after ./build.sh; also part of ./build.sh bench)
 * `--every K` also prints, per case, what the layer adds every K invocations (a long run: 10000 --every 1000).
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
const everyAt = args.indexOf('--every');
const EVERY = everyAt >= 0 ? Number(args.splice(everyAt, 2)[1]) : 0;
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
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** The stand-in's certificate, trusted by both functions (NODE_EXTRA_CA_CERTS, read at their start). */
const TLS_DIR = path.join(root, 'tests/fixtures/tls');
const TLS = { key: fs.readFileSync(path.join(TLS_DIR, 'loopback.key')), cert: fs.readFileSync(path.join(TLS_DIR, 'loopback.crt')) };
const TRUST = { NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'loopback.crt') };

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

const labs = { 'lab-mem': { executionId: 'exec-mem', testStage: 'Memory', buildSessionId: 'bsid-mem' } };
const standins = { http: await startStandin({ labs }), https: await startStandin({ labs, tls: TLS }) };
const rows = [];
/** With --every: what the layer adds at each mark, per case. */
const series = [];
let seriesHead = [];
try {
  for (const runtime of ['ric3', 'ric4']) {
    for (const h of cases) {
      const standin = standins[h.backend];
      const env = { ...TRUST, SL_TOKEN: standin.token, SL_BUILD_SESSION_ID: 'bsid-mem', SL_LAB_ID: 'lab-mem', ...h.env };
      const fns = {
        direct: await startFunction({ runtime, taskRoot: h.taskRoot, handler: h.handler, mode: 'direct', env: TRUST }),
        layer: await startFunction({ runtime, taskRoot: h.taskRoot, handler: h.handler, mode: 'exec-wrapper', layerRoot: layerRoot(), env }),
      };
      const readings = { direct: {}, layer: {} };
      try {
        for (let i = 1; i <= N; i++) {
          for (const [variant, fn] of Object.entries(fns)) {
            const r = await fn.invoke(h.event(i));
            if (r.kind !== 'response') throw new Error(`${runtime} ${h.name} ${variant}: ${r.kind} ${JSON.stringify(r.body)}\n${fn.output.slice(-2000)}`);
            if (AT.includes(i) || STEADY.includes(i) || (EVERY && i % EVERY === 0)) {
              await fn.idle();
              readings[variant][i] = residentOf(fn.pid);
            }
          }
        }
      } finally {
        for (const fn of Object.values(fns)) await fn.stop();
      }
      // At 1,000 and N: the median of the steady readings, for each measure.
      const at = (variant, i, measure) =>
        STEADY_MARKS.includes(i) ? median(steadyReadings(i).map((j) => readings[variant][j][measure])) : readings[variant][i][measure];
      const added = at('layer', N, 'rss') - at('direct', N, 'rss');
      const addedAnon = at('layer', N, 'anon') - at('direct', N, 'anon');
      const growth = N > 1000 ? at('layer', N, 'rss') - at('layer', 1000, 'rss') - (at('direct', N, 'rss') - at('direct', 1000, 'rss')) : 0;
      if (EVERY) {
        const marks = Object.keys(readings.layer).map(Number).filter((i) => i % EVERY === 0);
        series.push([`${runtime}, ${h.name}, ${h.backend}`, ...marks.map((i) => mb(readings.layer[i].rss - readings.direct[i].rss))]);
        seriesHead = marks;
      }
      rows.push([
        runtime === 'ric3' ? `aws-lambda-ric 3.3.0, Node ${process.versions.node}` : 'aws-lambda-ric 4.0.2, Node 24',
        `${h.name}, backend over ${h.backend === 'https' ? 'HTTPS' : 'plain HTTP'}`,
        AT.map((i) => mb(at('direct', i, 'rss'))).join(' / '),
        AT.map((i) => mb(at('layer', i, 'rss'))).join(' / '),
        `${mb(added)} MB`,
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

console.log(`\nRSS (VmRSS, MB) after ${AT.join(' / ')} warm invocations (at ${STEADY_MARKS.join(' and ')}: the median of the readings every 50 invocations over the 500 up to it); goal: the layer adds at most ${GOAL_MB} MB at ${N} and grows no more than the direct function after 1,000 (1 MB slack)\n`);
const head = ['runtime', 'case', 'direct', 'with the layer', `added at ${N}`, 'of it anonymous', `growth 1,000 -> ${N} beyond direct's`, 'goal'];
console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (EVERY) {
  console.log(`\nAdded by the layer (MB of VmRSS, single readings) every ${EVERY} invocations\n`);
  console.log(`| case | ${seriesHead.join(' | ')} |\n| --- | ${seriesHead.map(() => '---').join(' | ')} |`);
  for (const row of series) console.log(`| ${row.join(' | ')} |`);
}
