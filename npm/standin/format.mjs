/**
 * Strict checks of a footprints request against format 6.0 and the protocol's headers (docs/protocol.md: "What
 * the layer sends, and why" and "The request body"). Each check returns a list of problems (plain sentences naming
 * the field, e.g. `executions[0].hits[1].start: ...`); an empty list means valid. Warnings are things a correct
 * layer should not do but that the real backend would still take.
 *
 * Positions inside unique ids: line counts from 1, column from 0 (as the reference defines them).
 */

/** Top-level, execution and hit keys of format 6.0; anything else is reported (catches `methodlines` typos). */
const BODY_KEYS = ['formatVersion', 'methods', 'branches', 'executions', 'meta'];
const EXECUTION_KEYS = ['executionId', 'hits'];
const HIT_KEYS = ['methods', 'branches', 'methodLines', 'start', 'end', 'testName', 'isInitFootprints', 'isFinalFootprints'];

/** Epoch seconds sanity window: after 2001-09-09 and before year 5138 (milliseconds fall outside it). */
const MIN_EPOCH_S = 1e9;
const MAX_EPOCH_S = 1e11;

const NUM = '(0|[1-9][0-9]*)';
const METHOD_ID = new RegExp(`^(.+)@${NUM},${NUM}$`);
const BRANCH_ID = new RegExp(`^(.+)\\|${NUM},${NUM}\\|${NUM}$`);

/** Keys of `sl-metadata` that must be non-empty strings, and the others the reference lists (string or null). */
const METADATA_REQUIRED = ['labId', 'buildSessionId', 'agentId'];
const METADATA_OPTIONAL = ['appName', 'branchName', 'buildName', 'agentType', 'agentTechnology', 'agentVersion', 'executionId'];

const safeDecode = (v) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};
/** @type {(v: unknown) => v is Record<string, any>} */
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const nonEmptyString = (v) => typeof v === 'string' && v.length > 0;
const show = (v) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Problems with a relative path inside a unique id (empty when fine). */
function pathProblem(p) {
  if (p.startsWith('/')) return 'path must be relative (no leading "/")';
  if (p.includes('\\')) return 'path must use "/" separators';
  if (/^[A-Za-z]:/.test(p)) return 'path must be relative (no drive letter)';
  if (p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return 'path has an empty, "." or ".." segment';
  return null;
}

/**
 * Parses a method id `<path>@<line>,<column>` or branch id `<path>|<line>,<column>|<leaf>`.
 * Returns `{path, line, column, leaf?}` or `{problem}`.
 */
export function parseUniqueId(id, kind) {
  if (typeof id !== 'string') return { problem: `must be a string, got ${show(id)}` };
  const m = (kind === 'method' ? METHOD_ID : BRANCH_ID).exec(id);
  const shape = kind === 'method' ? '<path>@<line>,<column>' : '<path>|<line>,<column>|<leaf>';
  if (!m) return { problem: `${show(id)} does not match ${shape} (non-negative integers, no leading zeros)` };
  const [, path, line, column, leaf] = m;
  const bad = pathProblem(path);
  if (bad) return { problem: `${show(id)}: ${bad}` };
  if (Number(line) < 1) return { problem: `${show(id)}: line counts from 1` };
  const out = { path, line: Number(line), column: Number(column) };
  if (kind === 'branch') out.leaf = Number(leaf);
  return out;
}

function checkIdTable(body, key, kind, problems, warnings) {
  const table = body[key];
  if (!Array.isArray(table)) {
    problems.push(`${key}: must be an array of unique ${kind} ids, got ${show(table)}`);
    return 0;
  }
  const seen = new Map();
  table.forEach((id, i) => {
    const parsed = parseUniqueId(id, kind);
    if (parsed.problem) problems.push(`${key}[${i}]: ${parsed.problem}`);
    else if (parsed.path.split('/').includes('node_modules')) warnings.push(`${key}[${i}]: ${show(id)} is under node_modules`);
    if (typeof id === 'string') {
      if (seen.has(id)) problems.push(`${key}[${i}]: duplicate id ${show(id)} (also at index ${seen.get(id)})`);
      else seen.set(id, i);
    }
  });
  return table.length;
}

function checkIndexList(list, where, size, tableName, problems) {
  if (!Array.isArray(list)) {
    problems.push(`${where}: must be an array of indices into ${tableName}, got ${show(list)}`);
    return new Set();
  }
  const seen = new Set();
  list.forEach((ix, i) => {
    if (!Number.isInteger(ix) || ix < 0 || ix >= size) {
      problems.push(`${where}[${i}]: ${show(ix)} is not an index into ${tableName} (0..${size - 1})`);
    } else if (seen.has(ix)) {
      problems.push(`${where}[${i}]: duplicate index ${ix}`);
    } else {
      seen.add(ix);
    }
  });
  return seen;
}

function checkEpochSeconds(v, where, problems) {
  if (!Number.isInteger(v)) {
    problems.push(`${where}: must be an integer (epoch seconds), got ${show(v)}`);
    return false;
  }
  if (!(v > MIN_EPOCH_S && v < MAX_EPOCH_S)) {
    problems.push(`${where}: ${v} is not epoch seconds (expected > 1e9 and < 1e11; milliseconds?)`);
    return false;
  }
  return true;
}

function checkHit(hit, where, sizes, requireMethodLines, problems) {
  if (!isObject(hit)) {
    problems.push(`${where}: must be an object, got ${show(hit)}`);
    return;
  }
  for (const k of Object.keys(hit)) if (!HIT_KEYS.includes(k)) problems.push(`${where}: unknown key ${show(k)}`);
  const methods = checkIndexList(hit.methods, `${where}.methods`, sizes.methods, 'methods', problems);
  checkIndexList(hit.branches, `${where}.branches`, sizes.branches, 'branches', problems);

  if (hit.methodLines === undefined) {
    if (requireMethodLines === true) problems.push(`${where}.methodLines: missing (the build uses line coverage: "MethodLines")`);
  } else if (requireMethodLines === false) {
    problems.push(`${where}.methodLines: sent, but the build's methodology is "Methods" (method coverage only)`);
  } else if (!isObject(hit.methodLines)) {
    problems.push(`${where}.methodLines: must be an object {methodIndex: [lines]}, got ${show(hit.methodLines)}`);
  } else {
    for (const [key, lines] of Object.entries(hit.methodLines)) {
      const at = `${where}.methodLines[${show(key)}]`;
      if (!/^(0|[1-9][0-9]*)$/.test(key) || !methods.has(Number(key))) {
        problems.push(`${at}: key must be a method index listed in this hit's methods`);
      }
      if (!Array.isArray(lines)) {
        problems.push(`${at}: must be an array of line numbers, got ${show(lines)}`);
        continue;
      }
      lines.forEach((line, i) => {
        if (!Number.isInteger(line) || line < 1) problems.push(`${at}[${i}]: ${show(line)} is not a line number (from 1)`);
        else if (i > 0 && Number.isInteger(lines[i - 1]) && line <= lines[i - 1]) {
          problems.push(`${at}[${i}]: lines must be sorted and unique (${lines[i - 1]} then ${line})`);
        }
      });
    }
  }

  const startOk = checkEpochSeconds(hit.start, `${where}.start`, problems);
  const endOk = checkEpochSeconds(hit.end, `${where}.end`, problems);
  if (startOk && endOk && hit.end < hit.start) problems.push(`${where}: end ${hit.end} is before start ${hit.start}`);
  if (!('testName' in hit)) problems.push(`${where}.testName: missing (string, or null when no test is known)`);
  else if (hit.testName !== null && typeof hit.testName !== 'string') {
    problems.push(`${where}.testName: must be a string or null, got ${show(hit.testName)}`);
  }
  for (const flag of ['isInitFootprints', 'isFinalFootprints']) {
    if (typeof hit[flag] !== 'boolean') problems.push(`${where}.${flag}: must be a boolean, got ${show(hit[flag])}`);
  }
}

/**
 * Checks a parsed body against format 6.0.
 * @param {unknown} body the parsed JSON
 * @param {{methodology?: string}} [opts] `"MethodLines"` (default) makes `methodLines` required in every hit,
 *   `"Methods"` forbids it (anything else: either)
 * @returns {{problems: string[], warnings: string[]}}
 */
export function validateBody(body, { methodology = 'MethodLines' } = {}) {
  const problems = [];
  const warnings = [];
  if (!isObject(body)) return { problems: [`body: must be a JSON object, got ${show(body)}`], warnings };
  for (const k of Object.keys(body)) if (!BODY_KEYS.includes(k)) problems.push(`body: unknown key ${show(k)}`);
  if (body.formatVersion !== '6.0') problems.push(`formatVersion: must be "6.0", got ${show(body.formatVersion)}`);
  const sizes = {
    methods: checkIdTable(body, 'methods', 'method', problems, warnings),
    branches: checkIdTable(body, 'branches', 'branch', problems, warnings),
  };

  const mapped = isObject(body.meta) && body.meta.footprintsMapping === 'agent';
  if (isObject(body.meta) && 'footprintsMapping' in body.meta && !mapped) {
    problems.push(`meta.footprintsMapping: must be "agent" when present, got ${show(body.meta.footprintsMapping)}`);
  }
  if (mapped && Array.isArray(body.executions) && body.executions.length !== 1) {
    problems.push('executions: with meta.footprintsMapping "agent" there is one execution entry (the collector maps it)');
  }
  if (!Array.isArray(body.executions) || body.executions.length === 0) {
    problems.push(`executions: must be a non-empty array, got ${show(body.executions)}`);
  } else {
    const ids = new Set();
    body.executions.forEach((ex, e) => {
      const where = `executions[${e}]`;
      if (!isObject(ex)) {
        problems.push(`${where}: must be an object, got ${show(ex)}`);
        return;
      }
      for (const k of Object.keys(ex)) if (!EXECUTION_KEYS.includes(k)) problems.push(`${where}: unknown key ${show(k)}`);
      if (mapped) {
        if ('executionId' in ex) problems.push(`${where}.executionId: must be left out with meta.footprintsMapping "agent" (the collector maps it)`);
      } else if (typeof ex.executionId !== 'string') problems.push(`${where}.executionId: must be a string, got ${show(ex.executionId)}`);
      else if (ids.has(ex.executionId)) problems.push(`${where}.executionId: ${show(ex.executionId)} appears twice`);
      else ids.add(ex.executionId);
      if (!Array.isArray(ex.hits) || ex.hits.length === 0) {
        problems.push(`${where}.hits: must be a non-empty array, got ${show(ex.hits)}`);
        return;
      }
      const lines = methodology === 'MethodLines' ? true : methodology === 'Methods' ? false : undefined;
      ex.hits.forEach((hit, h) => checkHit(hit, `${where}.hits[${h}]`, sizes, lines, problems));
    });
  }

  const meta = body.meta;
  if (!isObject(meta)) {
    problems.push(`meta: must be an object, got ${show(meta)}`);
  } else {
    if (!nonEmptyString(meta.agentId)) problems.push(`meta.agentId: must be a non-empty string, got ${show(meta.agentId)}`);
    if (!nonEmptyString(meta.labId)) problems.push(`meta.labId: must be a non-empty string, got ${show(meta.labId)}`);
    if (!isObject(meta.intervals)) problems.push(`meta.intervals: must be an object, got ${show(meta.intervals)}`);
    if (!isObject(meta.agentConfig)) problems.push(`meta.agentConfig: must be an object, got ${show(meta.agentConfig)}`);
  }
  return { problems, warnings };
}

/**
 * Checks the headers of a footprints POST (names in lower case, as Node gives them) and their agreement with the
 * path and the body.
 * @param {Record<string, string>} headers
 * @param {{form: 'direct' | 'collector', params: {buildSessionId: string}, body?: unknown}} ctx
 * @returns {{problems: string[], metadata: object | null}}
 */
export function validateHeaders(headers, { form, params, body }) {
  const problems = [];
  const wantType = form === 'direct' ? 'application/octet-stream' : 'application/json';
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== wantType) problems.push(`header Content-Type: must be ${wantType} for the ${form} form, got ${show(headers['content-type'])}`);
  if ((headers['content-encoding'] ?? '').trim().toLowerCase() !== 'gzip') {
    problems.push(`header Content-Encoding: must be gzip, got ${show(headers['content-encoding'])}`);
  }

  let metadata = null;
  if (headers['sl-metadata'] === undefined) problems.push('header sl-metadata: missing');
  else {
    try {
      metadata = JSON.parse(headers['sl-metadata']);
    } catch {
      problems.push(`header sl-metadata: not JSON: ${show(headers['sl-metadata'])}`);
    }
    if (metadata !== null && !isObject(metadata)) {
      problems.push(`header sl-metadata: must be a JSON object, got ${show(metadata)}`);
      metadata = null;
    }
    if (metadata) {
      for (const k of METADATA_REQUIRED) {
        if (!nonEmptyString(metadata[k])) problems.push(`header sl-metadata.${k}: must be a non-empty string, got ${show(metadata[k])}`);
      }
      for (const k of METADATA_OPTIONAL) {
        if (k in metadata && metadata[k] !== null && typeof metadata[k] !== 'string') {
          problems.push(`header sl-metadata.${k}: must be a string or null, got ${show(metadata[k])}`);
        }
      }
    }
  }
  const mapped = isObject(body) && isObject(body.meta) && body.meta.footprintsMapping === 'agent';
  if (mapped && form !== 'collector') problems.push('meta.footprintsMapping "agent" is for the collector form only');
  for (const h of ['x-sl-labid', 'x-sl-bsid', 'x-sl-agentid']) {
    if (!nonEmptyString(headers[h])) problems.push(`header ${h}: missing or empty`);
  }
  if (mapped) {
    if (headers['x-sl-executionid'] !== undefined) problems.push('header x-sl-executionid: must be left out when the collector maps the execution');
    if (metadata && nonEmptyString(metadata.executionId)) problems.push('header sl-metadata.executionId: must be left out when the collector maps the execution');
  } else if (!nonEmptyString(headers['x-sl-executionid'])) problems.push('header x-sl-executionid: missing or empty');
  // The names: present exactly when configured (sl-metadata has them), and the same (URL-decoded when not ASCII).
  for (const [h, key] of [['x-sl-appname', 'appName'], ['x-sl-branchname', 'branchName'], ['x-sl-buildname', 'buildName']]) {
    const want = metadata && nonEmptyString(metadata[key]) ? metadata[key] : undefined;
    const got = headers[h];
    if (want === undefined && got !== undefined) problems.push(`header ${h}: sent (${show(got)}) but sl-metadata has no ${key}`);
    else if (want !== undefined && got === undefined) problems.push(`header ${h}: missing (sl-metadata.${key} is ${show(want)})`);
    else if (want !== undefined && got !== want && safeDecode(got) !== want) problems.push(`header ${h}: ${show(got)} is not sl-metadata.${key} ${show(want)}`);
  }

  // Agreement between the headers, the path and the body: a layer that disagrees with itself is broken.
  const agree = (what, values) => {
    const present = values.filter(([, v]) => typeof v === 'string' && v.length > 0);
    if (new Set(present.map(([, v]) => v)).size > 1) {
      problems.push(`${what} disagree: ${present.map(([n, v]) => `${n}=${show(v)}`).join(', ')}`);
    }
  };
  const meta = isObject(body) && isObject(body.meta) ? body.meta : {};
  agree('build session ids', [['path', params.buildSessionId], ['x-sl-bsid', headers['x-sl-bsid']], ['sl-metadata', metadata?.buildSessionId]]);
  agree('lab ids', [['x-sl-labId', headers['x-sl-labid']], ['sl-metadata', metadata?.labId], ['meta', meta.labId]]);
  agree('agent ids', [['x-sl-agentId', headers['x-sl-agentid']], ['sl-metadata', metadata?.agentId], ['meta', meta.agentId]]);
  if (isObject(body) && Array.isArray(body.executions) && nonEmptyString(headers['x-sl-executionid'])) {
    const ids = body.executions.map((ex) => ex?.executionId);
    if (!ids.includes(headers['x-sl-executionid'])) {
      problems.push(`header x-sl-executionId ${show(headers['x-sl-executionid'])} is not among the body's executions ${show(ids)}`);
    }
  }
  return { problems, metadata };
}

/** Agent event types the stand-in knows (the vendor's codes). */
export const EVENT_TYPES = { 1001: 'agent started', 1002: 'agent shutdown', 1003: 'ping', 1006: 'first execution', 1010: 'first footprints' };
/** Keys that must never appear in an agent event (a token, credentials, an environment dump). */
const SECRET_KEY = /token|secret|password|credential|^env$|envvars|environment/i;

/**
 * Checks an agent events POST (`{agentId, appName?, buildSessionId, events: [{type, utcTimestamp_ms, data?}]}`):
 * the `x-sl-messagetype` header is the first event's type; registration (1001) carries `data.agentInfo` with
 * the agent's ids; nothing in it is the token (or a part of it), one of `forbidden` (environment values a test
 * set), or a key that names a secret or the environment.
 * @param {unknown} body the parsed JSON
 * @param {Record<string, string>} headers lower-case names
 * @param {{token?: string, forbidden?: string[]}} [opts]
 * @returns {{problems: string[]}}
 */
export function validateEvents(body, headers, { token = '', forbidden = [] } = {}) {
  const problems = [];
  if (!isObject(body)) return { problems: [`events body: must be a JSON object, got ${show(body)}`] };
  for (const k of ['agentId', 'buildSessionId']) if (!nonEmptyString(body[k])) problems.push(`events body.${k}: must be a non-empty string, got ${show(body[k])}`);
  if (!Array.isArray(body.events) || body.events.length === 0) {
    problems.push(`events body.events: must be a non-empty array, got ${show(body.events)}`);
    return { problems };
  }
  body.events.forEach((event, i) => {
    const where = `events[${i}]`;
    if (!isObject(event)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    if (!(event.type in EVENT_TYPES)) problems.push(`${where}.type: ${show(event.type)} is not one of ${Object.keys(EVENT_TYPES).join(', ')}`);
    if (!Number.isInteger(event.utcTimestamp_ms) || event.utcTimestamp_ms < 1e12 || event.utcTimestamp_ms > 1e14) {
      problems.push(`${where}.utcTimestamp_ms: must be epoch milliseconds, got ${show(event.utcTimestamp_ms)}`);
    }
    if (event.type === 1001) {
      const info = isObject(event.data) ? event.data.agentInfo : undefined;
      if (!isObject(info)) problems.push(`${where}.data.agentInfo: missing (registration)`);
      else {
        if (info.agentId !== body.agentId) problems.push(`${where}.data.agentInfo.agentId: ${show(info.agentId)} is not the body's ${show(body.agentId)}`);
        if (info.buildSessionId !== body.buildSessionId) problems.push(`${where}.data.agentInfo.buildSessionId: ${show(info.buildSessionId)} is not the body's`);
        for (const k of ['agentType', 'agentVersion', 'technology', 'labId']) if (!nonEmptyString(info[k])) problems.push(`${where}.data.agentInfo.${k}: must be a non-empty string`);
      }
    }
  });
  const type = body.events[0] && body.events[0].type;
  if (String(headers['x-sl-messagetype'] ?? '') !== String(type)) {
    problems.push(`header x-sl-messagetype: ${show(headers['x-sl-messagetype'])} is not the first event's type ${show(type)}`);
  }
  problems.push(...secretsIn(body, 'events body', { token, forbidden }));
  return { problems };
}

/**
 * Where `value` holds the token (or a part of it), a forbidden value, or a key naming a secret.
 * @param {unknown} value
 * @param {string} where
 * @param {{token?: string, forbidden?: string[]}} [opts]
 */
export function secretsIn(value, where, { token = '', forbidden = [] } = {}) {
  const problems = [];
  const needles = [...(token ? [token, ...token.split('.').filter((p) => p.length >= 8)] : []), ...forbidden.filter((f) => f.length >= 4)];
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  for (const needle of needles) {
    if (text.includes(needle)) problems.push(`${where}: carries ${needle === token || token.includes(needle) ? 'the token (or a part of it)' : `an environment value (${show(needle.slice(0, 6))}...)`}`);
  }
  const walk = (v, at) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEY.test(k)) problems.push(`${where}: key ${at}.${k} names a secret or the environment`);
        walk(x, `${at}.${k}`);
      }
    }
  };
  if (typeof value !== 'string') walk(value, '');
  return problems;
}
