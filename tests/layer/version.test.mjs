/**
 * One version: Cargo.toml's, stamped by the build into every artifact. The built package (pkg/package.json),
 * the layer zip ./build.sh wrote (dist/v8-footprints-layer.zip: its package.json, its comment, and the
 * version the agent in it reports), Cargo.lock and the CHANGELOG's latest entry all name it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { cargoVersion, projectVersion, stampPackageJson } from '../../tools/version.mjs';
import { tempDir, unzip } from './helpers.mjs';
import { repoRoot } from './runtime-api.mjs';

const ZIP = path.join(repoRoot, 'dist/v8-footprints-layer.zip');
const PKG = path.join(repoRoot, 'pkg/package.json');

function built(file) {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: build it with ./build.sh pkg`);
  return file;
}

describe('the version in the built artifacts', () => {
  const version = projectVersion();

  test('Cargo.toml has a semantic version, and Cargo.lock the same for the crate', () => {
    assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    const lock = fs.readFileSync(path.join(repoRoot, 'Cargo.lock'), 'utf8');
    assert.match(lock, new RegExp(`\\[\\[package\\]\\]\\nname = "v8-footprints"\\nversion = "${version.replace(/\./g, '\\.')}"\\n`));
  });

  test('the npm package', () => {
    assert.equal(JSON.parse(fs.readFileSync(built(PKG), 'utf8')).version, version);
    // npm/package.json is the template: the version is written only in Cargo.toml.
    assert.equal(JSON.parse(fs.readFileSync(path.join(repoRoot, 'npm/package.json'), 'utf8')).version, undefined);
  });

  test('the layer zip: its package, its comment and the agent in it', async () => {
    const opt = path.join(tempDir('v8fp-version-'), 'opt');
    unzip(built(ZIP), opt);
    assert.equal(JSON.parse(fs.readFileSync(path.join(opt, 'v8-footprints/pkg/package.json'), 'utf8')).version, version);
    const comment = execFileSync('python3', ['-c', 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).comment.decode())', ZIP], { encoding: 'utf8' });
    assert.equal(comment, `v8-footprints ${version}`);
    const agentVersion = await import(pathToFileURL(path.join(opt, 'v8-footprints/wrapper/lib/version.mjs')).href);
    assert.equal(agentVersion.VERSION, version);
    // The agent sends the version that module gives, and writes it nowhere else.
    const agent = fs.readFileSync(path.join(opt, 'v8-footprints/wrapper/agent.mjs'), 'utf8');
    assert.match(agent, /^import \{ VERSION \} from '\.\/lib\/version\.mjs';$/m);
    assert.match(agent, /^const AGENT_VERSION = VERSION;$/m);
    assert.doesNotMatch(agent, /['"]\d+\.\d+\.\d+['"]/);
    // The version comes from the package the layer ships, not from a constant: another package, another version.
    const other = path.join(path.dirname(opt), 'other');
    fs.cpSync(opt, other, { recursive: true });
    fs.writeFileSync(path.join(other, 'v8-footprints/pkg/package.json'), JSON.stringify({ name: 'v8-footprints', version: '7.7.7-other' }));
    assert.equal((await import(pathToFileURL(path.join(other, 'v8-footprints/wrapper/lib/version.mjs')).href)).VERSION, '7.7.7-other');
  });

  test("the CHANGELOG's latest entry", () => {
    const changelog = fs.readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    assert.equal(/^## \[([^\]]+)\]/m.exec(changelog)?.[1], version);
  });
});

describe('tools/version.mjs', () => {
  test("reads the [package] table's version only", () => {
    const text = '[dependencies]\nversion = "9.9.9"\n\n[package]\nname = "x"\nversion = "1.2.3-rc.1"\n\n[lib]\nversion = "0.0.0"\n';
    assert.equal(cargoVersion(text), '1.2.3-rc.1');
    assert.equal(cargoVersion('[package]\r\nname = "x"\r\n  version="4.5.6"\r\n'), '4.5.6');
    assert.throws(() => cargoVersion('[package]\nname = "x"\n[workspace]\nversion = "1.0.0"\n', 'a/Cargo.toml'), {
      message: 'a/Cargo.toml: no version in the [package] table',
    });
  });
  test('stamps the version right after the name, replacing one written before', () => {
    assert.equal(stampPackageJson('{"name":"p","type":"module","version":"0.0.1"}', '2.0.0'), '{\n  "name": "p",\n  "version": "2.0.0",\n  "type": "module"\n}\n');
  });
  test('the version module names the file it cannot read, or that has no version', async () => {
    const { packageVersion } = await import('../../wrapper/lib/version.mjs');
    const dir = tempDir('v8fp-version-');
    const none = pathToFileURL(path.join(dir, 'package.json'));
    assert.throws(() => packageVersion(none), { message: new RegExp(`^cannot read the package's version from ${none.pathname}: ENOENT`) });
    fs.writeFileSync(none, '{"name":"x"}');
    assert.throws(() => packageVersion(none), { message: `${none.pathname} has no "version" (build the package with ./build.sh pkg)` });
    fs.writeFileSync(none, '{"name":"x","version":"3.1.4"}');
    assert.equal(packageVersion(none), '3.1.4');
  });
});
