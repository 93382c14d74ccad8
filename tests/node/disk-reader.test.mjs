// Node's default reader of sources (npm/node-sources.js): files read straight into the module's
// memory (no Buffer of the file's size), on real coverage of this process. A file larger than the
// module's memory so far makes the staging grow it: the reader must fill the memory as it is after
// that growth. What a caller's own `sources` function may answer stays as it was.
//
//   node --test tests/node/disk-reader.test.mjs      (needs pkg/ from ./build.sh)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startCoverage } from '../../wrapper/lib/agent/coverage-session.mjs';
import { PKG } from './fixtures.mjs';
import { importPackage } from './package-suite.mjs';

let fp;
/** The package's wasm-bindgen glue: the instance its entry uses (one module, required once). */
let glue;
let app; // a temporary project: <app>/big.js (6 MB: a function, then a comment)
let coverage; // one take after big() ran, of big.js only
let url;
let text;

const FUNCTION = 'function big(x) {\n  return x + 1;\n}\nmodule.exports = { big };\n';
/** More than the module's memory at its start (about 1 MB), so that staging the file grows it. */
const PADDING = 6 * 1024 * 1024;

before(async () => {
  fp = await importPackage();
  glue = createRequire(import.meta.url)(path.join(PKG, 'v8_footprints.cjs'));
  app = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-reader-')));
  const file = path.join(app, 'big.js');
  text = `${FUNCTION}/*${'x'.repeat(PADDING)}*/\n`;
  fs.writeFileSync(file, text);
  // The layer's own in-process session (its optimizing-compiler flags left alone).
  const session = startCoverage({ exact: false });
  createRequire(import.meta.url)(file).big(1);
  const result = session.take();
  session.stop();
  coverage = { result: result.filter((script) => script.url.endsWith('/big.js')) };
  assert.equal(coverage.result.length, 1, 'V8 reports big.js');
  url = coverage.result[0].url;
});

after(() => fs.rmSync(app, { recursive: true, force: true }));

test('a 6 MB file read from disk into the module memory gives what its text gives', () => {
  const fromDisk = fp.convert(coverage, undefined, { projectRoot: app });
  assert.deepEqual(
    fromDisk.methods.map((m) => [m.id, m.count]),
    [['big.js@1,9', 1]],
  );
  assert.deepEqual(fromDisk.files.map((f) => [f.path, f.url]), [['big.js', url]]);
  assert.deepEqual(fromDisk.errors, []);
  assert.deepEqual(fromDisk, fp.convert(coverage, new Map([[url, text]]), { projectRoot: app }));
});

test("a caller's sources function that answers a number has given no source, as before", () => {
  const none = fp.convert(coverage, () => undefined, { projectRoot: app });
  assert.notDeepEqual(none.errors, [], 'without its source the file is reported');
  assert.deepEqual(fp.convert(coverage, () => text.length, { projectRoot: app }), none);
  assert.deepEqual(fp.convert(coverage, () => 0, { projectRoot: app }), none);
});

test('a missing file gives no source, as an empty answer does', () => {
  fs.renameSync(path.join(app, 'big.js'), path.join(app, 'moved.js'));
  try {
    assert.deepEqual(fp.convert(coverage, undefined, { projectRoot: app }), fp.convert(coverage, () => undefined, { projectRoot: app }));
  } finally {
    fs.renameSync(path.join(app, 'moved.js'), path.join(app, 'big.js'));
  }
});

/** A `sources` function that stages `bytes`, writes them, and answers `answer(length)`. */
function staging(bytes, answer = (length) => length) {
  return () => {
    const start = glue.stageSourceBytes(bytes.length);
    new Uint8Array(glue.moduleMemory().buffer, start, bytes.length).set(bytes);
    return answer(bytes.length);
  };
}

test('staged bytes answered with their length are the source; any other answer gives none', () => {
  const bytes = Buffer.from(text, 'utf8');
  const withText = fp.convert(coverage, new Map([[url, text]]), { projectRoot: app });
  assert.deepEqual(fp.convert(coverage, staging(bytes), { projectRoot: app }), withText);
  const none = fp.convert(coverage, () => undefined, { projectRoot: app });
  assert.deepEqual(fp.convert(coverage, staging(bytes, (length) => length + 1), { projectRoot: app }), none);
  assert.deepEqual(fp.convert(coverage, staging(bytes, () => undefined), { projectRoot: app }), none);
});

test('bytes staged before the call, and never taken, are not a later answer\'s source', () => {
  const bytes = Buffer.from(text, 'utf8');
  const start = glue.stageSourceBytes(bytes.length);
  new Uint8Array(glue.moduleMemory().buffer, start, bytes.length).set(bytes);
  const none = fp.convert(coverage, () => undefined, { projectRoot: app });
  assert.deepEqual(fp.convert(coverage, () => bytes.length, { projectRoot: app }), none);
});
