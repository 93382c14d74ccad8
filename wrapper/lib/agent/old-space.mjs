/**
 * Bounds the old-space garbage the agent leaves in the function's heap. Each invocation's take, conversion
 * and send keep objects alive across the young generation's collections (the send's request and promise,
 * the runtime client's invocation context while the take allocates), and V8 promotes them: about 2.5 KB per
 * invocation on Node 20, which V8 leaves in place until its next full collection, thousands of invocations
 * later (3.3 MB of dead objects in a 9 MB old space after 3,000 invocations of the seed's example). After
 * the agent's work of an invocation, once at least `minTakes` takes have run since its last collection and
 * the old space has grown `growth` bytes past what was live after it, the agent runs one full collection,
 * after the response: a few milliseconds every few hundred invocations on Node 20. A function whose own heap
 * holds more than `maxLive` bytes is left to V8 (a collection costs more there, and the garbage is mostly the
 * function's). Measured with `node bench/memory.mjs`; docs/layer.md, "What it costs".
 *
 * The collection is V8's memory-reducing one, the same on Node 18 to 24, asked for on the agent's coverage
 * session (`collectGarbage` in coverage-session.mjs); it compacts the old space and also gives back a young
 * generation V8 left grown. Where a function's tests leave it idle between invocations (100 ms apart) or it runs
 * on a small share of a CPU (7%, a 128 MB Lambda's), V8 11 kept the direct function's young generation smaller
 * than the layered one's: through aws-lambda-ric 3.3.0, the seed's example over HTTPS, 3,000 invocations, three
 * pairs, what the layer adds went 7.6-9.1 -> 7.2-7.7 MB (100 ms apart) and 7.5-9.5 -> 7.3-8.0 MB (7%) from V8's
 * plain full collection, compacting, to this one.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {typeof import('node:v8')} */
const v8 = require('node:v8');

export const MIN_TAKES = 200;
export const GROWTH_BYTES = 1 << 20;
export const MAX_LIVE_BYTES = 16 << 20;

/** Bytes of live and not yet collected objects in V8's old space. */
export function oldSpaceUsed() {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  return space ? space.space_used_size : 0;
}

/**
 * The bound, from now: `noteTake()` after each take, `collectIfDue()` once the agent's work of an invocation
 * is over (it resolves with `{before, after, takes}` in bytes when it collected, else null; while a collection
 * runs, another is not due). `collect` runs one collection and resolves once it ran (null: none, never due).
 * @param {{collect: (() => Promise<void>) | null, used?: () => number, minTakes?: number, growth?: number, maxLive?: number}} options
 */
export function createOldSpaceBound({
  collect,
  used = oldSpaceUsed,
  minTakes = MIN_TAKES,
  growth = GROWTH_BYTES,
  maxLive = MAX_LIVE_BYTES,
}) {
  let live = used();
  let takes = 0;
  let collecting = false;
  return {
    noteTake() {
      takes += 1;
    },
    async collectIfDue() {
      if (collecting || takes < minTakes || live > maxLive) return null;
      const before = used();
      if (before < live + growth) return null;
      if (!collect) return null;
      collecting = true;
      try {
        await collect();
      } finally {
        collecting = false;
      }
      live = used();
      const done = { before, after: live, takes };
      takes = 0;
      return done;
    },
  };
}
