// Answers which of Node's bundled fetch modules (undici) the process has loaded: the layer must load none
// that the function itself does not (tests/e2e/modules.test.mjs).
exports.handler = async () => ({ undici: process.moduleLoadList.filter((name) => name.includes('undici')) });
