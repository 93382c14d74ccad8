/**
 * The backend's endpoints the agent uses: "is a test execution open for the lab?" (through the collector when
 * one is configured), "here are footprints" (format 6.0, gzipped, straight to the server or through a
 * collector), and the once-per-cold-start calls: remote config, the build's methodology, agent events. Every
 * request has a deadline; its timer is cleared when it ends, and the one kept-alive connection is unref'd
 * while idle. Every answer is read up to MAX_ANSWER_BYTES. HTTPS always checks certificates; plain HTTP is used only where the URL says so. The token goes
 * in the Authorization header and nowhere else: never in a log line, an error, or a body.
 */
import { http, https } from '../builtins.mjs';
import zlib from 'node:zlib';
import { log } from '../log.mjs';

/**
 * The largest answer read from the backend, in bytes: the largest legitimate one (the remote configuration,
 * a few KB) with ample room. Past it the answer is abandoned, so a hostile or broken backend cannot fill the
 * function's memory or hold it reading.
 */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Statuses that mean "try again later": 5xx, 408 (request timeout) and 429 (too many requests). Every other
 * 4xx is final: the protocol retries only on 5xx (a 404 counts as done), and a body resent on every invocation
 * after a refusal would block the queue.
 */
export function isTransient(status) {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * A backend client for `settings` (see settings.mjs); every request's outcome is told to `health` (see
 * backend-health.mjs): `failed(endpoint, reason)` or `answered(endpoint)`.
 */
/** @param {{ failed(endpoint: string, reason: string): void, answered(endpoint: string): void }} [health] */
export function createBackend(settings, health = { failed() {}, answered() {} }) {
  const { token, server, collectorUrl } = settings;
  const agents = keptAliveAgents();
  const request = async (endpoint, method, url, headers, body, deadline) => {
    const answer = await send(agents, method, url, headers, body, deadline);
    if (answer.skipped) return answer;
    if (answer.error || isTransient(answer.status)) health.failed(endpoint, answer.error || `HTTP ${answer.status}`);
    else health.answered(endpoint);
    return answer;
  };
  const gzip = reusedGzip();

  const auth = { Authorization: `Bearer ${token}` };

  /**
   * `{status: 'open', execution}`, `{status: 'closing', execution}` (status `pendingDelete`), `{status:
   * 'closed'}`, or `{status: 'unknown', error}`. With a collector the query goes through it (`GET
   * {collector}/api/v4/testExecution/{labId}`, as the vendor's Python layer does), and a 404 there means
   * the collector cannot tell (it does not proxy the route), not that none is open.
   */
  async function getExecution(labId, deadline) {
    const url = collectorUrl
      ? `${withApi(collectorUrl)}/v4/testExecution/${encodeURIComponent(labId)}`
      : `${server}/v4/testExecution/${encodeURIComponent(labId)}/`;
    const answer = await request('the test execution check', 'GET', url, { ...auth, Accept: 'application/json' }, null, deadline);
    if (answer.error) return { status: 'unknown', error: answer.error };
    if (collectorUrl && answer.status === 404) return { status: 'unknown', error: 'HTTP 404 from the collector' };
    if (answer.status === 404 || answer.status === 204) return { status: 'closed' };
    if (answer.status < 200 || answer.status >= 300) return { status: 'unknown', error: `HTTP ${answer.status}` };
    let execution;
    try {
      execution = JSON.parse(answer.body.toString('utf8')).execution;
    } catch {
      return { status: 'unknown', error: 'the test execution answer is not JSON' };
    }
    if (!execution || typeof execution.executionId !== 'string') return { status: 'closed' };
    // The id goes in the x-sl-executionId header as it is: one a header cannot carry is no answer.
    if (!/^[\x20-\x7e]+$/.test(execution.executionId)) return { status: 'unknown', error: 'the test execution id is not printable ASCII' };
    if (execution.status === 'pendingDelete') return { status: 'closing', execution };
    if (execution.status !== 'created') return { status: 'closed' };
    return { status: 'open', execution };
  }

  /** GET of a JSON answer from the server: `{value}` (2xx), or `{error}` (network, timeout, other status, not JSON). */
  async function getJson(endpoint, url, deadline) {
    const answer = await request(endpoint, 'GET', url, { ...auth, Accept: 'application/json' }, null, deadline);
    if (answer.error) return { error: answer.error };
    if (answer.status < 200 || answer.status >= 300) return { error: `HTTP ${answer.status}` };
    const text = answer.body.toString('utf8').trim();
    try {
      return { value: JSON.parse(text) };
    } catch {
      return /^[A-Za-z]+$/.test(text) ? { value: text } : { error: 'the answer is not JSON' };
    }
  }

  /** The remote configuration (`GET {server}/v3/config?...`): `{config}` (an object) or `{error}`. */
  async function getConfig(query, deadline) {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => typeof v === 'string' && v !== ''));
    const answer = await getJson('the remote configuration', `${server}/v3/config?${params}`, deadline);
    if (answer.error) return answer;
    const config = answer.value && typeof answer.value === 'object' && !Array.isArray(answer.value) ? answer.value : null;
    return config ? { config } : { error: 'the remote configuration is not an object' };
  }

  /** The build's instrumentation methodology: `{methodology: 'Methods' | 'MethodLines' | ...}` or `{error}`. */
  async function getMethodology(buildSessionId, deadline) {
    const answer = await getJson("the build's methodology", `${server}/v5/agents/builds/${encodeURIComponent(buildSessionId)}/instrumentation-methodology/`, deadline);
    if (answer.error) return answer;
    const value = answer.value && typeof answer.value === 'object' ? answer.value.methodology : answer.value;
    return typeof value === 'string' ? { methodology: value } : { error: 'the methodology is not a string' };
  }

  /** Posts agent events (`{agentId, appName, buildSessionId, events}`), gzipped: `{ok}` or `{error}`. */
  async function postEvents(body, deadline) {
    const gzipped = zlib.gzipSync(Buffer.from(JSON.stringify(body), 'utf8'));
    const headers = {
      ...auth,
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
      'x-sl-messagetype': String(body.events[0].type),
    };
    const answer = await request('agent events', 'POST', `${server}/v3/agents/agent-events/`, headers, gzipped, deadline);
    if (answer.error) return { error: answer.error };
    return answer.status >= 200 && answer.status < 300 ? { ok: true } : { error: `HTTP ${answer.status}` };
  }

  /**
   * Sends one body; `{ok: true}` when the backend has it (2xx, or 404: nothing to retry), else
   * `{ok: false, retryable, error, status}`: retryable for network errors and transient statuses (isTransient),
   * which are retried once while time remains; any other 4xx is final.
   */
  async function sendFootprints(bodyText, ids, deadline) {
    const gzipped = await gzip(utf8.encode(bodyText));
    const viaCollector = Boolean(collectorUrl);
    const url = viaCollector
      ? `${withApi(collectorUrl)}/v6/agents/${encodeURIComponent(ids.buildSessionId)}/footprints`
      : `${server}/v6/agents/${encodeURIComponent(ids.executionBuildSessionId || ids.buildSessionId)}/footprints/${encodeURIComponent(ids.testStage)}/${encodeURIComponent(ids.buildSessionId)}/`;
    const headers = {
      Authorization: `Bearer ${token}`,
      'Content-Type': viaCollector ? 'application/json' : 'application/octet-stream',
      'Content-Encoding': 'gzip',
      'sl-metadata': asciiJson(ids.metadata),
      'x-sl-labId': ids.labId,
      'x-sl-bsid': ids.buildSessionId,
      'x-sl-agentId': ids.agentId,
    };
    // With the collector resolving the execution (no id known), no execution header; names only when configured.
    if (ids.executionId) headers['x-sl-executionId'] = ids.executionId;
    if (ids.metadata.appName) headers['x-sl-appname'] = headerText(ids.metadata.appName);
    if (ids.metadata.branchName) headers['x-sl-branchname'] = headerText(ids.metadata.branchName);
    if (ids.metadata.buildName) headers['x-sl-buildname'] = headerText(ids.metadata.buildName);
    for (let attempt = 0; ; attempt++) {
      const answer = await request('footprints', 'POST', url, headers, gzipped, deadline);
      if (!answer.error && ((answer.status >= 200 && answer.status < 300) || answer.status === 404)) {
        return { ok: true, status: answer.status };
      }
      const retryable = Boolean(answer.error) || isTransient(answer.status);
      const failure = { ok: false, retryable, error: answer.error || `HTTP ${answer.status}`, status: answer.status };
      if (attempt === 1 || !retryable || deadline - Date.now() < 50) return failure;
    }
  }

  return { getExecution, sendFootprints, getConfig, getMethodology, postEvents };
}

/** JSON with every character outside printable ASCII escaped (`\\uXXXX`): a valid header value, still the same JSON. */
function asciiJson(value) {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name as a header value: as it is when it is printable ASCII, else URL-encoded (Node refuses other characters). */
function headerText(value) {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/**
 * One kept-alive connection per protocol, made on first use (node:https loads only if a URL needs it): a warm
 * function reuses it instead of a new TCP (and TLS) handshake per invocation. Node's agent unrefs an idle
 * pooled socket, so it keeps nothing alive; a connection the backend closed while the sandbox was frozen fails
 * once and is retried.
 */
function keptAliveAgents() {
  /** @type {Map<string, import('node:http').Agent>} */
  const made = new Map();
  const options = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
  return {
    /** @param {string} protocol `http:` or `https:` */
    of(protocol) {
      let agent = made.get(protocol);
      if (!agent) {
        agent = protocol === 'https:' ? new (https().Agent)(options) : new http.Agent(options);
        made.set(protocol, agent);
      }
      return agent;
    },
  };
}

/**
 * Gzip through one compressor for the life of the process, reset after each body. `zlib.gzipSync` makes a
 * compressor per call whose native memory (about 256 KB) Node 24 frees only when V8 collects its handle:
 * 3,000 small bodies grew the RSS by 80 MB (by 6 MB with one compressor; Node 20 frees at once either way).
 * Bodies are compressed one at a time, in call order.
 */
function reusedGzip() {
  // Gzip has reset() like every zlib stream; Node 18's declarations put it on Deflate and Inflate only.
  const compressor = /** @type {zlib.Gzip & zlib.ZlibReset} */ (zlib.createGzip());
  let queue = Promise.resolve();
  const once = (input) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      const onData = (chunk) => chunks.push(chunk);
      const onError = (error) => {
        compressor.off('data', onData);
        reject(error);
      };
      compressor.on('data', onData);
      compressor.once('error', onError);
      compressor.write(input);
      compressor.flush(zlib.constants.Z_FINISH, () => {
        compressor.off('data', onData);
        compressor.off('error', onError);
        compressor.reset();
        resolve(unpooledConcat(chunks));
      });
    });
  return (input) => {
    const result = queue.then(() => once(input));
    queue = result.catch(() => {});
    return result;
  };
}

/**
 * Buffers made on every send are never taken from Node's buffer pool (`Buffer.from` and `Buffer.concat`
 * under 4 KB slice an 8 KB pool slab): on Node 24 a slab a send used stays allocated until V8's next full
 * collection, which its young collections never replace (measured in a loop of `Buffer.from` of 1.3 KB with
 * an event loop turn between: 27 MB more RSS by 20,000, where Node 18 to 22 stay flat). Buffers of their own
 * (`TextEncoder`, `allocUnsafeSlow`) go with their young generation on every Node. Through aws-lambda-ric
 * 4.0.2, 1,500 invocations left 2.44 MB of array buffers for a full collection, 0.63 MB without pooled ones
 * (tests/e2e/memory.test.mjs).
 */
const utf8 = new TextEncoder();

/** The chunks joined in one buffer of its own (see `utf8`). */
function unpooledConcat(chunks) {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const joined = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

/** The collector's API base: its URL as given when it ends in `/api`, else with `/api` added. */
function withApi(url) {
  return /\/api$/.test(url) ? url : `${url}/api`;
}

/** One request with a deadline: `{status, body}` or `{error}` (a short reason, never the token). */
function send(agents, method, url, headers, body, deadline) {
  return new Promise((resolve) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      resolve({ error: 'no time left', skipped: true });
      return;
    }
    let target;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: 'bad URL' });
      return;
    }
    const client = target.protocol === 'https:' ? https() : http;
    let settled = false;
    let timer;
    const finish = (answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const options = {
      method,
      headers: body ? { ...headers, 'Content-Length': body.length } : headers,
      agent: agents.of(target.protocol),
      rejectUnauthorized: true,
    };
    let req;
    try {
      req = client.request(target, options, (res) => {
        const chunks = [];
        let size = 0;
        const tooLarge = () => {
          req.destroy();
          log('warn', `an answer of the backend was larger than ${MAX_ANSWER_BYTES} bytes: it was abandoned, and the request counts as failed`);
          finish({ error: 'answer over the size limit' });
        };
        if (Number(res.headers['content-length']) > MAX_ANSWER_BYTES) {
          tooLarge();
          return;
        }
        res.on('data', (chunk) => {
          if (settled) return;
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) tooLarge();
          else chunks.push(chunk);
        });
        res.on('end', () => finish({ status: res.statusCode, body: unpooledConcat(chunks) }));
        res.on('error', (error) => finish({ error: reason(error) }));
      });
    } catch (error) {
      // A header Node refuses (a value the settings check did not see, e.g. an id from the backend).
      finish({ error: reason(error) });
      return;
    }
    timer = setTimeout(() => {
      req.destroy();
      finish({ error: `timed out after ${remaining} ms` });
    }, remaining);
    req.on('error', (error) => finish({ error: reason(error) }));
    req.end(body || undefined);
  });
}

function reason(error) {
  return (error && (error.code || error.message)) || 'network error';
}
