/**
 * The wrapper's configuration, read once from the environment. Never throws: problems are listed in
 * `problems`, and a configuration with problems makes the wrapper export the original handler unchanged.
 *
 * - `ORIG_NAME`: the original handler, set by the exec wrapper (`/opt/sealights-extension`, `/opt/setup`).
 * - `SL_ORIGINAL_HANDLER`: the original handler when the function's handler is set to
 *   `/opt/v8-footprints/handler.handleExecution` (or the seed's `/opt/wrapper.handleExecution`) directly
 *   (handler-redirect mode, for users who cannot set an exec wrapper).
 * - `SL_DISABLE=true`: load and export the original handler, with no hooks.
 * - `SL_FLUSH_BUDGET_MS` (default 2000, from 200 to 900000): how long, in ms, the response of an invocation may
 *   wait for the agent's `afterInvoke` (and init for `beforeLoad`); past it the response is released anyway.
 * - `V8FP_AGENT_MODULE`: absolute path of an ESM module exporting the hooks, replacing the bundled agent (tests).
 * - `AWS_EXECUTION_ENV` (`AWS_Lambda_nodejs24.x`), else the running Node major: which runtime client's
 *   rules load the handler (3 for nodejs18/20/22, 4 for nodejs24 and later).
 */
import path from 'node:path';

export const DEFAULT_FLUSH_BUDGET_MS = 2000;
/**
 * The smallest flush budget: below it nothing could ever be sent (the take and its conversion use the first
 * 100 ms before the response, see agent.mjs), so a smaller value is a configuration problem.
 */
export const MIN_FLUSH_BUDGET_MS = 200;
/** The largest time setting in ms: Lambda's longest timeout (15 minutes). */
export const MAX_BUDGET_MS = 900000;

/**
 * The whole number in `env[name]` from `min` to `max` (`fallback` when unset or empty); otherwise a problem
 * naming the setting is pushed to `problems` and `fallback` returned.
 */
export function wholeNumber(env, name, fallback, min, max, problems) {
  const raw = env[name];
  if (raw === undefined || String(raw).trim() === '') return fallback;
  const value = Number(String(raw).trim());
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push(`${name}=${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
  return fallback;
}
/** The layer's entry under either name: /opt/wrapper.handleExecution, /opt/v8-footprints/handler.handleExecution. */
const WRAPPER_HANDLER = /(^|\/)(wrapper|v8-footprints\/handler)\.handleExecution$/;

/** True for the usual spellings of "yes" in an environment variable. */
export function isTrue(value) {
  return /^(true|1|yes|on)$/i.test(String(value ?? '').trim());
}

/** The runtime client generation (3 or 4) whose loading rules apply to this process. */
export function runtimeGeneration(env = process.env, nodeVersion = process.versions.node) {
  const match = /^AWS_Lambda_nodejs(\d+)/.exec(env.AWS_EXECUTION_ENV ?? '');
  const major = match ? Number(match[1]) : Number(nodeVersion.split('.')[0]);
  return major >= 24 ? 4 : 3;
}

/** Reads the configuration; `wrapperFile` is the path of wrapper.mjs, to refuse a handler naming itself. */
export function readConfig(env = process.env, wrapperFile = '') {
  const problems = [];
  const named = (value) => (value && !isSelf(value, env, wrapperFile) ? value : '');
  const originalHandler = named(env.ORIG_NAME) || named(env.SL_ORIGINAL_HANDLER);

  const flushBudgetMs = wholeNumber(env, 'SL_FLUSH_BUDGET_MS', DEFAULT_FLUSH_BUDGET_MS, MIN_FLUSH_BUDGET_MS, MAX_BUDGET_MS, problems);

  const agentModule = env.V8FP_AGENT_MODULE || '';
  if (agentModule && !path.isAbsolute(agentModule)) {
    problems.push(`V8FP_AGENT_MODULE=${JSON.stringify(agentModule)} is not an absolute path`);
  }

  return {
    originalHandler,
    disabled: isTrue(env.SL_DISABLE),
    flushBudgetMs,
    agentModule,
    generation: runtimeGeneration(env),
    problems,
  };
}

/** True when `handler` names an entry of the layer `wrapperFile` belongs to (under either name). */
function isSelf(handler, env, wrapperFile) {
  if (!WRAPPER_HANDLER.test(handler)) return false;
  if (!wrapperFile) return true;
  const entry = path.resolve(env.LAMBDA_TASK_ROOT ?? '', handler.slice(0, -'.handleExecution'.length));
  return layerOf(entry) === layerOf(wrapperFile.replace(/\.mjs$/, ''));
}

/** The layer root of an entry file without its extension: `<root>/wrapper` or `<root>/v8-footprints/handler`. */
function layerOf(entry) {
  return path.basename(entry) === 'handler' ? path.dirname(path.dirname(entry)) : path.dirname(entry);
}
