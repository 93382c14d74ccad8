// What the inspector tests share: the built page (dist/inspector/, served as static files on 127.0.0.1),
// Debian's Chromium through playwright-core with every request the pages make recorded, and the
// `v8-footprints` command of pkg/ spawned with the URL it prints read back.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO } from './project.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PKG = process.env.V8_FOOTPRINTS_PKG ? path.resolve(process.env.V8_FOOTPRINTS_PKG) : path.join(REPO, 'pkg');
export const DIST_PAGE = path.join(REPO, 'dist', 'inspector');
// Screenshots of the main views; INSPECTOR_SHOTS=docs/images refreshes the ones docs/inspector.md shows.
export const SHOTS = process.env.INSPECTOR_SHOTS ? path.resolve(process.env.INSPECTOR_SHOTS) : path.join(REPO, '.cache', 'inspector');

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

/** Serves `root` read-only on 127.0.0.1 (the standalone page as a user would host it); resolves {origin, close}. */
export function serveStatic(root) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html');
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (error, body) => {
      if (error) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      else res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => {
      server.close(done);
      server.closeAllConnections();
    }),
  })));
}

/** Chromium with one context; every request of every page and every page problem is recorded. */
export async function launch() {
  for (const file of ['index.html', 'main.mjs', 'lib/web.js', 'lib/v8_footprints_bg.wasm']) {
    if (!fs.existsSync(path.join(DIST_PAGE, file))) throw new Error(`dist/inspector/${file} is missing: run ./build.sh first`);
  }
  if (!fs.existsSync(path.join(PKG, 'inspector', 'index.html'))) throw new Error('pkg/inspector/ is missing: run ./build.sh first');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (tests/platforms/setup.sh)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v8-footprints-inspector-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1360, height: 820 },
    timeout: 60_000,
  });
  const requests = [];
  const problems = [];
  context.on('request', (req) => requests.push({ url: req.url(), method: req.method() }));
  context.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  const watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  };
  context.on('page', watch);
  context.pages().forEach(watch);
  return {
    context,
    requests,
    problems,
    page: context.pages()[0] ?? (await context.newPage()),
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the page has read what it was given (body[data-state="ready"]). */
export async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'failed', null, { timeout: 30_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'ready') throw new Error(`the page failed: ${await page.textContent('#status')}`);
}

/** Gives `files` to the file input `selector` and waits until the page has read them. */
export async function openFiles(page, selector, files) {
  const before = await page.evaluate(() => Number(document.body.dataset.opened || 0));
  await page.setInputFiles(selector, files);
  await page.waitForFunction((n) => Number(document.body.dataset.opened || 0) > n, before, { timeout: 30_000 });
}

/**
 * Spawns `node pkg/cli/main.mjs <args>` and resolves once its output matched every pattern:
 * {child, matches (the first capture group of each), output()}.
 */
export function spawnCli(args, patterns) {
  const child = spawn(process.execPath, [path.join(PKG, 'cli', 'main.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`v8-footprints ${args[0]} printed no URL in 30 s:\n${out}\n${err}`)), 30_000);
    const check = () => {
      const matches = patterns.map((p) => out.match(p));
      if (matches.every(Boolean)) {
        clearTimeout(timer);
        resolve({ child, matches: matches.map((m) => m[1]), output: () => out + err });
      }
    };
    child.stdout.on('data', (d) => {
      out += d;
      check();
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`v8-footprints ${args[0]} exited ${code}:\n${out}\n${err}`));
    });
  });
}

/** Stops a spawned command with SIGINT and resolves with its exit code. */
export function stop(child) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}
