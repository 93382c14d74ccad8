// Globals Node has that the Node type check (tsconfig.json) does not otherwise see: @types/node 18 leaves
// WebAssembly to TypeScript's DOM library, which a check of Node code must not load. Only what the code uses.
declare namespace WebAssembly {
  class RuntimeError extends Error {}
}
