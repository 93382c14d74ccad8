/**
 * The V8 flags that bound what the agent adds to the process's memory (measured with `node bench/memory.mjs`,
 * docs/layer.md "What it costs"). Owned here, set at run time with `v8.setFlagsFromString`:
 * - `holdYoungGeneration()` while the agent works, `releaseYoungGeneration()` when the function does: V8
 *   doubles its young generation when many objects survive a collection (up to the bootstrap's cap) and never
 *   shrinks it back. Loading the agent's modules did that once (2 MB more on Node 24), and each coverage take,
 *   which allocates the isolate's coverage as objects, grew it to 32 MB under V8's desktop limits. Held from
 *   the wrapper's first line to the function's module load, and during each take, conversion and send; the
 *   function's own module and invocations size it as they would without the layer (holding it for them
 *   made an allocation-heavy handler 1.6x slower), with the growth factor the process was started with, but
 *   for the first invocation on Node 18 and 20, held while the init take waits for the converter (agent.mjs).
 * - `boundWasmCompilation()`, before the converter compiles: its WebAssembly stays in the baseline compiler
 *   (Liftoff), whose optimizing tier kept 10-15 MB (the three flags together: Node 24 ignores
 *   `--liftoff-only` alone at run time), and the calls into it stay on V8's generic JS-to-WebAssembly wrapper
 *   (Node 22 and later): tiering up a call's wrapper after 1,000 calls brought in V8's optimizing compiler,
 *   2.2 MB of the `node` executable's code. Either applies to the function's own WebAssembly as well.
 */
import { createRequire } from 'node:module';

/** @type {typeof import('node:v8')} */
const v8 = createRequire(import.meta.url)('node:v8');

/** This process's V8 major version: which flags it knows, and how its heap behaves. */
export const V8_MAJOR = Number(process.versions.v8.split('.')[0]);

/** V8's default on every supported Node (18 to 24). */
const DEFAULT_GROWTH_FACTOR = 2;

/** The process's startup flags as one line: NODE_OPTIONS, then its command line (the later one wins). */
function startupFlags(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS || '') {
  return `${nodeOptions} ${execArgv.join(' ')}`;
}

/** A V8 flag's name as V8 reads it: dashes or underscores. */
const spelled = (flag) => flag.replace(/-/g, '[-_]');

/** Whether the process was started with V8's `--<flag>` (`flags`: its startup flags as one line). */
export function startedWith(flag, flags = startupFlags()) {
  return new RegExp(`(?:^|\\s)--${spelled(flag)}(?=\\s|$)`).test(flags);
}

/** The value the process was started with for V8's `--<flag>` (`=value` or ` value`), the last one given. */
export function startupValue(flag, flags = startupFlags()) {
  let value;
  for (const match of flags.matchAll(new RegExp(`(?:^|\\s)--${spelled(flag)}(?:=|\\s+)(\\S+)`, 'g'))) value = match[1];
  return value;
}

/**
 * The young generation's growth factor for the function's own work: the one the process was started with
 * (a function tuned with `--semi-space-growth-factor` keeps it), else V8's default.
 */
export const FUNCTION_GROWTH_FACTOR = Number(startupValue('semi-space-growth-factor')) || DEFAULT_GROWTH_FACTOR;
/** Unknown flags print an error to the function's log: this one is known from V8 12 (Node 22) on. */
const WRAPPER_TIERING_SINCE_V8 = 12;
/** Far more calls than a process makes: the generic wrapper is kept. */
const NEVER = 2 ** 31 - 1;

// No state is kept here: the flag is the process's, and each call sets it (about 2 microseconds).
export function holdYoungGeneration() {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

export function releaseYoungGeneration() {
  v8.setFlagsFromString(`--semi-space-growth-factor=${FUNCTION_GROWTH_FACTOR}`);
}

/** Runs `work` (synchronous) with the young generation held, and gives it back after. */
export function withYoungGenerationHeld(work) {
  holdYoungGeneration();
  try {
    return work();
  } finally {
    releaseYoungGeneration();
  }
}

/** The flags `boundWasmCompilation` sets on a V8 of major version `v8Major`. */
export function wasmFlags(v8Major = V8_MAJOR) {
  const flags = ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];
  if (v8Major >= WRAPPER_TIERING_SINCE_V8) flags.push(`--wasm-wrapper-tiering-budget=${NEVER}`);
  return flags;
}

export function boundWasmCompilation() {
  for (const flag of wasmFlags()) v8.setFlagsFromString(flag);
}
