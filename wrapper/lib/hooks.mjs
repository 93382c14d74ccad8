/**
 * Loads the agent (the coverage hooks) and calls its hooks so that nothing they do reaches the function:
 *
 * - `beforeLoad()`: once, before the user's module loads; awaited within the flush budget.
 * - `beforeInvoke(event, context)`: before each invocation, synchronously; a returned promise is not awaited.
 * - `afterResponse(outcome, context)`: once the completion was let through to the runtime; not awaited, and
 *   what it starts is its own (nothing is unref'd for it): the agent defers its work past the response.
 * - `afterInvoke(outcome, context)`: after each invocation completes; awaited within the flush budget
 *   (`SL_FLUSH_BUDGET_MS`) and the invocation's remaining time less a margin, and the response waits for it.
 *
 * A throw or rejection is logged as one line (`[v8-footprints] ...`) and swallowed. While an awaited hook
 * runs, exactly one timer of ours is live (the budget), which keeps a callback-style invocation waiting
 * like the runtime would; when the hook settles or the budget runs out that timer is cleared and every timer
 * and socket the hook created (tracked through an async hook) is unref'd, so none of them delays a response
 * that waits for an empty event loop. Handles a hook creates after its budget ran out are not tracked.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';
import { describe, logOnce } from './log.mjs';

const HOOK_NAMES = ['beforeLoad', 'beforeInvoke', 'afterInvoke', 'afterResponse'];

/** Imports the agent module at `file` and returns its hooks; throws when it cannot be imported. */
export async function importAgent(file) {
  const module = await import(pathToFileURL(file).href);
  const source = module.default && typeof module.default === 'object' ? { ...module.default, ...module } : module;
  const hooks = {};
  for (const name of HOOK_NAMES) {
    if (source[name] !== undefined && typeof source[name] !== 'function') {
      throw new TypeError(`${name} exported by ${file} is not a function`);
    }
    hooks[name] = source[name];
  }
  return hooks;
}

// Every handle created inside a hook call is pushed to the call's list, found through the store.
const calls = new AsyncLocalStorage();
let active = 0;
const tracker = createHook({
  init(asyncId, type, triggerAsyncId, resource) {
    if (type === 'PROMISE') return;
    const list = calls.getStore();
    if (list && !list.closed) list.push(resource);
  },
});

function track() {
  if (active++ === 0) tracker.enable();
  /** @type {unknown[] & { closed?: boolean }} */
  const list = [];
  list.closed = false;
  return list;
}

function release(list) {
  list.closed = true;
  for (const resource of list.splice(0)) {
    try {
      if (resource && typeof resource.unref === 'function') resource.unref();
    } catch {
      // Already closed.
    }
  }
  if (--active === 0) tracker.disable();
}

/**
 * Time left before an invocation's deadline when the guard lets the response go whatever the hook does: the
 * runtime still has to send it in time (the agent keeps a larger margin itself, see agent.mjs).
 */
const DEADLINE_MARGIN_MS = 150;

/** How long an awaited hook may hold the response: its budget, and no later than the invocation's deadline less the margin. */
function limitOf(budgetMs, context) {
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : NaN;
  if (!Number.isFinite(remaining)) return budgetMs;
  return Math.max(0, Math.min(budgetMs, remaining - DEADLINE_MARGIN_MS));
}

/** The guarded hooks: each method never throws and never rejects. */
export function guardHooks(hooks, budgetMs) {
  const failed = (name) => (error) => logOnce(`${name} hook failed: ${describe(error)}`);

  /** @returns {Promise<void>} */
  function bounded(name, args, context) {
    const fn = hooks[name];
    if (typeof fn !== 'function') return Promise.resolve();
    const limitMs = limitOf(budgetMs, context);
    return new Promise((resolve) => {
      const list = track();
      let done = false;
      const finish = (settledAsync = true) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        release(list);
        // Settle from the event loop, not from the tick queue the hook settled in, so that what the
        // completion does next (the runtime's own errors included) sees the stack it would see
        // without the layer. A hook that did nothing asynchronous settles at once.
        if (settledAsync) setImmediate(resolve);
        else resolve();
      };
      // The one live handle of ours while the hook runs; cleared by finish().
      const timer = setTimeout(() => {
        if (limitMs < budgetMs) logOnce(`${name} hook did not finish before the invocation's deadline (less ${DEADLINE_MARGIN_MS} ms)`);
        else logOnce(`${name} hook did not finish within its ${budgetMs} ms budget (SL_FLUSH_BUDGET_MS)`);
        finish();
      }, limitMs);
      let result;
      try {
        result = calls.run(list, () => fn(...args));
      } catch (error) {
        failed(name)(error);
        finish();
        return;
      }
      if (!result || typeof result.then !== 'function') {
        finish(false);
        return;
      }
      Promise.resolve(result).then(() => finish(), (error) => {
        failed(name)(error);
        finish();
      });
    });
  }

  return {
    beforeLoad: () => bounded('beforeLoad', []),
    afterInvoke: (outcome, context) => bounded('afterInvoke', [outcome, context], context),
    afterResponse(outcome, context) {
      const fn = hooks.afterResponse;
      if (typeof fn !== 'function') return;
      try {
        const result = fn(outcome, context);
        if (result && typeof result.then === 'function') result.then(undefined, failed('afterResponse'));
      } catch (error) {
        failed('afterResponse')(error);
      }
    },
    beforeInvoke(event, context) {
      const fn = hooks.beforeInvoke;
      if (typeof fn !== 'function') return;
      const list = track();
      try {
        const result = calls.run(list, () => fn(event, context));
        if (result && typeof result.then === 'function') result.then(undefined, failed('beforeInvoke'));
      } catch (error) {
        failed('beforeInvoke')(error);
      } finally {
        release(list);
      }
    },
  };
}
