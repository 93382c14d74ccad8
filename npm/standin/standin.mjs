/**
 * A stand-in for the test-intelligence backend, on loopback only: a small real HTTP server that takes footprints
 * the way the footprints protocol describes them (docs/protocol.md: "What the layer sends, and why"), checks them strictly, records what
 * arrived, and can be told to fail. The demo and the tests talk to it; a user runs it to see what the layer sends.
 *
 * Endpoints (all under http://127.0.0.1:PORT; `{...}` segments are URL-encoded):
 *   POST /api/v6/agents/{executionBsid}/footprints/{testStage}/{buildSessionId}/   direct form (trailing slash)
 *   POST [/api]/v6/agents/{buildSessionId}/footprints                              collector form (no trailing slash)
 *   GET  /api/v4/testExecution/{labId}[/]        200 {"execution":{executionId, buildSessionId, testStage, status}}
 *                                                when the lab has an execution (whatever its status: the layer must
 *                                                report only while it is "created"); 404 {"error"} when it has none
 *                                                (or 200 {"execution":null} with `noExecutionStatus: 200`)
 *   GET  /api/v5/agents/builds/{bsid}/instrumentation-methodology[/]   200 "MethodLines" (configurable)
 *   GET  /api/v3/config?agentType&agentVersion&agentId[&appName&branchName&buildName&testStage&labId]
 *                                                200 the remote configuration (`remoteConfig`, default {}); the
 *                                                query must name the agent and carry no token or forbidden value
 *   POST /api/v3/agents/agent-events/            agent events (gzipped or plain JSON), checked by validateEvents:
 *                                                no token, no environment value (`forbidden`), x-sl-messagetype
 * All of them need `Authorization: Bearer <token>` (401 otherwise). A footprints POST must carry a gzipped format
 * 6.0 body and the reference's headers (see format.mjs); otherwise it gets 400 {"problems": [...]} and is recorded
 * as rejected. A valid one gets 200 {}.
 *
 * Control (no token; loopback only):
 *   GET  /__standin/received     every footprints POST recorded (see `FootprintsRecord` below)
 *   GET  /__standin/requests     every request to the endpoints above: {at, method, path, endpoint, status, headers}
 *   POST /__standin/reset        forget what arrived and go back to mode "normal"
 *   GET  /__standin/mode         the current fail mode
 *   POST /__standin/mode         {"mode": "down"|"slow"|"500"|"404"|"400"|"429"|"fail-then-recover"|"endless"|"normal", "ms", "count", "endpoints"}
 *   POST /__standin/execution    {"labId", "execution": {executionId, buildSessionId, testStage, status} | null}
 *   POST /__standin/remote-config   the remote configuration to answer from now on (a JSON object)
 *   POST /__standin/methodology  {"methodology": "Methods" | "MethodLines"}
 *
 * With `serverReachable: false` the token's x-sl-server is a port nobody listens on: the stand-in then plays a
 * collector alone (the agent must report through SL_COLLECTOR_URL without reaching the server).
 *
 * Fail modes (apply to `endpoints`: "all" (default), "footprints", "execution", "methodology", "config", "events"
 * or a list of these):
 *   down               the socket is destroyed as soon as a request arrives (the client sees a reset / hang-up;
 *                      for "connection refused", close() the stand-in or use a port nobody listens on)
 *   slow               answer normally after `ms` milliseconds (default 1000); when the client gives up first,
 *                      the footprints are recorded with outcome "aborted", not accepted
 *   500, 404, 400, 429 answer with that status (bodies are still read, checked and recorded)
 *   fail-then-recover  the next `count` footprints POSTs (default 1) get 500, then back to "normal"
 *   endless            answer 200 with a body that never ends (written as fast as the client reads it, until it
 *                      closes the connection); footprints are recorded with outcome "endless"
 *
 * Programmatic use:
 *   const s = await startStandin({token, labs: {lab1: {executionId, testStage, buildSessionId, status}}});
 *   ... point the layer at s.apiUrl (token claim x-sl-server) ...; s.accepted(); await s.close();
 *
 * Page: with `page` (a request handler, e.g. the inspection page's), GET requests outside /api/ and /__standin/
 * go to it first (`v8-footprints serve` shows what arrived in the inspection page).
 *
 * CLI (`runCli`; `node tests/backend/standin.mjs` and `v8-footprints serve` run it):
 *   node tests/backend/standin.mjs [--port 8080] [--token T] [--lab LAB --execution EXEC --test-stage S --bsid B]
 *        [--status created] [--methodology MethodLines] [--mode slow --ms 3000 --count N] [--verbose]
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { describeBody } from './describe.mjs';
import { secretsIn, validateBody, validateEvents, validateHeaders } from './format.mjs';

export { describeBody } from './describe.mjs';
export { parseUniqueId, validateBody, validateEvents, validateHeaders } from './format.mjs';

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Fail modes that answer with their status (bodies are still read, checked and recorded). */
const STATUS_MODES = ['500', '404', '400', '429'];
const MODES = ['normal', 'down', 'slow', ...STATUS_MODES, 'fail-then-recover', 'endless'];
const ENDPOINTS = ['footprints', 'execution', 'methodology', 'config', 'events'];
const FORMS_HINT =
  'direct: /api/v6/agents/{executionBsid}/footprints/{testStage}/{buildSessionId}/ (trailing slash); ' +
  'collector: [/api]/v6/agents/{buildSessionId}/footprints (no trailing slash)';

const base64url = (s) => Buffer.from(s).toString('base64url');

/**
 * A JWT for tests: header and claims are real, the signature is random bytes (agents never verify it).
 * @param {{server: string, subject?: string, role?: string}} claims `server` is the `x-sl-server` claim
 *   (e.g. `http://127.0.0.1:PORT/api`), `subject` e.g. `customer@agent`, `role` the `x-sl-role` claim
 * @returns {string} `header.payload.signature`, each part base64url
 */
export function makeToken({ server, subject = 'standin@agent', role = 'agent' }) {
  const header = { alg: 'HS256', typ: 'JWT' };
  const payload = { 'x-sl-server': server, subject, 'x-sl-role': role, iat: Math.floor(Date.now() / 1000) };
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${crypto.randomBytes(32).toString('base64url')}`;
}

/** Splits a raw path into segments, URL-decoding them; null when a segment does not decode. */
function decodeSegments(rawPath) {
  try {
    return rawPath.split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
}

/**
 * Which endpoint a request is for: `{endpoint, form?, params}`, or null.
 * Variable segments must be non-empty; the trailing slash is strict for footprints, optional for the GETs.
 */
export function matchRoute(method, rawPath) {
  const s = decodeSegments(rawPath);
  if (!s || s[0] !== '') return null;
  const n = s.length;
  const ok = (...vals) => vals.every((v) => v.length > 0);
  if (method === 'POST') {
    // ['', 'api', 'v6', 'agents', E, 'footprints', S, B, '']
    if (n === 9 && s[1] === 'api' && s[2] === 'v6' && s[3] === 'agents' && s[5] === 'footprints' && s[8] === '' && ok(s[4], s[6], s[7])) {
      return { endpoint: 'footprints', form: 'direct', params: { executionBsid: s[4], testStage: s[6], buildSessionId: s[7] } };
    }
    // ['', ('api',) 'v6', 'agents', B, 'footprints']
    const c = s[1] === 'api' ? 2 : 1;
    if (n === c + 4 && s[c] === 'v6' && s[c + 1] === 'agents' && s[c + 3] === 'footprints' && ok(s[c + 2])) {
      return { endpoint: 'footprints', form: 'collector', params: { buildSessionId: s[c + 2] } };
    }
    if (n === 6 && s[1] === 'api' && s[2] === 'v3' && s[3] === 'agents' && s[4] === 'agent-events' && s[5] === '') {
      return { endpoint: 'events', params: {} };
    }
    return null;
  }
  if (method === 'GET') {
    const t = s[n - 1] === '' ? s.slice(0, -1) : s;
    if (t.length === 4 && t[1] === 'api' && t[2] === 'v3' && t[3] === 'config') return { endpoint: 'config', params: {} };
    if (t.length === 5 && t[1] === 'api' && t[2] === 'v4' && t[3] === 'testExecution' && ok(t[4])) {
      return { endpoint: 'execution', params: { labId: t[4] } };
    }
    if (t.length === 7 && t[1] === 'api' && t[2] === 'v5' && t[3] === 'agents' && t[4] === 'builds' && t[6] === 'instrumentation-methodology' && ok(t[5])) {
      return { endpoint: 'methodology', params: { buildSessionId: t[5] } };
    }
  }
  return null;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('the client closed the request before its body ended'));
    });
  });
}

/** Decodes a footprints body: `{body, problems, rawLength}` (body null when it could not be read). */
function decodeBody(buf, headers) {
  const problems = [];
  let raw = buf;
  const gzipped = (headers['content-encoding'] ?? '').trim().toLowerCase() === 'gzip';
  const looksGzip = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  if (gzipped || looksGzip) {
    try {
      raw = zlib.gunzipSync(buf, { maxOutputLength: 8 * MAX_BODY_BYTES });
    } catch (err) {
      problems.push(`body: does not gunzip (${err.code ?? err.message})`);
      return { body: null, problems, rawLength: null };
    }
  }
  let body = null;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    problems.push(`body: not JSON (${err.message})`);
  }
  return { body, problems, rawLength: raw.length };
}

/**
 * Fail mode "endless": 200 with a JSON-looking body that never ends, written as fast as the client reads it,
 * until the client closes the connection. Returns how many bytes were written, once it stopped.
 */
function answerEndlessly(res) {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"endless": "');
  return new Promise((resolve) => {
    let written = 0;
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
    };
    res.on('drain', pump);
    res.on('close', () => resolve(written));
    pump();
  });
}

/** Headers as recorded: lower-case names, Authorization left out (the token is never stored). */
function recordedHeaders(headers) {
  const out = { ...headers };
  delete out.authorization;
  return out;
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * What the stand-in keeps of each footprints POST (also of posts to a path that looks like footprints but matches
 * neither form).
 * @typedef {object} FootprintsRecord
 * @property {number} seq          arrival number, from 1
 * @property {string} at           ISO time of arrival
 * @property {string} method
 * @property {string} path         the raw (still URL-encoded) path, without query
 * @property {'footprints'} endpoint
 * @property {'direct' | 'collector' | null} form
 * @property {{executionBsid?: string, testStage?: string, buildSessionId: string} | null} params  decoded path segments
 * @property {Record<string, string>} headers   lower-case names; Authorization is never kept
 * @property {boolean} authorized  the bearer token was the configured one
 * @property {number | null} status  the answer (null: socket destroyed, or the client gave up first)
 * @property {'accepted' | 'rejected' | 'unauthorized' | 'down' | 'aborted' | 'mode 500' | 'mode 404' | 'mode 400' | 'mode 429' | 'mode fail-then-recover' | 'endless'} outcome
 * @property {boolean} accepted    answered 200
 * @property {boolean} rejected    refused for its content: 400 (invalid), 401 (token), 404 (path)
 * @property {string[]} problems   why it is invalid (empty when valid); reported whatever the mode
 * @property {string[]} warnings   disagreements with the configured execution, node_modules paths
 * @property {number | null} gzipLength  bytes on the wire
 * @property {number | null} rawLength   bytes after gunzip
 * @property {unknown} body        the parsed JSON body (null when it could not be read)
 */

/**
 * Starts the stand-in on 127.0.0.1.
 *
 * @param {object} [options]
 * @param {string} [options.token] the bearer token to accept; default: `makeToken({server: apiUrl})`
 * @param {Record<string, {executionId: string, testStage: string, buildSessionId: string, status?: string}>} [options.labs]
 *   the execution of each lab (status defaults to "created")
 * @param {string} [options.methodology] answer of the methodology query, "MethodLines" (default) or "Methods";
 *   with "MethodLines" every hit must carry `methodLines`
 * @param {number} [options.port] 0 (default) picks a free port
 * @param {404 | 200} [options.noExecutionStatus] answer for a lab without execution: 404 (default) or 200 {"execution":null}
 * @param {object} [options.remoteConfig] the remote configuration the config query answers (default {}), e.g.
 *   `{sendFootprints: false}` to mute the agent
 * @param {boolean} [options.serverReachable] false: the token's x-sl-server is a port nobody listens on (a collector alone)
 * @param {string[]} [options.forbidden] values (e.g. of the function's environment) that no event or query may carry
 * @param {(record: object) => void} [options.onRecord] called with each footprints record as it is stored
 * @param {(entry: object) => void} [options.onRequest] called with each request log entry once answered
 * @param {(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string) => boolean} [options.page]
 *   serves other GET requests (outside /api/ and /__standin/); returns false when it has nothing at that path
 * @param {string} [options.host] the address to listen on (default 127.0.0.1); tests of the agent's HTTPS rule
 *   use another address of this machine (traffic to it stays on the machine)
 * @param {{key: string | Buffer, cert: string | Buffer}} [options.tls] serve HTTPS with this key and certificate
 *   (the URLs then start with https://), as the real backend does
 */
export async function startStandin({
  token,
  labs = {},
  methodology = 'MethodLines',
  port = 0,
  noExecutionStatus = 404,
  remoteConfig = {},
  serverReachable = true,
  forbidden = [],
  onRecord,
  onRequest,
  page,
  host = HOST,
  tls,
} = {}) {
  const events = [];
  const executions = new Map();
  const records = [];
  const requests = [];
  const sockets = new Set();
  const timers = new Set();
  let mode = { mode: 'normal' };
  let seq = 0;

  const setExecution = (labId, exec) => {
    if (exec === null || exec === undefined) executions.delete(labId);
    else {
      for (const k of ['executionId', 'buildSessionId', 'testStage']) {
        if (typeof exec[k] !== 'string') throw new TypeError(`execution of lab ${labId}: ${k} must be a string`);
      }
      executions.set(labId, {
        executionId: exec.executionId,
        buildSessionId: exec.buildSessionId,
        testStage: exec.testStage,
        status: exec.status ?? 'created',
      });
    }
  };
  for (const [labId, exec] of Object.entries(labs)) setExecution(labId, exec);

  const setMode = (name, opts = {}) => {
    const m = String(name);
    if (!MODES.includes(m)) throw new TypeError(`unknown mode ${JSON.stringify(name)}; one of ${MODES.join(', ')}`);
    let endpoints = opts.endpoints ?? 'all';
    if (m === 'fail-then-recover') endpoints = ['footprints'];
    else if (endpoints === 'all') endpoints = [...ENDPOINTS];
    else endpoints = [endpoints].flat();
    for (const e of endpoints) if (!ENDPOINTS.includes(e)) throw new TypeError(`unknown endpoint ${JSON.stringify(e)}; one of all, ${ENDPOINTS.join(', ')}`);
    const next = { mode: m, endpoints };
    if (m === 'slow') next.ms = Number.isFinite(opts.ms) && opts.ms >= 0 ? opts.ms : 1000;
    if (m === 'fail-then-recover') next.remaining = Number.isInteger(opts.count) && opts.count >= 0 ? opts.count : 1;
    mode = m === 'normal' ? { mode: 'normal' } : next;
    return { ...mode };
  };

  const reset = () => {
    records.length = 0;
    requests.length = 0;
    events.length = 0;
    mode = { mode: 'normal' };
  };

  /** @type {(ms: number) => Promise<void>} */
  const delay = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const authorized = (headers) => {
    const m = /^Bearer +(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (!m) return false;
    const a = Buffer.from(m[1]);
    const b = Buffer.from(api.token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  };

  const watchers = new Set();
  const notify = () => {
    for (const w of watchers) w();
  };

  const tellRequest = (entry) => {
    try {
      onRequest?.(structuredClone(entry));
    } catch {
      // a printing callback must not break the server
    }
    notify();
  };

  const store = (record) => {
    records.push(record);
    notify();
    try {
      onRecord?.(structuredClone(record));
    } catch {
      // a printing callback must not break the server
    }
  };

  async function handleFootprints(req, res, route, rawPath, failing, failMs) {
    const headers = req.headers;
    /** @type {Omit<FootprintsRecord, 'outcome'> & { outcome: FootprintsRecord['outcome'] | null }} */
    const record = {
      seq: ++seq,
      at: new Date().toISOString(),
      method: req.method,
      path: rawPath,
      endpoint: 'footprints',
      form: route?.form ?? null,
      params: route?.params ?? null,
      headers: recordedHeaders(headers),
      authorized: authorized(headers),
      status: null,
      outcome: null,
      accepted: false,
      rejected: false,
      problems: [],
      warnings: [],
      gzipLength: null,
      rawLength: null,
      body: null,
    };
    if (failing === 'down') {
      record.outcome = 'down';
      store(record);
      req.socket.destroy();
      return;
    }
    const buf = await readBody(req);
    record.gzipLength = buf.length;
    const decoded = decodeBody(buf, headers);
    record.body = decoded.body;
    record.rawLength = decoded.rawLength;
    record.problems.push(...decoded.problems);
    if (route) {
      record.problems.push(...validateHeaders(headers, { form: route.form, params: route.params, body: decoded.body }).problems);
      if (decoded.body !== null) {
        const v = validateBody(decoded.body, { methodology: api.methodology });
        record.problems.push(...v.problems);
        record.warnings.push(...v.warnings);
      }
      record.warnings.push(...crossCheck(route, decoded.body));
    } else {
      record.problems.unshift(`path ${rawPath} matches neither footprints form (${FORMS_HINT})`);
    }

    if (failing === 'endless') {
      record.outcome = 'endless';
      record.status = 200;
      store(record);
      answerEndlessly(res);
      return;
    }
    if (failing === 'slow') {
      await delay(failMs);
      if (req.socket.destroyed || res.destroyed) {
        record.outcome = 'aborted';
        store(record);
        return;
      }
    }
    let status;
    if (STATUS_MODES.includes(failing)) {
      status = Number(failing);
      record.outcome = /** @type {FootprintsRecord['outcome']} */ (`mode ${failing}`);
    } else if (failing === 'fail-then-recover') {
      status = 500;
      record.outcome = 'mode fail-then-recover';
    } else if (!route) {
      status = 404;
      record.outcome = 'rejected';
      record.rejected = true;
    } else if (!record.authorized) {
      status = 401;
      record.outcome = 'unauthorized';
      record.rejected = true;
      record.problems.unshift('header Authorization: not "Bearer <the configured token>"');
    } else if (record.problems.length) {
      status = 400;
      record.outcome = 'rejected';
      record.rejected = true;
    } else {
      status = 200;
      record.outcome = 'accepted';
      record.accepted = true;
    }
    record.status = status;
    store(record);
    if (status === 200) sendJson(res, 200, {});
    else if (status === 400 || (status === 404 && !route)) sendJson(res, status, { problems: record.problems });
    else if (status === 401) sendJson(res, 401, { error: 'unauthorized' });
    else sendJson(res, status, { error: `stand-in mode ${failing}` });
  }

  /** Disagreements with the configured execution: worth a look, but the real backend would take the body. */
  function crossCheck(route, body) {
    const warnings = [];
    const labId = body?.meta?.labId;
    const exec = typeof labId === 'string' ? executions.get(labId) : undefined;
    if (!exec) {
      if (typeof labId === 'string') warnings.push(`lab ${labId} has no execution configured in the stand-in`);
      return warnings;
    }
    if (exec.status !== 'created') warnings.push(`lab ${labId}: execution ${exec.executionId} has status ${exec.status}, not "created"`);
    const ids = Array.isArray(body.executions) ? body.executions.map((e) => e?.executionId) : [];
    if (!ids.every((id) => id === exec.executionId)) warnings.push(`execution ids ${JSON.stringify(ids)} differ from the lab's open execution ${exec.executionId}`);
    if (route.form === 'direct') {
      if (route.params.executionBsid !== exec.buildSessionId) warnings.push(`path executionBsid ${route.params.executionBsid} differs from the execution's ${exec.buildSessionId}`);
      if (route.params.testStage !== exec.testStage) warnings.push(`path testStage ${route.params.testStage} differs from the execution's ${exec.testStage}`);
    }
    return warnings;
  }

  async function handleControl(req, res, pathname) {
    const readJson = async () => {
      const text = (await readBody(req)).toString('utf8');
      return text.trim() ? JSON.parse(text) : {};
    };
    if (req.method === 'GET' && pathname === '/__standin/received') return sendJson(res, 200, records);
    if (req.method === 'GET' && pathname === '/__standin/requests') return sendJson(res, 200, requests);
    if (req.method === 'GET' && pathname === '/__standin/mode') return sendJson(res, 200, mode);
    if (req.method === 'POST' && pathname === '/__standin/reset') {
      await readBody(req);
      reset();
      return sendJson(res, 200, { reset: true });
    }
    if (req.method === 'POST' && pathname === '/__standin/mode') {
      const { mode: name, ...opts } = await readJson();
      return sendJson(res, 200, setMode(name, opts));
    }
    if (req.method === 'POST' && pathname === '/__standin/remote-config') {
      api.remoteConfig = await readJson();
      return sendJson(res, 200, api.remoteConfig);
    }
    if (req.method === 'POST' && pathname === '/__standin/methodology') {
      const { methodology: m } = await readJson();
      api.methodology = m;
      return sendJson(res, 200, { methodology: m });
    }
    if (req.method === 'POST' && pathname === '/__standin/execution') {
      const { labId, execution } = await readJson();
      if (typeof labId !== 'string' || !labId) throw new TypeError('labId must be a non-empty string');
      setExecution(labId, execution ?? null);
      return sendJson(res, 200, { labId, execution: executions.get(labId) ?? null });
    }
    await readBody(req);
    return sendJson(res, 404, { error: `no control endpoint ${req.method} ${pathname}` });
  }

  async function handle(req, res) {
    const rawPath = req.url.split('?')[0];
    if (rawPath.startsWith('/__standin/')) {
      try {
        return await handleControl(req, res, rawPath);
      } catch (err) {
        return sendJson(res, 400, { error: err.message });
      }
    }
    if (page && (req.method === 'GET' || req.method === 'HEAD') && !rawPath.startsWith('/api/') && page(req, res, rawPath)) return;
    const route = matchRoute(req.method, rawPath);
    const endpoint = route?.endpoint ?? (req.method === 'POST' && rawPath.includes('/footprints') ? 'footprints' : null);
    const query = Object.fromEntries(new URL(req.url, 'http://x').searchParams);
    const entry = { at: new Date().toISOString(), method: req.method, path: rawPath, query, endpoint, status: /** @type {number | 'destroyed' | null} */ (null), headers: recordedHeaders(req.headers), problems: /** @type {string[]} */ ([]) };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      tellRequest(entry);
    });

    let failing = null;
    let failMs = 0;
    if (endpoint && mode.mode !== 'normal' && mode.endpoints.includes(endpoint)) {
      failing = mode.mode;
      failMs = mode.ms ?? 0;
      if (failing === 'fail-then-recover') {
        if (mode.remaining > 0) mode.remaining -= 1;
        else failing = null;
        if (mode.remaining === 0) mode = { mode: 'normal' };
      }
    }

    if (endpoint === 'footprints') return handleFootprints(req, res, route, rawPath, failing, failMs);

    const raw = await readBody(req);
    if (endpoint === 'events') {
      // The types are listed whatever the answer (a fail mode too), for tests of exact request sequences.
      const body = decodeBody(raw, req.headers).body;
      if (body && Array.isArray(body.events)) entry.eventTypes = body.events.map((e) => e && e.type);
    }
    if (failing === 'down') {
      entry.status = 'destroyed';
      req.socket.destroy();
      tellRequest(entry);
      return;
    }
    if (failing === 'slow') {
      await delay(failMs);
      if (req.socket.destroyed) return;
    }
    if (failing !== null && STATUS_MODES.includes(failing)) return sendJson(res, Number(failing), { error: `stand-in mode ${failing}` });
    if (failing === 'endless') return answerEndlessly(res);
    if (!route) return sendJson(res, 404, { error: `no such endpoint: ${req.method} ${rawPath}` });
    if (!authorized(req.headers)) return sendJson(res, 401, { error: 'unauthorized' });
    if (route.endpoint === 'config') {
      for (const k of ['agentType', 'agentVersion', 'agentId']) if (!query[k]) entry.problems.push(`config query: ${k} missing`);
      entry.problems.push(...secretsIn(/** @type {string} */ (req.url), 'config query', { token: api.token, forbidden }));
      if (entry.problems.length) return sendJson(res, 400, { problems: entry.problems });
      return sendJson(res, 200, api.remoteConfig);
    }
    if (route.endpoint === 'events') {
      const decoded = decodeBody(raw, req.headers);
      const problems = [...decoded.problems];
      if (decoded.body !== null) problems.push(...validateEvents(decoded.body, req.headers, { token: api.token, forbidden }).problems);
      entry.problems.push(...problems);
      events.push({ at: entry.at, headers: entry.headers, body: decoded.body, problems, accepted: problems.length === 0 });
      notify();
      if (problems.length) return sendJson(res, 400, { problems });
      return sendJson(res, 200, {});
    }
    if (route.endpoint === 'execution') {
      const exec = executions.get(route.params.labId);
      if (exec) return sendJson(res, 200, { execution: { ...exec } });
      if (noExecutionStatus === 200) return sendJson(res, 200, { execution: null });
      return sendJson(res, 404, { error: `no open test execution for lab ${route.params.labId}` });
    }
    return sendJson(res, 200, api.methodology);
  }

  const listener = (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: `stand-in failure: ${err.message}` });
      else res.destroy();
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that disconnects mid-request makes the socket error; that must not crash the stand-in.
  server.on('clientError', (err, socket) => socket.destroy());

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const url = `${tls ? 'https' : 'http'}://${host}:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  let closed = null;
  // A port nobody listens on (taken, then given back at once) for a token whose server cannot be reached.
  let deadApiUrl = null;
  if (!serverReachable) {
    const probe = http.createServer();
    await new Promise((resolve) => probe.listen(0, HOST, () => resolve(undefined)));
    deadApiUrl = `http://${HOST}:${/** @type {import('node:net').AddressInfo} */ (probe.address()).port}/api`;
    await new Promise((resolve) => probe.close(resolve));
  }

  const api = {
    url,
    apiUrl: `${url}/api`,
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
    token: token ?? makeToken({ server: deadApiUrl ?? `${url}/api` }),
    /** The token's x-sl-server: this stand-in's /api, or with `serverReachable: false` a port nobody listens on. */
    serverUrl: deadApiUrl ?? `${url}/api`,
    methodology,
    remoteConfig,
    /** Every agent events POST: {at, headers (no Authorization), body, problems, accepted}. */
    events: () => structuredClone(events),
    /** The types of the events of every accepted events POST, in order (e.g. `[1001, 1006, 1010]`). */
    eventTypes: () => events.filter((e) => e.accepted).flatMap((e) => e.body.events.map((ev) => ev.type)),
    /** Every request to an endpoint whose checks failed (events, config query), with its problems. */
    problems: () => requests.filter((r) => r.problems.length).map((r) => ({ path: r.path, problems: r.problems })),
    /** The remote configuration answered from now on. */
    setRemoteConfig: (config) => {
      api.remoteConfig = config;
    },
    /** Every footprints POST, in arrival order (copies). */
    received: () => structuredClone(records),
    /** The footprints POSTs that got 200. */
    accepted: () => structuredClone(records.filter((r) => r.accepted)),
    /** The footprints POSTs refused for their content: 400 (invalid), 401 (token), 404 (unknown path). */
    rejected: () => structuredClone(records.filter((r) => r.rejected)),
    /** Every request to a non-control endpoint: {at, method, path, endpoint, status, headers (no Authorization)}. */
    requests: () => structuredClone(requests),
    /** Opens (or replaces) the execution of a lab; null closes it (the query then answers 404). */
    setExecution,
    /** `"MethodLines"` or `"Methods"`. */
    setMethodology: (m) => {
      api.methodology = m;
    },
    /** See the fail modes above; returns the mode now in force. */
    setMode,
    /** The mode in force (fail-then-recover shows `remaining`). */
    mode: () => ({ ...mode }),
    /**
     * Resolves with `predicate(api)`'s value once it is truthy, checked now and after each recorded footprints POST
     * and each answered request; rejects after `timeoutMs` (default 5000). E.g.
     * `await s.waitFor((s) => s.accepted().length >= 2)`.
     */
    waitFor: (predicate, { timeoutMs = 5000 } = {}) =>
      new Promise((resolve, reject) => {
        const check = () => {
          let value;
          try {
            value = predicate(api);
          } catch (err) {
            done();
            reject(err);
            return;
          }
          if (value) {
            done();
            resolve(value);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`stand-in: waitFor timed out after ${timeoutMs} ms (${records.length} footprints POSTs, ${requests.length} requests)`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      }),
    /** Forgets what arrived and returns to mode "normal"; executions and methodology stay. */
    reset,
    /** Stops listening, cancels delayed answers and destroys every open (keep-alive) socket. */
    close: () => {
      closed ??= new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve(undefined));
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
  return api;
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

const KNOWN_FLAGS = ['port', 'token', 'lab', 'execution', 'testStage', 'bsid', 'status', 'methodology', 'mode', 'ms', 'count'];

function parseArgs(argv) {
  const flags = { port: '0', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verbose') flags.verbose = true;
    else if (a === '--help' || a === '-h') flags.help = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const [k, v] = eq > 0 ? [a.slice(2, eq), a.slice(eq + 1)] : [a.slice(2), argv[++i]];
      if (v === undefined) throw new Error(`${a} needs a value`);
      const name = k.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
      if (!KNOWN_FLAGS.includes(name)) throw new Error(`unknown option --${k}`);
      flags[name] = v;
    } else throw new Error(`unexpected argument ${a}`);
  }
  return flags;
}

const usage = (command) => `usage: ${command} [--port 8080] [--token T]
         [--lab LAB --execution EXEC --test-stage S --bsid B] [--status created]
         [--methodology MethodLines|Methods] [--mode down|slow|500|404|fail-then-recover [--ms N] [--count N]]
         [--verbose]
--lab defaults to --bsid; a lab has an open execution when --execution is given.
Without --token a test token is made whose x-sl-server claim is this stand-in.`;

/**
 * The stand-in's command line: starts it, prints its URL and a test token, then each footprints body as it
 * arrives, until SIGINT or SIGTERM. Returns an exit code for bad arguments, null once it runs.
 * @param {string[]} argv
 * @param {{command?: string, page?: (req: http.IncomingMessage, res: http.ServerResponse, rawPath: string) => boolean, onStart?: (standin: object) => void}} [options] `command`: the name
 *   the usage shows; `page`: as for startStandin; `onStart`: called once it listens (to print more)
 */
export async function runCli(argv, { command = 'node tests/backend/standin.mjs', page, onStart } = {}) {
  const USAGE = usage(command);
  let flags;
  try {
    flags = parseArgs(argv);
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  /** @type {Record<string, {executionId: string, testStage: string, buildSessionId: string, status?: string}>} */
  const labs = {};
  const labId = flags.lab ?? flags.bsid;
  if (flags.execution) {
    if (!labId || !flags.bsid) {
      console.error(`--execution needs --bsid (and --lab, which defaults to the bsid)\n${USAGE}`);
      return 2;
    }
    labs[labId] = { executionId: flags.execution, buildSessionId: flags.bsid, testStage: flags.testStage ?? 'Functional Tests', status: flags.status ?? 'created' };
  }
  const time = () => new Date().toISOString().slice(11, 23);
  const standin = await startStandin({
    token: flags.token,
    labs,
    methodology: flags.methodology ?? 'MethodLines',
    port: Number(flags.port),
    onRecord(r) {
      const where = r.form
        ? `${r.form} form: ${Object.entries(r.params).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`
        : 'unknown path';
      const lines = [`${time()} POST ${r.path}  (${where}) -> ${r.status ?? 'socket destroyed'} ${r.outcome}`];
      if (r.body) lines.push(describeBody(r.body, { indent: '  ' }));
      for (const p of r.problems) lines.push(`  problem: ${p}`);
      for (const w of r.warnings) lines.push(`  warning: ${w}`);
      console.log(lines.join('\n'));
    },
    onRequest(e) {
      if (flags.verbose && e.endpoint !== 'footprints') console.log(`${time()} ${e.method} ${e.path} -> ${e.status}`);
    },
    page,
  });
  if (flags.mode) standin.setMode(flags.mode, { ms: Number(flags.ms ?? 1000), count: Number(flags.count ?? 1) });
  console.log(`stand-in listening on ${standin.url}`);
  console.log(`  backend URL (x-sl-server): ${standin.apiUrl}`);
  if (!flags.token) console.log(`  test token: SL_TOKEN=${standin.token}`);
  if (Object.keys(labs).length) {
    for (const [id, e] of Object.entries(labs)) console.log(`  lab ${id}: execution ${e.executionId} (${e.status}), test stage ${e.testStage}, bsid ${e.buildSessionId}`);
  } else {
    console.log('  no lab has an open execution (give --execution and --bsid, or POST /__standin/execution)');
  }
  console.log(`  methodology: ${standin.methodology}; mode: ${standin.mode().mode}`);
  onStart?.(standin);
  const stop = () => standin.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return null;
}
