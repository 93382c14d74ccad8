/**
 * v8-footprints Lambda layer entry: `/opt/v8-footprints/handler.handleExecution`, or the seed's name for it,
 * `/opt/wrapper.handleExecution` (the same file, shipped twice by layer/assemble.sh).
 *
 * Reached through the exec wrapper (`AWS_LAMBDA_EXEC_WRAPPER=/opt/sealights-extension` or `/opt/setup`,
 * which moves the function's handler to `ORIG_NAME`) or by setting the function's handler to
 * `/opt/wrapper.handleExecution` and naming the original in `SL_ORIGINAL_HANDLER`. At module evaluation it
 * loads the original handler with the running runtime client's rules (same errors as without the layer) and
 * exports a wrapper of the same shape that runs the agent's hooks around each invocation. When the wrapper
 * cannot start (disabled, bad configuration, agent not importable) it exports the original unchanged.
 *
 * Shipped alone at the layer root (a `wrapper.js` beside it would win); its modules live in
 * `v8-footprints/wrapper/` of the layer, or next to this file in the repository.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// `require`, not `import`: the ES-module namespace of node:fs loads 31 modules the function may never use
// (see lib/builtins.mjs, which this file cannot import before it knows where its modules are).
const fs = createRequire(import.meta.url)('node:fs');

const here = fileURLToPath(import.meta.url);
// Layer root (/opt/wrapper.mjs), the layer's own folder (/opt/v8-footprints/handler.mjs), or the repository.
const libDir = ['./v8-footprints/wrapper/', './wrapper/'].find((dir) => fs.existsSync(new URL(`${dir}lib/`, import.meta.url))) ?? './';
const lib = (name) => import(new URL(`${libDir}${name}`, import.meta.url).href);

// Before anything else loads: the agent's modules and its cold-start calls must not grow V8's young generation
// (lib/memory-flags.mjs); the agent gives it back to the function at each invocation, and holds it again for
// its own work.
const memoryFlags = await lib('lib/memory-flags.mjs');
memoryFlags.holdYoungGeneration();

const { readConfig } = await lib('lib/config.mjs');
const { loadHandler } = await lib('lib/loader.mjs');
const { logOnce, describe } = await lib('lib/log.mjs');

const config = readConfig(process.env, here);

// The runtime has read `_HANDLER` already: give the function the value it would see without the layer.
if (config.originalHandler) process.env._HANDLER = config.originalHandler;

let hooks = null;
if (!config.originalHandler) {
  logOnce('no original handler: set SL_ORIGINAL_HANDLER when the handler is /opt/v8-footprints/handler.handleExecution or /opt/wrapper.handleExecution');
} else if (config.problems.length > 0) {
  logOnce(`disabled, bad configuration: ${config.problems.join('; ')}`);
} else if (!config.disabled) {
  try {
    const { importAgent, guardHooks } = await lib('lib/hooks.mjs');
    const agentFile = config.agentModule || fileURLToPath(new URL(`${libDir}agent.mjs`, import.meta.url));
    hooks = guardHooks(await importAgent(agentFile), config.flushBudgetMs);
  } catch (error) {
    logOnce(`disabled, the agent could not be loaded: ${describe(error)}`);
    hooks = null;
  }
}

if (hooks) await hooks.beforeLoad();
else memoryFlags.releaseYoungGeneration();

const original = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), config.originalHandler, config.generation);

let handler = original;
if (hooks) {
  try {
    const { wrapHandler } = await lib('lib/invocation.mjs');
    handler = wrapHandler(original, hooks);
  } catch (error) {
    logOnce(`disabled, the handler could not be wrapped: ${describe(error)}`);
  }
}

export const handleExecution = handler;
