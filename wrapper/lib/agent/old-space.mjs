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
 *
 * On V8 11 and older only (Node 18 and 20): Node 24's V8 collects that garbage itself (its old space is the
 * same size with and without the bound), and with the bound the seed's example ended 6 MB larger in four runs
 * of five (2 MB more already at 100 invocations, before any collection; its young generation at 8 MB instead
 * of 2 where a heap probe read it); Node 22 gained 1.1 MB in the one run measured, too little to go on.
 */
import { createRequire } from 'node:module';
import { V8_MAJOR } from '../memory-flags.mjs';

/** @type {typeof import('node:v8')} */
const v8 = createRequire(import.meta.url)('node:v8');

export const MIN_TAKES = 200;
/** The first V8 major version the bound is not used on (Node 22's). */
export const LEFT_TO_V8_FROM = 12;
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

/** Whether the bound is used on a V8 of major version `v8Major` (this process's by default). */
export function boundApplies(v8Major = V8_MAJOR) {
  return v8Major < LEFT_TO_V8_FROM;
}

/** Bytes of live and not yet collected objects in V8's old space. */
export function oldSpaceUsed() {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  return space ? space.space_used_size : 0;
}

/**
 * The bound, from now: `noteTake()` after each take, `collectIfDue()` once the agent's work of an invocation
 * is over (it returns `{before, after, takes}` in bytes when it collected, else null). The collection is
 * compiled when the first one is due (`collect`: given, or null for none), not at cold start.
 * @param {{collect?: (() => void) | null, used?: () => number, minTakes?: number, growth?: number, maxLive?: number}} [options]
 */
export function createOldSpaceBound({
  collect = undefined,
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
      if (takes < minTakes || live > maxLive) return null;
      const before = used();
      if (before < live + growth) return null;
      if (collect === undefined) collect = fullCollection();
      if (!collect) return null;
      collect();
      live = used();
      const done = { before, after: live, takes };
      takes = 0;
      return done;
    },
  };
}
