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
    ? /** @this {unknown} */ async function (...args) {
        nameAsTheRuntimeDoes(this, wrapper, original);
        return await invoke(original, extra, this, args);
      }
    : /** @this {unknown} */ function (...args) {
        nameAsTheRuntimeDoes(this, wrapper, original);
        return invoke(original, extra, this, args);
      };
  copyShape(original, wrapper);
  return wrapper;
}

const named = new WeakSet();

/**
 * Gives `original` the name V8 shows for it in stack frames without the layer. The runtime calls the handler as
 * a method (`this.handler(...)`), and V8 names the frame after the receiver's property holding the function
 * (`exports.fn [as handler]`, `Runtime.handler` for an anonymous one); that property holds the wrapper now. V8
 * also looks up the receiver's prototypes, where the runtime's class has no such property: the original is
 * put there under the same key, shadowed by the receiver's own (the runtime still reads the wrapper). Once per
 * prototype; nothing is done when the prototype has that key already.
 */
function nameAsTheRuntimeDoes(receiver, wrapper, original) {
  try {
    if (receiver === null || typeof receiver !== 'object') return;
    const proto = Object.getPrototypeOf(receiver);
    if (proto === null || proto === Object.prototype || named.has(proto)) return;
    named.add(proto);
    const key = Object.keys(receiver).find((k) => receiver[k] === wrapper);
    if (key === undefined || Object.prototype.hasOwnProperty.call(proto, key)) return;
    Object.defineProperty(proto, key, { value: original, enumerable: true, writable: true, configurable: true });
  } catch {
    // A receiver that cannot be inspected: the frame keeps the name V8 gives it.
  }
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
