/**
 * The coverage agent's settings, read once from the environment (every variable is documented in the
 * README with its default). Never throws and never puts the token in a message: problems are listed in
 * `problems`, and an agent with problems runs the function without coverage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isTrue } from '../config.mjs';

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

  const collectorUrl = (env.SL_COLLECTOR_URL || '').trim().replace(/\/+$/, '');
  if (collectorUrl && !isHttpUrl(collectorUrl)) problems.push(`SL_COLLECTOR_URL=${JSON.stringify(collectorUrl)} is not an http(s) URL`);

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

  const flushBudgetMs = number('SL_FLUSH_BUDGET_MS', 2000, 0, 900000);
  return {
    problems,
    token,
    server,
    collectorUrl,
    buildSessionId,
    labId: (env.SL_LAB_ID || '').trim() || buildSessionId,
    taskRoot,
    projectRoot: (env.SL_PROJECT_ROOT || '').trim() || taskRoot,
    buildRoot: (env.SL_BUILD_ROOT || '').trim() ? path.resolve(taskRoot, env.SL_BUILD_ROOT.trim()) : undefined,
    exclude: (env.SL_EXCLUDE || '').split(',').map((p) => p.trim()).filter(Boolean),
    testStage: (env.SL_TEST_STAGE || '').trim(),
    appName: (env.SL_APP_NAME || '').trim() || undefined,
    buildName: (env.SL_BUILD_NAME || '').trim() || undefined,
    branchName: (env.SL_BRANCH_NAME || '').trim() || undefined,
    httpTimeoutMs: number('SL_HTTP_TIMEOUT_MS', 1500, 1, 900000),
    flushBudgetMs,
    checkIntervalMs: number('SL_EXECUTION_CHECK_INTERVAL_S', 10, 0, 86400) * 1000,
    alwaysReport: isTrue(env.SL_ALWAYS_REPORT),
    exactCoverage: flag('SL_EXACT_COVERAGE', true),
    delivery: choice('SL_DELIVERY', ['after-response', 'inline'], 'after-response'),
    pendingHits: number('SL_PENDING_HITS', 500, 1, 100000),
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

function isHttpUrl(value) {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
