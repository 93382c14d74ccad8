// Copied to node_modules/v8fp-fixture-pkg by the tests (node_modules is git-ignored).
exports.handler = async (event) => ({ from: 'a package in node_modules', event });
