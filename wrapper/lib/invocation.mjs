/**
 * The wrapper of the original handler: calls it with the same arguments and `this`, notices how the
 * invocation completes, runs `afterInvoke` first, then lets the completion through to the runtime in the
 * order the handler produced it, so the runtime decides exactly what it would have decided, and last tells
 * `afterResponse` (whose work the response does not wait for).
 *
 * Completion styles and what is held back until the flush is over:
 * - a returned promise: the wrapper returns its own promise, settled the same way after the flush;
 * - `callback(err, result)` (3.x): the runtime's callback is called after the flush;
 * - `context.succeed/fail/done` (3.x): the runtime's methods are called after the flush;
 * - a synchronous throw: 3.x gets `callback(err)` like its own `catch` would do; 4.x a rejected promise;
 * - a synchronous return without callback: 3.x responds when the event loop empties (its `beforeExit`
 *   listener, reached through `Symbol.for('aws.lambda.beforeExit')`, is held until the flush is over);
 *   4.x responds with the value, which the wrapper returns as a promise after the flush;
 * - streaming: the stream is the user's, so a body the handler ended is sent at once; the handler's promise
 *   is held until the flush is over, so error trailers are written, and the runtime goes back to
 *   `/invocation/next` (where Lambda freezes the sandbox), only after it.
 *
 * An error completing the invocation loses the wrapper's frames from its stack (withoutOurFrames), so the
 * caller's trace is the runtime's own.
 */
import { copyShape, isStreaming, isThenable, shapedLike } from './shape.mjs';

const BEFORE_EXIT = Symbol.for('aws.lambda.beforeExit');
/** The wrapper's files that sit on the stack between the runtime and the handler (this one and shape.mjs). */
const OUR_FILES = [import.meta.url, new URL('./shape.mjs', import.meta.url).href];

/**
 * Removes the stack frames of the wrapper's own files from the `stack` of an error that completes an invocation
 * (the runtime turns it into the trace the caller gets), so that the trace is the one without the layer. Errors
 * built before the handler ran, values that are not errors and stacks that cannot be written stay as they are.
 * Returns `error`.
 */
export function withoutOurFrames(error) {
  try {
    if (!(error instanceof Error) || typeof error.stack !== 'string') return error;
    const lines = error.stack.split('\n');
    const kept = lines.filter((line) => !(/^\s+at /.test(line) && OUR_FILES.some((file) => line.includes(`${file}:`))));
    if (kept.length !== lines.length) error.stack = kept.join('\n');
  } catch {
    // A frozen error or a throwing stack getter: the trace keeps our frames.
  }
  return error;
}

/** Completions of one invocation: the first starts the flush, all are let through after it, in order. */
class Completions {
  constructor(hooks, context) {
    this.hooks = hooks;
    this.context = context;
    this.state = 'running';
    this.queue = [];
    this.forwardFailed = (error) =>
      process.nextTick(() => {
        throw error;
      });
  }

  complete(outcome, forward) {
    if (this.state === 'released') return forward();
    this.queue.push(forward);
    if (this.state === 'running') {
      this.state = 'flushing';
      this.hooks.afterInvoke(outcome, this.context).then(() => {
        this.state = 'released';
        for (const next of this.queue.splice(0)) {
          try {
            next();
          } catch (error) {
            // The runtime threw while taking the completion (a response it cannot serialize): without the
            // layer that throw went up through the handler into the runtime's own `catch`.
            this.forwardFailed(error);
          }
        }
        this.hooks.afterResponse(outcome, this.context);
      });
    }
    return undefined;
  }

  /** 3.x: hold the runtime's "event loop is empty" completion (response null) until the flush is over. */
  holdLoopEmpty() {
    const listener = globalThis[BEFORE_EXIT];
    if (typeof listener !== 'function') return;
    const held = () => {
      if (globalThis[BEFORE_EXIT] === held) globalThis[BEFORE_EXIT] = listener;
      // Let it through only if no completion let through before it replaced the runtime's listener.
      this.complete({ status: 'success', style: 'event-loop' }, () => {
        if (globalThis[BEFORE_EXIT] === listener) listener();
      });
    };
    globalThis[BEFORE_EXIT] = held;
  }

  /** Settles like `thenable`, once the flush is over (async/await keeps V8's async stack traces whole). */
  async follow(thenable, style) {
    let value;
    let error;
    let failed = false;
    try {
      value = await thenable;
    } catch (e) {
      failed = true;
      error = e;
    }
    await new Promise((release) => this.complete({ status: failed ? 'error' : 'success', style }, release));
    if (failed) throw withoutOurFrames(error);
    return value;
  }
}

const isError = (err) => err !== undefined && err !== null;

function wrapCallback(callback, completions, style) {
  return copyShape(callback, /** @this {unknown} */ function (err, result) {
    withoutOurFrames(err);
    completions.complete({ status: isError(err) ? 'error' : 'success', style }, () => callback.apply(this, arguments));
  });
}

function wrapContext(context, completions) {
  if (!context || typeof context !== 'object') return;
  for (const method of ['succeed', 'fail', 'done']) {
    const original = context[method];
    if (typeof original !== 'function') continue;
    const status = (args) =>
      method === 'fail' || (method === 'done' && isError(args[0])) ? 'error' : 'success';
    context[method] = copyShape(original, /** @this {unknown} */ function (...args) {
      withoutOurFrames(args[0]);
      completions.complete({ status: status(args), style: 'context' }, () => original.apply(this, args));
    });
  }
}

function invokeBuffered(original, hooks, thisArg, args) {
  const [event, context, callback] = args;
  const completions = new Completions(hooks, context);
  hooks.beforeInvoke(event, context);
  const hasCallback = typeof callback === 'function';
  if (hasCallback) {
    // 3.x: what its `catch` around the handler call does with a throw.
    completions.forwardFailed = (error) => callback(error);
    args[2] = wrapCallback(callback, completions, 'callback');
    completions.holdLoopEmpty();
  }
  wrapContext(context, completions);

  let result;
  try {
    result = original.apply(thisArg, args);
  } catch (error) {
    if (hasCallback) {
      completions.complete({ status: 'error', style: 'throw' }, () => callback(withoutOurFrames(error)));
      return undefined;
    }
    return completions.follow(Promise.reject(error), 'throw');
  }
  if (isThenable(result)) return completions.follow(result, 'promise');
  if (hasCallback) return result;
  return completions.follow(Promise.resolve(result), 'return');
}

function invokeStreaming(original, hooks, thisArg, args) {
  const completions = new Completions(hooks, args[2]);
  hooks.beforeInvoke(args[0], args[2]);
  let result;
  try {
    result = original.apply(thisArg, args);
  } catch (error) {
    return completions.follow(Promise.reject(error), 'stream');
  }
  if (isThenable(result)) return completions.follow(result, 'stream');
  // The runtime fails a non-promise result at once: nothing to hold, report it without waiting.
  completions.complete({ status: 'error', style: 'stream' }, () => {});
  return result;
}

/** The wrapper of `original`, with its shape, running `hooks` (guarded, see hooks.mjs) around each call. */
export function wrapHandler(original, hooks) {
  const invoke = isStreaming(original) ? invokeStreaming : invokeBuffered;
  return shapedLike(original, invoke, hooks);
}
