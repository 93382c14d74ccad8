/**
 * Bounds the old-space garbage the agent leaves in the function's heap. Each invocation's take, conversion
 * and send keep objects alive across the young generation's collections (the send's request and promise,
 * the runtime client's invocation context while the take allocates), and V8 promotes them: about 2.5 KB per
 * invocation on Node 20, which V8 leaves in place until its next full collection, thousands of invocations
 * later (3.3 MB of dead objects in a 9 MB old space after 3,000 invocations of the seed's example). After
 * the agent's work of an invocation, once at least `minTakes` takes have run since its last collection and
 * the old space has grown `growth` bytes past what was live after it, the agent runs one full collection:
 * a few milliseconds every few hundred invocations, after the response. A function whose own heap holds
 * more than `maxLive` bytes is left to V8 (a collection costs more there, and the garbage is mostly the
 * function's). Measured with `node bench/memory.mjs`; docs/layer.md, "What it costs".
 */
import { createRequire } from 'node:module';

/** @type {typeof import('node:v8')} */
const v8 = createRequire(import.meta.url)('node:v8');

export const MIN_TAKES = 200;
export const GROWTH_BYTES = 1 << 20;
export const MAX_LIVE_BYTES = 16 << 20;

/**
 * A function that runs one full collection of the isolate (V8's `%CollectGarbage`, compiled with natives
 * syntax on for that moment only, so that no `gc` global or extra context is created), or null where it
 * cannot be compiled (code generation from strings refused): the bound is then off.
 */
export function fullCollection() {
  try {
    v8.setFlagsFromString('--allow-natives-syntax');
    return /** @type {() => void} */ (new Function('%CollectGarbage(null);'));
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-allow-natives-syntax');
  }
}

/** Bytes of live and not yet collected objects in V8's old space. */
export function oldSpaceUsed() {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  return space ? space.space_used_size : 0;
}

/**
 * The bound, from now: `noteTake()` after each take, `collectIfDue()` once the agent's work of an invocation
 * is over (it returns `{before, after, takes}` in bytes when it collected, else null).
 */
export function createOldSpaceBound({
  collect = fullCollection(),
  used = oldSpaceUsed,
  minTakes = MIN_TAKES,
  growth = GROWTH_BYTES,
  maxLive = MAX_LIVE_BYTES,
} = {}) {
  let live = used();
  let takes = 0;
  return {
    noteTake() {
      takes += 1;
    },
    collectIfDue() {
      if (!collect || takes < minTakes || live > maxLive) return null;
      const before = used();
      if (before < live + growth) return null;
      collect();
      live = used();
      const done = { before, after: live, takes };
      takes = 0;
      return done;
    },
  };
}
