/**
 * The coverage agent's settings, read once from the environment (every variable is documented with its
 * default in docs/layer.md's Configuration and the README's table; tests/docs checks it). Never throws and
 * never puts the token in a message: problems are listed in `problems` (each names its setting), and an
 * agent with problems runs the function without coverage; `warnings` are logged and the agent runs. Checked
 * here: whole numbers in range, ids that go in headers as they are (printable ASCII), HTTPS (plain HTTP only
 * to loopback or with SL_ALLOW_PLAIN_HTTP), and the project root existing.
 */
import { fs } from '../builtins.mjs';
import path from 'node:path';
import { DEFAULT_FLUSH_BUDGET_MS, MAX_BUDGET_MS, MIN_FLUSH_BUDGET_MS, isTrue, wholeNumber } from '../config.mjs';

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'];

/** Reads the agent's settings from `env`. */
export function readSettings(env = process.env) {
  const problems = [];
  const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();
  const fromFile = (name) => {
    const file = env[`${name}_FILE`];
    if (env[name]) return env[name].trim();
    if (!file) return '';
    try {
      return fs.readFileSync(path.resolve(taskRoot, file), 'utf8').trim();
    } catch (error) {
      problems.push(`${name}_FILE names a file that cannot be read (${error.code || 'error'})`);
      return '';
    }
  };
  const whole = (name, fallback, min, max) => wholeNumber(env, name, fallback, min, max, problems);
  const number = (name, fallback, min, max) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} is not a number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const token = fromFile('SL_TOKEN');
  let server = '';
  if (!token) {
    problems.push('SL_TOKEN (or SL_TOKEN_FILE) is not set');
  } else {
    const claims = decodeToken(token);
    if (!claims) problems.push('SL_TOKEN is not a valid agent token (expected a JWT)');
    else if (!isHttpUrl(claims['x-sl-server'])) problems.push('SL_TOKEN has no x-sl-server claim with an http(s) URL');
    else server = claims['x-sl-server'].replace(/\/+$/, '');
  }
  const buildSessionId = fromFile('SL_BUILD_SESSION_ID');
  if (!buildSessionId) problems.push('SL_BUILD_SESSION_ID (or SL_BUILD_SESSION_ID_FILE) is not set');
  const labId = (env.SL_LAB_ID || '').trim() || buildSessionId;
  // Sent as they are in the x-sl-bsid and x-sl-labId headers, which the backend compares with the body.
  headerSafe('SL_BUILD_SESSION_ID', buildSessionId, problems);
  if ((env.SL_LAB_ID || '').trim()) headerSafe('SL_LAB_ID', labId, problems);

  const collectorUrl = (env.SL_COLLECTOR_URL || '').trim().replace(/\/+$/, '');
  if (collectorUrl && !isHttpUrl(collectorUrl)) problems.push(`SL_COLLECTOR_URL=${JSON.stringify(collectorUrl)} is not an http(s) URL`);
  const allowPlainHttp = isTrue(env.SL_ALLOW_PLAIN_HTTP);
  if (!allowPlainHttp) {
    if (server && !encrypted(server)) problems.push(`the token's x-sl-server ${server} ${PLAIN_HTTP}`);
    if (collectorUrl && isHttpUrl(collectorUrl) && !encrypted(collectorUrl)) problems.push(`SL_COLLECTOR_URL=${collectorUrl} ${PLAIN_HTTP}`);
  }

  const logLevel = (env.SL_LOG_LEVEL || 'warn').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`SL_LOG_LEVEL=${JSON.stringify(env.SL_LOG_LEVEL)} is not one of ${LOG_LEVELS.join(', ')}`);

  const flag = (name, fallback) => {
    const raw = (env[name] || '').trim();
    if (raw === '') return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    problems.push(`${name}=${JSON.stringify(raw)} is not true or false`);
    return fallback;
  };

  const choice = (name, allowed, fallback) => {
    const raw = (env[name] || '').trim().toLowerCase();
    if (raw === '') return fallback;
    if (allowed.includes(raw)) return raw;
    problems.push(`${name}=${JSON.stringify(env[name])} is not one of ${allowed.join(', ')}`);
    return fallback;
  };

  const flushBudgetMs = whole('SL_FLUSH_BUDGET_MS', DEFAULT_FLUSH_BUDGET_MS, MIN_FLUSH_BUDGET_MS, MAX_BUDGET_MS);
  const projectRoot = (env.SL_PROJECT_ROOT || '').trim() || taskRoot;
  const buildRootSetting = (env.SL_BUILD_ROOT || '').trim();
  const buildRoot = buildRootSetting ? path.resolve(taskRoot, buildRootSetting) : undefined;
  const warnings = [];
  // With SL_BUILD_ROOT the project root is the build's workspace, which need not exist in the function.
  if (!buildRoot && !fs.existsSync(path.resolve(taskRoot, projectRoot))) {
    warnings.push(`SL_PROJECT_ROOT=${JSON.stringify(projectRoot)} does not exist (${path.resolve(taskRoot, projectRoot)}): no script can be reported`);
  }
  return {
    problems,
    warnings,
    token,
    server,
    collectorUrl,
    buildSessionId,
    labId,
    taskRoot,
    projectRoot,
    buildRoot,
    exclude: (env.SL_EXCLUDE || '').split(',').map((p) => p.trim()).filter(Boolean),
    testStage: (env.SL_TEST_STAGE || '').trim(),
    appName: (env.SL_APP_NAME || '').trim() || undefined,
    buildName: (env.SL_BUILD_NAME || '').trim() || undefined,
    branchName: (env.SL_BRANCH_NAME || '').trim() || undefined,
    httpTimeoutMs: whole('SL_HTTP_TIMEOUT_MS', 1500, 1, MAX_BUDGET_MS),
    flushBudgetMs,
    checkIntervalMs: number('SL_EXECUTION_CHECK_INTERVAL_S', 10, 0, 86400) * 1000,
    alwaysReport: isTrue(env.SL_ALWAYS_REPORT),
    exactCoverage: flag('SL_EXACT_COVERAGE', true),
    boundOldSpace: flag('SL_BOUND_OLD_SPACE', true),
    delivery: choice('SL_DELIVERY', ['after-response', 'inline'], 'after-response'),
    pendingHits: whole('SL_PENDING_HITS', 500, 1, 100000),
    logLevel: LOG_LEVELS.includes(logLevel) ? logLevel : 'warn',
  };
}

/** The claims of a JWT (not verified, as every agent does), or null when it is not one. */
export function decodeToken(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

const PLAIN_HTTP = 'is plain HTTP to a host that is not a loopback address: the token would travel unencrypted (use https, or set SL_ALLOW_PLAIN_HTTP=true to accept that)';

/**
 * Pushes a problem naming `name` when `value` holds a character outside printable ASCII: such a value cannot
 * go in an HTTP header as it is (Node refuses it, or it arrives in another encoding).
 */
function headerSafe(name, value, problems) {
  const at = value.search(/[^\x20-\x7e]/);
  if (at < 0) return;
  const code = value.codePointAt(at).toString(16).toUpperCase().padStart(4, '0');
  problems.push(`${name} holds U+${code} at position ${at}: it is sent as it is in a header, which takes printable ASCII only`);
}

/** True when `url` is https, or http to a loopback address (which never leaves the machine). */
function encrypted(url) {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || isLoopback(hostname);
}

/** True for `localhost` and the loopback addresses (127.0.0.0/8, ::1, and 127.x mapped into IPv6). */
export function isLoopback(hostname) {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127(\.\d{1,3}){3}$/.test(host)) return true;
  return host === '::1' || /^::ffff:127(\.\d{1,3}){3}$/.test(host) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

function isHttpUrl(value) {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
