// Shared by the platform tests: where the Node binaries from npm are, a throwaway consumer folder in
// which `v8-footprints` resolves to the built package, and running the probe (./probe/) with a given Node.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const FIXTURES = path.join(REPO, 'tests', 'fixtures');
export const GOLDEN = path.join(FIXTURES, 'golden');
// The built package; V8_FOOTPRINTS_PKG points the tests at another build of it.
export const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
export const MODULES = path.join(HERE, 'node_modules');

/** bin/node of one of package.json's aliases (node18, node22, node24, node20-arm64); throws if not installed. */
export function nodeBinary(alias) {
  const bin = path.join(MODULES, alias, 'bin', 'node');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run tests/platforms/setup.sh (npm ci in tests/platforms)`);
  return bin;
}

/** The package.json version of an alias, e.g. "18.20.8". */
export function aliasVersion(alias) {
  return JSON.parse(fs.readFileSync(path.join(MODULES, alias, 'package.json'), 'utf8')).version.replace(/^v/, '');
}

/**
 * A temporary folder laid out as a consumer of the package: node_modules/v8-footprints -> the build,
 * probe/ copied beside it. Returns {dir, probe(name), remove()}.
 */
export function consumerDir() {
  if (!fs.existsSync(path.join(PKG, 'package.json'))) {
    throw new Error(`the package is not built: ${path.join(PKG, 'package.json')} is missing (run ./build.sh)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-consumer-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(PKG, path.join(dir, 'node_modules', 'v8-footprints'), 'dir');
  fs.cpSync(path.join(HERE, 'probe'), path.join(dir, 'probe'), { recursive: true });
  return {
    dir,
    probe: (how) => path.join(dir, 'probe', how === 'import' ? 'import.mjs' : 'require.cjs'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment for child Nodes: none of the test runner's or the caller's Node settings. */
function childEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('NODE_') || key === 'NODE') delete env[key];
  }
  return env;
}

/**
 * Runs `command...args probeFile FIXTURES names...` and resolves to {runtime, text, results, ms}:
 * `text` is the exact results line the probe printed, `results` its parse.
 */
export function runProbe(command, probeFile, names = [], { timeout = 120_000 } = {}) {
  const [file, ...pre] = command;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(file, [...pre, probeFile, FIXTURES, ...names], { env: childEnv(), maxBuffer: 256 << 20, timeout, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (err) {
          reject(new Error(`${command.join(' ')} ${path.basename(probeFile)} failed (${err.code ?? err.signal}):\n${stderr}\n${stdout.slice(0, 2000)}`));
          return;
        }
        const lines = stdout.split('\n');
        if (lines.length !== 3 || lines[2] !== '') {
          reject(new Error(`probe printed ${lines.length - 1} lines, expected 2:\n${stdout.slice(0, 2000)}\n${stderr}`));
          return;
        }
        resolve({ runtime: JSON.parse(lines[0]), text: lines[1], results: JSON.parse(lines[1]), stderr, ms });
      });
  });
}

export function readGolden(name) {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN, name), 'utf8'));
}

/** The fixture names of coverage/index.json, in order. */
export function fixtureNames() {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'coverage', 'index.json'), 'utf8')).map((e) => e.coverage.replace(/\.json$/, ''));
}
