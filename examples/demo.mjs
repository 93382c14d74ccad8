// Demo, run last by ./build.sh:
//   1. the converter on the example coverage kept in the repo (real V8 output of tests/fixtures), briefly;
//   2. the seed's example service (examples/serverless-example) run through the real runtime client
//      (aws-lambda-ric 3.x) with the layer, exec-wrapper mode, against the backend stand-in on 127.0.0.1 with
//      a test execution open: the responses, what arrived at the backend, and the added latency.
// Needs pkg/ (./build.sh builds it) and the runtime clients (installed here by tests/layer/setup.sh if missing).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter } from '../pkg/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// --- 1. the converter ------------------------------------------------------------------------------------

const root = join(here, '..', 'tests', 'fixtures');
const index = JSON.parse(readFileSync(join(root, 'coverage', 'index.json'), 'utf8'));
const converter = new Converter({ projectRoot: '/project' });

const rows = [];
let totalMs = 0;
for (const { coverage, sources } of index) {
  const json = readFileSync(join(root, 'coverage', coverage));
  const started = process.hrtime.bigint();
  const data = converter.convert(json, (url) => sources[url] && readFileSync(join(root, sources[url])));
  totalMs += Number(process.hrtime.bigint() - started) / 1e6;
  for (const [f, file] of data.files.entries()) {
    const methods = data.methods.filter((m) => m.file === f);
    const lines = file.lines.filter((c) => c !== null);
    rows.push([
      `${file.path} (${coverage})`,
      `${methods.filter((m) => m.count > 0).length}/${methods.length}`,
      `${lines.filter((c) => c > 0).length}/${lines.length}`,
    ]);
  }
}
const SHOWN = 6;
const width = Math.max(...rows.slice(0, SHOWN).map((r) => r[0].length), 4);
console.log('1. The converter on the example coverage (tests/fixtures)\n');
console.log(`${'file'.padEnd(width)}  methods hit/total  lines hit/total`);
for (const [file, methods, lines] of rows.slice(0, SHOWN)) {
  console.log(`${file.padEnd(width)}  ${methods.padStart(17)}  ${lines.padStart(15)}`);
}
if (rows.length > SHOWN) console.log(`... and ${rows.length - SHOWN} more files`);
console.log(`\n${rows.length} files from ${index.length} coverage takes, converted in ${totalMs.toFixed(1)} ms`);

// --- 2. the example service with the layer ---------------------------------------------------------------

const measure = await import('./measure.mjs');
if (!measure.runtimesInstalled()) {
  console.log('\n(installing the runtime clients: bash tests/layer/setup.sh)');
  execFileSync('bash', [join(here, '..', 'tests/layer/setup.sh')], { stdio: 'inherit' });
}
const { startFunction } = await import('../tests/layer/runtime-api.mjs');
const { startStandin, describeBody } = await import('../tests/backend/standin.mjs');
const { EXAMPLE, HANDLER, LAB, EXECUTION, demoLayer, exampleEnv, httpApiEvent, measureWarm, quantile } = measure;

console.log('\n2. The example service (examples/serverless-example) with the layer\n');
console.log(`   handler ${HANDLER}, AWS_LAMBDA_EXEC_WRAPPER=/opt/sealights-extension, SL_PROJECT_ROOT=./src`);
console.log(`   runtime: aws-lambda-ric 3.x on Node ${process.versions.node}; backend: the stand-in on 127.0.0.1`);
console.log(`   test execution ${EXECUTION.executionId} open for lab ${LAB} (test stage "${EXECUTION.testStage}")\n`);

const layer = demoLayer();
const standin = await startStandin({ labs: { [LAB]: EXECUTION } });
const env = exampleEnv(standin);
const fn = await startFunction({ runtime: 'ric3', taskRoot: EXAMPLE, handler: HANDLER, mode: 'exec-wrapper', layerRoot: layer, env });
const direct = await startFunction({ runtime: 'ric3', taskRoot: EXAMPLE, handler: HANDLER, mode: 'direct' });
let failed = false;
try {
  const calls = [
    ['/default', { 'x-sl-test-name': 'greets the world' }],
    ['/sealights', { 'X-SL-TestId': `${EXECUTION.executionId}/says goodbye to Sealights` }],
    ['/default', { 'x-sl-test-name': 'greets the world again' }],
    ['/nowhere', {}],
  ];
  for (const [rawPath, headers] of calls) {
    const event = httpApiEvent(rawPath, headers);
    const [withLayer, without] = [await fn.invoke(event), await direct.invoke(event)];
    await fn.idle();
    const same = JSON.stringify(withLayer.body) === JSON.stringify(without.body);
    if (!same) failed = true;
    const test = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(', ') || '(no test header)';
    console.log(`   GET ${rawPath.padEnd(10)} ${test}`);
    console.log(`      -> ${withLayer.body.statusCode} ${withLayer.body.body}  (${same ? 'same as without the layer' : 'DIFFERS from the run without the layer'})`);
  }

  console.log('\n   What arrived at the backend:\n');
  for (const record of standin.received()) {
    console.log(`   POST ${decodeURIComponent(record.path)} -> ${record.status} ${record.outcome}`);
    console.log(describeBody(record.body, { indent: '     ' }));
    for (const p of record.problems) console.log(`     problem: ${p}`);
  }
  if (standin.rejected().length > 0 || standin.accepted().length !== calls.length) failed = true;

  const n = 60;
  const warm = await measureWarm(direct, fn, n, { warmup: 10 });
  console.log(
    `\n   Added latency per warm invocation (${n} pairs, footprints sent each time): ` +
      `median ${quantile(warm.added, 0.5).toFixed(2)} ms, p99 ${quantile(warm.added, 0.99).toFixed(2)} ms ` +
      `(direct median ${quantile(warm.direct, 0.5).toFixed(2)} ms). Full figures: node examples/measure.mjs`,
  );
  const layerLog = fn.output.split('\n').filter((l) => l.includes('[v8-footprints]'));
  if (layerLog.length > 0) console.log(`\n   The layer logged:\n${layerLog.map((l) => `     ${l}`).join('\n')}`);
} finally {
  await fn.stop();
  await direct.stop();
  await standin.close();
}
if (failed) {
  console.error('\ndemo: the example did not behave as expected (see above)');
  process.exitCode = 1;
}
