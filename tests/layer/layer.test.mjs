/**
 * The layer's packaging and its exec wrapper script: layer/assemble.sh builds a zip whose root becomes /opt
 * (exec bits kept, wrapper.mjs alone at the root, nothing native, under the size budget), and
 * layer/sealights-extension (and layer/setup) only moves the handler and execs the runtime.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir, unzip } from './helpers.mjs';
import { repoRoot } from './runtime-api.mjs';

const assemble = path.join(repoRoot, 'layer/assemble.sh');
const tmp = tempDir('v8fp-assemble-');

function fakePkg(extra = {}) {
  const dir = fs.mkdtempSync(path.join(tmp, 'pkg-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"v8-footprints","type":"module"}');
  fs.writeFileSync(path.join(dir, 'v8_footprints_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(dir, '.gitignore'), '*\n');
  for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function build(pkg, env = {}) {
  const out = path.join(fs.mkdtempSync(path.join(tmp, 'out-')), 'dist', 'layer.zip');
  const r = spawnSync(assemble, [pkg, out], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { ...r, out };
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
      assert.match(r.stdout, /layer: .*layer\.zip \d+ bytes \(\d+ KB, budget 500 KB\)/);
      const files = listZip(r.out);
      assert.equal(files['sealights-extension'], 0o755);
      assert.equal(files.setup, 0o755);
      assert.equal(files['wrapper.mjs'], 0o644);
      assert.equal(files['v8-footprints/wrapper/agent.mjs'], 0o644);
      assert.equal(files['v8-footprints/pkg/v8_footprints_bg.wasm'], 0o644);
      assert.equal(files['v8-footprints/pkg/.gitignore'], undefined);
      for (const lib of fs.readdirSync(path.join(repoRoot, 'wrapper/lib'), { recursive: true })) {
        if (!lib.endsWith('.mjs')) continue;
        assert.ok(files[`v8-footprints/wrapper/lib/${lib}`], `${lib} is in the layer`);
      }
      const atRoot = Object.keys(files).filter((f) => !f.includes('/')).sort();
      assert.deepEqual(atRoot, ['sealights-extension', 'setup', 'wrapper.mjs'], 'wrapper.mjs alone at the root');
      const opt = fs.mkdtempSync(path.join(tmp, 'opt-'));
      unzip(r.out, opt);
      assert.equal(fs.readFileSync(path.join(opt, 'setup'), 'utf8'), fs.readFileSync(path.join(opt, 'sealights-extension'), 'utf8'));
    });
  }

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
  const opt = fs.mkdtempSync(path.join(tmp, 'opt-'));
  fs.writeFileSync(path.join(opt, 'wrapper.mjs'), '');
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
  }
});
