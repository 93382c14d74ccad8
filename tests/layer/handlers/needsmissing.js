require('v8fp-package-that-does-not-exist');
exports.handler = async () => 'unreachable';
