// Answers which of the modules the layer must not add the process has loaded: Node's bundled fetch (undici),
// and fs/promises, readline and the REPL's history (tests/e2e/modules.test.mjs).
const UNWANTED = /undici|internal\/fs\/promises|readline|repl/;
exports.handler = async () => ({ loaded: process.moduleLoadList.filter((name) => UNWANTED.test(name)) });
