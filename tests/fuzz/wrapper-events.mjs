#!/usr/bin/env node
/**
 * The wrapper's fuzzer for what it reads from an invocation's event: the test name (`testNameOf`: the
 * `x-sl-test-name` header, the `x-sl-testid` header or cookie, in `headers`, `multiValueHeaders` or
 * `cookies`) and the token's claims (`decodeToken`), over seeded events shaped like API Gateway REST and HTTP
 * APIs, ALB, function URLs and other triggers, mutated, made of JSON text the way the runtime client parses
 * it (`__proto__` keys, `\ud800` escapes, huge values and arrays). Checks: no throw escapes; the test name is
 * `null` or a non-blank string without surrounding blanks, the same as a model written from the doc
 * comment; and (when `pkg/` is built) the name goes through the package's `closeInvocation` and comes
 * out in the request body, well-formed. Node built-ins only.
 *
 *   node tests/fuzz/wrapper-events.mjs [EVENTS] [SEED]     (./build.sh fuzz runs it; docs/fuzzing.md)
 *
 * A failing event is written to `target/fuzz-found/` as JSON text and the run exits 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { testNameOf } from '../../wrapper/lib/agent/test-name.mjs';
import { decodeToken } from '../../wrapper/lib/agent/settings.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const events = Number(process.argv[2] || 1_000_000);
const seed = Number(process.argv[3] || 1);

// --- randomness -------------------------------------------------------------------------------

/** sfc32, seeded from (seed, index): event `index` is the same on every run. */
function rngFor(index) {
  let a = seed >>> 0, b = index >>> 0, c = 0x9e3779b9, d = (index / 2 ** 32) >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const below = (n) => Math.floor(next() * n);
  return { below, chance: (percent) => below(100) < percent, pick: (items) => items[below(items.length)] };
}

// --- what events hold -------------------------------------------------------------------------

const NAME_HEADERS = ['x-sl-test-name', 'X-SL-Test-Name', 'X-SL-TEST-NAME', 'x-sl-test-name ', ' x-sl-test-name', 'x-sl-test_name', 'x-sl-testname'];
const ID_HEADERS = ['x-sl-testid', 'X-SL-TestId', 'X-SL-TESTID', 'x-sl-testid\t', 'x-sl-test-id'];
const COOKIE_HEADERS = ['cookie', 'Cookie', 'COOKIE', 'cookies', 'set-cookie'];
const OTHER_HEADERS = ['accept', 'content-type', 'host', 'user-agent', 'x-forwarded-for', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'x-sl-test-name-x', 'x'.repeat(300)];
const PIECES = [
  'login works', 'checkout › pays', 'a/b', 'exec-1/', '/', '//', 'exec/name', 'exec/ name ', ' ', '\t', '\n', '\r\n', '',
  '"quoted"', '"', '%20', '%2F', '%E2%82%AC', '%E0%A4%A', '%', '%%', '%ZZ', '%ED%A0%80', '%C0%80', '%FF', '+',
  '=', ';', '; ', ',', 'x-sl-testid=', 'x-sl-testid', 'X-SL-TESTID=e/t', 'é', '😀', '\u2028', '\u00a0', '\u3000', '\ufeff',
  '\u0000', '\ud800', '\udfff', '\ud83d', '\ude00', '\u202e', 'İ', 'ß', 'K', 'null', 'undefined', '[object Object]',
  'exec-42/suite › test', 'e'.repeat(50), '\\', '\\u0041', 'test\u0085name',
];
const TRIGGERS = ['rest', 'http', 'alb', 'alb-multi', 'url', 'sqs', 's3', 'scheduled', 'direct', 'garbage'];

function text(r) {
  let out = '';
  for (let i = 1 + r.below(4); i > 0; i--) out += r.pick(PIECES);
  if (r.chance(2)) out = out.repeat(1 + r.below(2000));
  return out;
}

function cookiePairs(r) {
  const pairs = [];
  for (let i = r.below(5); i > 0; i--) {
    const name = r.chance(60) ? r.pick(['x-sl-testid', 'X-SL-TestId', ' x-sl-testid ', 'x-sl-testid2', 'session', '', 'x-sl-test-name']) : text(r);
    const value = r.chance(20) ? `"${text(r)}"` : r.chance(20) ? encodeURIComponent(text(r).replace(/[\ud800-\udfff]/g, '')) : text(r);
    pairs.push(r.chance(5) ? name : `${name}${r.pick(['=', ' = ', '=='])}${value}`);
  }
  return pairs;
}

/** A header value: a string mostly, else what a hand-written event may hold. */
function headerValue(r) {
  if (r.chance(90)) return text(r);
  return r.pick([null, 5, true, {}, [], ['a'], [text(r), text(r)], [[text(r)]], { toString: 'x' }, 0, -0, 1e308]);
}

function headers(r, { lower, multi }) {
  const out = {};
  const add = (name, value) => {
    const key = lower ? name.toLowerCase() : name;
    out[key] = multi ? (Array.isArray(value) ? value : [value]) : value;
  };
  for (let i = r.below(4); i > 0; i--) add(r.pick(OTHER_HEADERS), headerValue(r));
  if (r.chance(50)) add(r.pick(NAME_HEADERS), headerValue(r));
  if (r.chance(50)) add(r.pick(ID_HEADERS), r.chance(70) ? `${text(r)}/${text(r)}` : headerValue(r));
  if (r.chance(40)) {
    const pairs = cookiePairs(r);
    add(r.pick(COOKIE_HEADERS), multi && r.chance(50) ? pairs : pairs.join(r.pick(['; ', ';', ' ;', ','])));
  }
  if (r.below(5000) === 0) add('cookie', `${'a=b;'.repeat(150_000)}x-sl-testid=e/flood`);
  return out;
}

function event(r) {
  const trigger = r.pick(TRIGGERS);
  switch (trigger) {
    case 'rest':
      return { resource: '/x', path: '/x', httpMethod: 'GET', headers: headers(r, {}), multiValueHeaders: headers(r, { multi: true }), requestContext: { stage: 'prod' }, body: null, isBase64Encoded: false };
    case 'http':
    case 'url': {
      const e = { version: '2.0', routeKey: '$default', rawPath: '/x', headers: headers(r, { lower: true }), requestContext: { http: { method: 'GET' } }, isBase64Encoded: false };
      if (r.chance(60)) e.cookies = r.below(5000) === 0 ? Array.from({ length: 200_000 }, (_, i) => (i === 199_999 ? 'x-sl-testid=e/many' : `c${i}=v`)) : r.chance(90) ? cookiePairs(r) : r.pick([null, 'x-sl-testid=e/t', [1, null, {}], {}]);
      return e;
    }
    case 'alb':
      return { requestContext: { elb: { targetGroupArn: 'arn' } }, httpMethod: 'GET', path: '/', headers: headers(r, { lower: true }), body: '' };
    case 'alb-multi':
      return { requestContext: { elb: { targetGroupArn: 'arn' } }, httpMethod: 'GET', path: '/', multiValueHeaders: headers(r, { lower: true, multi: true }), body: '' };
    case 'sqs':
      return { Records: [{ messageId: '1', body: text(r), messageAttributes: { 'x-sl-test-name': { stringValue: text(r) } } }] };
    case 's3':
      return { Records: [{ s3: { object: { key: text(r) } } }] };
    case 'scheduled':
      return { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
    case 'direct':
      return { headers: r.pick([null, [], 'x-sl-test-name: a', 5, headers(r, {}), [headers(r, {})]]), multiValueHeaders: r.pick([undefined, {}, headers(r, {}), 'x']), cookies: r.pick([undefined, 'x', cookiePairs(r)]) };
    default:
      return r.pick([null, undefined, 0, 1, '', 'x-sl-test-name', true, [], [1, 2], { headers: 'x' }, { headers: { 'x-sl-test-name': text(r) } }, () => 1]);
  }
}

/** The event as the runtime client hands it over: JSON text parsed (own `__proto__` keys, escapes as text). */
function asParsed(r, value) {
  if (value === undefined || typeof value === 'function') return value;
  let json = JSON.stringify(value);
  if (r.chance(10)) json = json.replace(/"(x-sl-test-name|x-sl-testid|cookie|accept)"/i, '"__proto__"');
  if (r.chance(5)) json = json.replace(/"x-sl-test-name":"/i, '"x-sl-test-name":"\\ud800');
  if (r.chance(5)) json = json.replace(/"headers":\{(?!\})/, '"headers":{"x-sl-test-name":"a","x-sl-test-name":"b",');
  return JSON.parse(json);
}

// --- the model --------------------------------------------------------------------------------

/** The test name as the doc comment describes it, written independently of the wrapper. */
function expectedName(e) {
  if (e === null || typeof e !== 'object') return null;
  const headerMaps = [e.headers, e.multiValueHeaders].filter((h) => h !== null && typeof h === 'object');
  const fromHeaders = (wanted) => {
    for (const h of headerMaps) {
      for (const [name, raw] of Object.entries(h)) {
        if (name.toLowerCase() !== wanted) continue;
        const value = Array.isArray(raw) ? raw[0] : raw;
        if (typeof value === 'string' && value.trim() !== '') return value.trim();
      }
    }
    return null;
  };
  const fromCookies = (wanted) => {
    const pairs = [];
    if (Array.isArray(e.cookies)) for (const c of e.cookies) pairs.push(c);
    for (const h of headerMaps) {
      for (const [name, raw] of Object.entries(h)) {
        if (name.toLowerCase() !== 'cookie') continue;
        for (const v of Array.isArray(raw) ? raw : [raw]) if (typeof v === 'string') for (const p of v.split(';')) pairs.push(p);
      }
    }
    for (const p of pairs) {
      if (typeof p !== 'string' || !p.includes('=')) continue;
      const [name, ...rest] = p.split('=');
      if (name.trim().toLowerCase() !== wanted) continue;
      let value = rest.join('=').trim();
      if (value.length >= 2 && value[0] === '"' && value.at(-1) === '"') value = value.slice(1, -1);
      try {
        value = decodeURIComponent(value);
      } catch {}
      if (value.trim() !== '') return value.trim();
    }
    return null;
  };
  const name = fromHeaders('x-sl-test-name');
  if (name !== null) return name;
  const id = fromHeaders('x-sl-testid') ?? fromCookies('x-sl-testid');
  if (id === null) return null;
  const slash = id.indexOf('/');
  if (slash < 0) return id;
  return id.slice(slash + 1).trim() || null;
}

// --- the package, when built --------------------------------------------------------------------

function loadPackage() {
  const dir = process.env.FUZZ_PKG || path.join(root, 'pkg');
  try {
    return createRequire(import.meta.url)(path.join(dir, 'agent.cjs'));
  } catch {
    return null;
  }
}

const SOURCE = 'function f() {\n  return 1;\n}\nf();\n';
const COVERAGE = {
  result: [{ scriptId: '1', url: 'file:///p/a.js', functions: [
    { functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: SOURCE.length, count: 1 }] },
    { functionName: 'f', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 29, count: 1 }] },
  ] }],
};
const SOURCES = { 'file:///p/a.js': SOURCE };

/** The name as a JSON round trip gives it: lone surrogates become U+FFFD. */
function wellFormed(name) {
  return name.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Gives the name to real pending hits (over a real converter) as the agent does and returns the body's `testName`. */
function throughPackage(api, hits, key, name) {
  hits.openInvocation(key);
  hits.addWindow(COVERAGE, SOURCES);
  const { methods } = hits.closeInvocation(key, { executionId: 'exec', testName: name, start: 1, end: 2 });
  if (methods !== 1) throw new Error(`closeInvocation kept ${methods} methods, not 1`);
  const next = hits.nextBody({ agentId: 'a', labId: 'l', buildSessionId: 'b' }, 'exec', 1);
  hits.confirmSent(next.hits);
  const body = JSON.parse(next.body);
  const hit = body.executions[0].hits[0];
  return hit.testName;
}

// --- the run -----------------------------------------------------------------------------------

function save(index, why, value) {
  const dir = path.join(root, 'target/fuzz-found');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `wrapper-seed${seed}-event${index}.json`);
  let json;
  try {
    json = JSON.stringify({ found: why, event: value === undefined ? null : value });
  } catch {
    json = JSON.stringify({ found: why, event: String(value) });
  }
  fs.writeFileSync(file, json.length > 2_000_000 ? `${json.slice(0, 2_000_000)}...` : json);
  return file;
}

const api = loadPackage();
const converter = api && new api.PendingHits(new api.Converter({ projectRoot: '/p' }));
if (!api) console.log('FUZZ: pkg/ is not built (./build.sh pkg): the names are not passed through the converter');
const started = Date.now();
let ran = 0;
let failures = 0, named = 0, throughConverter = 0, tokens = 0;
for (let index = 0; index < events; index++) {
  const r = rngFor(index);
  const e = asParsed(r, event(r));
  ran++;
  let why = null;
  let name;
  try {
    name = testNameOf(e);
    const expected = expectedName(e);
    if (name !== null && (typeof name !== 'string' || name.trim() === '' || name.trim() !== name)) why = `not a well-formed name: ${JSON.stringify(name)}`;
    else if (name !== expected) why = `${JSON.stringify(name)} where the doc gives ${JSON.stringify(expected)}`;
  } catch (error) {
    why = `testNameOf threw ${error && error.name}: ${error && error.message}`;
  }
  if (!why && name !== null) {
    named++;
    if (converter && index % 16 === 0) {
      try {
        const sent = throughPackage(api, converter, index >>> 0, name);
        throughConverter++;
        if (sent !== wellFormed(name)) why = `the body carries ${JSON.stringify(sent).slice(0, 200)} for ${JSON.stringify(name).slice(0, 200)}`;
      } catch (error) {
        why = `the converter threw on the name: ${error && error.message}`;
      }
    }
  }
  if (!why && r.chance(20)) {
    // A token: three parts, the middle one base64url of some JSON (or not).
    const claims = r.pick([{ 'x-sl-server': text(r) }, [1], 'x', 5, null, { __proto__: { a: 1 } }, text(r)]);
    const middle = r.chance(80) ? Buffer.from(JSON.stringify(claims) ?? '', 'utf8').toString('base64url') : text(r);
    const token = r.chance(90) ? `${text(r)}.${middle}.${text(r)}` : r.pick([text(r), null, undefined, 5, `${middle}`, `a.${middle}.b.c`]);
    tokens++;
    try {
      const decoded = decodeToken(token);
      if (decoded !== null && (typeof decoded !== 'object')) why = `decodeToken gave ${typeof decoded}`;
    } catch (error) {
      why = `decodeToken threw ${error && error.message}`;
    }
  }
  if (why) {
    failures++;
    const file = save(index, why, e);
    console.log(`FUZZ: event ${index}: ${why.slice(0, 300)}\n      saved as ${path.relative(root, file)}`);
    if (failures >= 20) break;
  }
  if (index > 0 && index % 1_000_000 === 0) console.log(`FUZZ: ${index} events in ${((Date.now() - started) / 1000).toFixed(0)} s, ${failures} failing`);
}
const seconds = (Date.now() - started) / 1000;
console.log(
  `FUZZ DONE: seed ${seed}, ${ran} events in ${seconds.toFixed(0)} s (${(ran / seconds).toFixed(0)}/s), ${named} with a test name, ` +
    `${throughConverter} through the converter, ${tokens} tokens, ${failures} failing`,
);
process.exitCode = failures ? 1 : 0;
