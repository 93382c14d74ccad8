/**
 * The shape the runtime client reads from a handler, copied from the original to its wrapper: the streaming
 * marker and high-water mark (`awslambda.streamifyResponse`), `length` (4.x refuses callback handlers by it)
 * and whether it is an `AsyncFunction`. With the same shape, the runtime treats the wrapper like the original.
 */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

const AsyncFunction = (async () => {}).constructor;

/** True when `fn` was declared `async` (not merely returning a promise). */
export function isAsyncFunction(fn) {
  return fn instanceof AsyncFunction || Object.prototype.toString.call(fn) === '[object AsyncFunction]';
}

/** True when the runtime would run `fn` as a response-streaming handler. */
export function isStreaming(fn) {
  return fn[HANDLER_STREAMING] === 'response';
}

/** True for what the runtime clients treat as a promise. */
export function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
}

/**
 * A function calling `invoke(original, extra, this, args)`, declared `async` exactly when `original` is, with
 * the original's `name`, `length` and streaming symbols. (One frame of ours on the stack, awaited with
 * `await` so that V8's async stack traces keep the runtime's frames.)
 */
export function shapedLike(original, invoke, extra) {
  const wrapper = isAsyncFunction(original)
    ? async function (...args) {
        return await invoke(original, extra, this, args);
      }
    : function (...args) {
        return invoke(original, extra, this, args);
      };
  copyShape(original, wrapper);
  return wrapper;
}

/** Copies `length`, `name` and the streaming symbols of `from` onto `to`. */
export function copyShape(from, to) {
  for (const key of ['length', 'name']) {
    try {
      Object.defineProperty(to, key, { value: from[key], configurable: true });
    } catch {
      // A strange `length` getter on the original: keep the wrapper's own.
    }
  }
  for (const symbol of [HANDLER_STREAMING, HANDLER_HIGHWATERMARK]) {
    if (from[symbol] !== undefined) to[symbol] = from[symbol];
  }
  return to;
}
