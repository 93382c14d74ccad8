/**
 * The coverage agent, called by the wrapper around the user's handler (lib/hooks.mjs guards every call:
 * nothing here can reach the function, and afterInvoke runs within SL_FLUSH_BUDGET_MS).
 *
 * - beforeLoad: reads the settings, starts precise coverage before the user's module loads, loads the
 *   converter (the wasm package). Bad settings: one log line, and the function runs without coverage.
 * - beforeInvoke: the first invocation takes what ran while the module loaded (the init footprints); after a
 *   pause (no test execution open) it resets the counters, so an invocation reports only what ran during it.
 * - afterInvoke: takes what ran during the invocation and keeps it as a pending hit (converted in Rust), asks
 *   the backend whether a test execution is open (at most once per SL_EXECUTION_CHECK_INTERVAL_S), and sends
 *   the pending hits while one is. A failed send keeps them for the next one.
 *
 * Until the first answer about the execution, hits are kept tentatively; they are dropped if none is open.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createBackend } from './lib/agent/backend.mjs';
import { startCoverage } from './lib/agent/coverage-session.mjs';
import { readSettings } from './lib/agent/settings.mjs';
import { testNameOf } from './lib/agent/test-name.mjs';
import { describe, log, setLogLevel } from './lib/log.mjs';

const AGENT_VERSION = '0.1.0';
const MAX_HITS_PER_BODY = 200;
const seconds = () => Math.floor(Date.now() / 1000);

let agent = null;

export function beforeLoad() {
  const settings = readSettings(process.env);
  setLogLevel(settings.logLevel);
  if (settings.problems.length > 0) {
    log('error', `coverage is off: ${settings.problems.join('; ')}`);
    return;
  }
  const coverage = startCoverage();
  let converter;
  try {
    const { Converter } = createRequire(import.meta.url)('../pkg/index.cjs');
    converter = new Converter({
      projectRoot: settings.projectRoot,
      cwd: settings.taskRoot,
      scriptRoot: settings.taskRoot,
      exclude: settings.exclude,
      pendingHits: settings.pendingHits,
    });
  } catch (error) {
    coverage.stop();
    log('error', `coverage is off: the converter could not be loaded (${describe(error)})`);
    return;
  }
  agent = {
    settings,
    coverage,
    converter,
    backend: createBackend(settings),
    agentId: randomUUID(),
    loadStart: seconds(),
    initTake: undefined,
    initDone: false,
    resetBeforeNext: false,
    execution: { status: settings.alwaysReport ? 'open' : 'unknown', id: '', details: null, checkedAt: 0 },
    invocations: new Map(),
    dropped: 0,
  };
  log('debug', `coverage started for project root ${settings.projectRoot}`);
}

export function beforeInvoke(event, context) {
  if (!agent) return;
  if (!agent.initDone) {
    agent.initDone = true;
    agent.initTake = { scripts: agent.coverage.take(), end: seconds() };
  } else if (agent.execution.status === 'closed') {
    return;
  } else if (agent.resetBeforeNext) {
    agent.coverage.take();
  }
  agent.resetBeforeNext = false;
  agent.invocations.set(context && context.awsRequestId, { start: seconds(), testName: testNameOf(event) });
}

export async function afterInvoke(outcome, context) {
  if (!agent) return;
  const a = agent;
  const deadline = Date.now() + Math.max(0, Math.min(a.settings.httpTimeoutMs, a.settings.flushBudgetMs - 100));
  const invocation = a.invocations.get(context && context.awsRequestId);
  a.invocations.delete(context && context.awsRequestId);
  if (a.initTake) {
    keep(a, a.initTake.scripts, { start: a.loadStart, end: a.initTake.end, isInitFootprints: true });
    a.initTake = undefined;
  }
  if (invocation) {
    const executionId = a.execution.status === 'open' ? a.execution.id : '';
    keep(a, a.coverage.take(), { executionId, testName: invocation.testName, start: invocation.start, end: seconds() });
  }
  await checkExecution(a, deadline);
  if (a.execution.status === 'open') await send(a, deadline);
}

/** Converts one take and keeps what ran as a pending hit. */
function keep(a, scripts, info) {
  const { errors } = a.converter.addHit(scripts, info);
  for (const error of errors) log('warn', error.message);
  const dropped = a.converter.droppedCount;
  if (dropped > a.dropped) {
    log('warn', `${dropped - a.dropped} hits were dropped: more than SL_PENDING_HITS=${a.settings.pendingHits} waited to be sent`);
    a.dropped = dropped;
  }
}

/** Asks whether a test execution is open, at most once per interval. */
async function checkExecution(a, deadline) {
  const known = a.execution;
  if (known.checkedAt && Date.now() - known.checkedAt < a.settings.checkIntervalMs) return;
  const answer = await a.backend.getExecution(a.settings.labId, deadline);
  known.checkedAt = Date.now();
  if (answer.status === 'unknown') {
    log('warn', `cannot tell whether a test execution is open for lab ${a.settings.labId}: ${answer.error}`);
    return;
  }
  if (answer.status === 'open') {
    const wasClosed = known.status === 'closed';
    known.status = 'open';
    known.id = answer.execution.executionId;
    known.details = answer.execution;
    a.converter.assignExecution(known.id);
    if (wasClosed) a.resetBeforeNext = true;
    log('info', `test execution ${known.id} is open: collecting footprints`);
    return;
  }
  if (a.settings.alwaysReport) {
    known.status = 'open';
    return;
  }
  if (known.status !== 'closed') log('info', 'no test execution is open: footprints are not collected');
  known.status = 'closed';
  a.converter.discardTentative();
}

/** Sends the pending hits, a body at a time, while time remains; failures keep them for later. */
async function send(a, deadline) {
  const s = a.settings;
  const details = a.execution.details || {};
  const meta = {
    agentId: a.agentId,
    labId: s.labId,
    buildSessionId: s.buildSessionId,
    appName: s.appName,
    buildName: s.buildName,
    branchName: s.branchName,
    agentVersion: AGENT_VERSION,
    agentType: 'nodejs-lambda',
    intervalSeconds: Math.round(s.checkIntervalMs / 1000),
  };
  const ids = {
    buildSessionId: s.buildSessionId,
    executionBuildSessionId: details.buildSessionId || s.buildSessionId,
    testStage: details.testStage || s.testStage || 'Lambda',
    labId: s.labId,
    executionId: a.execution.id,
    agentId: a.agentId,
    metadata: {
      labId: s.labId,
      appName: s.appName,
      branchName: s.branchName,
      buildName: s.buildName,
      agentId: a.agentId,
      buildSessionId: s.buildSessionId,
      agentType: 'nodejs-lambda',
      agentTechnology: 'nodejs',
      agentVersion: AGENT_VERSION,
      executionId: a.execution.id,
    },
  };
  while (a.converter.pendingCount > 0 && Date.now() < deadline) {
    const count = Math.min(a.converter.pendingCount, MAX_HITS_PER_BODY);
    const body = a.converter.pendingBody(meta, a.execution.id, count);
    if (body === undefined) return;
    const result = await a.backend.sendFootprints(body, ids, deadline);
    if (!result.ok) {
      log('warn', `footprints not sent (${result.error}); ${a.converter.pendingCount} hits kept for the next send`);
      return;
    }
    a.converter.confirmSent(count);
    log('debug', `sent ${count} hits`);
  }
}
