/**
 * What the fixture tests/e2e/handlers/src/app.js must report, per route: method id -> covered lines. Ids are
 * relative to the task root (the default project root); `under(prefix)` re-bases them for other roots.
 * Derived by reading the fixture (a named declaration's id is its name; the handler's arrow is at `async`;
 * a method owns its lines from the first line it starts on, except the arrow's, whose line starts at top level).
 */
const HANDLER = { 'src/app.js@36,18': [37, 38, 39, 40] };
const route = (arm) => ({ 'src/app.js@23,9': [23, 24, ...arm, 33, 34] });

/** The init footprints: the helper called while the module loads (node_modules code and top level have no id). */
export const INIT = { 'src/lib/util.js@3,9': [3, 4, 5] };

export const ROUTES = {
  '/a': { ...HANDLER, ...route([25, 26]), 'src/app.js@10,9': [10, 11, 12, 13], 'src/lib/util.js@7,9': [7, 8, 9] },
  '/b': { ...HANDLER, ...route([27, 28]), 'src/app.js@15,9': [15, 16, 17] },
  '/lazy': { ...HANDLER, ...route([29, 30]), 'src/app.js@19,9': [19, 20, 21], 'src/lazy.js@3,9': [3, 4, 5] },
  '/x': { ...HANDLER, ...route([31, 32]) },
};

/**
 * The callback-style handler (`src/app.callback`), per route: the handler (its first line starts at top level),
 * the timer's arrow (no line of its own), and the route.
 */
export const CALLBACK_ROUTES = Object.fromEntries(
  Object.entries(ROUTES).map(([p, methods]) => {
    const { 'src/app.js@36,18': _, ...rest } = methods;
    return [p, { ...rest, 'src/app.js@42,28': [43, 44], 'src/app.js@43,13': [] }];
  }),
);

/** `methods` with ids re-based: ids under `from` (e.g. "src/") lose it and get `to`; others are dropped. */
export function rebase(methods, from, to = '') {
  const out = {};
  for (const [id, lines] of Object.entries(methods)) if (id.startsWith(from)) out[to + id.slice(from.length)] = lines;
  return out;
}
