'use strict';
// Moved to node_modules/e2e-dep by the tests: its code runs at load time and in route /a, and must never be reported.
function pad(text) {
  return '[' + text + ']';
}
module.exports = { pad };
