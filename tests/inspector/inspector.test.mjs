// The inspection page in real headless Chromium (Debian's /usr/bin/chromium through playwright-core), on
// real inputs made at test time (tests/inspector/project.mjs): a tsc-built multi-file TypeScript project
// with source maps run under NODE_V8_COVERAGE (one file per test), a footprints body built from those
// takes with the package, and a 10,000-line script with its coverage. Every number the page shows is
// checked against the package's converter on the same input; every request the pages make is recorded
// and must be the page's own files (or the preloaded inputs of the same server).
//
// Needs ./build.sh (pkg/, dist/inspector/), `bash tools/npm-ci.sh tests/inspector tests/sourcemaps` and
// Chromium (tests/platforms/setup.sh). Screenshots of the main views go to .cache/inspector/.
//   node --test tests/inspector/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { DIST_PAGE, PKG, SHOTS, launch, openFiles, ready, serveStatic, spawnCli, stop } from './browser.mjs';
import { REPO, TESTS, buildBigFile, buildBodies, buildBundle, buildProject } from './project.mjs';

const api = await import(path.join(PKG, 'index.mjs'));

let tmp, project, bodies, big, browser, page, statik;
const origins = new Set(); // servers the pages may talk to

/** The page's per-file numbers, as the converter's output gives them. */
function expectedRows(data) {
  const pct = (c, t) => (t ? `${Math.floor((c * 100) / t)}%` : '–');
  return data.files.map((file, i) => {
    const executable = file.lines.filter((c) => c !== null).length;
    const covered = file.lines.filter((c) => c !== null && c > 0).length;
    const methods = data.methods.filter((m) => m.file === i);
    const hit = methods.filter((m) => m.count > 0).length;
    const listed = data.branches.filter((b) => b.file === i).length;
    const leaves = data.branches.filter((b) => b.file === i && b.count > 0).length;
    return { path: file.path, lines: `${pct(covered, executable)} ${covered}/${executable}`, methods: `${hit}/${methods.length}`, leaves: listed > leaves ? `${leaves}/${listed}` : String(leaves) };
  }).sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Footprint data without the order of its lists (which follows the order the coverage files came in):
 * files, methods and branches sorted, file indices and method indices replaced by paths and ids.
 */
function normalized(data) {
  const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    files: [...data.files].sort((a, b) => a.path.localeCompare(b.path)),
    methods: data.methods.map((m, i) => ({ ...m, file: data.files[m.file].path, lines: data.methodLines[i] ?? [] })).sort(byId),
    branches: data.branches.map((b) => ({ ...b, file: data.files[b.file].path })).sort(byId),
    errors: data.errors,
  };
}

/** The file rows of the tree as shown. */
async function shownRows() {
  const rows = await page.$$eval('#tree [data-kind="file"]', (els) => els.map((el) => {
    const cells = [...el.children].map((c) => c.textContent.trim().replace(/\s+/g, ' '));
    return { path: el.dataset.path, lines: cells[1], methods: cells[2], leaves: cells[3] };
  }));
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}

/** Loads the page afresh (a hash-only change of the same page would keep what it had opened). */
async function fresh(url) {
  await page.goto('about:blank');
  await page.goto(url);
  await ready(page);
}

const hash = () => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));

/** Opens every folder of the tree, so that every file row is there. */
async function unfold() {
  for (;;) {
    const folded = await page.$('#tree [aria-expanded="false"]');
    if (!folded) return;
    await folded.click();
  }
}

/** The converter's total of a set of coverage files (Converter#add each, sources and maps read from disk). */
function converted(files, projectRoot) {
  const converter = new api.Converter({ projectRoot });
  try {
    for (const file of files) converter.add(fs.readFileSync(file));
    return converter.total;
  } finally {
    converter.free();
  }
}

/** The tests of the body: name -> {methods: Set(id), lines: Map(id -> lines)}. */
function testsOfBody(body) {
  const out = new Map();
  for (const execution of body.executions) {
    for (const hit of execution.hits) {
      const test = out.get(hit.testName) ?? { methods: new Set(), lines: new Map() };
      for (const index of hit.methods) {
        test.methods.add(body.methods[index]);
        if (hit.methodLines[index]) test.lines.set(body.methods[index], hit.methodLines[index]);
      }
      out.set(hit.testName, test);
    }
  }
  return out;
}

async function shot(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `inspector-${name}.png`) });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-inspector-'));
  project = buildProject(tmp);
  bodies = buildBodies(api, project, tmp);
  big = buildBigFile(tmp);
  browser = await launch();
  page = browser.page;
  statik = await serveStatic(DIST_PAGE);
  origins.add(statik.origin);
});

after(async () => {
  await browser?.close();
  await statik?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the standalone page (dist/inspector/), opened through its file inputs', () => {
  let expected;
  before(() => {
    expected = converted(project.takes.map((t) => t.file), project.app);
  });

  test('a NODE_V8_COVERAGE folder of a tsc project with source maps: the numbers are the converter\'s', async () => {
    await fresh(`${statik.origin}/`);
    assert.match(await page.textContent('#status'), /^ready/);
    await openFiles(page, '#folder-input', project.app); // the project's sources and maps
    await openFiles(page, '#folder-input', project.coverageDir); // three processes' takes: summed
    assert.equal(await page.inputValue('#root'), project.app, 'the project root found from the folder');
    await unfold();
    const rows = await shownRows();
    assert.deepEqual(rows.map((r) => r.path), ['src/duration.ts', 'src/greeter.ts', 'src/handler.ts', 'src/lib/text.ts']);
    assert.deepEqual(rows, expectedRows(expected));
    assert.deepEqual(expected.errors, []);
    assert.equal(await page.isHidden('#problem-count'), true, 'no problem');
    // The sum over the three takes equals each take converted alone and added line by line.
    const perTake = project.takes.map((t) => converted([t.file], project.app));
    for (const file of expected.files) {
      const sum = file.lines.map((_, i) => {
        const counts = perTake.map((d) => d.files.find((f) => f.path === file.path)?.lines[i]);
        return counts.every((c) => c === null || c === undefined) ? null : counts.reduce((a, c) => a + (c ?? 0), 0);
      });
      assert.deepEqual(file.lines, sum, `${file.path}: the set is the sum of its takes`);
    }
  });

  test('sort, filter and search the tree; save the set and open the saved result', async () => {
    const rows = expectedRows(expected);
    const missed = (r) => Number(r.lines.split(' ')[1].split('/')[1]) - Number(r.lines.split(' ')[1].split('/')[0]);
    await page.selectOption('#sort', 'missed');
    const byMissed = [...rows].sort((a, b) => missed(b) - missed(a) || a.path.split('/').pop().localeCompare(b.path.split('/').pop()));
    const shownOrder = await page.$$eval('#tree [data-path^="src/"][data-kind="file"]', (els) => els.map((el) => el.dataset.path));
    // Folders first, then files, each level by lines not covered.
    assert.deepEqual(shownOrder, ['src/lib/text.ts', ...byMissed.filter((r) => r.path !== 'src/lib/text.ts').map((r) => r.path)]);
    assert.equal((await hash()).sort, 'missed');
    await page.selectOption('#filter', 'full');
    assert.deepEqual(await shownRows(), rows.filter((r) => missed(r) === 0));
    await page.selectOption('#filter', 'uncovered');
    assert.deepEqual(await shownRows(), rows.filter((r) => missed(r) > 0));
    await page.fill('#search', 'dur');
    assert.deepEqual((await shownRows()).map((r) => r.path), ['src/duration.ts']);
    await page.fill('#search', '');
    await page.selectOption('#filter', 'all');
    await page.selectOption('#sort', 'name');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const saved = path.join(tmp, download.suggestedFilename());
    await download.saveAs(saved);
    assert.equal(download.suggestedFilename(), 'coverage.footprints.json');
    assert.deepEqual(normalized(JSON.parse(fs.readFileSync(saved, 'utf8'))), normalized(expected), 'the saved result is the converter\'s data');
    await openFiles(page, '#file-input', saved);
    await page.selectOption('#set-select', '1');
    await unfold();
    assert.deepEqual(await shownRows(), rows, 'the saved result shows the same numbers');
    // Two saved results opened together: one set, summed by the converter (merge).
    const parts = project.takes.slice(0, 2).map((take, i) => {
      const file = path.join(tmp, `take${i}.footprints.json`);
      fs.writeFileSync(file, JSON.stringify(converted([take.file], project.app)));
      return file;
    });
    await openFiles(page, '#file-input', parts);
    assert.deepEqual(await page.$$eval('#set-select option', (els) => els.map((el) => el.textContent)),
      ['coverage', 'coverage.footprints.json', '2 files (2 results)']);
    await page.selectOption('#set-select', '2');
    await unfold();
    const summed = api.merge(...parts.map((f) => fs.readFileSync(f, 'utf8')));
    assert.deepEqual(await shownRows(), expectedRows(summed));
    assert.notDeepEqual(expectedRows(summed), rows, 'two takes of three differ from all three');
    await page.selectOption('#set-select', '0');
    await unfold();
  });

  test('tree -> file -> method: per-line counts, the method list and a jump to its line', async () => {
    await page.click('#tree [data-path="src/handler.ts"]');
    assert.equal(await page.textContent('#file-title'), 'src/handler.ts');
    const file = expected.files.find((f) => f.path === 'src/handler.ts');
    // Every line row drawn shows the converter's count (or none where the line is not executable).
    const drawn = await page.$$eval('.source .ln', (els) => els.map((el) => [Number(el.dataset.line), el.children[1].textContent, el.className]));
    assert.ok(drawn.length >= Math.min(file.lines.length, 30), `rows drawn: ${drawn.length}`);
    for (const [line, count, cls] of drawn) {
      const want = file.lines[line - 1];
      assert.equal(count, want === null || want === undefined ? '' : `${want}×`, `line ${line}`);
      assert.equal(cls.includes('hit'), want > 0, `line ${line} class ${cls}`);
      assert.equal(cls.includes('miss'), want === 0, `line ${line} class ${cls}`);
    }
    const index = expected.files.indexOf(file);
    const methods = expected.methods.filter((m) => m.file === index).sort((a, b) => a.line - b.line || a.column - b.column);
    const listed = await page.$$eval('#method-list .item', (els) => els.map((el) => [el.dataset.id, el.querySelector('.count').textContent]));
    assert.deepEqual(listed, methods.map((m) => [m.id, `${m.count}×`]));
    const handler = methods.find((m) => m.name === 'handler');
    await page.click(`#method-list [data-id="${handler.id}"]`);
    const { view, file: f, method, line } = await hash();
    assert.deepEqual({ view, file: f, method, line }, { view: 'files', file: 'src/handler.ts', method: handler.id, line: String(handler.line) });
    await page.waitForSelector(`.source .ln.at[data-line="${handler.line}"]`);
    assert.match(await page.textContent('#method-info'), new RegExp(`${handler.count} call`));
  });

  test('footprints body (gzipped) -> the tests that ran a method -> the test -> its code highlighted', async () => {
    await openFiles(page, '#file-input', bodies.gz);
    const tests = testsOfBody(bodies.body);
    const { method } = await hash();
    const ran = [...tests].filter(([, t]) => t.methods.has(method)).map(([name]) => name);
    assert.deepEqual(ran, ['greets a user', 'parses durations', 'unknown route']);
    const shown = await page.$$eval('#method-tests .item code', (els) => els.map((el) => el.textContent));
    assert.deepEqual(shown, ran);
    await shot('method');
    await page.click('#method-tests .item:nth-child(2)');
    assert.equal((await hash()).view, 'tests');
    assert.equal(await page.textContent('#test-title'), 'parses durations');
    const listed = await page.$$eval('#test-methods .item', (els) => els.map((el) => el.dataset.id).sort());
    assert.deepEqual(listed, [...tests.get('parses durations').methods].sort());
    await shot('tests');
    const target = [...tests.get('parses durations').lines].find(([id]) => id.startsWith('src/duration.ts@'));
    await page.click(`#test-methods [data-id="${target[0]}"]`);
    const h = await hash();
    assert.equal(h.view, 'files');
    assert.equal(h.file, 'src/duration.ts');
    const marked = await page.$$eval('.source .ln.test', (els) => els.map((el) => Number(el.dataset.line)));
    for (const line of target[1]) assert.ok(marked.includes(line), `line ${line} of ${target[0]} highlighted (${marked})`);
    // Only lines the test's hits named in this file (or its methods' id lines) are highlighted.
    const allowed = new Set();
    for (const [id, lines] of tests.get('parses durations').lines) if (id.startsWith('src/duration.ts@')) lines.forEach((l) => allowed.add(l));
    for (const id of tests.get('parses durations').methods) if (id.startsWith('src/duration.ts@')) allowed.add(Number(id.split('@')[1].split(',')[0]));
    assert.deepEqual(marked.filter((l) => !allowed.has(l)), []);
  });

  test('compare two tests, and two runs (every take against the first alone)', async () => {
    const tests = testsOfBody(bodies.body);
    const a = tests.get('greets a user');
    const b = tests.get('parses durations');
    await fresh(`${statik.origin}/#view=compare&a=${encodeURIComponent('test:exec-1\u0000greets a user')}&b=${encodeURIComponent('test:exec-1\u0000parses durations')}`);
    // A reload lost what was opened: open the body again (the hash kept the view).
    await openFiles(page, '#file-input', bodies.json);
    assert.equal((await hash()).view, 'compare');
    const onlyA = await page.$$eval('#only-a .item[data-id]', (els) => els.map((el) => el.dataset.id).sort());
    const onlyB = await page.$$eval('#only-b .item[data-id]', (els) => els.map((el) => el.dataset.id).sort());
    assert.deepEqual(onlyA, [...a.methods].filter((id) => !b.methods.has(id)).sort());
    assert.deepEqual(onlyB, [...b.methods].filter((id) => !a.methods.has(id)).sort());
    assert.ok(onlyA.length > 0 && onlyB.length > 0);
    await shot('compare');
    // Two runs: all three takes (one opening) against the first take alone (another opening).
    await openFiles(page, '#folder-input', project.app);
    await openFiles(page, '#folder-input', project.coverageDir);
    await openFiles(page, '#file-input', project.takes[0].file);
    const sets = await page.$$eval('#set-select option', (els) => els.map((el) => el.textContent));
    assert.deepEqual(sets, ['footprints bodies (every test)', 'coverage', path.basename(project.takes[0].file)]);
    await page.selectOption('#compare-a', 'set:1');
    await page.selectOption('#compare-b', 'set:2');
    const all = converted(project.takes.map((t) => t.file), project.app);
    const first = converted([project.takes[0].file], project.app);
    const ran = (data) => new Set(data.methods.filter((m) => m.count > 0).map((m) => m.id));
    const inFirst = ran(first);
    const shownOnlyA = await page.$$eval('#only-a .item[data-id]', (els) => els.map((el) => el.dataset.id).sort());
    assert.deepEqual(shownOnlyA, [...ran(all)].filter((id) => !inFirst.has(id)).sort());
    assert.deepEqual(await page.$$eval('#only-b .item[data-id]', (els) => els.length), 0);
  });

  test('the checked-in lodash fixture (real V8 coverage, 633 functions): the numbers are its golden\'s', async () => {
    const fixtures = path.join(REPO, 'tests', 'fixtures');
    const golden = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden', 'lodash.json'), 'utf8'));
    await fresh(`${statik.origin}/`);
    await openFiles(page, '#file-input', [path.join(fixtures, 'coverage', 'lodash.json'), path.join(fixtures, 'src', 'lodash.js')]);
    assert.equal(await page.inputValue('#root'), '/project/src', 'found from the one file opened');
    await page.fill('#root', '/project'); // the root the golden was made with
    await page.press('#root', 'Enter');
    await page.waitForSelector('#tree [data-path="src"]');
    await unfold();
    // The page shows a converter's total, which lists the leaves that did not run too: the golden's
    // figures, and every leaf of the file listed.
    const converter = new api.Converter({ projectRoot: '/project' });
    converter.add(fs.readFileSync(path.join(fixtures, 'coverage', 'lodash.json')), (url) => (url.endsWith('/src/lodash.js') ? fs.readFileSync(path.join(fixtures, 'src', 'lodash.js')) : undefined));
    const total = converter.total;
    converter.free();
    const ran = (rows) => rows.map((row) => ({ ...row, leaves: row.leaves.split('/')[0] }));
    assert.deepEqual(ran(expectedRows(total)), expectedRows(golden));
    assert.deepEqual(await shownRows(), expectedRows(total));
    assert.equal(await page.isHidden('#problem-count'), true);
  });

  test('drag and drop: a footprints body dropped on the page', async () => {
    await fresh(`${statik.origin}/`);
    assert.equal(await page.isVisible('#welcome'), true);
    const before = await page.evaluate(() => Number(document.body.dataset.opened || 0));
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'footprints.json', { type: 'application/json' }));
      document.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, fs.readFileSync(bodies.json, 'utf8'));
    await page.waitForFunction((n) => Number(document.body.dataset.opened || 0) > n, before);
    assert.equal(await page.isHidden('#drop'), true);
    assert.equal((await hash()).view, 'tests');
    assert.deepEqual(await page.$$eval('#test-list .item code', (els) => els.map((el) => el.textContent)), TESTS.map((t) => t.name));
  });

  test('a broken file is listed with its reason and the rest still shows', async () => {
    await fresh(`${statik.origin}/`);
    const broken = path.join(tmp, 'coverage-broken.json');
    fs.writeFileSync(broken, '{"result": [');
    const notGzip = path.join(tmp, 'body.json.gz');
    fs.writeFileSync(notGzip, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')]));
    const notCoverage = path.join(tmp, 'package.json');
    fs.writeFileSync(notCoverage, '{"name": "x"}');
    // A take opened without its sources: each script it names is listed by the converter (missing-source).
    await openFiles(page, '#file-input', [project.takes[2].file]);
    assert.equal(await page.inputValue('#root'), tmp, 'the root: the folder of every script');
    const converter = new api.Converter({ projectRoot: tmp });
    const errors = converter.convert(fs.readFileSync(project.takes[2].file), {}).errors;
    converter.free();
    assert.ok(errors.length >= 3, JSON.stringify(errors));
    await page.click('#tabs [data-view="problems"]');
    let problems = await page.$$eval('.problem', (els) => els.map((el) => [el.querySelector('b').textContent, el.querySelector('p').textContent]));
    assert.deepEqual(problems, errors.map((e) => [e.url, `${e.kind}: ${e.message}`]));
    // Sources, then broken files beside a good take: the three are listed, the take shows.
    await fresh(`${statik.origin}/`);
    await openFiles(page, '#folder-input', project.app);
    await openFiles(page, '#file-input', [broken, notGzip, notCoverage, project.takes[1].file]);
    assert.equal(await page.textContent('#problem-count'), '3');
    await page.click('#tabs [data-view="problems"]');
    problems = await page.$$eval('.problem', (els) => els.map((el) => [el.querySelector('b').textContent, el.querySelector('p').textContent]));
    assert.deepEqual(problems, [
      ['coverage-broken.json', 'is not valid JSON: Unexpected end of JSON input'],
      ['body.json.gz', 'does not gunzip: the gzip data is corrupt or cut short'],
      ['package.json', 'is JSON but not V8 coverage, a footprints body (format 6.0), a stand-in recording, a source map or a saved result'],
    ]);
    await shot('problems');
    await page.click('#tabs [data-view="files"]');
    assert.deepEqual(await page.$$eval('#set-select option', (els) => els.map((el) => el.textContent)), ['4 files']);
    await unfold();
    assert.deepEqual(await shownRows(), expectedRows(converted([project.takes[1].file], project.app)));
  });

  test('a bundle whose inline map carries sourcesContent, opened without the source folder; the root typed in', async () => {
    const built = await buildBundle(project, tmp);
    await fresh(`${statik.origin}/`);
    await openFiles(page, '#file-input', [built.bundle, built.coverage]);
    await page.fill('#root', project.app);
    await page.press('#root', 'Enter');
    await page.waitForFunction(() => document.querySelector('#tree [data-path="src"]'));
    const converter = new api.Converter({ projectRoot: project.app });
    converter.add(fs.readFileSync(built.coverage)); // the page's total lists every branch leaf
    const data = converter.total;
    converter.free();
    assert.deepEqual(data.errors, []);
    await unfold();
    assert.deepEqual(await shownRows(), expectedRows(data));
    // The original file's text comes from the map's sourcesContent: no folder was opened.
    await page.click('#tree [data-path="src/handler.ts"]');
    assert.equal(await page.$('#no-source'), null);
    const first = await page.$eval('.source .ln[data-line="1"] .code', (el) => el.textContent);
    assert.equal(first, fs.readFileSync(path.join(project.app, 'src', 'handler.ts'), 'utf8').split('\n')[0]);
  });

  test('a 10,000-line file: the numbers are the converter\'s and only the rows in sight are drawn', async (t) => {
    await fresh(`${statik.origin}/`);
    await openFiles(page, '#file-input', [big.script, big.coverage]);
    t.diagnostic(`page status: ${await page.textContent('#status')}`);
    const data = converted([big.coverage], path.dirname(big.script));
    assert.equal(data.files.length, 1);
    assert.equal(data.files[0].lines.length >= 10_000, true, `lines: ${data.files[0].lines.length}`);
    assert.deepEqual(await shownRows(), expectedRows(data));
    await page.click('#tree [data-path="big.js"]');
    await page.waitForSelector('.source .ln');
    const rows = () => page.$$eval('.source .ln', (els) => els.length);
    assert.ok((await rows()) < 150, `rows in the DOM: ${await rows()}`);
    // Scroll the whole file in steps, one frame each; the last line comes with its count.
    const frames = await page.evaluate(async () => {
      const scroller = document.querySelector('.source');
      const times = [];
      for (let top = 0; top <= scroller.scrollHeight; top += 2000) {
        const t0 = performance.now();
        scroller.scrollTop = top;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(performance.now() - t0);
      }
      return times;
    });
    assert.ok((await rows()) < 150, `rows in the DOM after scrolling: ${await rows()}`);
    const last = data.files[0].lines.length;
    const lastRow = await page.$eval(`.source .ln[data-line="${last}"]`, (el) => el.children[1].textContent);
    const want = data.files[0].lines[last - 1];
    assert.equal(lastRow, want === null ? '' : `${want}×`);
    const sorted = [...frames].sort((a, b) => a - b);
    t.diagnostic(`${frames.length} scroll steps over ${last} lines: median ${sorted[sorted.length >> 1].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms per step (two frames)`);
    assert.ok(sorted[sorted.length >> 1] < 100, `median scroll step ${sorted[sorted.length >> 1]} ms`);
    // A method far down: its line is brought into view.
    const deep = data.methods.find((m) => m.line > 9000 && m.count > 0);
    await page.click('#tree [data-path="big.js"]');
    await page.click(`#method-list [data-id="${deep.id}"]`);
    await page.waitForSelector(`.source .ln.at[data-line="${deep.line}"]`);
  });

  test('keyboard: arrows and Enter in the tree, number keys for views, Escape back, t for the theme', async () => {
    await fresh(`${statik.origin}/`);
    await openFiles(page, '#folder-input', project.app);
    await openFiles(page, '#folder-input', project.coverageDir);
    await page.focus('#tree');
    await page.keyboard.press('ArrowDown'); // src
    await page.keyboard.press('ArrowLeft'); // fold src
    assert.equal(await page.getAttribute('#tree [data-path="src"]', 'aria-expanded'), 'false');
    await page.keyboard.press('ArrowRight'); // unfold
    await page.keyboard.press('ArrowDown'); // src/lib (folders first)
    await page.keyboard.press('ArrowDown'); // src/lib/text.ts
    await page.keyboard.press('Enter');
    assert.equal((await hash()).file, 'src/lib/text.ts');
    await page.keyboard.press('Escape');
    assert.equal((await hash()).file, undefined);
    await page.keyboard.press('3');
    assert.equal((await hash()).view, 'compare');
    await page.keyboard.press('1');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
    await page.keyboard.type('greet');
    await page.keyboard.press('Escape');
    assert.equal((await hash()).q, 'greet');
    assert.deepEqual((await shownRows()).map((r) => r.path), ['src/greeter.ts']);
    const before = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
    await page.keyboard.press('t');
    const afterTheme = await page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.documentElement).colorScheme]);
    assert.deepEqual(afterTheme, before === 'dark' ? ['light', 'light'] : ['dark', 'dark']);
    // The tests list, drawn several times: one step per key.
    await openFiles(page, '#file-input', bodies.json);
    await page.focus('#tree');
    for (const key of ['2', '1', '2']) await page.keyboard.press(key);
    await page.focus('#test-list');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await page.textContent('#test-title'), TESTS[1].name);
    await page.keyboard.press('Escape');
    assert.equal((await hash()).test, undefined);
    await fresh(`${statik.origin}/#view=files&file=src/greeter.ts`);
    await openFiles(page, '#folder-input', project.app);
    await openFiles(page, '#folder-input', project.coverageDir);
    assert.equal(await page.textContent('#file-title'), 'src/greeter.ts', 'the hash keeps the view');
    await shot('files-dark');
    await page.keyboard.press('t');
  });
});

describe('the commands of the package', () => {
  test('`v8-footprints inspect <folders and files> --no-open --port 0` serves the page with them preloaded', async () => {
    const expected = converted(project.takes.map((t) => t.file), project.app);
    const { child, matches } = await spawnCli(['inspect', project.coverageDir, bodies.gz, '--root', project.app, '--no-open', '--port', '0'],
      [/^(http:\/\/127\.0\.0\.1:\d+\/inspector\/\?preload)$/m]);
    try {
      const url = matches[0];
      origins.add(new URL(url).origin);
      await page.goto(url);
      await ready(page);
      assert.equal(await page.inputValue('#root'), project.app);
      assert.match(await page.textContent('#status'), /3 coverage file\(s\) · 1 footprints body, 3 test\(s\)/);
      await unfold();
      assert.deepEqual(await shownRows(), expectedRows(expected));
      await page.click('#tabs [data-view="tests"]');
      const names = await page.$$eval('#test-list .item code', (els) => els.map((el) => el.textContent));
      assert.deepEqual(names, TESTS.map((t) => t.name));
      // Another host name for the same address gets nothing (no other site can read the preloaded files).
      const port = new URL(url).port;
      const status = await new Promise((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/inspector/preload/index.json', headers: { host: `attacker.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject);
      });
      assert.equal(status, 403);
    } finally {
      assert.equal(await stop(child), 0, 'inspect ends with 0 on SIGINT');
    }
  });

  test('`v8-footprints inspect` with a missing input fails with a clear message', async () => {
    await assert.rejects(spawnCli(['inspect', path.join(tmp, 'nothing-here'), '--no-open'], [/(never)/]), /no such file or folder/);
  });

  test('`v8-footprints serve`: what the stand-in recorded, in the page', async () => {
    const token = 'header.payload.signature';
    const { child, matches } = await spawnCli(['serve', '--token', token, '--lab', 'lab-1', '--execution', 'exec-1', '--bsid', 'bsid-1', '--test-stage', 'Functional Tests'],
      [/stand-in listening on (http:\S+)/, /inspection page \(what arrived\): (http:\S+)/]);
    try {
      const [base, pageUrl] = matches;
      origins.add(new URL(base).origin);
      const post = (body, headers) => new Promise((resolve, reject) => {
        const req = http.request(`${base}/api/v6/agents/bsid-1/footprints/${encodeURIComponent('Functional Tests')}/bsid-1/`, { method: 'POST', headers }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end(body);
      });
      const meta = { labId: 'lab-1', appName: 'app', branchName: 'main', buildName: '1', agentId: 'agent-1', buildSessionId: 'bsid-1', agentType: 'TestListener', agentTechnology: 'nodejs', agentVersion: '0.1.0', executionId: 'exec-1' };
      const headers = {
        authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'sl-metadata': JSON.stringify(meta),
        'x-sl-labId': 'lab-1', 'x-sl-bsid': 'bsid-1', 'x-sl-executionId': 'exec-1', 'x-sl-agentId': 'agent-1', 'x-sl-appname': 'app', 'x-sl-branchname': 'main', 'x-sl-buildname': '1',
      };
      // Nothing arrived yet: an empty page, no problem.
      await fresh(pageUrl);
      assert.match(await page.textContent('#status'), /0 footprints bodies, 0 test\(s\)/);
      assert.equal(await page.isHidden('#problem-count'), true);
      assert.equal(await post(fs.readFileSync(bodies.gz), headers), 200);
      assert.equal(await post(zlib.gzipSync('{"formatVersion": "6.0"}'), headers), 400);
      await fresh(pageUrl);
      await page.click('#tabs [data-view="tests"]');
      const names = await page.$$eval('#test-list .item code', (els) => els.map((el) => el.textContent));
      assert.deepEqual(names, TESTS.map((t) => t.name));
      // The refused body: each of the stand-in's reasons is a problem of that recording.
      const records = await new Promise((resolve, reject) => {
        http.get(`${base}/__standin/received`, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(JSON.parse(text)));
        }).on('error', reject);
      });
      assert.deepEqual(records.map((r) => r.outcome), ['accepted', 'rejected']);
      await page.click('#tabs [data-view="problems"]');
      const listed = await page.$$eval('.problem', (els) => els.map((el) => [el.querySelector('b').textContent, el.querySelector('p').textContent]));
      assert.deepEqual(listed, records[1].problems.map((p) => ['stand-in recordings #2 (rejected)', `the stand-in refused it: ${p}`]));
      assert.equal(await page.textContent('#problem-count'), String(records[1].problems.length));
      await shot('serve');
    } finally {
      assert.equal(await stop(child), 0, 'serve ends with 0 on SIGINT');
    }
  });
});

test('no request left the pages but for their own files and preloaded inputs, and nothing went wrong in them', () => {
  const own = new Set(fs.readdirSync(DIST_PAGE).filter((f) => f !== 'lib').map((f) => `/${f}`));
  for (const f of fs.readdirSync(path.join(DIST_PAGE, 'lib'))) own.add(`/lib/${f}`);
  own.add('/');
  const strays = browser.requests.filter(({ url, method }) => {
    const u = new URL(url);
    if (method !== 'GET' || !origins.has(u.origin)) return true;
    if (u.origin === statik.origin) return !own.has(u.pathname);
    if (u.pathname === '/__standin/received') return false;
    return !(u.pathname === '/inspector/' || own.has(u.pathname.replace(/^\/inspector/, '')) || /^\/inspector\/preload\/(index\.json|\d+)$/.test(u.pathname));
  });
  assert.deepEqual(strays, []);
  assert.ok(browser.requests.length > 30, `requests recorded: ${browser.requests.length}`);
  assert.deepEqual(browser.problems, []);
});
