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
 * On V8 12 and later (Node 22, 24) the collection is V8's memory-reducing one, which also shrinks the young
 * generation. There V8 leaves less garbage in the old space (the first collection is due at 200 takes, the next
 * about 2,000 later), but the layered function's young generation ended at 2, 4 or 8 MB from run to run
 * (it grows although the agent holds it while it works; a plain full collection, as on Node 20, grew it
 * too: 76 MB against 72 without the bound). Through aws-lambda-ric 4.0.2, 3,000
 * invocations of the seed's example over HTTPS, two runs each (the function alone: 59 MB on Node 22, 62 on 24):
 * Node 22 74.6 and 74.7 MB without the bound (young generation 8 MB), 69.6 and 69.8 with it (2 MB); Node 24
 * 71.0 and 67.2 without (4 and 2 MB), 67.3 and 67.0 with it (2 MB); 9-17 ms a collection (26 ms where
 * allocation-heavy invocations had left 13 MB of garbage; Node 20's collects that in 7). A function that
 * needs a larger young generation grows it again (the 2 MB bundle's handler: 8 MB, as alone).
 * V8 11 (Node 18, 20) has no such collection; there the agent holds the young generation at its size
 * (lib/memory-flags.mjs), and its full collection compacts the old space (`nativesCollection`).
 */
import { createRequire } from 'node:module';
import { V8_MAJOR, startedWith } from '../memory-flags.mjs';

const require = createRequire(import.meta.url);
/** @type {typeof import('node:v8')} */
const v8 = require('node:v8');

export const MIN_TAKES = 200;
/** The first V8 major version with a memory-reducing collection (Node 22's): see `fullCollection`. */
export const MEMORY_REDUCING_FROM = 12;
export const GROWTH_BYTES = 1 << 20;
export const MAX_LIVE_BYTES = 16 << 20;

/**
 * A function that runs one full collection of the isolate, or null where it cannot be made (code generation
 * from strings refused, on V8 11): the bound is then off. On V8 12 and later, V8's memory-reducing collection
 * (`memoryReducingCollection`); before, V8's `%CollectGarbage` (`nativesCollection`).
 */
export function fullCollection(v8Major = V8_MAJOR) {
  return collectionKind(v8Major) === 'memory-reducing' ? memoryReducingCollection() : nativesCollection();
}

/** Which collection `fullCollection` makes on a V8 of major version `v8Major` (named in the agent's log). */
export function collectionKind(v8Major = V8_MAJOR) {
  return v8Major >= MEMORY_REDUCING_FROM ? 'memory-reducing' : 'full';
}

/**
 * V8's `%CollectGarbage`, compiled with natives syntax on for that moment only (no `gc` global, no context),
 * and run with `--compact-on-every-full-gc` on for that collection only. A plain full collection sweeps the
 * old space's pages where they are, so the pages the agent's garbage had filled stay half empty and resident;
 * compacting moves what is live together and gives the emptied pages back (V8 12's memory-reducing
 * collection compacts as it is). Through aws-lambda-ric 3.3.0 on Node 20, the seed's example over HTTPS at
 * 1,500 invocations: old space 6.5-6.7 -> 6.0 MB, the process 59.9-60.1 -> 58.2-58.9 MB; each collection
 * 4-5 -> 9-11 ms, after the response, every 350-430 invocations. The 2 MB bundle at 1,200: 95.9 -> 89.5 MB,
 * 8-12 -> 16-20 ms every 200.
 */
function nativesCollection() {
  const collect = withFlagOn('allow-natives-syntax', () => /** @type {() => void} */ (new Function('%CollectGarbage(null);')));
  return collect && (() => void withFlagOn('compact-on-every-full-gc', collect));
}

/**
 * V8's `gc` function (its gc extension, on only while a context of its own is made for it: no `gc` global in
 * the function's context; the context holds 0.15 MB of heap) asked for the `last-resort` flavor: full
 * collections until one frees nothing more, each reducing memory, which shrinks the young generation to its
 * smallest (the function's next allocations grow it again as they need). V8 11 reads no flavor there (it
 * would run a plain collection).
 */
function memoryReducingCollection() {
  return withFlagOn('expose-gc', () => {
    // Loaded here, where it is used: Node 20 and earlier never load node:vm for the agent (0.2 MB).
    /** @type {typeof import('node:vm')} */
    const vm = require('node:vm');
    const gc = vm.runInNewContext('gc');
    return () => gc({ type: 'major', flavor: 'last-resort' });
  });
}

/**
 * What `make` returns with V8's `--<flag>` on, or null if it throws. The flag is turned off again after, unless
 * the process was started with it (its command line or NODE_OPTIONS): a function that uses it keeps it.
 * @template T
 * @param {string} flag
 * @param {() => T} make
 * @returns {T | null}
 */
function withFlagOn(flag, make) {
  const givenAtStart = startedWith(flag);
  try {
    v8.setFlagsFromString(`--${flag}`);
    return make();
  } catch {
    return null;
  } finally {
    if (!givenAtStart) v8.setFlagsFromString(`--no-${flag}`);
  }
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
