// Answers the size V8 gives its young generation (tests/e2e/memory.test.mjs), after allocating many objects
// that live a little while (as a handler building a large response does) unless the event says `light`.
// With `arrayBuffers`, it answers the process's array buffer bytes before and after a full collection
// instead: what garbage buffers were waiting for one.
const v8 = require('node:v8');
const vm = require('node:vm');

function arrayBuffersBeforeAndAfterCollection() {
  const before = process.memoryUsage().arrayBuffers;
  v8.setFlagsFromString('--expose-gc');
  vm.runInNewContext('gc')();
  return { before, after: process.memoryUsage().arrayBuffers };
}

let kept = [];
exports.handler = async (event) => {
  if (event && event.arrayBuffers) return arrayBuffersBeforeAndAfterCollection();
  const rounds = event && event.light ? 0 : 300000;
  for (let i = 0; i < rounds; i++) {
    kept.push({ i, text: `item ${i}` });
    if (kept.length > 60000) kept = [];
  }
  return { youngBytes: v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size };
};
