/**
 * Shared pieces of the end-to-end tests: the fixture task root (tests/e2e/handlers, its vendored package
 * moved into node_modules), the backend stand-in with an open execution, the agent's environment, the
 * event shapes Lambda's HTTP integrations send, and helpers that flatten what arrived into hits.
 *
 * Every run goes through the real runtime client (tests/layer/runtime-api.mjs) with the layer unzipped
 * from layer/assemble.sh's zip, against the stand-in (tests/backend/standin.mjs) over 127.0.0.1.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { layerRoot, tempDir } from '../layer/helpers.mjs';
import { repoRoot, startFunction } from '../layer/runtime-api.mjs';
import { startStandin } from '../backend/standin.mjs';

export { layerRoot, tempDir, repoRoot, startFunction, startStandin };

export const LAB = 'lab-e2e';
export const BSID = 'bsid-e2e';
export const EXEC = 'exec-e2e';
export const STAGE = 'E2E Tests';
export const EXECUTION = { executionId: EXEC, buildSessionId: BSID, testStage: STAGE };

/** A fresh copy of tests/e2e/handlers (vendor/* moved into node_modules/), in a temp dir. */
export function fixtureRoot() {
  const root = tempDir('v8fp-e2e-task-');
  fs.cpSync(path.join(repoRoot, 'tests/e2e/handlers'), root, { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules'));
  for (const name of fs.readdirSync(path.join(root, 'vendor'))) {
    fs.renameSync(path.join(root, 'vendor', name), path.join(root, 'node_modules', name));
  }
  fs.rmSync(path.join(root, 'vendor'), { recursive: true });
  return root;
}

/** A stand-in whose lab LAB has the execution EXEC open (unless `open: false`). */
export function standin({ open = true, ...options } = {}) {
  return startStandin({ labs: open ? { [LAB]: EXECUTION } : {}, ...options });
}

/** The agent's settings for `s` (a stand-in), plus `extra`. */
export function agentEnv(s, extra = {}) {
  return { SL_TOKEN: s.token, SL_BUILD_SESSION_ID: BSID, SL_LAB_ID: LAB, SL_TEST_STAGE: STAGE, ...extra };
}

// --- events ------------------------------------------------------------------------------------------------

const multi = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));

/** API Gateway REST API (payload 1.0): `headers` and `multiValueHeaders` (either may be left out). */
export function apiV1(p, { headers = {}, multiValueHeaders = multi(headers) } = {}) {
  return {
    resource: p,
    path: p,
    httpMethod: 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { resourcePath: p, httpMethod: 'GET', path: `/prod${p}`, stage: 'prod', requestId: 'req-v1', accountId: '000000000000' },
    body: null,
    isBase64Encoded: false,
  };
}

/** API Gateway HTTP API (payload 2.0): lower-case `headers`. */
export function apiV2(p, headers = {}) {
  return {
    version: '2.0',
    routeKey: `GET ${p}`,
    rawPath: p,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api-e2e',
      domainName: 'api-e2e.execute-api.eu-west-1.amazonaws.com',
      http: { method: 'GET', path: p, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' },
      requestId: 'req-v2',
      routeKey: `GET ${p}`,
      stage: '$default',
      time: '23/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795435200000,
    },
    isBase64Encoded: false,
  };
}

/** Application Load Balancer: `headers`, or only `multiValueHeaders` when the target group enables them. */
export function alb(p, headers = {}, { multiValue = false } = {}) {
  const event = {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:000000000000:targetgroup/e2e/0123456789abcdef' } },
    httpMethod: 'GET',
    path: p,
    body: '',
    isBase64Encoded: false,
  };
  if (multiValue) {
    event.multiValueQueryStringParameters = {};
    event.multiValueHeaders = multi(headers);
  } else {
    event.queryStringParameters = {};
    event.headers = headers;
  }
  return event;
}

/** Lambda function URL (payload 2.0, `routeKey: "$default"`). */
export function functionUrl(p, headers = {}) {
  const event = apiV2(p, headers);
  event.routeKey = '$default';
  event.requestContext = { ...event.requestContext, routeKey: '$default', domainName: 'abc.lambda-url.eu-west-1.on.aws', apiId: 'abc' };
  return event;
}

// --- what arrived ----------------------------------------------------------------------------------------

/**
 * The hits of the accepted bodies, in arrival order: `{executionId, testName, init, methods}` where
 * `methods` maps each method id to its covered lines.
 */
export function hitsOf(records) {
  const hits = [];
  for (const record of records) {
    const body = record.body;
    for (const execution of body.executions) {
      for (const hit of execution.hits) {
        const methods = {};
        for (const ix of hit.methods) methods[body.methods[ix]] = (hit.methodLines && hit.methodLines[ix]) || [];
        hits.push({ executionId: execution.executionId, testName: hit.testName, init: hit.isInitFootprints === true, methods, start: hit.start, end: hit.end });
      }
    }
  }
  return hits;
}

/** The method ids (with their lines) of a list of hits: `{id: [lines]}`, lines merged. */
export function union(hits) {
  const out = {};
  for (const hit of hits) {
    for (const [id, lines] of Object.entries(hit.methods)) out[id] = [...new Set([...(out[id] || []), ...lines])].sort((a, b) => a - b);
  }
  return out;
}

/** Asserts the stand-in refused nothing (every body and header set it saw was valid). */
export function assertNothingRejected(s) {
  const rejected = s.rejected();
  assert.deepEqual(rejected.map((r) => ({ path: r.path, problems: r.problems })), [], 'the stand-in rejected bodies');
  assert.deepEqual(s.problems(), [], 'the stand-in found problems in agent events or the config query');
}

/** Asserts the token is nowhere in the function's output (stdout and stderr, every log line). */
export function assertNoToken(output, token) {
  assert.ok(token.length > 20);
  for (const part of [token, ...token.split('.')]) {
    assert.ok(!output.includes(part), `the token (or a part of it) appears in the function's output:\n${output}`);
  }
}

/** The `[v8-footprints]` lines of an output. */
export function layerLines(output) {
  return output.split('\n').filter((line) => line.includes('[v8-footprints]'));
}

// --- running -----------------------------------------------------------------------------------------------

/**
 * Runs `events` through `handler` directly and with the layer (exec wrapper), one invocation at a time, the
 * two runs interleaved so both see the same machine load (`directTaskRoot`: a separate copy for the direct run,
 * for handlers that change their files). Returns `{direct, wrapped, fn}` (results in order,
 * `fn` the layered function, stopped). `between(i)` runs after the i-th pair (e.g. to change the stand-in).
 */
export async function runPaired({ runtime = 'ric3', taskRoot, directTaskRoot = taskRoot, handler = 'src/app.handler', events, env = {}, layer = layerRoot(), mode = 'exec-wrapper', between }) {
  const direct = await startFunction({ runtime, taskRoot: directTaskRoot, handler, mode: 'direct' });
  const fn = await startFunction({ runtime, taskRoot, handler, mode, layerRoot: layer, env });
  const out = { direct: [], wrapped: [], fn, directFn: direct };
  try {
    for (let i = 0; i < events.length; i++) {
      out.direct.push(await direct.invoke(events[i]));
      out.wrapped.push(await fn.invoke(events[i]));
      await fn.idle();
      if (between) await between(i);
    }
  } finally {
    await direct.stop();
    await fn.stop();
  }
  return out;
}

/** What must be equal with and without the layer: kind and body. */
export function same(result) {
  return { kind: result.kind, body: result.body };
}

/** Asserts the responses are unchanged and each invocation's added latency stays under `maxAddedMs`. */
export function assertInvisible({ direct, wrapped, fn }, maxAddedMs) {
  assert.deepEqual(wrapped.map(same), direct.map(same), `responses differ with the layer; output:\n${fn.output}`);
  // The first invocation includes the cold start (process, runtime client, module load): give it 1.5 s more.
  wrapped.forEach((r, i) => {
    const added = r.ms - direct[i].ms;
    const limit = maxAddedMs + (i === 0 ? 1500 : 0);
    assert.ok(added <= limit, `invocation ${i}: ${added} ms added (limit ${limit} ms); output:\n${fn.output}`);
  });
}
