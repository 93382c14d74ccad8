// Serves the inspection page of the package (pkg/inspector/) over HTTP on loopback, for `inspect` and
// `serve`: the page's own files under /inspector/, the package's web entry under /inspector/lib/, and the
// inputs to preload (listed in /inspector/preload/index.json, each file at /inspector/preload/<n>).
// Only requests whose Host is this loopback address are answered, so that no other site can read the
// preloaded (possibly confidential) files through a DNS name pointed at 127.0.0.1.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGE_DIR = path.join(PACKAGE_DIR, 'inspector');
const WEB_FILES = ['web.js', 'v8_footprints_web.js', 'v8_footprints_bg.wasm'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** Whether the package holds the page (pkg/ after ./build.sh). */
export function pageAvailable() {
  return fs.existsSync(path.join(PAGE_DIR, 'index.html')) && WEB_FILES.every((f) => fs.existsSync(path.join(PACKAGE_DIR, f)));
}

/**
 * A request handler `(req, res, rawPath) => boolean` (false: not the page's path). `preload()` returns
 * {name, root, files: [{path, href?, file?, direct?}]}: `file` is a file on disk served at
 * /inspector/preload/<n>; `href` a path of the same server the page fetches itself.
 * @param {{ preload?: () => { name?: string, root?: string, files: { path: string, href?: string, file?: string, direct?: boolean }[] } }} [options]
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, rawPath: string) => boolean}
 */
export function pageHandler({ preload = () => ({ files: [] }) } = {}) {
  return (req, res, rawPath) => {
    if (rawPath === '/' || rawPath === '/inspector') {
      res.writeHead(302, { location: '/inspector/?preload' });
      res.end();
      return true;
    }
    if (!rawPath.startsWith('/inspector/')) return false;
    const port = req.socket.localPort;
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) {
      send(res, 403, 'text/plain; charset=utf-8', 'the inspection page answers on 127.0.0.1 only\n');
      return true;
    }
    const rest = decodeURIComponent(rawPath.slice('/inspector/'.length));
    if (rest === 'preload/index.json') {
      const { name = 'preloaded', root = '', files = [] } = preload();
      const listed = files.map((f, i) => ({ path: f.path, href: f.href ?? `./${i}`, direct: f.direct !== false }));
      send(res, 200, TYPES['.json'], JSON.stringify({ name, root, files: listed }));
      return true;
    }
    let file;
    if (rest.startsWith('preload/')) {
      const entry = preload().files[Number(rest.slice('preload/'.length))];
      file = entry && entry.file;
      if (file) return sendFile(res, file, 'application/octet-stream'), true;
    } else if (rest.startsWith('lib/') && WEB_FILES.includes(rest.slice(4))) {
      file = path.join(PACKAGE_DIR, rest.slice(4));
    } else if (rest === '' || /^[\w.-]+\.(html|css|mjs|png)$/.test(rest)) {
      file = path.join(PAGE_DIR, rest || 'index.html');
    }
    if (!file) send(res, 404, 'text/plain; charset=utf-8', `not found: ${rawPath}\n`);
    else sendFile(res, file, TYPES[path.extname(file)] ?? 'application/octet-stream');
    return true;
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendFile(res, file, type) {
  fs.readFile(file, (error, body) => {
    if (error) send(res, 404, 'text/plain; charset=utf-8', `not found: ${path.basename(file)}\n`);
    else send(res, 200, type, body);
  });
}
