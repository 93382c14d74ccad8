/**
 * The layer's own agent (V8FP_BENCH_AGENT: its agent.mjs in the unpacked layer), loaded through the wrapper's
 * V8FP_AGENT_MODULE hook with timers around its pieces, so that the benchmark can split the added latency:
 * the hooks as a whole, the take (Profiler.takePreciseCoverage through the inspector session), addHit (packing
 * in JS + conversion in Rust), nextBody / pendingBody (the body, in Rust), gzip, and the rest of afterInvoke (HTTP). The
 * timers cost a few microseconds per invocation. An event `{benchStats: FILE}` writes the sums so far to FILE.
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const now = () => performance.now();
const agentFile = process.env.V8FP_BENCH_AGENT;
const real = await import(pathToFileURL(agentFile).href);
const stats = { invocations: 0, beforeLoad: 0, before: 0, after: 0, take: 0, takes: 0, addHit: 0, addHitRust: 0, body: 0, gzip: 0, first: null };

function timeMethod(object, name, key, filter) {
  const original = object[name];
  object[name] = function (...args) {
    if (filter && !filter(args)) return original.apply(this, args);
    const t0 = now();
    try {
      return original.apply(this, args);
    } finally {
      stats[key] += now() - t0;
      if (key === 'take') stats.takes++;
    }
  };
}
// What a take holds, on every 20th take (counted outside the timers): scripts and functions by where they are.
const taskRoot = process.env.LAMBDA_TASK_ROOT || '';
const optDir = process.env.V8FP_OPT_DIR || '/opt';
const kindOf = (url) =>
  url.startsWith('node:') || !url.includes('/') ? 'node' : taskRoot && url.includes(taskRoot) ? 'function' : url.includes(optDir) ? 'layer' : 'runtime';
stats.takeContents = null;
let pending = null;
const originalPost = inspector.Session.prototype.post;
inspector.Session.prototype.post = function (method, params, callback) {
  if (method !== 'Profiler.takePreciseCoverage' || typeof callback !== 'function' || stats.takes % 20 !== 5) return originalPost.call(this, method, params, callback);
  return originalPost.call(this, method, params, (error, result) => {
    pending = result;
    callback(error, result);
  });
};
function countPending() {
  if (!pending || !Array.isArray(pending.result)) return;
  const c = {};
  for (const s of pending.result) {
    const k = kindOf(s.url);
    c[k] ||= { scripts: 0, functions: 0 };
    c[k].scripts++;
    c[k].functions += s.functions.length;
  }
  stats.takeContents = c;
  pending = null;
}
timeMethod(inspector.Session.prototype, 'post', 'take', (args) => args[0] === 'Profiler.takePreciseCoverage');
// Bodies are gzipped by one reused compressor (asynchronously, off the thread): counted in the rest.

export async function beforeLoad() {
  const t0 = now();
  await real.beforeLoad();
  stats.beforeLoad = now() - t0;
}

// The agent loads the package's agent entry on first use (after the first response): its methods are timed from then on.
const requireHere = createRequire(agentFile);
const packageFile = requireHere.resolve(path.join(path.dirname(agentFile), '../pkg/agent.cjs'));
let timedConverter = false;
function timeConverterOnceLoaded() {
  if (timedConverter || !requireHere.cache[packageFile]) return;
  timedConverter = true;
  const { PendingHits } = requireHere(packageFile);
  for (const name of ['addHit', 'addWindow']) timeMethod(PendingHits.prototype, name, 'addHit');
  timeMethod(PendingHits.prototype, 'nextBody', 'body');
  const originalAdd = PendingHits.prototype.addWindow;
  PendingHits.prototype.addWindow = function (...args) {
    const inner = this._inner;
    if (!inner.__timed) {
      inner.__timed = true;
      timeMethod(inner, 'addWindowPacked', 'addHitRust');
      timeMethod(inner, 'addHitPacked', 'addHitRust');
    }
    return originalAdd.apply(this, args);
  };
}

/**
 * Post-response delivery: only the scheduling is timed here (the work runs later, from a timer); the take,
 * the conversion and the body are counted by the method timers above, the HTTP part is not split out.
 */
export function afterResponse(outcome, context) {
  timeConverterOnceLoaded();
  const t0 = now();
  try {
    return real.afterResponse(outcome, context);
  } finally {
    stats.after += now() - t0;
  }
}

let skip = null;
export function beforeInvoke(event, context) {
  if (event && event.benchStats) {
    fs.writeFileSync(event.benchStats, JSON.stringify(stats));
    skip = context && context.awsRequestId;
    return undefined;
  }
  countPending();
  stats.invocations++;
  const t0 = now();
  try {
    return real.beforeInvoke(event, context);
  } finally {
    stats.before += now() - t0;
  }
}

export async function afterInvoke(outcome, context) {
  timeConverterOnceLoaded();
  if (skip !== null && context && context.awsRequestId === skip) {
    skip = null;
    return real.afterInvoke(outcome, context);
  }
  const t0 = now();
  try {
    return await real.afterInvoke(outcome, context);
  } finally {
    stats.after += now() - t0;
    if (!stats.first) stats.first = { ...stats, first: undefined };
  }
}
