export * from './index.js';
/** Loads the wasm module; call once (awaited) before anything else. Defaults to the .wasm beside this file. */
export default function init(input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL | Response | BufferSource | WebAssembly.Module): Promise<unknown>;
