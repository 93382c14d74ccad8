// The agent's HTTP client (wrapper/lib/agent/backend.mjs) against a real loopback server: one kept-alive
// connection is reused across requests, an idle one keeps no process alive, and a connection the server
// closed is replaced without losing the next footprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../../wrapper/lib/agent/backend.mjs';

const backendModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../wrapper/lib/agent/backend.mjs');

async function server(handler) {
  let connections = 0;
  const sockets = new Set();
  const s = http.createServer(handler);
  s.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${s.address().port}/api`,
    connections: () => connections,
    dropAll: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); }),
  };
}

const answer404 = (req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(404); res.end(); });
};

const ids = { buildSessionId: 'b', testStage: 's', labId: 'l', executionId: 'e', agentId: 'a', metadata: {} };

test('one connection serves the requests of a warm function', async () => {
  const s = await server(answer404);
  try {
    const backend = createBackend({ token: 't', server: s.url, collectorUrl: '' });
    for (let i = 0; i < 5; i++) assert.equal((await backend.getExecution('lab', Date.now() + 2000)).status, 'closed');
    assert.equal(s.connections(), 1);
  } finally {
    await s.close();
  }
});

test('an idle kept-alive connection keeps no process alive', async () => {
  const s = await server(answer404);
  try {
    const script = `import { createBackend } from ${JSON.stringify(backendModule)};
      const b = createBackend({ token: 't', server: ${JSON.stringify(s.url)}, collectorUrl: '' });
      console.log((await b.getExecution('lab', Date.now() + 2000)).status);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    const started = Date.now();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    assert.equal(output.trim(), 'closed');
    assert.ok(Date.now() - started < 3000, 'the process ended on its own while its connection was still open');
  } finally {
    await s.close();
  }
});

test('a connection the server closed is replaced: the next footprints still arrive', async () => {
  let posts = 0;
  const s = await server((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      res.writeHead(200);
      res.end('{}');
    });
  });
  try {
    const backend = createBackend({ token: 't', server: s.url, collectorUrl: '' });
    assert.equal((await backend.sendFootprints('{}', ids, Date.now() + 2000)).ok, true);
    s.dropAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await backend.sendFootprints('{}', ids, Date.now() + 2000)).ok, true);
    assert.equal(posts, 2);
  } finally {
    await s.close();
  }
});
