// Source-map tests of the built package (pkg/, or V8_FOOTPRINTS_PKG): footprints of TypeScript
// compiled by tsc and bundled by esbuild and webpack, checked against independent oracles.
//
//   bash tests/sourcemaps/run.sh        (installs the pinned tools, then runs this file)
//
// The fixtures are made at test time by fixtures.mjs (real tsc, esbuild, webpack; real V8
// coverage from a child node) and reused while their inputs are unchanged.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP, BUILDS, DEPLOY, FIXTURES, PROJECT, ensureFixtures, loadCoverage } from './fixtures.mjs';
import { flatten, istanbulLines, mappedExpectations, readMap, ruleLines, tsFunctions } from './oracles.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');

/** The original files of the project, relative to its root. */
const ORIGINALS = ['src/duration.ts', 'src/greeter.ts', 'src/handler.ts', 'src/lib/text.ts'];
const originalText = Object.fromEntries(ORIGINALS.map((rel) => [rel, fs.readFileSync(path.join(PROJECT, rel), 'utf8')]));

/**
 * The functions the EVENTS of fixtures.mjs run (by the oracle's labels). A build may lack some of
 * them (a minifier inlines a function): the per-function oracle below handles that; this list
 * guards the oracle itself on the builds that keep every function.
 */
const CALLED = {
  'src/handler.ts': ['respond', 'handler'],
  'src/greeter.ts': ['Greeter.shout', 'Greeter.constructor', 'Greeter.create', 'Greeter.greet', 'Greeter.decorate', 'Counter.bump'],
  'src/duration.ts': ['parseDuration', 'describeDuration', 'describeDuration>long'],
  'src/lib/text.ts': ['words', 'words>filter(=>)', 'titleCase', 'titleCase>map(=>)'],
};

let fp;
let fixtures;

before(async () => {
  const manifest = path.join(PKG, 'package.json');
  if (!fs.existsSync(manifest)) throw new Error(`the package is not built: ${manifest} is missing (run ./build.sh)`);
  fp = await import(pathToFileURL(path.join(PKG, 'index.mjs')).href);
  await ensureFixtures();
  fixtures = Object.fromEntries(loadCoverage().map((f) => [f.name, f]));
});

/** Coverage as the converter gets it: JSON text (object input is tested on its own). */
const input = (fx) => (fx.build.nodev8 ? JSON.stringify(fx.coverage) : fx.coverage);

function convert(coverage, options, sources, sourceMaps) {
  const converter = new fp.Converter({ lineMode: 'default', exclude: [], ...options });
  try {
    return converter.convert(coverage, sources, sourceMaps);
  } finally {
    converter.free();
  }
}

/** The project original a map source names (resolved against the map's folder), or null. */
function originalOf(mapDir, projectRoot) {
  return (source) => {
    let abs;
    if (source.startsWith('file://')) {
      abs = fileURLToPath(source);
    } else if (source.startsWith('webpack://')) {
      const rest = source.slice('webpack://'.length);
      abs = path.join(projectRoot, rest.slice(rest.indexOf('/') + 1));
    } else {
      abs = path.resolve(mapDir, source);
    }
    const rel = path.relative(projectRoot, abs).split(path.sep).join('/');
    return rel in originalText ? { rel, text: originalText[rel] } : null;
  };
}

/** Oracle expectations for every generated script of a build's coverage. */
function expectationsOf(fx, projectRoot) {
  const all = new Map();
  const hit = new Set();
  const unmatched = [];
  for (const script of fx.coverage.result) {
    const file = fileURLToPath(script.url);
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const map = fx.build.nodev8 ? fx.coverage['source-map-cache'][script.url].data : readMap(file, text);
    const e = mappedExpectations(script, text, flatten(map), originalOf(path.dirname(file), projectRoot));
    for (const [id, label] of e.all) all.set(id, label);
    for (const id of e.hit) hit.add(id);
    unmatched.push(...e.unmatched.map((u) => `${path.basename(file)}: ${u}`));
  }
  return { all, hit, unmatched };
}

function setDiff(label, actual, expected, names) {
  const missing = [...expected].filter((x) => !actual.has(x));
  const extra = [...actual].filter((x) => !expected.has(x));
  if (!missing.length && !extra.length) return [];
  const show = (id) => `${id}${names?.get(id) ? ` (${names.get(id)})` : ''}`;
  return [
    ...missing.map((id) => `${label}: missing ${show(id)}`),
    ...extra.map((id) => `${label}: unexpected ${show(id)}`),
  ];
}

function checkIds(result, fx, projectRoot) {
  const { all, hit, unmatched } = expectationsOf(fx, projectRoot);
  const names = new Map(result.methods.map((m) => [m.id, m.name]));
  const problems = [
    ...setDiff('all methods', new Set(result.methods.map((m) => m.id)), new Set(all.keys()), all),
    ...setDiff('hit methods', new Set(result.hitMethods.map((i) => result.methods[i].id)), hit, all),
  ].map((p) => p.replace(/unexpected (\S+)$/, (s, id) => `${s} (V8 name ${JSON.stringify(names.get(id))})`));
  return { problems, unmatched, all, hit };
}

// ---------------------------------------------------------------- the oracles themselves

test('the TypeScript oracle finds every function the events run', () => {
  for (const [rel, labels] of Object.entries(CALLED)) {
    const fns = tsFunctions(originalText[rel], rel).map((f) => f.label);
    for (const label of labels) assert.ok(fns.includes(label), `${rel}: no function ${label} in ${fns.join(', ')}`);
  }
  const greeter = tsFunctions(originalText['src/greeter.ts'], 'src/greeter.ts');
  const byLabel = Object.fromEntries(greeter.map((f) => [f.label, f.id]));
  assert.equal(byLabel['Greeter.create'], 'src/greeter.ts@24,2', 'static member: at `static`');
  assert.equal(byLabel['Greeter.decorate'], 'src/greeter.ts@37,2', 'TS modifier: at `private`');
  assert.equal(byLabel['Greeter.#polite'], null, '#private: no id');
});

// ---------------------------------------------------------------- every build

for (const [name, build] of Object.entries(BUILDS)) {
  if (name.startsWith('deploy-')) continue; // below: the same bundles run from elsewhere
  const options = { projectRoot: APP };

  test(`${name} (${build.map}${build.content ? '' : ', no sourcesContent'}): files are the original .ts files`, () => {
    const fx = fixtures[name];
    const result = convert(input(fx), options, undefined, build.nodev8 ? () => undefined : undefined);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.files.map((f) => f.path).sort(), ORIGINALS);
    for (const f of result.files) {
      assert.ok(!/node_modules|webpack|^\(|\.js$/.test(f.path), f.path);
    }
  });

  test(`${name}: method ids at original positions match the TypeScript parser`, () => {
    const fx = fixtures[name];
    const result = convert(input(fx), options);
    const { problems, unmatched, hit } = checkIds(result, fx, APP);
    if (!build.bundle || name === 'esbuild' || name === 'esbuild-inline' || name === 'esbuild-nocontent') {
      // Builds that keep every function: the oracle must see each called one.
      const labels = new Set(
        Object.entries(CALLED).flatMap(([rel, ls]) =>
          tsFunctions(originalText[rel], rel).filter((f) => ls.includes(f.label) && f.id).map((f) => f.id),
        ),
      );
      assert.deepEqual([...hit].sort(), [...labels].sort(), 'oracle: hit functions are the called ones');
    }
    assert.deepEqual(problems, [], `${name}: converter vs TypeScript-parser ids\n${problems.join('\n')}` +
      (unmatched.length ? `\n(V8 functions mapped to no function start, expected without id: ${unmatched.join('; ')})` : ''));
  });

  test(`${name}: line counts follow the documented rule (independent implementation)`, () => {
    const fx = fixtures[name];
    const result = convert(input(fx), options);
    const expected = expectedLines(fx);
    const problems = [];
    for (const f of result.files) {
      const want = expected[f.path] ?? [];
      for (let i = 0; i < Math.max(want.length, f.lines.length); i++) {
        if ((f.lines[i] ?? null) !== (want[i] ?? null)) problems.push(`${f.path}:${i + 1}: converter ${f.lines[i]}, rule ${want[i]}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test(`${name}: each method's lines are the lines the rule gives it that ran`, () => {
    const fx = fixtures[name];
    const result = convert(input(fx), options);
    const actual = Object.fromEntries(
      Object.entries(result.methodLines).map(([i, lines]) => [result.methods[i].id, lines]),
    );
    assert.deepEqual(actual, expectedMethodLines(fx));
  });

  test(`${name}: line counts agree with v8-to-istanbul through the map, except the documented differences`, async () => {
    const fx = fixtures[name];
    const result = convert(input(fx), options);
    const diffs = await lineDifferences(result, fx);
    if (process.env.SOURCEMAPS_REPORT) {
      fs.mkdirSync(path.join(FIXTURES, 'report'), { recursive: true });
      fs.writeFileSync(path.join(FIXTURES, 'report', `${name}.lines.txt`), diffs.explained.join('\n') + '\n');
    }
    assert.deepEqual(diffs.unexplained, [], diffs.unexplained.join('\n'));
  });

  test(`${name}: lineMode compat gives v8-to-istanbul's line counts through the map, exactly`, async () => {
    const fx = fixtures[name];
    const result = convert(input(fx), { ...options, lineMode: 'compat' });
    const theirs = await istanbulPerFile(fx);
    const expected = Object.fromEntries(result.files.map((f) => [f.path, theirs[f.path]?.counts]));
    assert.deepEqual(Object.fromEntries(result.files.map((f) => [f.path, f.lines])), expected);
  });
}

/** Lines of an original as the converter counts them (`\n`, `\r\n`, `\r`, U+2028, U+2029). */
const lineCount = (rel) => originalText[rel].split(/\r\n|[\n\r\u2028\u2029]/).length;

/** The rule's lines of every generated script of a build: [{script, map, originals, rule}]. */
function ruleOf(fx) {
  const out = [];
  for (const script of fx.coverage.result) {
    const file = fileURLToPath(script.url);
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const map = flatten(fx.build.nodev8 ? fx.coverage['source-map-cache'][script.url].data : readMap(file, text));
    const originals = originalOf(path.dirname(file), APP);
    out.push({ script, text, map, originals, rule: ruleLines(script, text, map, originals, lineCount) });
  }
  return out;
}

/** The documented line rule, by the independent implementation in oracles.mjs: {rel: lines}. */
function expectedLines(fx) {
  const out = {};
  for (const { rule } of ruleOf(fx)) {
    for (const [rel, { lines }] of Object.entries(rule)) {
      const into = (out[rel] ??= new Array(lines.length).fill(null));
      lines.forEach((c, i) => {
        if (c !== null) into[i] = (into[i] ?? 0) + c; // scripts sharing an original add up
      });
    }
  }
  return out;
}

/**
 * Each method's lines by the rule: a line whose count is above 0 belongs to the method of the V8
 * function at its point (ids by the TypeScript oracle), when that method is in the same file:
 * {id: [line...]}, only methods with lines.
 */
function expectedMethodLines(fx) {
  const out = {};
  for (const { script, text, map, originals, rule } of ruleOf(fx)) {
    const { byFunction } = mappedExpectations(script, text, map, originals);
    for (const [rel, { lines, owners }] of Object.entries(rule)) {
      lines.forEach((count, i) => {
        const method = count > 0 ? byFunction.get(owners[i]) : undefined;
        if (method && method.rel === rel) (out[method.id] ??= new Set()).add(i + 1);
      });
    }
  }
  return Object.fromEntries(Object.entries(out).map(([id, set]) => [id, [...set].sort((a, b) => a - b)]));
}

/** v8-to-istanbul's lines of every project original of a build (see istanbulLines): {rel: entry}. */
async function istanbulPerFile(fx) {
  const perFile = {};
  for (const script of fx.coverage.result) {
    const file = fileURLToPath(script.url);
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const map = flatten(fx.build.nodev8 ? fx.coverage['source-map-cache'][script.url].data : readMap(file, text));
    const originals = originalOf(path.dirname(file), APP);
    for (const entry of await istanbulLines(file, text, map, script.functions)) {
      const original = originals(entry.source);
      if (original) perFile[original.rel] = entry;
    }
  }
  return perFile;
}

/**
 * Differences between the converter's lines and v8-to-istanbul's, per original file, each
 * explained by one of (see README.md):
 *   A (not executable): the converter gives null: no mapping reaches the line.
 *   B (partial line): a V8 range, as v8-to-istanbul maps it, overlaps the line without covering
 *     all of it: v8-to-istanbul does not give the line that range's count.
 *   C (several places): the map sends code of more than one V8 range to the line (a tool's glue
 *     mapped to a declaration, a callback on the line of its call): the converter takes the max.
 * Returns {explained: [...], unexplained: [...]}.
 */
async function lineDifferences(result, fx) {
  const perFile = await istanbulPerFile(fx);
  const explained = [];
  const unexplained = [];
  for (const f of result.files) {
    const theirs = perFile[f.path];
    if (!theirs) {
      unexplained.push(`${f.path}: v8-to-istanbul reports no such file`);
      continue;
    }
    const n = Math.max(theirs.counts.length, f.lines.length);
    for (let i = 0; i < n; i++) {
      const ours = f.lines[i] ?? null;
      const them = theirs.counts[i] ?? null;
      if (ours === them) continue;
      const text = originalText[f.path].split('\n')[i] ?? '';
      const line = `${f.path}:${i + 1}: converter ${ours}, v8-to-istanbul ${them}   | ${text.trim()}`;
      if (ours === null) explained.push(`A ${line}`);
      else if (theirs.partial.has(i + 1)) explained.push(`B ${line}`);
      else explained.push(`C ${line}`);
    }
  }
  return { explained, unexplained };
}


// ---------------------------------------------------------------- Node's cache, object input

test('nodev8: the source-map-cache of a NODE_V8_COVERAGE file is used, given as text, bytes or object', () => {
  const fx = fixtures.nodev8;
  const noMaps = () => undefined; // the map must come from the coverage, not from disk
  const inputs = {
    text: JSON.stringify(fx.coverage),
    bytes: new Uint8Array(Buffer.from(JSON.stringify(fx.coverage))),
    object: fx.coverage,
  };
  const reference = convert(inputs.text, { projectRoot: APP }, undefined, noMaps);
  assert.deepEqual(reference.errors, []);
  assert.deepEqual(reference.files.map((f) => f.path).sort(), ORIGINALS);
  for (const [how, input] of Object.entries(inputs)) {
    assert.deepEqual(convert(input, { projectRoot: APP }, undefined, noMaps), reference, `coverage given as ${how}`);
  }
});

// ---------------------------------------------------------------- missing and malformed maps

/** The tsc-external coverage with handler.js's map replaced: {result, handlerUrl, sources}. */
function tscWithBrokenHandlerMap(mapUrlFrom, mapUrlTo) {
  const fx = fixtures['tsc-external'];
  const handlerFile = path.join(APP, 'dist/tsc-external/handler.js');
  const handlerUrl = pathToFileURL(handlerFile).href;
  const original = fs.readFileSync(handlerFile, 'utf8');
  const edited = original.replace(`sourceMappingURL=${mapUrlFrom}`, `sourceMappingURL=${mapUrlTo}`);
  if (mapUrlFrom !== mapUrlTo) assert.notEqual(edited, original);
  assert.equal(edited.length, original.length, 'same length: the coverage still fits');
  const sources = (url) => (url === handlerUrl ? edited : fs.readFileSync(fileURLToPath(url), 'utf8'));
  return { coverage: fx.coverage, handlerUrl, handlerFile, text: edited, sources };
}

async function checkFallback(result, broken, label) {
  const { expectedMethodIds } = await import('../node/oracles/ids.mjs');
  const errors = result.errors.filter((e) => e.url === broken.handlerUrl);
  assert.equal(errors.length, 1, `${label}: one error for handler.js: ${JSON.stringify(result.errors)}`);
  assert.equal(errors[0].kind, 'source-map', label);
  assert.deepEqual(result.errors, errors, `${label}: no other errors`);
  const rel = 'dist/tsc-external/handler.js';
  assert.deepEqual(
    result.files.map((f) => f.path).sort(),
    [rel, 'src/duration.ts', 'src/greeter.ts', 'src/lib/text.ts'],
    `${label}: handler.js at its own path, the other scripts through their maps`,
  );
  const script = broken.coverage.result.find((s) => s.url === broken.handlerUrl);
  const file = result.files.findIndex((f) => f.path === rel);
  assert.deepEqual(
    result.methods.filter((m) => m.file === file).map((m) => m.id),
    expectedMethodIds(script, broken.text, rel),
    `${label}: handler.js ids at generated positions (acorn oracle)`,
  );
  const lines = result.files[file].lines;
  assert.equal(lines[12], 5, `${label}: generated line 13 (async function handler) ran 5 times`);
}

test('a sourceMappingURL naming a missing file: a source-map error, the script at its own positions', async () => {
  const broken = tscWithBrokenHandlerMap('handler.js.map', 'handler.js.nap');
  const converter = new fp.Converter({ projectRoot: APP });
  try {
    const first = converter.convert(broken.coverage, broken.sources);
    await checkFallback(first, broken, 'missing map');
    assert.match(first.errors[0].message, /handler\.js\.nap/);
    const again = converter.convert(broken.coverage, broken.sources);
    assert.deepEqual(again, first, 'the same on a later call (the error is reported every time)');
  } finally {
    converter.free();
  }
});

for (const [what, json] of [
  ['not JSON', '{"version":3,"sources":['],
  ['a bad base64 digit in mappings', '{"version":3,"sources":["../../src/handler.ts"],"names":[],"mappings":"AAAA,!AAAA"}'],
  ['a mapping naming a source that is not there', '{"version":3,"sources":["../../src/handler.ts"],"names":[],"mappings":"AAAA,ACAA"}'],
  ['version 2', '{"version":2,"sources":["../../src/handler.ts"],"names":[],"mappings":"AAAA"}'],
]) {
  test(`a malformed map (${what}): a source-map error, the script at its own positions`, async () => {
    const broken = tscWithBrokenHandlerMap('handler.js.map', 'handler.js.map');
    const mapFile = path.join(APP, 'dist/tsc-external/handler.js.map');
    const maps = (location) => (location === mapFile ? json : fs.readFileSync(location, 'utf8'));
    await checkFallback(convert(broken.coverage, { projectRoot: APP }, broken.sources, maps), broken, what);
  });
}

test('a malformed inline map (data: URL that is not base64 JSON): a source-map error', async () => {
  const fx = fixtures['tsc-inline'];
  const handlerFile = path.join(APP, 'dist/tsc-inline/handler.js');
  const handlerUrl = pathToFileURL(handlerFile).href;
  const original = fs.readFileSync(handlerFile, 'utf8');
  const at = original.lastIndexOf('base64,') + 'base64,'.length;
  const edited = original.slice(0, at) + '!'.repeat(original.length - at - 1) + original.slice(-1);
  assert.equal(edited.length, original.length);
  const sources = (url) => (url === handlerUrl ? edited : fs.readFileSync(fileURLToPath(url), 'utf8'));
  const result = convert(fx.coverage, { projectRoot: APP }, sources);
  assert.deepEqual(result.errors.map((e) => [e.url, e.kind]), [[handlerUrl, 'source-map']]);
  assert.ok(result.files.some((f) => f.path === 'dist/tsc-inline/handler.js'));
});

// ---------------------------------------------------------------- bundles run elsewhere

/** The footprints that must not depend on where the bundle runs. */
const footprintsOf = (r) => ({
  files: r.files.map((f) => [f.path, f.lines]),
  methods: r.methods.map((m) => [m.id, m.count]),
  hit: r.hitMethods.map((i) => r.methods[i].id),
  errors: r.errors,
});

for (const [build, deployed] of [['webpack', 'deploy-webpack'], ['esbuild', 'deploy-esbuild']]) {
  test(`${build} bundle run from another folder: projectRoot = build-time root, scriptRoot = where it runs`, () => {
    const inPlace = convert(fixtures[build].coverage, { projectRoot: APP });
    // The deployed folder task/<build>/ is a copy of the build output app/dist/<build>/: buildRoot
    // says so, and the map's relative sources resolve as they did at build time.
    const elsewhere = convert(fixtures[deployed].coverage, {
      projectRoot: APP,
      scriptRoot: path.join(DEPLOY, 'task'),
      buildRoot: path.join(APP, 'dist'),
    });
    assert.deepEqual(footprintsOf(elsewhere), footprintsOf(inPlace));
  });
}

test('esbuild bundle deployed with its layout under another root (the folder above dist/, no src/ there)', () => {
  const inPlace = convert(fixtures.esbuild.coverage, { projectRoot: APP });
  const root = path.join(DEPLOY, 'app');
  assert.ok(!fs.existsSync(path.join(root, 'src')), 'the originals are not where it runs');
  const elsewhere = convert(fixtures['deploy-dist'].coverage, { projectRoot: root });
  assert.deepEqual(footprintsOf(elsewhere), footprintsOf(inPlace));
});

test('without scriptRoot, a bundle outside the project root is not looked at', () => {
  const result = convert(fixtures['deploy-webpack'].coverage, { projectRoot: APP });
  assert.deepEqual(footprintsOf(result), { files: [], methods: [], hit: [], errors: [] });
});

// ---------------------------------------------------------------- focused cases (see README.md, "Converter bugs found")
// Each names one input and the id the scanner rules give; the per-build tests above show them too.

/** Method ids of one conversion: {all: Set, hit: Set}. */
function idsOf(name) {
  const result = convert(input(fixtures[name]), { projectRoot: APP });
  return {
    all: new Set(result.methods.map((m) => m.id)),
    hit: new Set(result.hitMethods.map((i) => result.methods[i].id)),
  };
}

test('TypeScript modifiers: a `private`/`protected`/`override` method is recorded at its first modifier', () => {
  // src/greeter.ts:37 `  private decorate(value: string): string {` -> @37,2 (member start), not @37,10 (the name)
  for (const name of ['tsc-external', 'tsc-external-sources', 'esbuild', 'webpack']) {
    const { all, hit } = idsOf(name);
    assert.ok(hit.has('src/greeter.ts@37,2'), `${name}: private decorate() at @37,2; got ${[...all].filter((id) => id.startsWith('src/greeter.ts@37,')).join(', ')}`);
    assert.ok(all.has('src/greeter.ts@10,2') && all.has('src/greeter.ts@45,2'), `${name}: protected kind() at @10,2, protected override kind() at @45,2`);
  }
});

test('`export function f` / `export async function f`: id at the name when the map sends V8\'s start to `export`', () => {
  // tsc (with sourcesContent) maps `function parseDuration(` to the `export` of src/duration.ts:6;
  // esbuild maps `async function handler(` to the `export` of src/handler.ts:22.
  assert.ok(idsOf('tsc-external-sources').hit.has('src/duration.ts@6,16'), 'tsc-external-sources: parseDuration @6,16');
  assert.ok(idsOf('tsc-inline').hit.has('src/lib/text.ts@7,16'), 'tsc-inline: titleCase @7,16');
  assert.ok(idsOf('esbuild').hit.has('src/handler.ts@22,22'), 'esbuild: handler @22,22');
});

test('minified one-parameter arrows (`w=>...` for `(w) => ...`): id at the arrow start', () => {
  // esbuild --minify maps the arrow's start (its parameter) to `text` in `(text: string): string[] =>`.
  const { hit } = idsOf('esbuild-min');
  assert.ok(hit.has('src/lib/text.ts@2,21'), 'words @2,21');
  assert.ok(hit.has('src/lib/text.ts@5,12'), 'filter callback @5,12');
});

test('terser output `t.describeDuration=function(e){`: the id is not a position inside the name', () => {
  // webpack (terser) maps only `t.describeDuration` (to `export` at src/duration.ts:14:0); V8 starts at
  // `function`, 19 characters later: the converter moves 19 columns in the original, into the name.
  const { all } = idsOf('webpack');
  assert.ok(!all.has('src/duration.ts@14,19'), 'no id at @14,19 (the middle of `describeDuration`)');
  assert.ok(all.has('src/duration.ts@14,16'), 'describeDuration @14,16');
});

test('without sourcesContent, esbuild\'s export getters (`handler: () => handler`) get no id', () => {
  // They map to src/handler.ts line 1 (a comment); the scanner has no function there.
  const { all } = idsOf('esbuild-nocontent');
  assert.deepEqual([...all].filter((id) => id.startsWith('src/handler.ts@1,')), []);
});

test('lines of code that never ran do not take the count of the code after them', () => {
  // Each mapping covers the generated code up to the next mapping; when that span crosses the end
  // of a never-run function or block, the max takes the count of the code after it.
  const lineOf = (name, rel, line) => {
    const result = convert(input(fixtures[name]), { projectRoot: APP });
    return result.files.find((f) => f.path === rel).lines[line - 1];
  };
  // src/greeter.ts:8 is the `}` of describe(), never called (V8: count 0 up to and including the `}`).
  assert.equal(lineOf('tsc-external', 'src/greeter.ts', 8), 0, 'tsc: `}` of the never-called describe()');
  assert.equal(lineOf('esbuild', 'src/duration.ts', 25), 0, 'esbuild: `}` of the never-called neverCalled()');
  // esbuild --minify writes `if (p) return A; return B;` as `return p?A:B`; A (src/handler.ts:32)
  // never ran, and its last mapping covers `):`, whose `:` belongs to the code after it.
  assert.equal(lineOf('esbuild-min', 'src/handler.ts', 32), 0, 'esbuild-min: the never-taken `return` of /never');
});
