'use strict';
// The deadline fixture: an invocation that takes `event.sleepMs`, most of its time budget.
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

exports.handler = async (event) => {
  await sleep(event.sleepMs || 0);
  return { statusCode: 200, body: 'slept ' + (event.sleepMs || 0) };
};
