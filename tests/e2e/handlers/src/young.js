// Answers the size V8 gives its young generation (tests/e2e/memory.test.mjs), after allocating many objects
// that live a little while (as a handler building a large response does) unless the event says `light`.
const v8 = require('node:v8');

let kept = [];
exports.handler = async (event) => {
  const rounds = event && event.light ? 0 : 300000;
  for (let i = 0; i < rounds; i++) {
    kept.push({ i, text: `item ${i}` });
    if (kept.length > 60000) kept = [];
  }
  return { youngBytes: v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size };
};
