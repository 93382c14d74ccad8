// `v8-footprints inspect <files or folders...> [--port N] [--root DIR] [--no-open]`: serves the inspection
// page on 127.0.0.1 with the inputs preloaded (coverage, footprints bodies, saved results, sources, maps),
// prints its URL and, unless --no-open, opens it in the browser. The scripts the coverage names under the
// project root (and their .map files) are preloaded too, as the Node API reads them from disk.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { pageAvailable, pageHandler } from './page-server.mjs';

const USAGE = `usage: v8-footprints inspect <files or folders...> [--port N] [--root DIR] [--no-open]

Serves the inspection page on 127.0.0.1 with the inputs preloaded and prints its URL:
NODE_V8_COVERAGE files or folders, footprints bodies (JSON or .gz), saved results, the project's
sources and source maps. Nothing leaves the machine.
  --port N     the port (default: a free one)
  --root DIR   the project root ids and paths are relative to (default: the current folder)
  --no-open    do not open a browser
`;
const SKIPPED = new Set(['node_modules', '.git']);

function parse(args) {
  const options = { inputs: /** @type {string[]} */ ([]), port: 0, root: process.cwd(), open: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--no-open') options.open = false;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), not ${args[i]}`);
      options.port = port;
    } else if (arg === '--root' || arg.startsWith('--root=')) options.root = path.resolve(value());
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.inputs.push(path.resolve(arg));
  }
  return options;
}

/** Every file under `dir` (node_modules and .git left out). */
function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

/** The original files a source map names, resolved against the map's location (those on disk under `root`). */
function mapSources(map, mapFile, root) {
  if (!map || !Array.isArray(map.sources)) return [];
  const base = path.resolve(path.dirname(mapFile), typeof map.sourceRoot === 'string' && !/^[a-z]+:/i.test(map.sourceRoot) ? map.sourceRoot : '');
  return map.sources
    .filter((source) => typeof source === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(source))
    .map((source) => path.resolve(base, source));
}

const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

/**
 * What a coverage file names under `root`, read as the Node API would read it: each script, its .map file,
 * and the original files of its maps (the .map's, or the one Node cached with the coverage).
 */
function scriptsNamed(file, root) {
  if (!file.endsWith('.json')) return [];
  const json = readJson(file);
  const scripts = Array.isArray(json) ? json : Array.isArray(json && json.result) ? json.result : [];
  const out = [];
  const under = (absolute) => absolute.startsWith(root + path.sep) && !absolute.split(path.sep).some((s) => SKIPPED.has(s));
  const fromUrl = (url) => {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  };
  for (const script of scripts) {
    if (!script || typeof script.url !== 'string' || !script.url.startsWith('file://')) continue;
    const absolute = fromUrl(script.url);
    if (!absolute || !under(absolute) || !fs.existsSync(absolute)) continue;
    out.push(absolute);
    const mapFile = `${absolute}.map`;
    if (fs.existsSync(mapFile)) out.push(mapFile, ...mapSources(readJson(mapFile), mapFile, root));
  }
  for (const entry of Object.values((json && json['source-map-cache']) || {})) {
    const mapFile = entry && typeof entry.url === 'string' && entry.url.startsWith('file://') ? fromUrl(entry.url) : undefined;
    if (mapFile) out.push(...mapSources(entry.data, mapFile, root));
  }
  return out.filter((f) => under(f) && fs.existsSync(f));
}

/** The files to preload: {path (absolute, `/`-separated), file, direct}. */
export function collectInputs(inputs, root) {
  const files = new Map();
  const add = (file, direct) => {
    if (!files.has(file)) files.set(file, { path: file.split(path.sep).join('/'), file, direct });
  };
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${input}: no such file or folder`);
    if (stat.isDirectory()) {
      const found = [];
      walk(input, found);
      for (const file of found) add(file, false);
    } else add(input, true);
  }
  for (const { file } of [...files.values()]) for (const script of scriptsNamed(file, root)) add(script, false);
  return [...files.values()];
}

function openBrowser(url) {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`v8-footprints inspect: could not open a browser; open ${url}\n`));
    child.unref();
  } catch {
    process.stderr.write(`v8-footprints inspect: could not open a browser; open ${url}\n`);
  }
}

/** Runs the command; resolves with the exit code once the server stops (SIGINT / SIGTERM). */
export async function run(args) {
  let options;
  try {
    options = parse(args);
  } catch (error) {
    process.stderr.write(`v8-footprints inspect: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!pageAvailable()) {
    process.stderr.write('v8-footprints inspect: the package has no inspection page (inspector/); build it with ./build.sh\n');
    return 1;
  }
  let files;
  try {
    files = collectInputs(options.inputs, options.root);
  } catch (error) {
    process.stderr.write(`v8-footprints inspect: ${error.message}\n`);
    return 2;
  }
  const name = options.inputs.length === 1 ? path.basename(options.inputs[0]) : `${options.inputs.length} inputs`;
  const root = options.root.split(path.sep).join('/');
  const handle = pageHandler({ preload: () => ({ name, root, files }) });
  const server = http.createServer((req, res) => {
    const rawPath = /** @type {string} */ (req.url).split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && handle(req, res, rawPath)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(undefined));
  }).catch((error) => {
    process.stderr.write(`v8-footprints inspect: cannot listen on 127.0.0.1:${options.port}: ${error.message}\n`);
    return null;
  });
  if (!server.listening) return 1;
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/inspector/?preload`;
  process.stdout.write(`${url}\n`);
  process.stdout.write(`v8-footprints inspect: ${files.length} file(s) preloaded, project root ${root}; Ctrl-C to stop\n`);
  if (options.open) openBrowser(url);
  return new Promise((resolve) => {
    const stop = () => {
      server.close(() => resolve(0));
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
