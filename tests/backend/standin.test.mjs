/**
 * Tests of the backend stand-in itself, with real HTTP requests on 127.0.0.1.
 *   node --test tests/backend/
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { describeBody, makeToken, startStandin } from './standin.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TOKEN = makeToken({ server: 'http://127.0.0.1:1/api', subject: 'customer@agent' });
const LAB = 'lab-1';
const BSID = 'bsid-1';
const EXEC = 'exec-1';
const STAGE = 'Functional Tests';
const EXECUTION = { executionId: EXEC, buildSessionId: BSID, testStage: STAGE, status: 'created' };
const DIRECT = `/api/v6/agents/${encodeURIComponent(BSID)}/footprints/${encodeURIComponent(STAGE)}/${encodeURIComponent(BSID)}/`;

/** A valid format 6.0 body, built by hand. */
function validBody() {
  return {
    formatVersion: '6.0',
    methods: ['src/handler.js@2,18', 'src/mod.js@2,9'],
    branches: ['src/handler.js|2,37|1'],
    executions: [
      {
        executionId: EXEC,
        hits: [
          {
            methods: [0, 1],
            branches: [0],
            methodLines: { 0: [2, 3], 1: [2] },
            start: 1795432752,
            end: 1795432753,
            testName: null,
            isInitFootprints: true,
            isFinalFootprints: false,
          },
          {
            methods: [0],
            branches: [],
            methodLines: { 0: [2] },
            start: 1795432760,
            end: 1795432760,
            testName: 'checkout works',
            isInitFootprints: false,
            isFinalFootprints: false,
          },
        ],
      },
    ],
    meta: {
      agentId: 'agent-1',
      labId: LAB,
      intervals: { timedFootprintsCollectionIntervalSeconds: 10 },
      agentConfig: { agentId: 'agent-1', appName: 'app', build: '1', branch: 'main', buildSessionId: BSID, labId: LAB, agentVersion: '0.1.0', agentType: 'TestListener' },
    },
  };
}

function validHeaders(form = 'direct') {
  return {
    authorization: `Bearer ${TOKEN}`,
    'content-type': form === 'direct' ? 'application/octet-stream' : 'application/json',
    'content-encoding': 'gzip',
    'sl-metadata': JSON.stringify({
      labId: LAB,
      appName: 'app',
      branchName: 'main',
      buildName: '1',
      agentId: 'agent-1',
      buildSessionId: BSID,
      agentType: 'TestListener',
      agentTechnology: 'nodejs',
      agentVersion: '0.1.0',
      executionId: EXEC,
    }),
    'x-sl-labId': LAB,
    'x-sl-bsid': BSID,
    'x-sl-executionId': EXEC,
    'x-sl-agentId': 'agent-1',
    'x-sl-appname': 'app',
    'x-sl-branchname': 'main',
    'x-sl-buildname': '1',
  };
}

/** One HTTP request without connection reuse; resolves {status, json, text, ms}, rejects on socket errors. */
function request(base, urlPath, { method = 'GET', headers = {}, body, timeoutMs, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const req = http.request(`${base}${urlPath}`, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, json, text, ms: Date.now() - t0 });
      });
    });
    req.on('error', reject);
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.end(body);
  });
}

const gzip = (value) => zlib.gzipSync(typeof value === 'string' ? value : JSON.stringify(value));
const postFootprints = (base, { body = validBody(), headers = validHeaders(), urlPath = DIRECT, raw, ...rest } = {}) =>
  request(base, urlPath, { method: 'POST', headers, body: raw ?? gzip(body), ...rest });

describe('stand-in', () => {
  let s;
  before(async () => {
    s = await startStandin({ token: TOKEN, labs: { [LAB]: EXECUTION } });
  });
  after(() => s.close());
  beforeEach(() => {
    s.reset();
    s.setExecution(LAB, EXECUTION);
    s.setMethodology('MethodLines');
  });

  test('listens on loopback and gives its URLs', () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.apiUrl, `${s.url}/api`);
  });

  test('accepts a valid gzipped body (direct form) and records it without the token', async () => {
    const r = await postFootprints(s.url);
    assert.equal(r.status, 200, r.text);
    const [rec] = s.accepted();
    assert.equal(s.received().length, 1);
    assert.equal(s.rejected().length, 0);
    assert.deepEqual(rec.body, validBody());
    assert.equal(rec.form, 'direct');
    assert.deepEqual(rec.params, { executionBsid: BSID, testStage: STAGE, buildSessionId: BSID });
    assert.equal(rec.path, DIRECT);
    assert.equal(rec.headers.authorization, undefined);
    assert.equal(rec.headers['x-sl-labid'], LAB);
    assert.ok(!JSON.stringify(s.received()).includes(TOKEN), 'the token is never recorded');
    assert.deepEqual(rec.warnings, []);
    assert.ok(Date.parse(rec.at) > 0);

    const over = await request(s.url, '/__standin/received');
    assert.equal(over.status, 200);
    assert.deepEqual(over.json[0].body, validBody());
  });

  test('accepts the collector form with and without /api, and a content type with parameters', async () => {
    for (const urlPath of [`/api/v6/agents/${BSID}/footprints`, `/v6/agents/${BSID}/footprints`]) {
      const headers = { ...validHeaders('collector'), 'content-type': 'application/json; charset=utf-8' };
      const r = await postFootprints(s.url, { urlPath, headers });
      assert.equal(r.status, 200, `${urlPath}: ${r.text}`);
    }
    assert.deepEqual(s.accepted().map((r) => r.form), ['collector', 'collector']);
  });

  test('accepts header names in any letter case', async () => {
    const headers = Object.fromEntries(Object.entries(validHeaders()).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal((await postFootprints(s.url, { headers })).status, 200);
  });

  test('accepts hits without methodLines when the methodology is "Methods"', async () => {
    s.setMethodology('Methods');
    const body = validBody();
    for (const hit of body.executions[0].hits) delete hit.methodLines;
    assert.equal((await postFootprints(s.url, { body })).status, 200);
  });

  // Each case: a change to the valid request, and a fragment that the 400's problem list must contain.
  const invalid = [
    ['formatVersion is not 6.0', (b) => (b.formatVersion = '5.0'), 'formatVersion: must be "6.0"'],
    ['formatVersion is a number', (b) => (b.formatVersion = 6), 'formatVersion'],
    ['methods is not an array', (b) => (b.methods = 'src/a.js@1,0'), 'methods: must be an array'],
    ['duplicate method id', (b) => (b.methods = ['src/a.js@1,0', 'src/a.js@1,0']), 'methods[1]: duplicate id'],
    ['absolute method path', (b) => (b.methods[0] = '/var/task/src/handler.js@2,18'), 'methods[0]: "/var/task/src/handler.js@2,18": path must be relative'],
    ['backslash method path', (b) => (b.methods[0] = 'src\\handler.js@2,18'), 'path must use "/" separators'],
    ['dot-dot method path', (b) => (b.methods[0] = '../handler.js@2,18'), '".." segment'],
    ['method line 0', (b) => (b.methods[0] = 'src/handler.js@0,18'), 'line counts from 1'],
    ['method id with negative column', (b) => (b.methods[0] = 'src/handler.js@2,-1'), 'does not match <path>@<line>,<column>'],
    ['method id in another shape', (b) => (b.methods[0] = 'src/handler.js:2:18'), 'methods[0]: "src/handler.js:2:18" does not match'],
    ['method id that is not a string', (b) => (b.methods[0] = 7), 'methods[0]: must be a string'],
    ['branch id without leaf', (b) => (b.branches[0] = 'src/handler.js|2,37'), 'branches[0]: "src/handler.js|2,37" does not match <path>|<line>,<column>|<leaf>'],
    ['duplicate branch id', (b) => b.branches.push(b.branches[0]), 'branches[1]: duplicate id'],
    ['branches missing', (b) => delete b.branches, 'branches: must be an array'],
    ['unknown top-level key', (b) => (b.extra = 1), 'body: unknown key "extra"'],
    ['executions empty', (b) => (b.executions = []), 'executions: must be a non-empty array'],
    ['executionId not a string', (b) => (b.executions[0].executionId = 12), 'executions[0].executionId: must be a string'],
    ['hits empty', (b) => (b.executions[0].hits = []), 'executions[0].hits: must be a non-empty array'],
    ['method index out of range', (b) => (b.executions[0].hits[0].methods = [0, 2]), 'executions[0].hits[0].methods[1]: 2 is not an index into methods'],
    ['negative method index', (b) => (b.executions[0].hits[0].methods = [-1]), 'hits[0].methods[0]: -1 is not an index'],
    ['duplicate method index', (b) => (b.executions[0].hits[0].methods = [0, 0]), 'executions[0].hits[0].methods[1]: duplicate index 0'],
    ['branch index out of range', (b) => (b.executions[0].hits[0].branches = [1]), 'executions[0].hits[0].branches[0]: 1 is not an index into branches'],
    ['duplicate branch index', (b) => (b.executions[0].hits[0].branches = [0, 0]), 'hits[0].branches[1]: duplicate index 0'],
    ['methodLines key not in the hit', (b) => (b.executions[0].hits[1].methodLines = { 1: [2] }), 'executions[0].hits[1].methodLines["1"]: key must be a method index listed'],
    ['methodLines key not an index', (b) => (b.executions[0].hits[0].methodLines = { a: [2] }), 'methodLines["a"]: key must be a method index'],
    ['methodLines lines unsorted', (b) => (b.executions[0].hits[0].methodLines['0'] = [3, 2]), 'methodLines["0"][1]: lines must be sorted and unique'],
    ['methodLines lines repeated', (b) => (b.executions[0].hits[0].methodLines['0'] = [2, 2]), 'lines must be sorted and unique'],
    ['methodLines line 0', (b) => (b.executions[0].hits[0].methodLines['0'] = [0, 2]), 'methodLines["0"][0]: 0 is not a line number'],
    ['methodLines not an object', (b) => (b.executions[0].hits[0].methodLines = [[2, 3]]), 'methodLines: must be an object'],
    ['methodLines missing with "MethodLines"', (b) => delete b.executions[0].hits[0].methodLines, 'executions[0].hits[0].methodLines: missing'],
    ['start in milliseconds', (b) => (b.executions[0].hits[0].start = 1795432752000), 'executions[0].hits[0].start: 1795432752000 is not epoch seconds'],
    ['end in milliseconds', (b) => (b.executions[0].hits[0].end = 1795432753000), 'hits[0].end: 1795432753000 is not epoch seconds'],
    ['start not an integer', (b) => (b.executions[0].hits[0].start = 1795432752.5), 'hits[0].start: must be an integer'],
    ['start as a string', (b) => (b.executions[0].hits[0].start = '1795432752'), 'hits[0].start: must be an integer'],
    ['end before start', (b) => (b.executions[0].hits[0].end = 1795432751), 'executions[0].hits[0]: end 1795432751 is before start 1795432752'],
    ['testName a number', (b) => (b.executions[0].hits[0].testName = 42), 'hits[0].testName: must be a string or null'],
    ['testName missing', (b) => delete b.executions[0].hits[0].testName, 'hits[0].testName: missing'],
    ['isInitFootprints not boolean', (b) => (b.executions[0].hits[0].isInitFootprints = 'yes'), 'hits[0].isInitFootprints: must be a boolean'],
    ['isFinalFootprints missing', (b) => delete b.executions[0].hits[0].isFinalFootprints, 'hits[0].isFinalFootprints: must be a boolean'],
    ['unknown hit key (typo)', (b) => (b.executions[0].hits[0].methodlines = {}), 'hits[0]: unknown key "methodlines"'],
    ['meta missing', (b) => delete b.meta, 'meta: must be an object'],
    ['meta.agentId missing', (b) => delete b.meta.agentId, 'meta.agentId: must be a non-empty string'],
    ['meta.labId empty', (b) => (b.meta.labId = ''), 'meta.labId: must be a non-empty string'],
    ['meta.intervals missing', (b) => delete b.meta.intervals, 'meta.intervals: must be an object'],
    ['meta.agentConfig missing', (b) => delete b.meta.agentConfig, 'meta.agentConfig: must be an object'],
    ['body is an array', () => ({ replaceWith: [] }), 'body: must be a JSON object'],
  ];
  for (const [name, change, fragment] of invalid) {
    test(`rejects a body with ${name}`, async () => {
      let body = validBody();
      const replaced = change(body);
      if (replaced && typeof replaced === 'object' && 'replaceWith' in replaced) body = replaced.replaceWith;
      const r = await postFootprints(s.url, { body });
      assert.equal(r.status, 400, r.text);
      assert.ok(Array.isArray(r.json.problems));
      assert.ok(r.json.problems.some((p) => p.includes(fragment)), `expected a problem containing ${JSON.stringify(fragment)}, got ${JSON.stringify(r.json.problems)}`);
      const rejected = s.rejected();
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0].outcome, 'rejected');
      assert.equal(rejected[0].status, 400);
      assert.equal(s.accepted().length, 0);
    });
  }

  // Same for the envelope: headers, encoding, path.
  const without = (name) => {
    const h = validHeaders();
    delete h[name];
    return h;
  };
  const invalidRequests = [
    ['no Content-Encoding (plain JSON)', { headers: without('content-encoding'), raw: JSON.stringify(validBody()) }, 'header Content-Encoding: must be gzip'],
    ['Content-Encoding gzip on a body that is not gzip', { raw: Buffer.from('{"formatVersion":"6.0"}') }, 'body: does not gunzip'],
    ['truncated gzip', { raw: gzip(validBody()).subarray(0, 20) }, 'body: does not gunzip'],
    ['gzipped text that is not JSON', { raw: gzip('nope') }, 'body: not JSON'],
    ['Content-Type json on the direct form', { headers: { ...validHeaders(), 'content-type': 'application/json' } }, 'header Content-Type: must be application/octet-stream for the direct form'],
    ['Content-Type octet-stream on the collector form', { urlPath: `/api/v6/agents/${BSID}/footprints`, headers: validHeaders() }, 'header Content-Type: must be application/json for the collector form'],
    ['no Content-Type', { headers: without('content-type') }, 'header Content-Type'],
    ['no sl-metadata', { headers: without('sl-metadata') }, 'header sl-metadata: missing'],
    ['sl-metadata not JSON', { headers: { ...validHeaders(), 'sl-metadata': 'labId=lab-1' } }, 'header sl-metadata: not JSON'],
    ['sl-metadata without agentId', { headers: { ...validHeaders(), 'sl-metadata': JSON.stringify({ labId: LAB, buildSessionId: BSID }) } }, 'header sl-metadata.agentId'],
    ['no x-sl-labId', { headers: without('x-sl-labId') }, 'header x-sl-labid: missing'],
    ['no x-sl-bsid', { headers: without('x-sl-bsid') }, 'header x-sl-bsid: missing'],
    ['no x-sl-executionId', { headers: without('x-sl-executionId') }, 'header x-sl-executionid: missing'],
    ['no x-sl-agentId', { headers: without('x-sl-agentId') }, 'header x-sl-agentid: missing'],
    ['x-sl-bsid that disagrees with the path', { headers: { ...validHeaders(), 'x-sl-bsid': 'other' } }, 'build session ids disagree'],
    ['x-sl-labId that disagrees with the body', { headers: { ...validHeaders(), 'x-sl-labId': 'other' } }, 'lab ids disagree'],
    ['x-sl-executionId not in the body', { headers: { ...validHeaders(), 'x-sl-executionId': 'exec-9' } }, 'header x-sl-executionId "exec-9" is not among'],
  ];
  for (const [name, opts, fragment] of invalidRequests) {
    test(`rejects a request with ${name}`, async () => {
      const r = await postFootprints(s.url, opts);
      assert.equal(r.status, 400, r.text);
      assert.ok(r.json.problems.some((p) => p.includes(fragment)), `expected ${JSON.stringify(fragment)} in ${JSON.stringify(r.json.problems)}`);
      assert.equal(s.rejected().length, 1);
    });
  }

  for (const urlPath of [DIRECT.slice(0, -1), `/api/v6/agents/${BSID}/footprints/`, `/api/api/v6/agents/${BSID}/footprints`, `/api/v6/agents//footprints`]) {
    test(`rejects footprints posted to ${urlPath} with 404 naming both forms`, async () => {
      const r = await postFootprints(s.url, { urlPath });
      assert.equal(r.status, 404, r.text);
      assert.match(r.json.problems[0], /matches neither footprints form/);
      assert.equal(s.rejected()[0].status, 404);
    });
  }

  test('answers 401 to a wrong or missing token, on every endpoint, and records no token', async () => {
    const wrong = makeToken({ server: s.apiUrl });
    for (const authorization of [`Bearer ${wrong}`, undefined, TOKEN, `Basic ${TOKEN}`]) {
      const auth = authorization === undefined ? {} : { authorization };
      const headers = { ...validHeaders(), ...auth };
      if (authorization === undefined) delete headers.authorization;
      assert.equal((await postFootprints(s.url, { headers })).status, 401);
      assert.equal((await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: auth })).status, 401);
      assert.equal((await request(s.url, `/api/v5/agents/builds/${BSID}/instrumentation-methodology/`, { headers: auth })).status, 401);
    }
    const rejected = s.rejected();
    assert.equal(rejected.length, 4);
    assert.ok(rejected.every((r) => r.outcome === 'unauthorized' && r.status === 401 && r.headers.authorization === undefined));
    assert.ok(!JSON.stringify(rejected).includes(wrong));
    assert.equal(s.accepted().length, 0);
    // The scheme is case-insensitive.
    assert.equal((await postFootprints(s.url, { headers: { ...validHeaders(), authorization: `bearer ${TOKEN}` } })).status, 200);
  });

  test('execution query: open, other status, closed (404), reopened; trailing slash optional', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    let r = await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: auth });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { execution: EXECUTION });
    r = await request(s.url, `/api/v4/testExecution/${LAB}`, { headers: auth });
    assert.deepEqual(r.json, { execution: EXECUTION });

    s.setExecution(LAB, { ...EXECUTION, status: 'pendingDelete' });
    r = await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: auth });
    assert.equal(r.json.execution.status, 'pendingDelete');

    s.setExecution(LAB, null);
    r = await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: auth });
    assert.equal(r.status, 404);
    r = await request(s.url, `/api/v4/testExecution/unknown-lab/`, { headers: auth });
    assert.equal(r.status, 404);

    // Over HTTP too; status defaults to "created"; lab ids are URL-decoded.
    const labWithSpace = 'lab two';
    const open = await request(s.url, '/__standin/execution', {
      method: 'POST',
      body: JSON.stringify({ labId: labWithSpace, execution: { executionId: 'e2', buildSessionId: 'b2', testStage: 'Unit' } }),
    });
    assert.equal(open.status, 200);
    r = await request(s.url, `/api/v4/testExecution/${encodeURIComponent(labWithSpace)}/`, { headers: auth });
    assert.deepEqual(r.json, { execution: { executionId: 'e2', buildSessionId: 'b2', testStage: 'Unit', status: 'created' } });

    assert.deepEqual(
      s.requests().map((e) => [e.endpoint, e.status]),
      [['execution', 200], ['execution', 200], ['execution', 200], ['execution', 404], ['execution', 404], ['execution', 200]],
    );
    assert.ok(s.requests().every((e) => e.headers.authorization === undefined && e.headers.host));
  });

  test('execution query can answer 200 {"execution":null} instead of 404', async () => {
    const t = await startStandin({ token: TOKEN, noExecutionStatus: 200 });
    try {
      const r = await request(t.url, `/api/v4/testExecution/${LAB}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { execution: null });
    } finally {
      await t.close();
    }
  });

  test('methodology query answers the configured value as a JSON string', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    let r = await request(s.url, `/api/v5/agents/builds/${BSID}/instrumentation-methodology/`, { headers: auth });
    assert.equal(r.status, 200);
    assert.equal(r.text, '"MethodLines"');
    s.setMethodology('Methods');
    r = await request(s.url, `/api/v5/agents/builds/${BSID}/instrumentation-methodology`, { headers: auth });
    assert.equal(r.json, 'Methods');
  });

  test('unknown endpoints get 404', async () => {
    const r = await request(s.url, '/api/v9/nothing', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(r.status, 404);
  });

  test('mode down destroys the socket; the control endpoints keep working', async () => {
    s.setMode('down');
    await assert.rejects(postFootprints(s.url), (err) => ['ECONNRESET', 'EPIPE'].includes(err.code) || /socket hang up/.test(err.message));
    await assert.rejects(request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    assert.equal(s.received()[0].outcome, 'down');
    assert.equal(s.accepted().length, 0);
    assert.equal((await request(s.url, '/__standin/mode')).json.mode, 'down');
    assert.equal((await request(s.url, '/__standin/mode', { method: 'POST', body: '{"mode":"normal"}' })).status, 200);
    assert.equal((await postFootprints(s.url)).status, 200);
  });

  test('mode down limited to footprints leaves the execution query up', async () => {
    s.setMode('down', { endpoints: 'footprints' });
    await assert.rejects(postFootprints(s.url));
    const r = await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(r.status, 200);
  });

  test('mode slow answers after the delay', async () => {
    s.setMode('slow', { ms: 300 });
    const r = await postFootprints(s.url);
    assert.equal(r.status, 200);
    assert.ok(r.ms >= 290, `took ${r.ms} ms`);
    assert.equal(s.accepted().length, 1);
  });

  test('mode slow: a client that gives up first is recorded as aborted, not accepted', async () => {
    s.setMode('slow', { ms: 400 });
    await assert.rejects(postFootprints(s.url, { timeoutMs: 100 }), { code: 'CLIENT_TIMEOUT' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [rec] = s.received();
    assert.equal(rec.outcome, 'aborted');
    assert.equal(rec.accepted, false);
    assert.deepEqual(rec.body, validBody());
  });

  for (const code of [500, 404]) {
    test(`mode ${code} answers ${code} and still records the body`, async () => {
      s.setMode(String(code));
      const r = await postFootprints(s.url);
      assert.equal(r.status, code);
      const q = await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(q.status, code);
      const [rec] = s.received();
      assert.equal(rec.outcome, `mode ${code}`);
      assert.equal(rec.accepted, false);
      assert.equal(rec.rejected, false);
      assert.deepEqual(rec.body, validBody());
    });
  }

  test('mode fail-then-recover: the first N footprints posts get 500, then success', async () => {
    s.setMode('fail-then-recover', { count: 2 });
    // The execution query is not affected.
    const q = await request(s.url, `/api/v4/testExecution/${LAB}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(q.status, 200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await postFootprints(s.url)).status);
    assert.deepEqual(statuses, [500, 500, 200, 200]);
    assert.equal(s.mode().mode, 'normal');
    assert.equal(s.accepted().length, 2);
  });

  test('modes can be set over HTTP; bad modes are refused; reset clears records and mode', async () => {
    let r = await request(s.url, '/__standin/mode', { method: 'POST', body: JSON.stringify({ mode: 'fail-then-recover', count: 1 }) });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { mode: 'fail-then-recover', endpoints: ['footprints'], remaining: 1 });
    assert.equal((await postFootprints(s.url)).status, 500);
    assert.equal((await postFootprints(s.url)).status, 200);

    r = await request(s.url, '/__standin/mode', { method: 'POST', body: JSON.stringify({ mode: 'slow', ms: 50 }) });
    assert.deepEqual(r.json, { mode: 'slow', endpoints: ['footprints', 'execution', 'methodology', 'config', 'events'], ms: 50 });
    r = await request(s.url, '/__standin/mode', { method: 'POST', body: JSON.stringify({ mode: 'sideways' }) });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /unknown mode/);
    r = await request(s.url, '/__standin/mode', { method: 'POST', body: 'not json' });
    assert.equal(r.status, 400);
    assert.throws(() => s.setMode('slow', { endpoints: 'everything' }), /unknown endpoint/);

    assert.equal((await request(s.url, '/__standin/received')).json.length, 2);
    r = await request(s.url, '/__standin/reset', { method: 'POST' });
    assert.equal(r.status, 200);
    assert.deepEqual((await request(s.url, '/__standin/received')).json, []);
    assert.deepEqual(s.mode(), { mode: 'normal' });
  });

  test('waitFor resolves when the condition holds and rejects after its timeout', async () => {
    const waiting = s.waitFor((t) => t.accepted().length >= 2 && t.accepted());
    await postFootprints(s.url);
    await postFootprints(s.url);
    assert.equal((await waiting).length, 2);
    await assert.rejects(s.waitFor((t) => t.accepted().length >= 3, { timeoutMs: 50 }), /timed out after 50 ms \(2 footprints POSTs/);
  });

  test('warns (without rejecting) when the body disagrees with the open execution', async () => {
    s.setExecution(LAB, { ...EXECUTION, executionId: 'exec-other' });
    const r = await postFootprints(s.url);
    assert.equal(r.status, 200);
    assert.ok(s.accepted()[0].warnings.some((w) => w.includes('differ from the lab')));
  });
});

describe('close()', () => {
  test('destroys keep-alive sockets and pending slow answers, then refuses connections', async () => {
    const t = await startStandin({ token: TOKEN });
    const agent = new http.Agent({ keepAlive: true });
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await request(t.url, `/api/v4/testExecution/${LAB}/`, { headers: auth, agent })).status, 404);
    t.setMode('slow', { ms: 60_000 });
    const pending = request(t.url, `/api/v4/testExecution/${LAB}/`, { headers: auth });
    pending.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = Date.now();
    await t.close();
    assert.ok(Date.now() - t0 < 1000, 'close() does not wait for keep-alive sockets or delayed answers');
    await assert.rejects(pending);
    await assert.rejects(request(t.url, '/__standin/received'), { code: 'ECONNREFUSED' });
    agent.destroy();
  });
});

test('makeToken makes a JWT with the claims agents read', () => {
  const token = makeToken({ server: 'http://127.0.0.1:9/api', subject: 'customer@agent' });
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  for (const p of parts) assert.match(p, /^[A-Za-z0-9_-]+$/);
  assert.equal(JSON.parse(Buffer.from(parts[0], 'base64url')).typ, 'JWT');
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  assert.equal(claims['x-sl-server'], 'http://127.0.0.1:9/api');
  assert.equal(claims.subject, 'customer@agent');
  assert.equal(claims['x-sl-role'], 'agent');
  assert.equal(JSON.parse(Buffer.from(makeToken({ server: 'x', role: 'viewer' }).split('.')[1], 'base64url'))['x-sl-role'], 'viewer');
});

test('startStandin without a token makes one pointing at itself', async () => {
  const t = await startStandin();
  try {
    const claims = JSON.parse(Buffer.from(t.token.split('.')[1], 'base64url'));
    assert.equal(claims['x-sl-server'], t.apiUrl);
  } finally {
    await t.close();
  }
});

test('describeBody names the execution, hits, test names, init flag, ids and lines', () => {
  const text = describeBody(validBody());
  assert.match(text, /lab lab-1, agent agent-1: 2 methods, 1 branch/);
  assert.match(text, /execution exec-1: 2 hits/);
  assert.match(text, /hit 1 \[init\]\s+test: \(none\).*2 methods, 1 branch/);
  assert.match(text, /hit 2\s+test: checkout works.*1 method, 0 branches/);
  assert.match(text, /src\/handler\.js@2,18 {2}lines 2,3/);
  assert.match(text, /src\/mod\.js@2,9 {2}lines 2/);
  assert.match(text, /branch src\/handler\.js\|2,37\|1/);
  assert.match(describeBody(null), /not a footprints body/);
  assert.doesNotThrow(() => describeBody({ executions: [{ hits: [null, { methods: [5] }] }] }));
  assert.match(describeBody(validBody(), { maxIds: 1 }), /\.\.\. and 1 more methods/);
});

test('CLI starts, prints its URL, and prints each footprints body as it arrives', async (t) => {
  const child = spawn(process.execPath, [path.join(here, 'standin.mjs'), '--token', TOKEN, '--lab', LAB, '--execution', EXEC, '--test-stage', STAGE, '--bsid', BSID], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill());
  let out = '';
  const waiters = new Set();
  const onOutput = (c) => {
    out += c;
    for (const w of waiters) w();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const waitFor = (re) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${re} in CLI output:\n${out}`));
      }, 10_000);
      function check() {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(m);
        }
      }
      waiters.add(check);
      check();
    });
  const [, url] = await waitFor(/stand-in listening on (http:\/\/127\.0\.0\.1:\d+)/);
  assert.ok(!out.includes(TOKEN), 'a token given on the command line is not echoed');
  const q = await request(url, `/api/v4/testExecution/${LAB}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.deepEqual(q.json, { execution: EXECUTION });
  assert.equal((await postFootprints(url)).status, 200);
  await waitFor(/branch src\/handler\.js\|2,37\|1/);
  assert.match(out, /-> 200 accepted/);
  assert.match(out, /execution exec-1: 2 hits/);
  assert.match(out, /test: checkout works/);
  assert.match(out, /src\/handler\.js@2,18 {2}lines 2,3/);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null });
});
