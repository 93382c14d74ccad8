// Allocates many objects that live a little while (as a handler building a response does), then answers the
// size V8 gives its young generation (tests/e2e/memory.test.mjs).
const v8 = require('node:v8');

let kept = [];
exports.handler = async () => {
  for (let i = 0; i < 300000; i++) {
    kept.push({ i, text: `item ${i}` });
    if (kept.length > 60000) kept = [];
  }
  return { youngBytes: v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size };
};
