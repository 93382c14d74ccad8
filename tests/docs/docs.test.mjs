/**
 * The documentation's promises, checked on the files as committed: the README is a landing page (at most
 * 12 KB, the layer's, the package's and the inspection page's quick starts on its first screen), every
 * relative link and anchor of the user documentation leads somewhere, the npm package's README has no links
 * that would be dead on npm, and every setting the layer reads is in the configuration table with its
 * default (in docs/layer.md, and with the same default in the README's compact table).
 *   node --test tests/docs/
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { headings, links, slug, tables } from './markdown.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel) => fs.readFileSync(path.join(root, rel), 'utf8');

const README_BUDGET_BYTES = 12288;
const FIRST_SCREEN_LINES = 40;

/** The user documentation whose links must resolve. */
function documentationFiles() {
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  const bench = fs
    .readdirSync(path.join(root, 'bench'))
    .filter((f) => /^baseline-.*\.md$/.test(f))
    .map((f) => `bench/${f}`);
  return ['README.md', 'SECURITY.md', 'CHANGELOG.md', 'npm/README.md', ...docs, ...bench];
}

const isAbsoluteUrl = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** What is wrong with one relative link of `file`, or null. */
function brokenLink(file, target) {
  const hash = target.indexOf('#');
  const filePart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
  const resolved = filePart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), filePart));
  if (resolved.startsWith('../')) return `${target}: leads out of the repository`;
  if (!fs.existsSync(path.join(root, resolved))) return `${target}: no file ${resolved}`;
  if (anchor === null) return null;
  if (!resolved.endsWith('.md')) return `${target}: an anchor into ${resolved}, which is not Markdown`;
  const anchors = headings(read(resolved)).map((h) => h.anchor);
  return anchors.includes(anchor) ? null : `${target}: ${resolved} has no heading #${anchor}`;
}

describe('the Markdown reader the checks rely on', () => {
  test('anchors are GitHub\'s', () => {
    assert.deepEqual(
      ['The request body (format 6.0)', 'Input forms, and what crosses the boundary', "Known differences from the vendor's agent", 'Quick start: the `npm` package', 'A [link](x.md) — and **bold**'].map(slug),
      ['the-request-body-format-60', 'input-forms-and-what-crosses-the-boundary', 'known-differences-from-the-vendors-agent', 'quick-start-the-npm-package', 'a-link--and-bold'],
    );
    assert.deepEqual(
      headings('# A\n\n```sh\n# not a heading\n```\n## B\n## A\n').map((h) => [h.level, h.line, h.anchor]),
      [[1, 1, 'a'], [2, 6, 'b'], [2, 7, 'a-1']],
    );
  });

  test('links are found outside code only', () => {
    const text = 'See [a](a.md#x) and ![i](img/p.png "t") but not `[c](c.md)`.\n```\n[d](d.md)\n```\n[ref]: e.md\n<https://x.org> [w](https://w.org)';
    assert.deepEqual(links(text), [
      { target: 'a.md#x', line: 1 },
      { target: 'img/p.png', line: 1 },
      { target: 'e.md', line: 5 },
      { target: 'https://w.org', line: 6 },
    ]);
  });

  test('tables are read cell by cell, an escaped bar staying in its cell', () => {
    assert.deepEqual(tables('x\n\n| a | b |\n| --- | --- |\n| `1` | x \\| y |\n| 2 | |\n\ny'), [
      { header: ['a', 'b'], rows: [['`1`', 'x \\| y'], ['2', '']], line: 3 },
    ]);
  });
});

describe('the README is a landing page', () => {
  const readme = read('README.md');

  test(`it is at most ${README_BUDGET_BYTES} bytes`, () => {
    const bytes = Buffer.byteLength(readme);
    assert.ok(bytes <= README_BUDGET_BYTES, `README.md is ${bytes} bytes; move detail into docs/`);
  });

  test('it names the two commands', () => {
    const firstScreen = readme.split('\n').slice(0, FIRST_SCREEN_LINES).join('\n');
    assert.match(firstScreen, /^\.\/build\.sh {2,}# main command/m);
    assert.match(firstScreen, /^\.\/build\.sh test {2,}# test command/m);
  });

  test(`the quick starts of the layer, the package and the inspection page are in its first ${FIRST_SCREEN_LINES} lines, each linking its documentation`, () => {
    const all = headings(readme);
    const quickStarts = all.filter((h) => h.line <= FIRST_SCREEN_LINES && /quick start/i.test(h.text));
    const want = [
      ['Lambda layer', 'docs/layer.md'],
      ['npm package', 'docs/package.md'],
      ['inspection page', 'docs/inspector.md'],
    ];
    const lines = readme.split('\n');
    for (const [subject, doc] of want) {
      const h = quickStarts.find((q) => q.text.includes(subject));
      assert.ok(h, `no "Quick start" heading naming the ${subject} in the README's first ${FIRST_SCREEN_LINES} lines (found: ${quickStarts.map((q) => q.text).join('; ')})`);
      const next = all.find((o) => o.line > h.line && o.level <= h.level);
      const section = lines.slice(h.line, next ? next.line - 1 : lines.length).join('\n');
      assert.ok(links(section).some((l) => l.target === doc), `the ${subject}'s quick start does not link ${doc}`);
    }
  });
});

describe('links of the user documentation', () => {
  for (const file of documentationFiles()) {
    test(`every relative link of ${file} resolves, anchors included`, () => {
      const problems = links(read(file))
        .filter((l) => !isAbsoluteUrl(l.target))
        .map((l) => [l.line, brokenLink(file, l.target)])
        .filter(([, p]) => p !== null)
        .map(([line, p]) => `${file}:${line}: ${p}`);
      assert.deepEqual(problems, []);
    });
  }

  test('the npm package\'s README has no relative links (they would be dead on npm)', () => {
    const relative = links(read('npm/README.md')).filter((l) => !isAbsoluteUrl(l.target) && !l.target.startsWith('#'));
    assert.deepEqual(relative, []);
  });

  test('a broken link, a missing anchor and a link out of the repository are each reported', () => {
    assert.equal(brokenLink('docs/layer.md', 'protocol.md#collector-mapping'), null);
    assert.equal(brokenLink('docs/layer.md', '#configuration'), null);
    assert.equal(brokenLink('README.md', 'docs/images/inspector-method.png'), null);
    assert.equal(brokenLink('docs/layer.md', 'nothing.md'), 'nothing.md: no file docs/nothing.md');
    assert.equal(brokenLink('docs/layer.md', 'protocol.md#nothing'), 'protocol.md#nothing: docs/protocol.md has no heading #nothing');
    assert.equal(brokenLink('README.md', '../x.md'), '../x.md: leads out of the repository');
  });
});

describe('every setting the layer reads is documented with its default', () => {
  const read_ = ['wrapper/lib/agent/settings.mjs', 'wrapper/lib/config.mjs'];
  const variables = [...new Set(read_.flatMap((f) => read(f).match(/\bSL_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []))].sort();

  /** variable -> default, from the table of `file` headed "variable | default". */
  function configurationTable(file) {
    const found = tables(read(file)).filter((t) => t.header[0] === 'variable' && t.header[1] === 'default');
    assert.ok(found.length <= 1, `${file} has ${found.length} configuration tables`);
    if (found.length === 0) return null;
    const defaults = new Map();
    for (const row of found[0].rows) {
      for (const [, name] of row[0].matchAll(/`([A-Z0-9_]+)`/g)) defaults.set(name, row[1]);
    }
    return defaults;
  }

  test('the settings are found in the code', () => {
    for (const v of ['SL_TOKEN', 'SL_TOKEN_FILE', 'SL_BUILD_SESSION_ID_FILE', 'SL_DISABLE', 'SL_ORIGINAL_HANDLER', 'SL_PENDING_HITS']) {
      assert.ok(variables.includes(v), `${v} not found in ${read_.join(', ')}`);
    }
  });

  test('docs/layer.md has each with a default', () => {
    const table = configurationTable('docs/layer.md');
    assert.ok(table, 'docs/layer.md has no table headed "variable | default"');
    const missing = variables.filter((v) => !table.has(v));
    assert.deepEqual(missing, [], 'settings missing from docs/layer.md\'s configuration table');
    const noDefault = variables.filter((v) => table.get(v) === '');
    assert.deepEqual(noDefault, [], 'settings without a default in docs/layer.md (write — when there is none)');
  });

  test('the README\'s compact table, if there is one, has each with the same default', () => {
    const compact = configurationTable('README.md');
    if (compact === null) return;
    const full = configurationTable('docs/layer.md');
    assert.deepEqual(
      variables.filter((v) => compact.get(v) !== full.get(v)).map((v) => [v, compact.get(v), full.get(v)]),
      [],
      'settings whose default differs between the README and docs/layer.md ([name, README, docs/layer.md])',
    );
    assert.deepEqual([...compact.keys()], [...full.keys()], 'the two tables list the same variables in the same order');
  });
});
