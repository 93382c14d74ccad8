'use strict';
// The concurrency fixture: four routes, each with two functions of its own, one before and one after a
// wait, so that overlapping invocations interleave inside one isolate.
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function northStart() {
  return 'n';
}
function northEnd(x) {
  return x + 'N';
}
function southStart() {
  return 's';
}
function southEnd(x) {
  return x + 'S';
}
function eastStart() {
  return 'e';
}
function eastEnd(x) {
  return x + 'E';
}
function westStart() {
  return 'w';
}
function westEnd(x) {
  return x + 'W';
}

const ROUTES = table();
// ROUTES is built by a function (below) so that loading the module runs one: the init footprints of each
// worker. The wait above gives every route a turn of the event loop in the middle, where other
// invocations run.

exports.handler = async (event) => {
  const [start, end] = ROUTES[event.rawPath];
  const first = start();
  await wait(event.waitMs);
  return { statusCode: 200, body: end(first) };
};

// Called while the module loads: each worker's init footprints.
function table() {
  return { '/north': [northStart, northEnd], '/south': [southStart, southEnd], '/east': [eastStart, eastEnd], '/west': [westStart, westEnd] };
}
