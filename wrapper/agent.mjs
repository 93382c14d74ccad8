/**
 * The coverage agent's hooks, called by the wrapper (see lib/hooks.mjs for the guarantees around them).
 * No-ops for now: the coverage work (V8 coverage through an inspector session, conversion by the wasm
 * package in `../pkg/`, POST of footprints) fills them in. A throw at import disables the layer's hooks
 * and the function runs unwrapped.
 */

/** Runs once, before the user's module loads (start precise coverage here). */
export function beforeLoad() {}

/** Runs synchronously before each invocation (reset counters here). */
export function beforeInvoke(_event, _context) {}

/**
 * Runs after each invocation completes; the response waits for it within `SL_FLUSH_BUDGET_MS`.
 * `outcome`: `{status: 'success' | 'error', style: 'promise' | 'return' | 'callback' | 'context' | 'throw' |
 * 'event-loop' | 'stream'}`; `context` is the invocation's context (the same object beforeInvoke got: with
 * AWS_LAMBDA_MAX_CONCURRENCY on nodejs24 invocations can overlap, so match them by `context.awsRequestId`).
 */
export async function afterInvoke(_outcome, _context) {}
