/**
 * V8 precise coverage of this process through an in-process inspector session. Each take returns what
 * ran since the previous one (callCount mode resets the counters) and is synchronous: the session answers
 * before `post` returns. Measured faster than `NODE_V8_COVERAGE` with `v8.takeCoverage()`, which writes the
 * whole isolate's coverage to a file that must then be read and parsed (the benchmark's "Taking coverage" table,
 * bench/RESULTS.md; docs/performance.md).
 *
 * Exact counts: code that V8's optimizing compilers (Maglev, TurboFan) compiled no longer counts its calls,
 * so a hot function vanishes from every later take (measured from the 5th to the 3,000th invocation,
 * depending on the Node version and the code). With `exact`, those compilers are switched off before the
 * user's code loads; the interpreter and the baseline compiler (Sparkplug) keep counting. Set at run time,
 * the flags work on Node 18 to 24 in both of the layer's modes (`--max-opt=1` set at run time does not on
 * Node 24, so it is not used). Flags a Node version does not know are ignored.
 */
import inspector from 'node:inspector';
import v8 from 'node:v8';

/** The V8 flags that keep every function in a tier that counts its calls. */
export const EXACT_FLAGS = ['--no-opt', '--no-maglev'];

/** Starts precise coverage (call before the user's module loads); returns `{take, collectGarbage, stop}`. */
export function startCoverage({ exact = true } = {}) {
  if (exact) for (const flag of EXACT_FLAGS) v8.setFlagsFromString(flag);
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => {
    let failure = null;
    /** @type {any} */
    let answer = null;
    session.post(method, params, (error, result) => {
      failure = error;
      answer = result;
    });
    if (failure) throw failure;
    return answer;
  };
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  return {
    /** The script coverages of what ran since the last take (or the start). */
    take: () => post('Profiler.takePreciseCoverage').result,
    /**
     * V8's memory-reducing collection, asked for on the same session with the protocol's
     * `HeapProfiler.collectGarbage` (DevTools' "Collect garbage"): it frees, compacts the old space and shrinks
     * the young generation to its smallest (tests/platforms/old-space.test.mjs checks each on Node 18 to 24),
     * with no flag, no `gc` function and no code generated from strings. V8 runs it as a task of the event
     * loop, not within the call: the promise resolves once it ran.
     * @returns {Promise<void>}
     */
    collectGarbage: () =>
      new Promise((resolve, reject) => {
        session.post('HeapProfiler.collectGarbage', (error) => (error ? reject(error) : resolve()));
      }),
    stop() {
      try {
        post('Profiler.stopPreciseCoverage');
        session.disconnect();
      } catch {
        // Already stopped.
      }
    },
  };
}
