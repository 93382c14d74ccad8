/**
 * The coverage agent, called by the wrapper around the user's handler (lib/hooks.mjs guards every call:
 * nothing here can reach the function, and afterInvoke runs within SL_FLUSH_BUDGET_MS and the invocation's
 * deadline).
 *
 * - beforeLoad: reads the settings, starts precise coverage before the user's module loads, loads the
 *   converter (the wasm package), and starts the cold-start calls (remote config, the build's methodology,
 *   registration), which run while the module loads. Bad settings: one log line, and the function runs
 *   without coverage.
 * - beforeInvoke: the first invocation takes what ran while the module loaded (the init footprints). While no
 *   test execution is open nothing is collected, except tentatively (from a reset) the invocation whose check
 *   may find one open, so an invocation reports only what ran during it.
 * - afterInvoke: takes what ran during the invocation and keeps it as a pending hit (converted in Rust), asks
 *   the backend whether a test execution is open (at most once per SL_EXECUTION_CHECK_INTERVAL_S), and sends
 *   the pending hits while one is. A failed send keeps them for the next one.
 *
 * Until the first answer about the execution, hits are kept tentatively; they are dropped if none is open.
 * The first flush applies the cold-start answers (a muting remote config stops everything); agent events
 * (first execution, first footprints) go with the flush that sees them; SIGTERM sends the shutdown event.
 * docs/protocol.md ("What the layer sends, and why") lists every call.
 */
import { fs } from './lib/builtins.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newAgentId } from './lib/agent/agent-id.mjs';
import { createBackend } from './lib/agent/backend.mjs';
import { createHealth } from './lib/agent/backend-health.mjs';
import { startCoverage } from './lib/agent/coverage-session.mjs';
import { registerExtension } from './lib/agent/extension.mjs';
import { lazyConverter } from './lib/agent/lazy-converter.mjs';
import { onlineCpus } from './lib/agent/machine.mjs';
import { createOldSpaceBound } from './lib/agent/old-space.mjs';
import { readSettings } from './lib/agent/settings.mjs';
import { testNameOf } from './lib/agent/test-name.mjs';
import { describe, log, logMode, setLogLevel } from './lib/log.mjs';
import { V8_MAJOR, boundWasmCompilation, holdYoungGeneration, releaseYoungGeneration, withYoungGenerationHeld } from './lib/memory-flags.mjs';
import { VERSION } from './lib/version.mjs';

/** The version the build stamped from Cargo.toml (lib/version.mjs). */
const AGENT_VERSION = VERSION;
const MAX_HITS_PER_BODY = 200;
/** How many hits (the init hit and the first invocations) must hold no method before the agent says so. */
const SCOPE_HITS = 3;
/** The wasm package's agent entry (the layer ships the package beside the wrapper). */
const PACKAGE = fileURLToPath(new URL('../pkg/agent.cjs', import.meta.url));
/** The protocol's anonymous execution: used with SL_ALWAYS_REPORT while no test execution is open. */
const ANONYMOUS_EXECUTION = '00000000-0000-0000-0000-000000000000';
const seconds = () => Math.floor(Date.now() / 1000);
const AGENT_TYPE = 'nodejs-lambda';
/** Agent event types (the vendor's codes): registration, shutdown, first execution seen, first footprints. */
export const EVENTS = { STARTED: 1001, SHUTDOWN: 1002, FIRST_EXECUTION: 1006, FIRST_FOOTPRINTS: 1010 };
/** The longest the shutdown event may hold a SIGTERM'd process (Lambda's shutdown phase is short). */
const SHUTDOWN_BUDGET_MS = 500;

/** Part of the line each cold start logs about the mode (see coverage-session.mjs and SL_EXACT_COVERAGE). */
export const EXACT_MODE = "exact coverage: V8's optimizing compilers are off, so every call is counted (SL_EXACT_COVERAGE=false keeps them on)";
export const OPTIMIZED_MODE = 'SL_EXACT_COVERAGE=false: V8 optimizes hot code, and functions it optimized are missing from later footprints';
export const AFTER_RESPONSE = 'footprints are sent after the response (internal extension)';
/** The line a cold start logs: how calls are counted, and when footprints are sent (`inline` says why). */
export function modeLine(exact, delivery) {
  const sending = delivery === 'after-response' ? AFTER_RESPONSE : `footprints are sent before the response: ${delivery}`;
  return `${exact ? EXACT_MODE : OPTIMIZED_MODE}; ${sending}`;
}
/**
 * How long the work after the response waits first: the 4.x runtime client writes the response over HTTP a few
 * event-loop turns after the completion, and a take started before that delayed it by the take's time
 * (+2.6 ms median measured on Node 24 with the next turn; 1 ms later, the response is out).
 */
const RESPONSE_WRITE_MS = 1;
/**
 * Time kept free before the invocation's deadline, for the take and its conversion (which always run) and the
 * runtime's own work: the agent never makes an invocation time out, before or after the response.
 */
const DEADLINE_MARGIN_MS = 300;
/** Part of the flush budget (inline delivery) kept for the take and its conversion before the sends. */
const FLUSH_RESERVE_MS = 100;

let agent = null;
/** The internal extension (post-response delivery), kept apart from the agent: it must be told `next` after
 * every invocation for the life of the process, even after the agent switched itself off. */
let extension = null;

export async function beforeLoad() {
  const settings = readSettings(process.env);
  setLogLevel(settings.logLevel);
  if (settings.problems.length > 0) {
    log('error', `coverage is off: ${settings.problems.join('; ')}`);
    releaseYoungGeneration();
    return;
  }
  boundWasmCompilation();
  // Loaded on first use, after the first response (see lazy-converter.mjs).
  const converter = lazyConverter(PACKAGE, {
    projectRoot: settings.projectRoot,
    cwd: settings.taskRoot,
    scriptRoot: settings.taskRoot,
    buildRoot: settings.buildRoot,
    exclude: [...settings.exclude, ...ownFiles()],
  }, { limit: settings.pendingHits });
  const delivery = await chooseDelivery(settings);
  const coverage = startCoverage({ exact: settings.exactCoverage });
  logMode(modeLine(settings.exactCoverage, delivery));
  for (const warning of settings.warnings) log('warn', warning);
  const health = createHealth({ log, pendingHits: settings.pendingHits });
  agent = {
    settings,
    coverage,
    converter,
    hits: converter.hits,
    health,
    backend: createBackend(settings, health),
    agentId: newAgentId(),
    loadStart: seconds(),
    initTake: undefined,
    initDone: false,
    execution: {
      status: settings.alwaysReport ? 'open' : 'unknown',
      id: settings.alwaysReport ? ANONYMOUS_EXECUTION : '',
      checkedAt: 0,
    },
    executions: new Map(),
    postResponse: delivery === 'after-response',
    oldSpace: oldSpaceBound(settings, delivery, coverage),
    everOpen: false,
    invocations: new Map(), // context -> {key, start, testName} of each invocation collected now
    nextKey: 0,
    flushing: null,
    flushAgain: false,
    methodLines: true,
    collectorMapping: false,
    muted: false,
    registered: false,
    events: [],
    sentEvents: new Set(),
    coldStart: /** @type {Promise<unknown> | null} */ (null),
    coldAnswers: null,
    scope: { hits: 0, methods: 0 }, // the first hits and how many methods they held (see checkScope)
  };
  agent.coldStart = startColdStart(agent);
  watchShutdown(agent);
  log('debug', `coverage started for project root ${settings.projectRoot}`);
}

/**
 * The once-per-cold-start calls, started now so that they run while the user's module loads (one kept-alive
 * connection, in this order): the remote configuration, the build's methodology, the registration event.
 * Resolves (never rejects) once all three answered or their deadline passed; the first flush applies them.
 */
function startColdStart(a) {
  const s = a.settings;
  const deadline = Date.now() + s.httpTimeoutMs;
  const query = {
    agentType: AGENT_TYPE,
    agentVersion: AGENT_VERSION,
    agentId: a.agentId,
    appName: s.appName,
    branchName: s.branchName,
    buildName: s.buildName,
    testStage: s.testStage,
    labId: s.labId,
  };
  const config = a.backend.getConfig(query, deadline);
  const methodology = a.backend.getMethodology(s.buildSessionId, deadline);
  const registered = a.backend.postEvents(eventsBody(a, [agentEvent(EVENTS.STARTED, { agentInfo: agentInfo(a), machineInfo: machineInfo() })]), deadline);
  return Promise.all([config, methodology, registered]).then(
    ([c, m, r]) => {
      a.registered = Boolean(r.ok); // known at once: a SIGTERM before the first invocation sends 1002 too
      a.coldAnswers = { config: c, methodology: m, registered: r };
      return a.coldAnswers;
    },
    (error) => ({ error }),
  );
}

/**
 * Applies the cold-start answers once (the first flush waits for them, until its deadline at most: if they
 * are late, the flush goes on with the defaults and a later flush applies them): mute, methodology,
 * registration.
 */
async function applyColdStart(a, deadline) {
  const pending = a.coldStart;
  if (!pending) return;
  if (a.coldAnswers) {
    applyAnswers(a, a.coldAnswers);
    return;
  }
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), null);
  });
  const answers = await Promise.race([pending, late]);
  clearTimeout(timer);
  if (answers === null || a.coldStart !== pending) return;
  applyAnswers(a, answers);
}

/** Applies the cold-start answers (once). */
function applyAnswers(a, answers) {
  a.coldStart = null;
  if (answers.error) {
    log('warn', `the cold-start calls failed (${describe(answers.error)})`);
    return;
  }
  const { config, methodology, registered } = answers;
  if (registered.error) log(quietUnless(a, 'agent events'), `the agent could not register (${registered.error})`);
  if (methodology.methodology) a.methodLines = methodology.methodology !== 'Methods';
  else log('debug', `the build's methodology is not known (${methodology.error}): methodLines are sent`);
  if (config.config) {
    const off = (value) => value === false || value === 'false';
    if (off(config.config.enabled) || off(config.config.sendFootprints)) {
      mute(a, off(config.config.enabled) ? 'enabled' : 'sendFootprints');
    }
  } else {
    log('debug', `no remote configuration (${config.error}): the local one applies`);
  }
}

/** The remote configuration turned the agent off: nothing is collected or sent for the rest of the process. */
function mute(a, key) {
  a.muted = true;
  if (agent === a) agent = null;
  a.coverage.stop();
  a.hits.confirmSent(a.hits.pendingCount);
  log('warn', `the remote configuration sets ${key}=false: coverage is off for this process`);
}

function agentEvent(type, data) {
  const event = { type, utcTimestamp_ms: Date.now() };
  if (data !== undefined) event.data = data;
  return event;
}

function eventsBody(a, events) {
  const s = a.settings;
  const body = { agentId: a.agentId, buildSessionId: s.buildSessionId, events };
  if (s.appName) body.appName = s.appName;
  return body;
}

/**
 * Who registers: identifiers and versions only. Never the token, never the environment (the vendor's agent
 * sends its whole configuration, token included, and its environment variables: not done here).
 */
function agentInfo(a) {
  const s = a.settings;
  const info = {
    agentId: a.agentId,
    agentType: AGENT_TYPE,
    agentVersion: AGENT_VERSION,
    technology: 'nodejs',
    buildSessionId: s.buildSessionId,
    labId: s.labId,
    processId: process.pid,
    nodeVersion: process.version,
    collectorMode: Boolean(s.collectorUrl),
  };
  for (const key of ['testStage', 'appName', 'branchName', 'buildName']) if (s[key]) info[key] = s[key];
  return info;
}

function machineInfo() {
  const cpus = onlineCpus();
  return { os: process.platform, arch: process.arch, ...(cpus ? { cpus } : {}) };
}

/** Queues an agent event of `type` once per process; the next flush posts it. */
function queueEventOnce(a, type) {
  if (a.sentEvents.has(type)) return;
  a.sentEvents.add(type);
  a.events.push(agentEvent(type));
}

/**
 * Posts the queued events in one request (within the flush's deadline), only after a registration the
 * server took: a server that refused it, lacks the route, or cannot be reached (a collector alone) is not
 * asked again, so that no flush waits for it.
 */
async function postEvents(a, deadline) {
  if (a.events.length === 0) return;
  const events = a.events.splice(0);
  if (!a.registered) {
    log('debug', `agent events ${events.map((e) => e.type).join(', ')} not sent: the agent is not registered`);
    return;
  }
  const result = await a.backend.postEvents(eventsBody(a, events), deadline);
  if (result.error) log(quietUnless(a, 'agent events'), `agent events ${events.map((e) => e.type).join(', ')} not sent (${result.error})`);
}

/**
 * The shutdown event (1002), when Lambda ends the sandbox with SIGTERM (it does when an extension is
 * registered; without one the process is killed outright and nothing can be sent). Only in the main thread:
 * Node emits no signal events in worker threads, so a worker's listener never runs (asking
 * `node:worker_threads` for isMainThread would load its modules, 0.6 MB). Only after a registration, within
 * SHUTDOWN_BUDGET_MS. When no other SIGTERM listener exists, the signal's default (the process ends by
 * SIGTERM) is restored and the signal raised again once the event is sent, so the process ends as it would
 * without the layer; when the function listens itself, its listeners decide and nothing is held.
 */
function watchShutdown(a) {
  const onTerm = () => {
    const alone = process.listenerCount('SIGTERM') === 1;
    process.removeListener('SIGTERM', onTerm);
    const end = () => {
      if (alone) process.kill(process.pid, 'SIGTERM');
    };
    if (!a.registered || a.muted) {
      end();
      return;
    }
    const deadline = Date.now() + Math.min(a.settings.httpTimeoutMs, SHUTDOWN_BUDGET_MS);
    a.backend.postEvents(eventsBody(a, [agentEvent(EVENTS.SHUTDOWN)]), deadline).then(end, end);
  };
  process.on('SIGTERM', onTerm);
}

/** The layer's own files (both wrapper entries, wrapper and agent modules, wasm package), never reported. */
function ownFiles() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [here, path.resolve(here, '../pkg'), path.resolve(here, '../../wrapper.mjs'), path.resolve(here, '../handler.mjs'), path.resolve(here, 'wrapper.mjs')];
  return candidates.filter((file) => fs.existsSync(file));
}

export function beforeInvoke(event, context) {
  // The function's invocations size the young generation as without the layer (held while the agent works).
  releaseYoungGeneration();
  if (!agent) return;
  // Answers that arrived while the module loaded apply now: a muted agent takes nothing of this invocation.
  if (agent.coldStart && agent.coldAnswers) {
    applyAnswers(agent, agent.coldAnswers);
    if (!agent) return;
  }
  if (!agent.initDone) {
    agent.initDone = true;
    const a = agent;
    // The init take's objects live until the converter takes them, after the response: surviving the
    // handler's young collections they grew the young generation (2 -> 4 MB) in half the cold starts of the
    // seed's example on V8 11, where the agent's first collection, hundreds of invocations later, is the first
    // to give it back: there it stays held through this invocation.
    holdYoungGeneration();
    try {
      a.initTake = { scripts: a.coverage.take(), end: seconds() };
    } finally {
      if (V8_MAJOR > 11) releaseYoungGeneration();
    }
  } else if (agent.execution.status === 'closed') {
    // Closed: nothing is collected, unless this invocation's check may find an execution open:
    // then it is collected tentatively, from a take that ends what ran before it (given to the
    // invocations open now, if any), so that it is not lost. Coverage stays on meanwhile: stopping
    // and restarting it loses V8's block counts of functions already compiled.
    if (!checkDue(agent)) return;
    const a = agent;
    try {
      withYoungGenerationHeld(() => addWindow(a));
    } catch (error) {
      turnOff(error);
      return;
    }
  }
  const key = agent.nextKey;
  agent.nextKey = (agent.nextKey + 1) >>> 0;
  agent.invocations.set(context, { key, start: seconds(), testName: testNameOf(event) });
  agent.hits.openInvocation(key);
}

/**
 * Sends before the response (inline delivery). With post-response delivery it returns at once and the work
 * happens in afterResponse.
 */
export function afterInvoke(outcome, context) {
  // Nothing collected and no check due (no test execution open): return at once, not a promise.
  if (!agent || agent.postResponse || (!agent.invocations.has(context) && !agent.initTake && !checkDue(agent))) {
    return undefined;
  }
  const a = agent;
  return collectSafely(context, deadlineOf(context, Math.min(a.settings.httpTimeoutMs, a.settings.flushBudgetMs - FLUSH_RESERVE_MS)));
}

/**
 * The time by which the agent's work for the invocation of `context` must be over: `budgetMs` from now, and
 * never later than the invocation's own deadline less DEADLINE_MARGIN_MS (what it left is all there is: the
 * runtime's timeout counts the agent's time too).
 */
function deadlineOf(context, budgetMs) {
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : NaN;
  const left = Number.isFinite(remaining) ? remaining - DEADLINE_MARGIN_MS : Infinity;
  return Date.now() + Math.max(0, Math.min(budgetMs, left));
}

/**
 * Post-response delivery: the response has gone to the runtime; take, convert and send from the event loop's
 * next turn (an unref'd immediate, so a runtime waiting for an empty event loop answers first), within the
 * budgets and the invocation's remaining time less a margin, then tell Lambda the agent is done (`next`),
 * whatever happened. A timer at that deadline calls `next` if the work is still running.
 */
export function afterResponse(outcome, context) {
  const ext = extension;
  if (!ext) return;
  const a = agent;
  const deadline = deadlineOf(context, a ? Math.min(a.settings.httpTimeoutMs, a.settings.flushBudgetMs) : 0);
  const done = () => {
    clearTimeout(guard);
    ext.next();
  };
  const guard = setTimeout(done, Math.max(0, deadline - Date.now()));
  guard.unref();
  const work = () =>
    setTimeout(() => {
      if (!agent) {
        done();
        return;
      }
      // The take and its conversion always run (a few milliseconds, inside the margin): an invocation's hit is
      // never skipped; only the backend calls are bounded by the deadline.
      collectSafely(context, deadline).then(done, (error) => {
        log('warn', `afterResponse failed: ${describe(error)}`);
        done();
      });
    }, RESPONSE_WRITE_MS).unref();
  // 3.x answers a callback only once the event loop is empty: start after that, so that the work neither
  // delays the response nor misses what the handler's own timers ran.
  // (A handler that returned nothing completes from the runtime's own beforeExit: the loop is already empty.)
  const waitsForEmptyLoop = outcome.style === 'callback' && context && context.callbackWaitsForEmptyEventLoop !== false;
  if (waitsForEmptyLoop) process.once('beforeExit', work);
  else work();
}

/** Chooses when footprints are sent: after the response (an internal extension) where Lambda allows it. */
async function chooseDelivery(settings) {
  if (settings.delivery === 'inline') return 'inline (SL_DELIVERY=inline)';
  if ('AWS_LAMBDA_MAX_CONCURRENCY' in process.env) return 'inline (invocations overlap: AWS_LAMBDA_MAX_CONCURRENCY)';
  try {
    extension = await registerExtension(process.env.AWS_LAMBDA_RUNTIME_API);
  } catch (error) {
    return `inline (the Extensions API refused the agent: ${describe(error)})`;
  }
  extension.next(); // init is over for the extension: Lambda may deliver the first event
  return 'after-response';
}

async function collectSafely(context, deadline) {
  // The agent's own allocations (the take's objects, the body, the send) must not grow the young generation.
  holdYoungGeneration();
  try {
    await collectAndSend(agent, context, deadline);
    await collectOldSpace(agent);
  } catch (error) {
    // A converter that cannot load, or a trap in the wasm module (which leaves it unusable): stop for the rest
    // of the process.
    if (turnOff(error)) return;
    throw error;
  } finally {
    releaseYoungGeneration();
  }
}

/** The old-space bound where it applies (see lib/agent/old-space.mjs), else null; says which at debug level. */
function oldSpaceBound(settings, delivery, coverage) {
  let leftToV8 = '';
  if (!settings.boundOldSpace) leftToV8 = 'SL_BOUND_OLD_SPACE=false';
  // After the response only: the collection it may run must not delay one.
  else if (delivery !== 'after-response') leftToV8 = 'inline delivery';
  log('debug', leftToV8 ? `old space: left to V8 (${leftToV8})` : `old space: the agent's garbage there is collected after the response (memory-reducing collection, V8 ${V8_MAJOR})`);
  return leftToV8 ? null : createOldSpaceBound({ collect: coverage.collectGarbage });
}

/**
 * Collects the old space when the agent's garbage there is due (see lib/agent/old-space.mjs), at the end of
 * the agent's work of an invocation (the young generation still held). A failure turns it off, not the agent.
 */
async function collectOldSpace(a) {
  if (!a || !a.oldSpace) return;
  try {
    const start = process.hrtime.bigint(); // not performance.now(): the global loads node:perf_hooks (0.6 MB)
    const done = await a.oldSpace.collectIfDue();
    if (!done) return;
    const ms = (Number(process.hrtime.bigint() - start) / 1e6).toFixed(1);
    log('debug', `old space collected after ${done.takes} takes: ${megabytes(done.before)} -> ${megabytes(done.after)} MB in ${ms} ms`);
  } catch (error) {
    a.oldSpace = null;
    log('warn', `old-space collections are off: ${describe(error)}`);
  }
}

const megabytes = (bytes) => (bytes / 1048576).toFixed(2);

/** Switches the agent off for the rest of the process when `error` is the converter's; says whether it was. */
function turnOff(error) {
  const a = agent;
  if (!a) return true;
  const cannotLoad = !a.converter.loaded;
  if (!cannotLoad && !(error instanceof WebAssembly.RuntimeError) && !/recursive use of an object/.test(String(error && error.message))) return false;
  agent = null;
  a.coverage.stop();
  log('error', cannotLoad ? `coverage is off: the converter could not be loaded (${describe(error)})` : `coverage is off for this process: the converter failed (${describe(error)})`);
  return true;
}

/**
 * Ends the invocation of `context`: one take closes the window (every invocation open during it gets
 * what ran, see the concurrency rule in docs/layer.md, "What the layer does") and the invocation's windows become its pending hit; then
 * one flush at a time asks about the execution and sends.
 */
async function collectAndSend(a, context, deadline) {
  const invocation = a.invocations.get(context);
  a.invocations.delete(context);
  if (a.initTake) {
    keep(a, a.initTake.scripts, { start: a.loadStart, end: a.initTake.end, isInitFootprints: true });
    a.initTake = undefined;
  }
  if (invocation) {
    addWindow(a);
    const executionId = a.execution.status === 'open' ? a.execution.id : '';
    const { methods } = a.hits.closeInvocation(invocation.key, { executionId, testName: invocation.testName, start: invocation.start, end: seconds() });
    checkScope(a, methods);
    noteDropped(a);
  }
  await flush(a, deadline);
}

/**
 * One flush at a time: overlapping invocations must not send the same pending hits twice, nor discard
 * tentative hits while a body holding them is on its way. A caller arriving during a flush waits for it
 * and has it run once more for what it added (the send loop also picks up hits added meanwhile).
 */
function flush(a, deadline) {
  if (a.flushing) {
    a.flushAgain = true;
    return a.flushing;
  }
  a.flushing = (async () => {
    try {
      await applyColdStart(a, deadline);
      do {
        a.flushAgain = false;
        if (a.muted) return;
        await checkExecution(a, deadline);
        if (a.execution.status === 'open' || a.execution.status === 'closing') {
          if (a.hits.pendingCount > 0) queueEventOnce(a, EVENTS.FIRST_FOOTPRINTS);
          // The events first, then the footprints: one order on the one connection, whatever gzip takes.
          await postEvents(a, deadline);
          await send(a, deadline);
          if (a.execution.status === 'closing') endCollection(a);
        } else {
          await postEvents(a, deadline);
        }
      } while (a.flushAgain && Date.now() < deadline);
    } finally {
      a.flushing = null;
    }
  })();
  return a.flushing;
}

/** Takes what ran since the last take and gives it to the open invocations (dropped when none is). */
function addWindow(a) {
  const { errors } = a.hits.addWindow(a.coverage.take());
  if (a.oldSpace) a.oldSpace.noteTake();
  for (const error of errors) log('warn', error.message);
}

/** Converts one take and keeps what ran as a pending hit. */
function keep(a, scripts, info) {
  const { errors, methods } = a.hits.addHit(scripts, info);
  for (const error of errors) log('warn', error.message);
  checkScope(a, methods);
  noteDropped(a);
}

/**
 * Once SCOPE_HITS hits were collected (the init hit and the first invocations), warns when none held a method:
 * no script under the project root ran, so SL_PROJECT_ROOT (or SL_EXCLUDE) leaves out the function's code.
 */
function checkScope(a, methods) {
  const scope = a.scope;
  if (scope.hits >= SCOPE_HITS) return;
  scope.hits++;
  scope.methods += Number(methods) || 0;
  if (scope.hits === SCOPE_HITS && scope.methods === 0) {
    const s = a.settings;
    const root = path.resolve(s.taskRoot, s.projectRoot);
    log('warn', `no script under the project root ${root} ran in the module load and the first ${SCOPE_HITS - 1} invocations: check SL_PROJECT_ROOT${s.exclude.length ? ' and SL_EXCLUDE' : ''}`);
  }
}

function noteDropped(a) {
  a.health.dropped(a.hits.droppedCount);
}

/**
 * The level of a line about a failed call to `endpoint`: debug while the endpoint is unreachable (the health
 * tracker said so once, and says when it answers again), warn for an answer that refuses.
 */
function quietUnless(a, endpoint) {
  return a.health.reachable(endpoint) ? 'warn' : 'debug';
}

function checkDue(a) {
  const checkedAt = a.execution.checkedAt;
  return !checkedAt || Date.now() - checkedAt >= a.settings.checkIntervalMs;
}

/**
 * Asks whether a test execution is open, at most once per interval. `pendingDelete` (the execution is being
 * closed): what is held for it is sent by this flush, then nothing is collected. With a collector that cannot
 * tell (error, unreachable, 404), footprints are sent in the collector's mapping (no execution id: the
 * collector resolves it), as the vendor's agent does in collector mode.
 */
async function checkExecution(a, deadline) {
  const known = a.execution;
  if (!checkDue(a)) return;
  if (deadline - Date.now() <= 0) return; // no time to ask: still due at the next invocation
  const answer = await a.backend.getExecution(a.settings.labId, deadline);
  known.checkedAt = Date.now();
  if (answer.status === 'unknown' && a.settings.collectorUrl) {
    if (!a.collectorMapping) log('info', `the collector cannot tell the test execution (${answer.error}): footprints are sent for the collector to map`);
    a.collectorMapping = true;
    known.status = 'open';
    known.id = '';
    return;
  }
  if (answer.status === 'unknown') {
    log(quietUnless(a, 'the test execution check'), `cannot tell whether a test execution is open for lab ${a.settings.labId}: ${answer.error}`);
    return;
  }
  a.collectorMapping = false;
  if (answer.status === 'open') {
    if (known.id !== answer.execution.executionId) log('info', `test execution ${answer.execution.executionId} is open: collecting footprints`);
    known.status = 'open';
    known.id = answer.execution.executionId;
    a.executions.set(known.id, answer.execution);
    a.hits.assignExecution(known.id);
    a.everOpen = true;
    queueEventOnce(a, EVENTS.FIRST_EXECUTION);
    return;
  }
  if (answer.status === 'closing') {
    a.hits.discardTentative();
    if (known.status !== 'closed') log('info', `test execution ${answer.execution.executionId} is closing (pendingDelete): sending what is held, then not collecting`);
    a.executions.set(answer.execution.executionId, answer.execution);
    // What is held has its execution (the init hit only once one was seen open: else it waits for the next).
    known.status = a.everOpen ? 'closing' : 'closed';
    known.id = a.everOpen ? answer.execution.executionId : '';
    return;
  }
  endCollection(a);
}

/** No test execution open: nothing is collected (SL_ALWAYS_REPORT: the anonymous execution is). */
function endCollection(a) {
  const known = a.execution;
  if (a.settings.alwaysReport) {
    known.status = 'open';
    known.id = ANONYMOUS_EXECUTION;
    a.hits.assignExecution(known.id);
    return;
  }
  if (known.status !== 'closed') log('info', 'no test execution is open: footprints are not collected');
  known.status = 'closed';
  known.id = '';
  a.hits.discardTentative();
}

/** Sends the pending hits, a body per test execution, while time remains; failures keep them for later. */
async function send(a, deadline) {
  const s = a.settings;
  const meta = {
    agentId: a.agentId,
    labId: s.labId,
    buildSessionId: s.buildSessionId,
    appName: s.appName,
    buildName: s.buildName,
    branchName: s.branchName,
    agentVersion: AGENT_VERSION,
    agentType: AGENT_TYPE,
    intervalSeconds: Math.round(s.checkIntervalMs / 1000),
    methodLines: a.methodLines,
  };
  const mapped = { ...meta, footprintsMapping: 'agent' };
  while (a.hits.pendingCount > 0 && Date.now() < deadline) {
    let next = a.hits.nextBody(a.collectorMapping ? mapped : meta, a.execution.id, MAX_HITS_PER_BODY);
    if (next === undefined) return;
    // Only hits without an execution go in the collector's mapping; hits held for a known one keep its id.
    if (a.collectorMapping && next.executionId) next = a.hits.nextBody(meta, a.execution.id, MAX_HITS_PER_BODY);
    const execution = a.executions.get(next.executionId) || {};
    const ids = {
      buildSessionId: s.buildSessionId,
      executionBuildSessionId: execution.buildSessionId || s.buildSessionId,
      testStage: execution.testStage || s.testStage || 'Lambda',
      labId: s.labId,
      executionId: next.executionId,
      agentId: a.agentId,
      metadata: {
        labId: s.labId,
        appName: s.appName,
        branchName: s.branchName,
        buildName: s.buildName,
        agentId: a.agentId,
        buildSessionId: s.buildSessionId,
        agentType: AGENT_TYPE,
        agentTechnology: 'nodejs',
        agentVersion: AGENT_VERSION,
        executionId: next.executionId || undefined,
      },
    };
    const result = await a.backend.sendFootprints(next.body, ids, deadline);
    if (!result.ok && result.retryable) {
      log('debug', `footprints not sent (${result.error}); ${a.hits.pendingCount} hits kept for the next send`);
      return;
    }
    a.hits.confirmSent(next.hits);
    if (!result.ok) {
      a.health.refused(result.status, next.hits);
    } else {
      a.health.caughtUp();
      log('debug', `sent ${next.hits} hits of execution ${next.executionId}`);
    }
  }
}
