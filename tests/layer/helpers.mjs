/**
 * Shared pieces of the layer tests: the layer assembled by layer/assemble.sh and unpacked the way Lambda
 * unpacks it (as /opt, modes kept), a task root holding the fixture handlers, the comparison rule for
 * results, and a small pool to run functions in parallel.
 *
 * Comparison rule (normalize): kinds, response bodies, error types, error messages, streamed bodies,
 * content types and trailers must be equal, and so must whole traces, every frame with its function name and
 * location (the layer's path written `<layer>`, so a frame of the layer shows as such), except:
 * - init errors are built by the wrapper's loader instead of the runtime's: only user-code frames are kept;
 * - forms listed in forms.mjs FRAMES_DIFFER (by design, with the reason) are compared without frames.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './runtime-api.mjs';

export const here = path.join(repoRoot, 'tests/layer');

const temps = [];
process.once('exit', () => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
/** A temp dir removed when the test process exits. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

let layerCache;
/** Assembles the layer zip once per test process and unpacks it into a temp dir; returns that dir. */
export function layerRoot() {
  if (layerCache) return layerCache;
  const tmp = tempDir('v8fp-layer-');
  const pkg = fs.existsSync(path.join(repoRoot, 'pkg')) ? path.join(repoRoot, 'pkg') : fs.mkdtempSync(path.join(tmp, 'pkg-'));
  const zip = path.join(tmp, 'layer.zip');
  execFileSync(path.join(repoRoot, 'layer/assemble.sh'), [pkg, zip], { stdio: 'pipe' });
  const root = path.join(tmp, 'opt');
  unzip(zip, root);
  layerCache = root;
  return root;
}

/** Unpacks `zip` into `dir` keeping the unix modes (as Lambda does with a layer). */
export function unzip(zip, dir) {
  execFileSync('python3', [
    '-c',
    `import sys, os, zipfile
z = zipfile.ZipFile(sys.argv[1])
for i in z.infolist():
    p = z.extract(i, sys.argv[2])
    mode = (i.external_attr >> 16) & 0o7777
    if mode: os.chmod(p, mode)`,
    zip,
    dir,
  ]);
}

let taskRootCache;
/** A copy of tests/layer/handlers with its vendored package moved into node_modules. */
export function taskRoot() {
  if (taskRootCache) return taskRootCache;
  const root = tempDir('v8fp-task-');
  fs.cpSync(path.join(here, 'handlers'), root, { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.renameSync(path.join(root, 'vendor/v8fp-fixture-pkg'), path.join(root, 'node_modules/v8fp-fixture-pkg'));
  taskRootCache = root;
  return root;
}

const FRAME = /^\s+at /;

function normalizeTrace(trace, { layer, task, init, frames: keepFrames }) {
  if (!Array.isArray(trace)) return trace;
  const out = [];
  for (const line of trace) {
    if (!FRAME.test(line)) {
      out.push(line);
      continue;
    }
    if (!keepFrames || (init && !line.includes(task))) continue;
    out.push(line.split(layer).join('<layer>'));
  }
  return out;
}

function normalizeError(body, opts) {
  if (!body || typeof body !== 'object') return body;
  return { ...body, trace: normalizeTrace(body.trace, opts) };
}

/** What must be equal between a run with and without the layer (see the rule at the top). */
export function normalize(result, { layer = layerRoot(), task = taskRoot(), frames = true } = {}) {
  const out = { kind: result.kind };
  const opts = { layer, task, init: result.kind === 'init-error', frames };
  switch (result.kind) {
    case 'response':
      out.body = result.body;
      break;
    case 'error':
    case 'init-error':
      out.errorTypeHeader = result.headers['lambda-runtime-function-error-type'];
      out.body = normalizeError(result.body, opts);
      break;
    case 'stream': {
      out.body = result.body;
      out.contentType = result.headers['content-type'];
      const type = result.trailers['lambda-runtime-function-error-type'];
      const encoded = result.trailers['lambda-runtime-function-error-body'];
      out.trailerType = type;
      out.trailerBody = encoded ? normalizeError(JSON.parse(Buffer.from(encoded, 'base64').toString()), opts) : encoded;
      break;
    }
    case 'exit':
      out.code = result.code;
      out.signal = result.signal;
      break;
    default:
      break;
  }
  return out;
}

/** Runs `tasks` (functions returning promises) with at most `limit` at a time; resolves to their results. */
export async function pool(tasks, limit = 4) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
