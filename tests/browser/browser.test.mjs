// The package's web entry (pkg/web.js) in real headless Chromium: Debian's /usr/bin/chromium driven by
// playwright-core (which never downloads a browser). The repo is served over HTTP on 127.0.0.1; the
// page tests/browser/page.html imports /pkg/web.js, awaits init(), fetches the fixtures and their
// sources, and converts them; every result must deep-equal the checked-in golden, as in Node.
//
// Needs ./build.sh (pkg/), `cd tests/browser && npm ci`, and `apt-get install chromium`
// (tests/platforms/setup.sh does both installs).
//
//   node --test tests/browser/browser.test.mjs
// CHROMIUM=/path/to/chromium overrides the browser; V8_FOOTPRINTS_PKG serves another build of the
// package as /pkg/; a screenshot goes to .cache/browser/page.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { REPO, startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FIXTURES = path.join(REPO, 'tests', 'fixtures');
const GOLDEN = path.join(FIXTURES, 'golden');
const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
const SCREENSHOT = path.join(REPO, '.cache', 'browser', 'page.png');
// These must be among the fixtures converted in the page (the rest of index.json is converted too).
const REQUIRED = ['unicode', 'crlf', 'classes', 'bom-esm', 'lodash'];
const KINDS = ['json', 'shape', 'offset-out-of-range', 'source-mismatch', 'missing-source', 'non-utf8', 'option'];

let http, context, page, userDataDir;
const problems = []; // console warnings/errors, page errors and failed requests: must stay empty

before(async () => {
  for (const file of ['web.js', 'v8_footprints_web.js', 'v8_footprints_bg.wasm']) {
    if (!fs.existsSync(path.join(PKG, file))) throw new Error(`pkg/${file} is missing: run ./build.sh first`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (tests/platforms/setup.sh)`);
  http = await startServer({ pkg: PKG });
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
    viewport: { width: 900, height: 1100 },
    timeout: 60_000,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  // A page error before the page is ready (e.g. /pkg/web.js fails to load or link) ends the wait at once.
  const pageFailed = new Promise((resolve, reject) => page.once('pageerror', (err) => reject(err)));
  pageFailed.catch(() => {});
  await page.goto(`${http.origin}/tests/browser/page.html`);
  try {
    await Promise.race([
      page.waitForFunction(() => window.footprintsTest || window.footprintsInitError, null, { timeout: 30_000 }),
      pageFailed,
    ]);
  } catch (err) {
    // e.g. /pkg/web.js failed to load or link: the page script never ran
    throw new Error(`the page never got ready (${err.message.split('\n')[0]}):\n${problems.join('\n')}`);
  }
  const initError = await page.evaluate(() => window.footprintsInitError);
  assert.equal(initError, undefined, `init() failed in the page: ${initError}`);
});

after(async () => {
  if (context) await context.close();
  if (http) await new Promise((resolve) => http.server.close(resolve));
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

test('the browser is the given Chromium, headless, and the page loaded /pkg/web.js with the wasm as application/wasm', async (t) => {
  // `chromium --version` prints e.g. "Chromium 156.0.8078.79 built on Debian ..."; the page sees the full
  // version through userAgentData (the user agent string itself is reduced to 156.0.0.0).
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .match(/\d+\.\d+\.\d+\.\d+/)?.[0];
  assert.ok(version, `no version from ${CHROMIUM} --version`);
  const ua = await page.evaluate(() => navigator.userAgent);
  assert.ok(ua.includes(`HeadlessChrome/${version.split('.')[0]}.`), `user agent ${ua}, expected HeadlessChrome ${version}`);
  const full = await page.evaluate(async () => {
    const data = await navigator.userAgentData?.getHighEntropyValues(['fullVersionList']);
    return data?.fullVersionList?.map((b) => b.version) ?? [];
  });
  assert.ok(full.includes(version), `page reports versions ${full}, expected ${version}`);
  t.diagnostic(`${CHROMIUM} ${version}`);
  const wasm = http.requests.filter((r) => r.path.endsWith('.wasm'));
  assert.deepEqual(wasm, [{ path: '/pkg/v8_footprints_bg.wasm', status: 200, type: 'application/wasm' }], 'one .wasm fetch');
  assert.ok(http.requests.some((r) => r.path === '/pkg/web.js' && r.status === 200), 'page imported /pkg/web.js');
  assert.equal(await page.evaluate(() => typeof window.footprintsTest.buildBody), 'function');
});

test('fixtures converted in the page equal the goldens (text, bytes, warm converter and object input)', async (t) => {
  const index = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'coverage', 'index.json'), 'utf8'));
  const entries = index.map((e) => ({
    name: e.coverage.replace(/\.json$/, ''),
    coverage: `/tests/fixtures/coverage/${e.coverage}`,
    sources: Object.fromEntries(Object.entries(e.sources).map(([url, rel]) => [url, `/tests/fixtures/${rel}`])),
  }));
  for (const name of REQUIRED) assert.ok(entries.some((e) => e.name === name), `fixture ${name} missing from index.json`);
  const results = await page.evaluate((list) => window.footprintsTest.runFixtures(list), entries);
  assert.deepEqual(results.map((r) => r.name), entries.map((e) => e.name), 'one result per fixture');
  for (const r of results) {
    const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN, `${r.name}.json`), 'utf8'));
    assert.ok(golden.files.length > 0, `golden/${r.name}.json has files`);
    const text = JSON.parse(r.text);
    assert.deepStrictEqual(text, golden, `${r.name}: JSON text input in the browser`);
    assert.deepStrictEqual(JSON.parse(r.bytes), golden, `${r.name}: bytes input in the browser`);
    assert.deepStrictEqual(JSON.parse(r.bytesAgain), golden, `${r.name}: second call on a warm converter`);
    assert.deepStrictEqual(JSON.parse(r.object), golden, `${r.name}: object input in the browser`);
  }
  const timing = results.map((r) => `${r.name} ${r.ms.toFixed(1)}ms`).join(', ');
  t.diagnostic(`converted in Chromium: ${timing}`);
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test('bad input in the page gives a JS Error with a kind (never a wasm trap)', async () => {
  const classes = {
    url: 'file:///project/src/classes.js',
    source: '/tests/fixtures/src/classes.js',
    coverage: '/tests/fixtures/coverage/classes.json',
  };
  const got = await page.evaluate((c) => window.footprintsTest.badInput(c), classes);
  const thrown = (label, kind) => {
    const e = got[label];
    assert.ok(e.threw, `${label}: expected a throw, got ${JSON.stringify(e)}`);
    assert.ok(e.isError && !e.isTrap, `${label}: an Error, not a RuntimeError: ${JSON.stringify(e)}`);
    assert.equal(e.name, 'FootprintsError', `${label}: name`);
    assert.ok(KINDS.includes(e.kind), `${label}: kind ${e.kind}`);
    assert.equal(e.kind, kind, `${label}: kind`);
    assert.ok(e.message.length > 0, `${label}: message`);
    return e;
  };
  for (const label of ['not JSON', 'truncated JSON']) {
    const e = thrown(label, 'json');
    assert.ok(Number.isInteger(e.line) && Number.isInteger(e.column), `${label}: line and column: ${JSON.stringify(e)}`);
  }
  thrown('wrong shape', 'shape');
  thrown('bad option', 'option');
  const utf8 = got['not UTF-8'];
  assert.ok(utf8.threw && utf8.isError && !utf8.isTrap && KINDS.includes(utf8.kind), `not UTF-8: ${JSON.stringify(utf8)}`);
  // per-script problems are entries in `errors` naming the script (or a typed throw naming it)
  const perScript = (label, kind) => {
    const r = got[label];
    if (r.threw) {
      assert.ok(r.isError && !r.isTrap && r.kind === kind && r.message.includes('classes.js'), `${label}: ${JSON.stringify(r)}`);
    } else {
      assert.ok(r.errors.some((e) => e.url === classes.url && e.kind === kind && e.message), `${label}: ${JSON.stringify(r.errors)}`);
    }
  };
  perScript('source shorter than the coverage', 'source-mismatch');
  perScript('no sources', 'missing-source');
});

test('the page logged no warning or error and every request succeeded', () => {
  assert.deepEqual(problems, []);
});
