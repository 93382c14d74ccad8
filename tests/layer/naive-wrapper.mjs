/**
 * Negative control of the differential suite: a deliberately naive wrapper. It loads the original handler
 * correctly (through the layer's loader) but exports `async (e, c) => orig(e, c)`, losing the callback,
 * the streaming marker, the length and the sync-return behaviour. The suite must see the difference.
 */
const { loadHandler } = await import(new URL('./v8-footprints/wrapper/lib/loader.mjs', import.meta.url).href);
const { runtimeGeneration } = await import(new URL('./v8-footprints/wrapper/lib/config.mjs', import.meta.url).href);

const orig = await loadHandler(process.env.LAMBDA_TASK_ROOT, process.env.SL_ORIGINAL_HANDLER, runtimeGeneration());
export const handleExecution = async (e, c) => orig(e, c);
