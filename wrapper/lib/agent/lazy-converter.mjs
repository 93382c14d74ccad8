/**
 * The converter and the pending hits (the wasm package's agent entry), loaded on first use instead of during
 * init: compiling and instantiating the module and the first calls into it cost 20-40 ms, which a cold
 * start's first response need not wait for. Until then, `openInvocation` calls are kept in order and replayed
 * when the module loads, so the windows of the invocations come out as if it had been loaded from the start
 * (nothing else can reach the pending hits in between: every other call loads them).
 *
 * `load()` throws (once, and on every later call) when the package cannot be loaded; the agent then turns
 * itself off.
 */
import { createRequire } from 'node:module';

/**
 * Loads `packageFile` (the package's agent entry) on first use: a `Converter` with `options` and the
 * `PendingHits` over it with `hitsOptions`. `hits` has the interface of the package's `PendingHits`.
 */
export function lazyConverter(packageFile, options, hitsOptions) {
  let inner = null;
  let failure = null;
  const opened = [];

  function load() {
    if (inner) return inner;
    if (failure) throw failure;
    try {
      const { Converter, PendingHits } = createRequire(import.meta.url)(packageFile);
      const converter = new Converter(options);
      try {
        inner = new PendingHits(converter, hitsOptions);
      } catch (error) {
        converter.free();
        throw error;
      }
    } catch (error) {
      failure = error;
      throw error;
    }
    for (const key of opened.splice(0)) inner.openInvocation(key);
    return inner;
  }

  return {
    load,
    get loaded() {
      return inner !== null;
    },
    hits: {
      openInvocation(key) {
        if (inner) return inner.openInvocation(key);
        opened.push(key);
        return false;
      },
      addWindow: (...args) => load().addWindow(...args),
      closeInvocation: (...args) => load().closeInvocation(...args),
      addHit: (...args) => load().addHit(...args),
      nextBody: (...args) => load().nextBody(...args),
      confirmSent: (...args) => load().confirmSent(...args),
      discardTentative: (...args) => load().discardTentative(...args),
      assignExecution: (...args) => load().assignExecution(...args),
      get pendingCount() {
        return inner ? inner.pendingCount : 0;
      },
      get droppedCount() {
        return inner ? inner.droppedCount : 0;
      },
    },
  };
}
