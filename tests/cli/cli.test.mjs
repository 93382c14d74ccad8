// The command line (pkg/cli/main.mjs), tested by spawning it on real V8 coverage: a TypeScript
// project (tests/sourcemaps/project, built now by the pinned tsc with source maps) and its plain
// JavaScript test driver, run in two `node` processes under NODE_V8_COVERAGE. Checked with the real
// tools: the Istanbul JSON is read by istanbul-lib-coverage and reported by istanbul-reports, the
// LCOV by Debian's genhtml without warnings, and c8 reports on the same folder.
//
//   bash tests/cli/run.sh      (needs pkg/ from ./build.sh; installs tests/cli and tests/sourcemaps)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { startStandin } from '../backend/standin.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
const CLI = path.join(PKG, 'cli', 'main.mjs');
const require = createRequire(import.meta.url);
const tools = createRequire(path.join(REPO, 'tests', 'sourcemaps', 'package.json'));

let work; // temporary folder: app/ (the project), cov/ (NODE_V8_COVERAGE), out/
let app;
let cov;
let fp; // the package

// The test driver: plain JavaScript (no map), with branches of its own.
const DRIVER = {
  'test/run.js': `const { handler } = require('../dist/handler.js');
const { pick } = require('./pick.js');

async function main() {
  for (const event of pick(process.argv[2])) {
    await handler(event);
  }
}
main();
`,
  'test/pick.js': `const EVENTS = {
  greet: [{ path: '/greet', body: 'ada' }, { path: '/missing' }],
  duration: [{ path: '/duration', body: '2h' }, { path: '/duration', body: '250' }],
};

function pick(name) {
  if (!EVENTS[name]) {
    throw new Error('no events named ' + name); /* c8 ignore next */
  }
  return name === 'greet' ? EVENTS.greet : EVENTS[name];
}

module.exports = { pick };
`,
};

function cli(args, options = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: app, ...options });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI asynchronously (for `send`, whose backend runs in this process). */
function cliAsync(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: app, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  fp = await import(pathToFileURL(path.join(PKG, 'index.mjs')).href);
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-cli-')));
  app = path.join(work, 'app');
  cov = path.join(work, 'cov');
  fs.mkdirSync(path.join(work, 'out'));
  fs.cpSync(path.join(REPO, 'tests', 'sourcemaps', 'project'), app, { recursive: true });
  fs.cpSync(path.dirname(tools.resolve('ms/package.json')), path.join(app, 'node_modules', 'ms'), { recursive: true });
  for (const [name, text] of Object.entries(DRIVER)) {
    fs.mkdirSync(path.dirname(path.join(app, name)), { recursive: true });
    fs.writeFileSync(path.join(app, name), text);
  }
  const tsc = spawnSync(process.execPath, [tools.resolve('typescript/bin/tsc'), '-p', app, '--outDir', path.join(app, 'dist'), '--sourceMap'], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  for (const events of ['greet', 'duration']) {
    const r = spawnSync(process.execPath, ['test/run.js', events], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_V8_COVERAGE: cov } });
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(fs.readdirSync(cov).filter((f) => /^coverage-.*\.json$/.test(f)).length, 2);
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The converter's own totals of footprint data: executable/covered lines, methods, branch leaves. */
function totalsOf(data) {
  const t = { lines: [0, 0], methods: [0, 0], branches: [0, 0] };
  for (const file of data.files) {
    for (const count of file.lines) {
      if (count === null) continue;
      t.lines[0]++;
      if (count > 0) t.lines[1]++;
    }
  }
  for (const m of data.methods) {
    t.methods[0]++;
    if (m.count > 0) t.methods[1]++;
  }
  for (const b of data.branches) {
    t.branches[0]++;
    if (b.count > 0) t.branches[1]++;
  }
  return t;
}

function convertJson(extra = []) {
  const r = cli(['convert', cov, '--format', 'json', '--quiet', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

test('convert: both processes merged, counts summed, through the maps, paths under the root', () => {
  const data = convertJson();
  assert.deepEqual(data.files.map((f) => f.path).sort(), ['src/duration.ts', 'src/greeter.ts', 'src/handler.ts', 'src/lib/text.ts', 'test/pick.js', 'test/run.js']);
  const count = (id) => data.methods.find((m) => m.id === id)?.count;
  // `handler` ran 4 times over the two processes (2 events each), `pick` and `main` once per process.
  assert.equal(count('src/handler.ts@22,22'), 4);
  assert.equal(count('test/pick.js@6,9'), 2);
  assert.equal(count('test/run.js@4,15'), 2);
  // The same as converting each process's file apart and merging them with the package's merge().
  const files = fs.readdirSync(cov).sort().map((f) => path.join(cov, f));
  const parts = files.map((file) => {
    const r = cli(['convert', file, '--format', 'json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  });
  assert.deepEqual(fp.merge(...parts), data);
  assert.deepEqual(data.errors, []);
});

test('convert: --include and --exclude pick files by their path under the root', () => {
  assert.deepEqual(convertJson(['--include', 'src/**', '--exclude', 'src/lib']).files.map((f) => f.path).sort(), ['src/duration.ts', 'src/greeter.ts', 'src/handler.ts']);
  assert.deepEqual(convertJson(['--exclude', 'src/**']).files.map((f) => f.path).sort(), ['test/pick.js', 'test/run.js']);
  assert.deepEqual(convertJson(['--project-root', path.join(app, 'test')]).files.map((f) => f.path).sort(), ['pick.js', 'run.js']);
});

test('convert --format istanbul: read by istanbul-lib-coverage, reported by istanbul-reports, totals equal the converter\'s', () => {
  const data = convertJson();
  const out = path.join(work, 'out', 'coverage-final.json');
  const r = cli(['convert', cov, '--format', 'istanbul', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const libCoverage = require('istanbul-lib-coverage');
  const libReport = require('istanbul-lib-report');
  const reports = require('istanbul-reports');
  const map = libCoverage.createCoverageMap(JSON.parse(fs.readFileSync(out, 'utf8')));
  assert.deepEqual(map.files().sort(), data.files.map((f) => path.join(app, f.path)).sort());
  const dir = path.join(work, 'out', 'istanbul');
  const context = libReport.createContext({ dir, coverageMap: map });
  for (const name of ['html', 'lcovonly', 'json-summary', 'text', 'cobertura']) {
    reports.create(name, { file: name === 'text' ? 'text.txt' : undefined }).execute(context);
  }
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'coverage-summary.json'), 'utf8')).total;
  const t = totalsOf(data);
  const pair = (s) => [s.total, s.covered];
  assert.deepEqual(pair(summary.lines), t.lines);
  assert.deepEqual(pair(summary.statements), t.lines);
  assert.deepEqual(pair(summary.functions), t.methods);
  assert.deepEqual(pair(summary.branches), t.branches);
  assert.ok(fs.existsSync(path.join(dir, 'src', 'handler.ts.html')));
});

test('convert --format lcov: genhtml reads it without a warning, and its totals equal the converter\'s', () => {
  const data = convertJson();
  const out = path.join(work, 'out', 'lcov.info');
  const r = cli(['convert', cov, '--format', 'lcov', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const html = path.join(work, 'out', 'genhtml');
  const g = spawnSync('genhtml', ['--branch-coverage', '--function-coverage', '-o', html, out], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  assert.doesNotMatch(g.stdout + g.stderr, /warning|error/i);
  const t = totalsOf(data);
  const figure = (what) => {
    const m = new RegExp(`${what}\\.*: [\\d.]+% \\((\\d+) of (\\d+) ${what}`).exec(g.stdout);
    assert.ok(m, `genhtml's ${what} summary in:\n${g.stdout}`);
    return [Number(m[2]), Number(m[1])];
  };
  assert.deepEqual(figure('lines'), t.lines);
  assert.deepEqual(figure('functions'), t.methods);
  assert.deepEqual(figure('branches'), t.branches);
  // The tracefile's own totals, summed.
  const text = fs.readFileSync(out, 'utf8');
  const sum = (tag) => [...text.matchAll(new RegExp(`^${tag}:(\\d+)$`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);
  assert.deepEqual([sum('LF'), sum('LH')], t.lines);
  assert.deepEqual([sum('FNF'), sum('FNH')], t.methods);
  assert.deepEqual([sum('BRF'), sum('BRH')], t.branches);
});

test('convert --line-mode compat: the line counts of c8 report on the same folder, through the maps too', () => {
  const data = convertJson(['--line-mode', 'compat']);
  const dir = path.join(work, 'out', 'c8');
  const c8 = spawnSync(process.execPath, [require.resolve('c8/bin/c8.js'), 'report', '--temp-directory', cov, '--reporter', 'json', '--report-dir', dir, '--exclude', 'node_modules/**'], { cwd: app, encoding: 'utf8' });
  assert.equal(c8.status, 0, c8.stderr);
  const theirs = JSON.parse(fs.readFileSync(path.join(dir, 'coverage-final.json'), 'utf8'));
  assert.deepEqual(Object.keys(theirs).sort(), data.files.map((f) => path.join(app, f.path)).sort(), 'the same files');
  const c8Lines = (file) => {
    const lines = [];
    for (const [k, loc] of Object.entries(file.statementMap)) lines[loc.start.line - 1] = file.s[k];
    return Array.from(lines, (c) => c ?? null);
  };
  for (const file of data.files) {
    assert.deepEqual(file.lines, c8Lines(theirs[path.join(app, file.path)]), file.path);
  }
  // Hand-checked: pick.js's `if (!EVENTS[name])` ran twice, its throw never but a `c8 ignore` hint
  // keeps it at 1 (once, not once per process).
  assert.deepEqual(data.files.find((f) => f.path === 'test/pick.js').lines.slice(5, 10), [2, 2, 1, 0, 2]);
});

test('convert: the summary table goes to stderr with the output on stdout, to stdout with --out', () => {
  const r = cli(['convert', cov, '--format', 'lcov', '--include', 'test']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^TN:\nSF:/);
  assert.equal(r.stderr, [
    '--------------|---------|-----------|------------|-------|---------|----------|----------------',
    'File          | % Lines | % Methods | % Branches | Lines | Methods | Branches | Uncovered lines',
    '--------------|---------|-----------|------------|-------|---------|----------|----------------',
    'All files     |   89.47 |    100.00 |      75.00 | 17/19 |     2/2 |      3/4 |',
    ' test/pick.js |   81.82 |    100.00 |      75.00 |  9/11 |     1/1 |      3/4 | 8-9',
    ' test/run.js  |  100.00 |    100.00 |     100.00 |   8/8 |     1/1 |      0/0 |',
    '--------------|---------|-----------|------------|-------|---------|----------|----------------',
    '',
  ].join('\n'));
  const out = path.join(work, 'out', 'summary.info');
  const s = cli(['convert', cov, '--format', 'lcov', '--include', 'test', '--out', out]);
  assert.equal(s.stdout, r.stderr);
  assert.equal(s.stderr, '', 'no progress line when stderr is not a terminal');
  assert.equal(fs.readFileSync(out, 'utf8'), r.stdout);
});

test('convert: a progress line on stderr when it is a terminal (util-linux `script` gives it one), cleared at the end', () => {
  const out = path.join(work, 'out', 'tty.json');
  const command = [process.execPath, CLI, 'convert', cov, '--format', 'json', '--out', out, '--quiet'].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: app, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const mb = (fs.readdirSync(cov).reduce((sum, f) => sum + fs.statSync(path.join(cov, f)).size, 0) / 1e6).toFixed(1);
  assert.ok(r.stdout.includes(`\r\x1b[Kconverting: 2/2 files, ${mb}/${mb} MB read\r\x1b[K`), JSON.stringify(r.stdout));
  assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), convertJson());
});

test('convert --format footprints: a format 6.0 body with the hit methods, branches and lines of the total', () => {
  const data = convertJson();
  const r = cli(['convert', cov, '--quiet', '--execution-id', 'exec-1', '--test-name', 'suite'], { env: { ...process.env, SL_BUILD_SESSION_ID: 'bsid-1', SL_LAB_ID: 'lab-1' } });
  assert.equal(r.code, 0, r.stderr);
  const body = JSON.parse(r.stdout);
  assert.equal(body.formatVersion, '6.0');
  assert.equal(body.meta.labId, 'lab-1');
  assert.equal(body.executions.length, 1);
  assert.equal(body.executions[0].executionId, 'exec-1');
  const [hit] = body.executions[0].hits;
  assert.equal(hit.testName, 'suite');
  assert.deepEqual(hit.methods.map((i) => body.methods[i]).sort(), data.methods.filter((m) => m.count > 0).map((m) => m.id).sort());
  assert.deepEqual(hit.branches.map((i) => body.branches[i]).sort(), data.branches.filter((b) => b.count > 0).map((b) => b.id).sort());
  // The same body as the package's buildBody gives for the total (agentId and times aside).
  const expected = JSON.parse(fp.buildBody([{ footprints: data, executionId: 'exec-1', testName: 'suite', start: hit.start, end: hit.end }], { ...body.meta, agentId: body.meta.agentId, labId: 'lab-1', buildSessionId: 'bsid-1', agentType: body.meta.agentConfig.agentType, agentVersion: body.meta.agentConfig.agentVersion }));
  assert.deepEqual(body, expected);
});

test('convert: a missing folder, an unreadable file, a broken map: one line each naming it, the rest converted, exit 1', () => {
  const bad = path.join(work, 'bad');
  fs.mkdirSync(bad, { recursive: true });
  const files = fs.readdirSync(cov).sort();
  // A copy of the first process's file whose cached map of text.js has a bad base64 digit.
  const first = JSON.parse(fs.readFileSync(path.join(cov, files[0]), 'utf8'));
  const textUrl = pathToFileURL(path.join(app, 'dist', 'lib', 'text.js')).href;
  first['source-map-cache'][textUrl].data.mappings = '!' + first['source-map-cache'][textUrl].data.mappings;
  fs.writeFileSync(path.join(bad, 'coverage-1-1-0.json'), JSON.stringify(first));
  fs.writeFileSync(path.join(bad, 'coverage-2-2-0.json'), '{"result": [');
  fs.copyFileSync(path.join(cov, files[1]), path.join(bad, 'coverage-3-3-0.json'));
  const missing = path.join(work, 'nowhere');
  const r = cli(['convert', missing, bad, '--format', 'json', '--quiet']);
  assert.equal(r.code, 1);
  const lines = r.stderr.trimEnd().split('\n');
  const broken = `${textUrl}: the source map cannot be used (${textUrl}: \`!\` is not a base64 digit at 0); the script is reported at its own positions`;
  assert.deepEqual(lines, [
    `v8-footprints: ${missing}: no such file or folder`,
    `v8-footprints: ${path.join(bad, 'coverage-1-1-0.json')}: ${broken}`,
    `v8-footprints: ${path.join(bad, 'coverage-2-2-0.json')}: coverage is not valid JSON at line 1, column 12: EOF while parsing a list`,
    // The converter keeps a script's map (or its failure) for the run: the third file's text.js is
    // reported at its own positions too, and says so.
    `v8-footprints: ${path.join(bad, 'coverage-3-3-0.json')}: ${broken}`,
  ]);
  // The broken map's script at its own positions; the rest of both good files through their maps.
  const data = JSON.parse(r.stdout);
  assert.deepEqual(data.files.map((f) => f.path).sort(), ['dist/lib/text.js', 'src/duration.ts', 'src/greeter.ts', 'src/handler.ts', 'test/pick.js', 'test/run.js']);
  assert.equal(data.methods.find((m) => m.id === 'src/handler.ts@22,22').count, 4);
});

test('send: the body reaches the backend through the layer\'s sender, with the layer\'s settings', async () => {
  const standin = await startStandin({ labs: { 'lab-1': { executionId: 'exec-1', testStage: 'Integration', buildSessionId: 'bsid-exec' } } });
  try {
    const data = convertJson();
    const body = path.join(work, 'out', 'body.json');
    const c = cli(['convert', cov, '--quiet', '--execution-id', 'exec-1', '--out', body], { env: { ...process.env, SL_BUILD_SESSION_ID: 'bsid-1', SL_LAB_ID: 'lab-1' } });
    assert.equal(c.code, 0, c.stderr);
    const env = { SL_TOKEN: standin.token, SL_BUILD_SESSION_ID: 'bsid-1', SL_LAB_ID: 'lab-1' };
    const r = await cliAsync(['send', body], env);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `sent ${body}: 1 hit of test execution 'exec-1' (HTTP 200)\n`);
    assert.equal(r.code, 0);
    const [record] = standin.accepted();
    assert.deepEqual(record.problems, []);
    assert.deepEqual(record.warnings, []);
    // The execution's own build session and test stage, as the layer sends.
    assert.deepEqual(record.params, { executionBsid: 'bsid-exec', testStage: 'Integration', buildSessionId: 'bsid-1' });
    assert.deepEqual(record.body, JSON.parse(fs.readFileSync(body, 'utf8')));
    assert.deepEqual(record.body.methods.length, data.methods.filter((m) => m.count > 0).length);

    // A gzipped body (as a layer keeps one) is the same body.
    const gz = `${body}.gz`;
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(body)));
    const zipped = await cliAsync(['send', gz], env);
    assert.equal(zipped.code, 0, zipped.stderr);
    assert.deepEqual(standin.accepted().map((x) => x.body), [record.body, record.body]);

    // A backend that fails: one line, exit 1 (after the sender's one retry).
    standin.setMode('500');
    const failed = await cliAsync(['send', body], env);
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr, `v8-footprints: ${body}: not sent (HTTP 500)\n`);
    assert.equal(standin.received().filter((x) => x.outcome === 'mode 500').length, 2);
    // No settings: the layer's own messages, exit 1.
    const unset = await cliAsync(['send', body], { SL_TOKEN: '', SL_BUILD_SESSION_ID: '' });
    assert.equal(unset.code, 1);
    assert.equal(unset.stderr, 'v8-footprints send: SL_TOKEN (or SL_TOKEN_FILE) is not set\nv8-footprints send: SL_BUILD_SESSION_ID (or SL_BUILD_SESSION_ID_FILE) is not set\n');
    // Not a body.
    const text = path.join(work, 'out', 'not-a-body.info');
    fs.writeFileSync(text, 'TN:\nSF:/a.js\nend_of_record\n');
    const notBody = await cliAsync(['send', text], env);
    assert.equal(notBody.code, 1);
    assert.match(notBody.stderr, new RegExp(`^v8-footprints: ${text}: is not JSON \\(`));
    fs.writeFileSync(text, '{"formatVersion":"5.0","executions":[]}');
    assert.equal((await cliAsync(['send', text], env)).stderr, `v8-footprints: ${text}: is not a footprints body of format 6.0 (formatVersion "6.0" and an executions array)\n`);
  } finally {
    await standin.close();
  }
});

test('usage: --help, unknown commands and options', () => {
  const help = cli(['convert', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: v8-footprints convert <coverage folders or files\.\.\.> \[options\]/);
  const unknown = cli(['convert', cov, '--fromat', 'lcov']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^v8-footprints convert: Unknown option '--fromat'/);
  const format = cli(['convert', cov, '--format', 'cobertura']);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /^v8-footprints convert: --format must be one of footprints, istanbul, lcov, json, not 'cobertura'\n/);
  assert.equal(cli(['convert']).code, 2);
  assert.equal(cli(['send', '--help']).code, 0);
});

test('a bundler targeting the browser gets the web entry (the browser export condition)', () => {
  const dir = path.join(work, 'consumer');
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(PKG, path.join(dir, 'node_modules', 'v8-footprints'), 'dir');
  const browser = spawnSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', `console.log(import.meta.resolve('v8-footprints'))`], { cwd: dir, encoding: 'utf8' });
  assert.equal(browser.stdout.trim(), pathToFileURL(path.join(fs.realpathSync(PKG), 'web.js')).href, browser.stderr);
  const node = spawnSync(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve('v8-footprints'))`], { cwd: dir, encoding: 'utf8' });
  assert.equal(node.stdout.trim(), pathToFileURL(path.join(fs.realpathSync(PKG), 'index.mjs')).href, node.stderr);
});
