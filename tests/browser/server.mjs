// A tiny static file server for the browser test: serves the repository read-only on 127.0.0.1
// with the MIME types a page needs (application/wasm for .wasm, so that
// WebAssembly.instantiateStreaming is used rather than its slower fallback).
//
//   node tests/browser/server.mjs [port]    serve the repo by hand, then open /tests/browser/page.html
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * Starts the server on 127.0.0.1 (an ephemeral port unless given); resolves to {server, origin, requests}.
 * `pkg`, when given, is the folder served as /pkg/ (another build of the package).
 */
export function startServer({ root = REPO, port = 0, pkg } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const pathname = decodeURIComponent(url.pathname);
    const [base, rel] = pkg && pathname.startsWith('/pkg/') ? [path.resolve(pkg), pathname.slice(4)] : [root, pathname];
    const file = path.join(base, rel);
    const send = (status, type, body) => {
      requests.push({ path: url.pathname, status, type });
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed');
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'text/plain', 'forbidden');
    fs.readFile(file, (err, body) => {
      if (err) return send(404, 'text/plain', `not found: ${url.pathname}`);
      send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({ server, origin: `http://127.0.0.1:${bound}`, requests });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origin } = await startServer({ port: Number(process.argv[2] ?? 8123) });
  console.log(`serving ${REPO} at ${origin}/tests/browser/page.html (Ctrl-C to stop)`);
}
