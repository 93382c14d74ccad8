'use strict';
// The long-run fixture: a helper without blocks of its own, called 100 times per invocation, which V8's
// optimizing compilers take over within a few invocations (and then stop counting, unless the layer keeps
// them off).
function helper(x) {
  return x * 2 + 1;
}

exports.handler = async (event) => {
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += helper(i + (event.n || 0));
  return { statusCode: 200, body: String(sum) };
};
