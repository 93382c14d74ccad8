// Precise coverage with the layer's own mechanism (wrapper/lib/agent/coverage-session.mjs), no runtime
// client: a handler that calls a hot helper 100 times, called and taken N times with a turn of the event
// loop between (as invocations are). Prints one JSON line: the first take that missed each function, and
// how many takes missed one.
//   node probe.mjs <coverage-session.mjs> <exact: true|false> <N>
import { pathToFileURL } from 'node:url';

const [sessionFile, exactArg, count] = process.argv.slice(2);
const { startCoverage } = await import(pathToFileURL(sessionFile).href);
const coverage = startCoverage({ exact: exactArg === 'true' });
const { handler } = await import('./target.mjs');
const firstMissing = { handler: -1, helper: -1 };
let takesMissingOne = 0;
for (let i = 0; i < Number(count); i++) {
  handler(i);
  await new Promise((resolve) => setImmediate(resolve));
  const script = coverage.take().find((s) => s.url.endsWith('/target.mjs'));
  const counted = (name) => Boolean(script && script.functions.some((f) => f.functionName === name && f.ranges[0].count > 0));
  let missed = false;
  for (const name of ['handler', 'helper']) {
    if (counted(name)) continue;
    missed = true;
    if (firstMissing[name] < 0) firstMissing[name] = i;
  }
  if (missed) takesMissingOne++;
}
coverage.stop();
console.log(JSON.stringify({ node: process.version, firstMissing, takesMissingOne }));
