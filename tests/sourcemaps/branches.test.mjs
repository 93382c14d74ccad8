// Branch footprints through source maps: branchy/src/branchy.ts (every branch form among
// TypeScript syntax) built by tsc and esbuild (plain and minified), run once under real V8
// coverage, converted by the built package (pkg/, or V8_FOOTPRINTS_PKG) and checked against
//   - branch ids from TypeScript's own parser (oracles.mjs, tsBranchPoints) with each leaf's count
//     taken through the map by an independent implementation of the documented rule;
//   - counts checked by hand against what handler() runs;
//   - the same footprints from every build.
//
//   bash tests/sourcemaps/run.sh        (or: node --test tests/sourcemaps/branches.test.mjs)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readMap, tsBranchPoints } from './oracles.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
const OUT = path.join(HERE, 'fixtures-branchy');
const APP = path.join(OUT, 'app');
const REL = 'src/branchy.ts';
const require = createRequire(import.meta.url);
const ts = require('typescript');
const { TraceMap, decodedMappings } = require('@jridgewell/trace-mapping');

/** The builds: name -> entry relative to app/. */
const BUILDS = {
  tsc: 'dist/tsc/branchy.js',
  esbuild: 'dist/esbuild/index.js',
  'esbuild-min': 'dist/esbuild-min/index.js',
};

// ---------------------------------------------------------------- child: one run under coverage

if (process.argv[2] === '--child') {
  const [entry, outFile] = process.argv.slice(3);
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  require(entry).handler();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  session.disconnect();
  const prefix = pathToFileURL(OUT).href + '/';
  fs.writeFileSync(outFile, JSON.stringify({ result: result.filter((s) => s.url.startsWith(prefix)) }));
  process.exit(0);
}

// ---------------------------------------------------------------- builds and coverage

let fp;
const original = fs.readFileSync(path.join(HERE, 'branchy', REL), 'utf8');
const coverage = {};

function build() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(APP, 'src'), { recursive: true });
  fs.copyFileSync(path.join(HERE, 'branchy', REL), path.join(APP, REL));
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), REL, '--outDir', 'dist/tsc', '--rootDir', 'src', '--sourceMap', '--inlineSources',
      '--target', 'ES2022', '--module', 'commonjs', '--strict', '--skipLibCheck'],
    { cwd: APP, encoding: 'utf8' },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed\n${tsc.stdout}${tsc.stderr}`);
  const esbuild = require('esbuild');
  const common = { entryPoints: [path.join(APP, REL)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', absWorkingDir: APP, logLevel: 'silent' };
  esbuild.buildSync({ ...common, outfile: path.join(APP, BUILDS.esbuild) });
  esbuild.buildSync({ ...common, outfile: path.join(APP, BUILDS['esbuild-min']), minify: true });
  for (const [name, entry] of Object.entries(BUILDS)) {
    const out = path.join(OUT, `${name}.coverage.json`);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path.join(APP, entry), out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: child failed\n${r.stderr}`);
    coverage[name] = JSON.parse(fs.readFileSync(out, 'utf8'));
  }
}

before(() => {
  const manifest = path.join(PKG, 'package.json');
  if (!fs.existsSync(manifest)) throw new Error(`the package is not built: ${manifest} is missing (run ./build.sh)`);
  build();
  fp = require(path.join(PKG, 'index.cjs'));
});

function branchesOf(name) {
  const converter = new fp.Converter({ projectRoot: APP, lineMode: 'default', exclude: [] });
  try {
    const data = converter.convert(coverage[name]);
    assert.deepEqual(data.errors, []);
    assert.deepEqual(data.files.map((f) => f.path), [REL]);
    return Object.fromEntries(data.branches.map((b) => [b.id.slice(REL.length + 1), b.count]).sort(byKey));
  } finally {
    converter.free();
  }
}

const byKey = ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------- the oracle

/**
 * The documented rule, implemented on its own: each leaf of the TypeScript parser's branches is
 * counted at the generated code of the first mapping (by original position) inside the leaf's
 * original code, where generated code starts; one code unit before it when the leaf follows an
 * operator; the count is the innermost V8 range's there.
 */
function expected(name) {
  const script = coverage[name].result.find((s) => s.url === pathToFileURL(path.join(APP, BUILDS[name])).href);
  const file = fileURLToPath(script.url);
  const generated = fs.readFileSync(file, 'utf8');
  const trace = new TraceMap(readMap(file, generated));
  const source = trace.sources.findIndex((s) => s && path.resolve(path.dirname(file), s) === path.join(APP, REL));
  const lineStarts = [0];
  for (let i = 0; i < generated.length; i++) if (generated[i] === '\n') lineStarts.push(i + 1);
  const mappings = [];
  decodedMappings(trace).forEach((segments, line) => {
    for (const seg of segments) {
      if (seg.length < 4 || seg[1] !== source) continue;
      const at = lineStarts[line] + seg[0];
      const rest = generated.slice(at, at + 2);
      if (rest === '' || /^\s/.test(rest) || rest === '//' || rest === '/*') continue;
      mappings.push({ at, line: seg[2], column: seg[3] });
    }
  });
  mappings.sort((a, b) => a.line - b.line || a.column - b.column || a.at - b.at);
  const ranges = script.functions.flatMap((f) => f.ranges);
  const innermost = (p) => {
    let best = null;
    for (const r of ranges) {
      if (r.startOffset <= p && p < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
    }
    return best ? best.count : 0;
  };
  const sf = ts.createSourceFile(REL, original, ts.ScriptTarget.ESNext, true);
  const pos = (offset) => sf.getLineAndCharacterOfPosition(offset);
  const countOf = ({ start, end, operator }) => {
    const from = pos(start);
    const to = pos(end);
    const inside = (m) =>
      (m.line > from.line || (m.line === from.line && m.column >= from.character)) &&
      (m.line < to.line || (m.line === to.line && m.column < to.character));
    const m = mappings.find(inside);
    return m ? innermost(m.at - (operator === null ? 0 : 1)) : 0;
  };
  const out = {};
  for (const point of tsBranchPoints(original, REL)) {
    const { line, character } = pos(point.at);
    const counts = point.leaves.map(countOf);
    if (point.implicitElse) counts.push(Math.max(0, countOf({ ...point.implicitElse, operator: null }) - counts[0]));
    counts.forEach((n, leaf) => {
      if (n > 0) out[`${line + 1},${character}|${leaf}`] = (out[`${line + 1},${character}|${leaf}`] ?? 0) + n;
    });
  }
  return Object.fromEntries(Object.entries(out).sort(byKey));
}

// ---------------------------------------------------------------- tests

test('the TypeScript oracle numbers every branch form of branchy.ts, and no type', () => {
  const points = tsBranchPoints(original, REL).map((p) => {
    const { line, character } = ts.createSourceFile(REL, original, ts.ScriptTarget.ESNext, true).getLineAndCharacterOfPosition(p.at);
    return `${line + 1},${character}:${p.leaves.length + (p.implicitElse ? 1 : 0)}`;
  });
  assert.deepEqual(points, [
    '17,9:2', // enum member `High = Low > 0 ? 10 : 20`
    '21,16:2', // opts?.scale ?? 1
    '23,2:3', // switch: two cases and default
    '33,2:2', // if without else
    '33,6:3', // opts && opts.strict && result === 0
    '36,19:2', // (scale > 0 ? scale : 1): inside the parentheses
    '39,63:1', // fallback: string = 'n/a'
    '39,85:1', // level: Level = Level.Low
    '40,2:2', // if ... else if
    '41,7:2', // else if without else
    '42,11:2', // (value as number) < -10 ? ...
    '44,24:2', // <string>(value > 100 ? ...)
    '45,9:2', // level === Level.High && text !== 'big' ? ...
    '45,9:2', // ... and its test, a chain at the same position
    '50,61:1', // constructor(public name: string, protected limit: number = 3)
    '53,4:2', // if (... && !force) return false
    '53,8:2',
    '64,11:2', // item ? item[key] : undefined
    '71,9:2', // list.length > 0 ? ... (overload signatures make none)
    '74,44:3', // s === 'circle' || ... (the type predicate `s is Shape` makes none)
    '80,4:2', // if (!isShape(shape))
    '85,48:2', // size > 2 ? 2 : undefined
    '87,15:2', // (e as Error).message || 'error'
    '91,18:2', // counter.pick(1, 'v') ?? first(out, '')
  ]);
});

for (const name of Object.keys(BUILDS)) {
  test(`${name}: branch ids and counts equal the TypeScript parser's through the map`, () => {
    assert.deepEqual(branchesOf(name), expected(name));
  });
}

test('counts checked by hand against what handler() runs (tsc build)', () => {
  // handler(): circle 1, square 3, square 3, none 0, triangle 2 (not a shape), circle -1, square 7
  assert.deepEqual(branchesOf('tsc'), {
    '17,9|0': 1, // the enum, once at load: Low > 0
    '21,16|0': 6, '21,16|1': 3, // area() 6 times; no scale for sizes 1, 0, -1
    '23,2|0': 2, '23,2|1': 3, '23,2|2': 1, // circle twice, square 3 times, none once (default)
    '33,2|0': 1, '33,2|1': 5, // none 0 throws (strict, area 0)
    '33,6|0': 6, '33,6|1': 6, '33,6|2': 1, // opts always given; strict only for size 0
    '36,19|0': 5, // scale is 1 or 2, never <= 0
    '39,63|0': 6, '39,85|0': 6, // defaults take label()'s count (V8 has no range for them)
    '40,2|0': 1, '40,2|1': 5, // label(null) for the triangle
    '41,7|1': 5, // never negative: areas are positive (the then arm never ran)
    '44,24|1': 5, // 3.14, 18, 18, 3.14, 98: never > 100
    // Chain leaf 0 + ternary consequent: 6 + 5. V8 ends the range after line 40's `if` at
    // line 44's `?`, so line 45 has only the function's range (6), although it ran 5 times.
    '45,9|0': 11, '45,9|1': 5,
    '50,61|0': 1, // one Counter
    '53,4|0': 1, '53,4|1': 5, // full (3 items) for circle -1; square 7 forces
    '53,8|0': 6, '53,8|1': 2,
    '64,11|0': 1, // pick(1) finds circle 1
    '74,44|0': 7, '74,44|1': 5, '74,44|2': 2, // 7 inputs, 2 circles, 3 squares
    '80,4|0': 1, '80,4|1': 6, // the triangle
    '85,48|0': 3, '85,48|1': 3, // sizes 3, 3, 7 / 1, 0, -1
    '87,15|0': 1, // one throw, with a message
    '91,18|0': 1, // pick() found one: first() not called
  });
});

test('every build gives the same branch footprints', () => {
  const tsc = branchesOf('tsc');
  for (const name of Object.keys(BUILDS)) assert.deepEqual(branchesOf(name), tsc, name);
});
