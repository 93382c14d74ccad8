/**
 * The layer's packaging and its exec wrapper script: layer/assemble.sh builds a zip whose root becomes /opt
 * (exec bits kept, wrapper.mjs alone at the root, nothing native, under the size budget, the same bytes on
 * every build), and
 * layer/sealights-extension (and layer/setup) only moves the handler and execs the runtime.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir, unzip } from './helpers.mjs';
import { repoRoot } from './runtime-api.mjs';

const assemble = path.join(repoRoot, 'layer/assemble.sh');
const tmp = tempDir('v8fp-assemble-');

function fakePkg(extra = {}) {
  const dir = fs.mkdtempSync(path.join(tmp, 'pkg-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"v8-footprints","version":"9.8.7-test","type":"module"}');
  fs.writeFileSync(path.join(dir, 'v8_footprints_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(dir, '.gitignore'), '*\n');
  for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

/** Runs assemble.sh on `pkg` under `umask` (octal text); returns spawnSync's result and the zip's path. */
function build(pkg, env = {}, umask = '022') {
  const out = path.join(fs.mkdtempSync(path.join(tmp, 'out-')), 'dist', 'layer.zip');
  const r = spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, assemble, pkg, out], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { ...r, out };
}

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The zip's comment, as text. */
function zipComment(zip) {
  return execFileSync('python3', ['-c', 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).comment.decode())', zip], { encoding: 'utf8' });
}

/** The zip's entries in the order they are stored: name and time. */
function zipEntries(zip) {
  const script = `import sys, zipfile, json
print(json.dumps([{"name": i.filename, "time": "%04d-%02d-%02dT%02d:%02d:%02d" % i.date_time} for i in zipfile.ZipFile(sys.argv[1]).infolist()]))`;
  return JSON.parse(execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' }));
}

function listZip(zip) {
  const script = `import sys, zipfile, json
print(json.dumps([[i.filename, (i.external_attr >> 16) & 0o777] for i in zipfile.ZipFile(sys.argv[1]).infolist() if not i.filename.endswith('/')]))`;
  return Object.fromEntries(JSON.parse(execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' })));
}

describe('layer/assemble.sh', () => {
  for (const tool of ['zip', 'python3']) {
    test(`builds the layer (${tool})`, () => {
      const r = build(fakePkg(), tool === 'python3' ? { V8FP_ASSEMBLE_NO_ZIP: '1' } : {});
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^layer: .*layer\.zip \d+ bytes, version 9\.8\.7-test \(budget 300000 bytes\)\n$/);
      const files = listZip(r.out);
      assert.equal(files['sealights-extension'], 0o755);
      assert.equal(files.setup, 0o755);
      assert.equal(files['wrapper.mjs'], 0o644);
      assert.equal(files['v8-footprints/handler.mjs'], 0o644);
      assert.equal(files['v8-footprints/LICENSE'], 0o644);
      assert.equal(files['v8-footprints/wrapper/agent.mjs'], 0o644);
      assert.equal(files['v8-footprints/pkg/v8_footprints_bg.wasm'], 0o644);
      assert.equal(files['v8-footprints/pkg/.gitignore'], undefined);
      for (const [name, mode] of Object.entries(files)) {
        const exec = ['sealights-extension', 'setup', 'v8-footprints/exec-wrapper'].includes(name);
        assert.equal(mode, exec ? 0o755 : 0o644, `${name}'s mode`);
      }
      for (const lib of fs.readdirSync(path.join(repoRoot, 'wrapper/lib'), { recursive: true })) {
        if (!lib.endsWith('.mjs')) continue;
        assert.ok(files[`v8-footprints/wrapper/lib/${lib}`], `${lib} is in the layer`);
      }
      const atRoot = Object.keys(files).filter((f) => !f.includes('/')).sort();
      assert.deepEqual(atRoot, ['sealights-extension', 'setup', 'wrapper.mjs'], 'wrapper.mjs alone at the root');
      const opt = fs.mkdtempSync(path.join(tmp, 'opt-'));
      unzip(r.out, opt);
      const execWrapper = fs.readFileSync(path.join(repoRoot, 'layer/sealights-extension'), 'utf8');
      for (const name of ['sealights-extension', 'setup', 'v8-footprints/exec-wrapper']) assert.equal(fs.readFileSync(path.join(opt, name), 'utf8'), execWrapper, name);
      // Both entries are the wrapper itself; the comment names the version.
      const wrapper = fs.readFileSync(path.join(repoRoot, 'wrapper/wrapper.mjs'), 'utf8');
      assert.equal(fs.readFileSync(path.join(opt, 'wrapper.mjs'), 'utf8'), wrapper);
      assert.equal(fs.readFileSync(path.join(opt, 'v8-footprints/handler.mjs'), 'utf8'), wrapper);
      assert.equal(fs.readFileSync(path.join(opt, 'v8-footprints/LICENSE'), 'utf8'), fs.readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'));
      assert.equal(zipComment(r.out), 'v8-footprints 9.8.7-test');
    });

    test(`the same inputs give the same bytes (${tool}): another time, umask and input modes and times`, async () => {
      // The real package when it is built (./build.sh pkg), else the stand-in one.
      const real = path.join(repoRoot, 'pkg');
      const pkg = fs.existsSync(path.join(real, 'v8_footprints_bg.wasm')) ? real : fakePkg();
      const env = tool === 'python3' ? { V8FP_ASSEMBLE_NO_ZIP: '1' } : {};
      const first = build(pkg, env, '022');
      assert.equal(first.status, 0, first.stderr);
      // A copy of the package with other modes and times, built under another umask over 2 s later (a zip's
      // times have 2 s steps).
      const copy = fs.mkdtempSync(path.join(tmp, 'pkg-copy-'));
      for (const name of fs.readdirSync(pkg)) {
        const from = path.join(pkg, name);
        if (!fs.statSync(from).isFile()) continue;
        fs.copyFileSync(from, path.join(copy, name));
        fs.chmodSync(path.join(copy, name), 0o700);
        fs.utimesSync(path.join(copy, name), new Date('2011-03-04T05:06:07Z'), new Date('2011-03-04T05:06:07Z'));
      }
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const second = build(copy, env, '077');
      assert.equal(second.status, 0, second.stderr);
      assert.equal(sha256(second.out), sha256(first.out));
      const entries = zipEntries(first.out);
      assert.deepEqual(entries.map((e) => e.name), entries.map((e) => e.name).sort(), 'entries in byte order');
      assert.deepEqual([...new Set(entries.map((e) => e.time))], ['2020-01-01T00:00:00'], 'one fixed time');
    });
  }

  test('fails when the package has no version', () => {
    const pkg = fakePkg();
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"v8-footprints"}');
    const r = build(pkg);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `assemble: ${pkg}/package.json has no version (./build.sh pkg stamps it from Cargo.toml)\n`);
  });

  test('fails over the size budget', () => {
    const r = build(fakePkg(), { V8FP_LAYER_BUDGET_BYTES: '1000' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /over its size budget/);
  });

  test('never ships native files', () => {
    // Only the package's Node files are copied, so a native file beside them stays out.
    for (const extra of [{ 'addon.node': 'x' }, { helper: fs.readFileSync('/bin/true') }]) {
      const r = build(fakePkg(extra));
      assert.equal(r.status, 0, r.stderr);
      const names = Object.keys(listZip(r.out));
      assert.ok(!names.some((n) => n.endsWith('addon.node') || n.endsWith('/helper')), names.join(' '));
    }
  });

  test('fails when the wasm package is missing', () => {
    const r = build(path.join(tmp, 'no-such-pkg'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not found/);
  });
});

describe('the exec wrapper script', () => {
  // A layer with the seed's entry only (/opt/wrapper.mjs), and one with both entries, as assemble.sh builds it.
  const opt = fs.mkdtempSync(path.join(tmp, 'opt-'));
  fs.writeFileSync(path.join(opt, 'wrapper.mjs'), '');
  const both = fs.mkdtempSync(path.join(tmp, 'opt-'));
  fs.writeFileSync(path.join(both, 'wrapper.mjs'), '');
  fs.mkdirSync(path.join(both, 'v8-footprints'));
  fs.writeFileSync(path.join(both, 'v8-footprints/handler.mjs'), '');
  const show = (script, env) => {
    const out = execFileSync(path.join(repoRoot, 'layer', script), ['node', '-e', 'console.log(JSON.stringify([process.env._HANDLER ?? null, process.env.ORIG_NAME ?? null, process.argv.slice(1)]))', 'a b', 'c'], {
      env: { PATH: process.env.PATH, V8FP_OPT_DIR: opt, ...env },
      encoding: 'utf8',
    });
    return JSON.parse(out);
  };
  for (const script of ['sealights-extension', 'setup']) {
    test(`${script}: moves the handler and execs the arguments unchanged`, () => {
      assert.deepEqual(show(script, { _HANDLER: 'src/index.handler' }), [`${opt}/wrapper.handleExecution`, 'src/index.handler', ['a b', 'c']]);
    });
    test(`${script}: disabled, without a handler, or without the wrapper, it changes nothing`, () => {
      assert.deepEqual(show(script, { _HANDLER: 'index.handler', SL_DISABLE: 'true' }), ['index.handler', null, ['a b', 'c']]);
      assert.deepEqual(show(script, {}), [null, null, ['a b', 'c']]);
      assert.deepEqual(show(script, { _HANDLER: 'index.handler', V8FP_OPT_DIR: tmp }), ['index.handler', null, ['a b', 'c']]);
    });
    test(`${script}: a handler already redirected to the wrapper is left alone`, () => {
      const redirected = `${opt}/wrapper.handleExecution`;
      assert.deepEqual(show(script, { _HANDLER: redirected, SL_ORIGINAL_HANDLER: 'x.y' }), [redirected, null, ['a b', 'c']]);
    });
    test(`${script}: with the namespaced entry in the layer, the handler goes to it`, () => {
      const namespaced = `${both}/v8-footprints/handler.handleExecution`;
      assert.deepEqual(show(script, { _HANDLER: 'src/index.handler', V8FP_OPT_DIR: both }), [namespaced, 'src/index.handler', ['a b', 'c']]);
      assert.deepEqual(show(script, { _HANDLER: 'src/index.handler', V8FP_OPT_DIR: `${both}/` }), [namespaced, 'src/index.handler', ['a b', 'c']]);
      for (const redirected of [namespaced, `${both}/wrapper.handleExecution`]) {
        assert.deepEqual(show(script, { _HANDLER: redirected, SL_ORIGINAL_HANDLER: 'x.y', V8FP_OPT_DIR: both }), [redirected, null, ['a b', 'c']]);
      }
      assert.deepEqual(show(script, { _HANDLER: 'index.handler', V8FP_OPT_DIR: both, SL_DISABLE: 'on' }), ['index.handler', null, ['a b', 'c']]);
      assert.deepEqual(show(script, { V8FP_OPT_DIR: both }), [null, null, ['a b', 'c']]);
    });
    test(`${script}: a layer whose only entry is the namespaced one still redirects`, () => {
      const only = fs.mkdtempSync(path.join(tmp, 'opt-'));
      fs.mkdirSync(path.join(only, 'v8-footprints'));
      fs.writeFileSync(path.join(only, 'v8-footprints/handler.mjs'), '');
      assert.deepEqual(show(script, { _HANDLER: 'a.b', V8FP_OPT_DIR: only }), [`${only}/v8-footprints/handler.handleExecution`, 'a.b', ['a b', 'c']]);
    });
  }
});
