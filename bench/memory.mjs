/**
 * What the layer adds to a warm function's memory over a long run, beside the same function without it, in
 * one run (the machine is shared: compare the columns, not runs). For each runtime client (aws-lambda-ric
 * 3.3.0 on this Node, 4.0.2 on Node 24) and handler (the seed's example, the benchmark's small handler, and
 * the 2 MB esbuild bundle with its map when bench/corpus.mjs has built it), the direct function and the
 * layered one (exec wrapper, a test execution open, the backend stand-in on loopback) are invoked in turns,
 * and the process's resident memory is read from /proc/<pid>/status (VmRSS: what Lambda's memory limit
 * counts, no GC forced) after 100, 1,000 and N invocations.
 *
 *   node bench/memory.mjs [N=3000]        (after ./build.sh; also part of ./build.sh bench)
 * Goal (issue 9): at most 8 MB added at N, and no growth after warm-up (N vs 1,000).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const imp = (rel) => import(pathToFileURL(path.join(root, rel)).href);
const { startFunction } = await imp('tests/layer/runtime-api.mjs');
const { layerRoot, tempDir } = await imp('tests/layer/helpers.mjs');
const { startStandin } = await imp('tests/backend/standin.mjs');
const { EXAMPLE, HANDLER, httpApiEvent } = await imp('examples/measure.mjs');
const { corpusDir } = await imp('bench/corpus.mjs');

const N = Number(process.argv[2] || 3000);
const AT = [100, 1000, N];
const GOAL_MB = 8;
const mb = (bytes) => (bytes / 1048576).toFixed(1);

function vmRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

const handlers = [
  { name: 'seed example', taskRoot: EXAMPLE, handler: HANDLER, env: { SL_PROJECT_ROOT: './src' }, event: (i) => httpApiEvent(i % 2 ? '/sealights' : '/default', { 'x-sl-test-name': `t${i}` }) },
  { name: 'small handler', taskRoot: tempDir('v8fp-memory-small-'), handler: 'index.handler', env: {}, event: () => smallEvent },
];
// The small handler lives in bench/corpus; give it a task root of its own.
fs.copyFileSync(path.join(here, 'corpus/small-handler.js'), path.join(handlers[1].taskRoot, 'index.js'));
const smallEvent = { httpMethod: 'POST', path: '/orders', body: JSON.stringify({ items: [{ sku: 'apple', quantity: 3 }], coupon: 'TENOFF' }) };
if (fs.existsSync(path.join(corpusDir, 'bundle/index.js'))) {
  handlers.push({ name: '2 MB bundle + map', taskRoot: path.join(corpusDir, 'bundle'), handler: 'index.handler', env: { SL_PROJECT_ROOT: path.join(corpusDir, 'project') }, event: () => ({ id: 42, day: 3 }) });
} else {
  console.log('(the bundle is left out: run ./build.sh bench once to build the corpus)');
}

const standin = await startStandin({ labs: { 'lab-mem': { executionId: 'exec-mem', testStage: 'Memory', buildSessionId: 'bsid-mem' } } });
const rows = [];
try {
  for (const runtime of ['ric3', 'ric4']) {
    for (const h of handlers) {
      const env = { SL_TOKEN: standin.token, SL_BUILD_SESSION_ID: 'bsid-mem', SL_LAB_ID: 'lab-mem', ...h.env };
      const fns = {
        direct: await startFunction({ runtime, taskRoot: h.taskRoot, handler: h.handler, mode: 'direct' }),
        layer: await startFunction({ runtime, taskRoot: h.taskRoot, handler: h.handler, mode: 'exec-wrapper', layerRoot: layerRoot(), env }),
      };
      const rss = { direct: {}, layer: {} };
      try {
        for (let i = 1; i <= N; i++) {
          for (const [variant, fn] of Object.entries(fns)) {
            const r = await fn.invoke(h.event(i));
            if (r.kind !== 'response') throw new Error(`${runtime} ${h.name} ${variant}: ${r.kind} ${JSON.stringify(r.body)}\n${fn.output.slice(-2000)}`);
            if (AT.includes(i)) {
              await fn.idle();
              rss[variant][i] = vmRss(fn.pid);
            }
          }
        }
      } finally {
        for (const fn of Object.values(fns)) await fn.stop();
      }
      const added = rss.layer[N] - rss.direct[N];
      const growth = rss.layer[N] - rss.layer[1000] - (rss.direct[N] - rss.direct[1000]);
      rows.push([
        runtime === 'ric3' ? `aws-lambda-ric 3.3.0, Node ${process.versions.node}` : 'aws-lambda-ric 4.0.2, Node 24',
        h.name,
        AT.map((at) => mb(rss.direct[at])).join(' / '),
        AT.map((at) => mb(rss.layer[at])).join(' / '),
        `${mb(added)} MB`,
        `${mb(growth)} MB`,
        added <= GOAL_MB * 1048576 && growth <= 1048576 ? 'met' : 'not met',
      ]);
      console.error(`memory: ${runtime} ${h.name} done`);
    }
  }
} finally {
  await standin.close();
}

console.log(`\nRSS (VmRSS, MB) after ${AT.join(' / ')} warm invocations; goal: the layer adds at most ${GOAL_MB} MB at ${N} and grows no more than the direct function after 1,000 (1 MB slack)\n`);
const head = ['runtime', 'handler', 'direct', 'with the layer', `added at ${N}`, `growth 1,000 -> ${N} beyond direct's`, 'goal'];
console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
