// Answers which of the modules the layer must not add the process has loaded: Node's bundled fetch (undici),
// fs/promises, readline and the REPL's history, node:perf_hooks, node:os and node:vm (which only Node 22's and
// later's old-space collection loads, when it is due), and, with a backend over plain HTTP, node:crypto, node:tls
// and node:https (tests/e2e/modules.test.mjs).
const UNWANTED = /undici|internal\/fs\/promises|readline|repl|^NativeModule (crypto|tls|https|perf_hooks|os|vm)$/;
exports.handler = async () => ({ loaded: process.moduleLoadList.filter((name) => UNWANTED.test(name)) });
