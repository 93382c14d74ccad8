/**
 * The converter (the wasm package), loaded on first use instead of during init: compiling and instantiating
 * the module and the first calls into it cost 20-40 ms, which a cold start's first response need not wait
 * for. Until then, `openInvocation` calls are kept in order and replayed when the module loads, so the
 * windows of the invocations come out as if it had been loaded from the start (nothing else can reach the
 * converter in between: every other call loads it).
 *
 * `load()` throws (once, and on every later call) when the package cannot be loaded; the agent then turns
 * itself off.
 */
import { createRequire } from 'node:module';

/** A converter with the package's `Converter` interface that loads `packageFile` with `options` on first use. */
export function lazyConverter(packageFile, options) {
  let inner = null;
  let failure = null;
  const opened = [];

  function load() {
    if (inner) return inner;
    if (failure) throw failure;
    try {
      const { Converter } = createRequire(import.meta.url)(packageFile);
      inner = new Converter(options);
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
  };
}
