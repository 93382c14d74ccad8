// Real inputs for the inspector tests, made at test time: the TypeScript project of tests/sourcemaps
// built by the real tsc (CommonJS, .map files beside the output, originals under src/), run by a driver
// under NODE_V8_COVERAGE that takes coverage after each "test" (v8.takeCoverage(), which resets the
// counters), so the folder holds one file per test; footprints bodies built from those takes with the
// package's Converter and buildBody; and a 10,000-line script with its own coverage.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCEMAPS = path.join(REPO, 'tests', 'sourcemaps');
const require = createRequire(path.join(SOURCEMAPS, 'package.json'));

/** The tests the driver runs, one coverage take each: name and the events it sends to the handler. */
export const TESTS = [
  { name: 'greets a user', events: [{ path: '/greet', body: 'ada' }] },
  { name: 'parses durations', events: [{ path: '/duration', body: '2h' }, { path: '/duration', body: '250' }] },
  { name: 'unknown route', events: [{ path: '/missing' }] },
];

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Builds the project in `dir`/app and records its coverage in `dir`/coverage. Returns {app, coverageDir,
 * takes: [{test, file}] (the coverage file of each test, in order)}.
 */
export function buildProject(dir) {
  const app = path.join(dir, 'app');
  fs.cpSync(path.join(SOURCEMAPS, 'project'), app, { recursive: true });
  fs.cpSync(path.dirname(require.resolve('ms/package.json')), path.join(app, 'node_modules', 'ms'), { recursive: true });
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(app, 'tsconfig.json'), '--outDir', path.join(app, 'dist'), '--sourceMap']);
  const driver = path.join(dir, 'driver.cjs');
  fs.writeFileSync(driver, [
    "const v8 = require('node:v8');",
    `const { handler } = require(${JSON.stringify(path.join(app, 'dist', 'handler.js'))});`,
    `const tests = ${JSON.stringify(TESTS)};`,
    '(async () => {',
    '  for (const test of tests) {',
    '    for (const event of test.events) await handler(event);',
    '    v8.takeCoverage();',
    "    console.log('took ' + test.name);",
    // Node names a take's file by pid, millisecond and a count that two takes in one millisecond can share:
    // the second would overwrite the first.
    '    await new Promise((resolve) => setTimeout(resolve, 5));',
    '  }',
    '  v8.stopCoverage();',
    '})();',
  ].join('\n'));
  const coverageDir = path.join(dir, 'coverage');
  run(process.execPath, [driver], { env: { ...process.env, NODE_V8_COVERAGE: coverageDir } });
  // Node names each file coverage-<pid>-<time>-<seq>.json: time, then sequence, orders the takes.
  const files = fs.readdirSync(coverageDir).filter((f) => f.endsWith('.json'))
    .map((f) => ({ f, order: f.replace(/\.json$/, '').split('-').slice(2).map(Number) }))
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .map(({ f }) => f);
  if (files.length !== TESTS.length) throw new Error(`expected ${TESTS.length} coverage files, got ${files.join(', ')}`);
  const handlerUrl = pathToFileURL(path.join(app, 'dist', 'handler.js')).href;
  for (const f of files) {
    const json = JSON.parse(fs.readFileSync(path.join(coverageDir, f), 'utf8'));
    if (!json.result.some((s) => s.url === handlerUrl)) throw new Error(`${f} does not cover ${handlerUrl}`);
    if (!json['source-map-cache'] || !json['source-map-cache'][handlerUrl]) throw new Error(`${f} has no source map of ${handlerUrl}`);
  }
  return { app, coverageDir, takes: files.map((f, i) => ({ test: TESTS[i].name, file: path.join(coverageDir, f) })) };
}

/**
 * A footprints body (format 6.0) of the takes, one hit per test, made with the package (Converter.convert,
 * buildBody); written as JSON and gzipped. Returns {json, gz, body}.
 */
export function buildBodies(api, project, dir) {
  const converter = new api.Converter({ projectRoot: project.app });
  const hits = project.takes.map(({ test, file }, i) => {
    const data = converter.convert(fs.readFileSync(file));
    return { footprints: data, executionId: 'exec-1', testName: test, start: 1795432750 + i, end: 1795432751 + i, isInitFootprints: i === 0 };
  });
  converter.free();
  const text = api.buildBody(hits, { agentId: 'agent-1', labId: 'lab-1', buildSessionId: 'bsid-1', appName: 'app', buildName: '1', branchName: 'main', agentVersion: '0.1.0', agentType: 'TestListener' });
  const json = path.join(dir, 'footprints.json');
  const gz = path.join(dir, 'footprints.json.gz');
  fs.writeFileSync(json, text);
  fs.writeFileSync(gz, zlib.gzipSync(text));
  return { json, gz, body: JSON.parse(text) };
}

/**
 * A 10,000-line script (2,000 small functions, every third one called) and its real coverage, in `dir`/big.
 * Returns {root, script, coverage}.
 */
export function buildBigFile(dir) {
  const root = path.join(dir, 'big');
  fs.mkdirSync(root, { recursive: true });
  const lines = [];
  for (let i = 0; i < 2000; i++) {
    lines.push(`globalThis.f${i} = function f${i}(x) {`, `  const y = x + ${i};`, `  if (y % 2 === 0) return y / 2;`, '  return y * 3 + 1;', '}');
  }
  lines[lines.length - 1] = `}; for (let i = 0; i < 2000; i += 3) globalThis['f' + i](i);`;
  const script = path.join(root, 'big.js');
  fs.writeFileSync(script, lines.join('\n') + '\n');
  const coverageDir = path.join(root, 'coverage');
  run(process.execPath, [script], { env: { ...process.env, NODE_V8_COVERAGE: coverageDir } });
  const [file] = fs.readdirSync(coverageDir);
  return { root, script, coverage: path.join(coverageDir, file) };
}

/**
 * The project bundled by the real esbuild with an inline map carrying sourcesContent (dist-bundle/index.js),
 * run once under NODE_V8_COVERAGE. Returns {bundle, coverage}.
 */
export async function buildBundle(project, dir) {
  const esbuild = require('esbuild');
  const bundle = path.join(project.app, 'dist-bundle', 'index.js');
  await esbuild.build({
    entryPoints: [path.join(project.app, 'src', 'handler.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    absWorkingDir: project.app, logLevel: 'silent', outfile: bundle, sourcemap: 'inline',
  });
  const driver = path.join(dir, 'bundle-driver.cjs');
  fs.writeFileSync(driver, `require(${JSON.stringify(bundle)}).handler({ path: '/greet', body: 'ada' });\n`);
  const coverageDir = path.join(dir, 'bundle-coverage');
  run(process.execPath, [driver], { env: { ...process.env, NODE_V8_COVERAGE: coverageDir } });
  const [file] = fs.readdirSync(coverageDir);
  return { bundle, coverage: path.join(coverageDir, file) };
}
