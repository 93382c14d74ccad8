/**
 * The stand-in's checks of the agent's lifecycle traffic (registration and other agent events, remote config,
 * methodology) and of the footprints forms the lifecycle changes (the collector's mapping, a "Methods" build,
 * the name headers), with real HTTP requests on 127.0.0.1.
 *   node --test tests/backend/
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { decodeToken } from '../../wrapper/lib/agent/settings.mjs';
import { makeToken, startStandin } from './standin.mjs';

const LAB = 'lab-1';
const BSID = 'bsid-1';
const EXEC = 'exec-1';
const SECRET = 'env-secret-value-42';

function request(base, urlPath, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, { method, headers, agent: false }, (res) => {
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
        resolve({ status: res.statusCode, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const gzip = (value) => zlib.gzipSync(JSON.stringify(value));

function registration(overrides = {}) {
  return {
    agentId: 'agent-1',
    appName: 'app',
    buildSessionId: BSID,
    events: [{ type: 1001, utcTimestamp_ms: 1795432752123, data: { agentInfo: { agentId: 'agent-1', agentType: 'nodejs-lambda', agentVersion: '0.1.0', technology: 'nodejs', buildSessionId: BSID, labId: LAB }, machineInfo: { os: 'linux' } } }],
    ...overrides,
  };
}

function mappedBody({ executionId } = {}) {
  const execution = { hits: [{ methods: [0], branches: [], start: 1795432752, end: 1795432753, testName: null, isInitFootprints: false, isFinalFootprints: false }] };
  if (executionId !== undefined) execution.executionId = executionId;
  return {
    formatVersion: '6.0',
    methods: ['src/a.js@1,9'],
    branches: [],
    executions: [execution],
    meta: { agentId: 'agent-1', labId: LAB, footprintsMapping: 'agent', intervals: {}, agentConfig: { agentId: 'agent-1' } },
  };
}

function footprintHeaders(token, { executionId, appName } = {}) {
  const metadata = { labId: LAB, agentId: 'agent-1', buildSessionId: BSID };
  if (executionId) metadata.executionId = executionId;
  if (appName) metadata.appName = appName;
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'sl-metadata': JSON.stringify(metadata).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'x-sl-labid': LAB,
    'x-sl-bsid': BSID,
    'x-sl-agentid': 'agent-1',
  };
  if (executionId) headers['x-sl-executionid'] = executionId;
  return headers;
}

describe('stand-in: lifecycle endpoints', () => {
  let s;
  let auth;
  before(async () => {
    s = await startStandin({ labs: { [LAB]: { executionId: EXEC, buildSessionId: BSID, testStage: 'T' } }, forbidden: [SECRET] });
    auth = { authorization: `Bearer ${s.token}` };
  });
  after(() => s.close());
  beforeEach(() => {
    s.reset();
    s.setRemoteConfig({});
    s.setMethodology('MethodLines');
  });

  test('remote config: answers the configured object to a query naming the agent; refuses one without, or carrying the token', async () => {
    let r = await request(s.url, '/api/v3/config?agentType=nodejs-lambda&agentVersion=0.1.0&agentId=a1&labId=lab-1', { headers: auth });
    assert.deepEqual([r.status, r.json], [200, {}]);
    s.setRemoteConfig({ sendFootprints: false });
    r = await request(s.url, '/api/v3/config?agentType=nodejs-lambda&agentVersion=0.1.0&agentId=a1', { headers: auth });
    assert.deepEqual([r.status, r.json], [200, { sendFootprints: false }]);
    r = await request(s.url, '/api/v3/config?agentType=x', { headers: auth });
    assert.deepEqual([r.status, r.json], [400, { problems: ['config query: agentVersion missing', 'config query: agentId missing'] }]);
    r = await request(s.url, `/api/v3/config?agentType=x&agentVersion=1&agentId=a&appName=${SECRET}`, { headers: auth });
    assert.equal(r.status, 400);
    assert.match(r.json.problems[0], /an environment value/);
    assert.equal((await request(s.url, '/api/v3/config?agentType=x&agentVersion=1&agentId=a')).status, 401);
    assert.deepEqual(s.requests().map((q) => [q.endpoint, q.status, q.query.agentType]), [
      ['config', 200, 'nodejs-lambda'], ['config', 200, 'nodejs-lambda'], ['config', 400, 'x'], ['config', 400, 'x'], ['config', 401, 'x'],
    ]);
    assert.equal(s.problems().length, 2);
  });

  test('events: a registration is accepted (gzipped or plain) with x-sl-messagetype; its types are listed', async () => {
    let r = await request(s.url, '/api/v3/agents/agent-events/', { method: 'POST', headers: { ...auth, 'content-encoding': 'gzip', 'x-sl-messagetype': '1001' }, body: gzip(registration()) });
    assert.deepEqual([r.status, r.json], [200, {}]);
    const later = registration({ events: [{ type: 1006, utcTimestamp_ms: 1795432752200 }, { type: 1010, utcTimestamp_ms: 1795432752300 }] });
    r = await request(s.url, '/api/v3/agents/agent-events/', { method: 'POST', headers: { ...auth, 'x-sl-messagetype': '1006' }, body: JSON.stringify(later) });
    assert.equal(r.status, 200);
    assert.deepEqual(s.eventTypes(), [1001, 1006, 1010]);
    assert.deepEqual(s.problems(), []);
    assert.equal(s.events()[0].headers.authorization, undefined);
  });

  const bad = [
    ['the token in a value', (b, t) => ({ ...b, appName: t }), /the token/],
    ['a part of the token', (b, t) => ({ ...b, appName: t.split('.')[1] }), /the token/],
    ['an environment value', (b) => ({ ...b, events: [{ ...b.events[0], data: { ...b.events[0].data, note: `x ${SECRET}` } }] }), /an environment value/],
    ['a key naming a token', (b) => ({ ...b, events: [{ ...b.events[0], data: { ...b.events[0].data, config: { token: 'x' } } }] }), /names a secret/],
    ['an environment dump', (b) => ({ ...b, events: [{ ...b.events[0], data: { ...b.events[0].data, envVars: {} } }] }), /names a secret or the environment/],
    ['no agentInfo', (b) => ({ ...b, events: [{ type: 1001, utcTimestamp_ms: 1795432752123 }] }), /agentInfo: missing/],
    ['seconds for a timestamp', (b) => ({ ...b, events: [{ ...b.events[0], utcTimestamp_ms: 1795432752 }] }), /epoch milliseconds/],
    ['an unknown type', (b) => ({ ...b, events: [{ type: 7, utcTimestamp_ms: 1795432752123 }] }), /is not one of/],
    ['another agent id inside', (b) => ({ ...b, agentId: 'agent-2' }), /agentInfo.agentId/],
  ];
  for (const [name, change, problem] of bad) {
    test(`events: refused with ${name}`, async () => {
      const body = change(registration(), s.token);
      const r = await request(s.url, '/api/v3/agents/agent-events/', { method: 'POST', headers: { ...auth, 'x-sl-messagetype': String(body.events[0].type) }, body: JSON.stringify(body) });
      assert.equal(r.status, 400);
      assert.ok(r.json.problems.some((p) => problem.test(p)), JSON.stringify(r.json.problems));
      assert.deepEqual(s.eventTypes(), []);
      assert.equal(s.problems().length, 1);
    });
  }

  test('events: refused when x-sl-messagetype is missing or not the first event\'s type', async () => {
    for (const type of [undefined, '1006']) {
      const headers = type ? { ...auth, 'x-sl-messagetype': type } : auth;
      const r = await request(s.url, '/api/v3/agents/agent-events/', { method: 'POST', headers, body: JSON.stringify(registration()) });
      assert.equal(r.status, 400);
      assert.match(r.json.problems.join(), /x-sl-messagetype/);
    }
  });

  test('fail modes reach config and events too', async () => {
    s.setMode('404', { endpoints: ['config', 'events'] });
    assert.equal((await request(s.url, '/api/v3/config?agentType=x&agentVersion=1&agentId=a', { headers: auth })).status, 404);
    assert.equal((await request(s.url, '/api/v3/agents/agent-events/', { method: 'POST', headers: { ...auth, 'x-sl-messagetype': '1001' }, body: JSON.stringify(registration()) })).status, 404);
    assert.equal((await request(s.url, `/api/v5/agents/builds/${BSID}/instrumentation-methodology/`, { headers: auth })).status, 200);
  });

  test('the execution query answers pendingDelete as it is', async () => {
    s.setExecution(LAB, { executionId: EXEC, buildSessionId: BSID, testStage: 'T', status: 'pendingDelete' });
    const r = await request(s.url, `/api/v4/testExecution/${LAB}`, { headers: auth });
    assert.deepEqual(r.json, { execution: { executionId: EXEC, buildSessionId: BSID, testStage: 'T', status: 'pendingDelete' } });
  });

  test('the collector\'s mapping: accepted without executionId or its headers, in the collector form only', async () => {
    const post = (urlPath, body, headers) => request(s.url, urlPath, { method: 'POST', headers, body: gzip(body) });
    const collector = `/api/v6/agents/${BSID}/footprints`;
    s.setMethodology('Methods');
    let r = await post(collector, mappedBody(), footprintHeaders(s.token));
    assert.deepEqual([r.status, r.json], [200, {}]);
    r = await post(collector, mappedBody({ executionId: '' }), footprintHeaders(s.token));
    assert.match(r.json.problems.join(), /executionId: must be left out/);
    r = await post(collector, mappedBody(), footprintHeaders(s.token, { executionId: EXEC }));
    assert.match(r.json.problems.join(), /x-sl-executionid: must be left out/);
    r = await post(`/api/v6/agents/${BSID}/footprints/T/${BSID}/`, mappedBody(), { ...footprintHeaders(s.token), 'content-type': 'application/octet-stream' });
    assert.match(r.json.problems.join(), /collector form only/);
    const unmapped = mappedBody();
    delete unmapped.meta.footprintsMapping;
    r = await post(collector, unmapped, footprintHeaders(s.token));
    assert.match(r.json.problems.join(), /executions\[0\]\.executionId: must be a string/);
  });

  test('"Methods" builds: methodLines refused; the name headers must match sl-metadata (URL-encoded when not ASCII)', async () => {
    const post = (body, headers) => request(s.url, `/api/v6/agents/${BSID}/footprints`, { method: 'POST', headers, body: gzip(body) });
    s.setMethodology('Methods');
    const withLines = mappedBody();
    withLines.executions[0].hits[0].methodLines = { 0: [1] };
    let r = await post(withLines, footprintHeaders(s.token));
    assert.match(r.json.problems.join(), /methodLines: sent, but the build's methodology is "Methods"/);
    s.setMethodology('MethodLines');
    r = await post(mappedBody(), footprintHeaders(s.token));
    assert.match(r.json.problems.join(), /methodLines: missing/);
    s.setMethodology('Methods');
    const name = 'café €';
    r = await post(mappedBody(), footprintHeaders(s.token, { appName: name }));
    assert.match(r.json.problems.join(), /x-sl-appname: missing/);
    r = await post(mappedBody(), { ...footprintHeaders(s.token, { appName: name }), 'x-sl-appname': encodeURIComponent(name) });
    assert.deepEqual([r.status, r.json], [200, {}]);
    r = await post(mappedBody(), { ...footprintHeaders(s.token, { appName: name }), 'x-sl-appname': 'other' });
    assert.match(r.json.problems.join(), /x-sl-appname: "other" is not sl-metadata.appName/);
    r = await post(mappedBody(), { ...footprintHeaders(s.token), 'x-sl-buildname': '7' });
    assert.match(r.json.problems.join(), /x-sl-buildname: sent \("7"\) but sl-metadata has no buildName/);
  });
});

describe('stand-in: a collector alone (serverReachable: false)', () => {
  test('the token names a server nobody listens on; the stand-in still answers as a collector', async () => {
    const s = await startStandin({ serverReachable: false, labs: { [LAB]: { executionId: EXEC, buildSessionId: BSID, testStage: 'T' } } });
    try {
      const server = decodeToken(s.token)['x-sl-server'];
      assert.equal(server, s.serverUrl);
      assert.notEqual(server, s.apiUrl);
      await assert.rejects(request(server.replace(/\/api$/, ''), '/api/v3/config'), { code: 'ECONNREFUSED' });
      const r = await request(s.url, `/api/v4/testExecution/${LAB}`, { headers: { authorization: `Bearer ${s.token}` } });
      assert.equal(r.json.execution.executionId, EXEC);
      assert.notEqual(makeToken({ server: s.apiUrl }), s.token);
    } finally {
      await s.close();
    }
  });
});
