// What exact coverage (V8's optimizing compilers off, SL_EXACT_COVERAGE) costs a function's own code:
// a typical handler (bench/corpus/small-handler.js: parse, validate, price an order) and a CPU-bound one
// (primes, sorting and string building), each timed warm in a child Node with and without the flags,
// interleaved, with precise coverage on in both (as in the layer). Prints medians and the ratio.
//   node bench/exact-cost.mjs [node binary...]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = `
const { startCoverage } = await import(${JSON.stringify(path.join(here, '../wrapper/lib/agent/coverage-session.mjs'))});
const coverage = startCoverage({ exact: process.argv[1] === 'exact' });
const { createRequire } = await import('node:module');
const small = createRequire(import.meta.url)(${JSON.stringify(path.join(here, 'corpus/small-handler.js'))});
function cpuBound(n) {
  const primes = [];
  for (let i = 2; primes.length < n; i++) if (primes.every((p) => p * p > i || i % p !== 0)) primes.push(i);
  const words = primes.map((p) => p.toString(36)).sort();
  return words.join('').length;
}
const cases = { typical: () => small.handler(small.sampleEvent), 'cpu-bound': () => cpuBound(3000) };
const out = {};
for (const [name, fn] of Object.entries(cases)) {
  for (let i = 0; i < 50; i++) await fn();
  const t = [];
  for (let i = 0; i < 200; i++) {
    const s = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
    coverage.take();
  }
  t.sort((a, b) => a - b);
  out[name] = t[100];
}
console.log(JSON.stringify(out));
`;

const nodes = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [process.execPath];
for (const node of nodes) {
  const runs = { exact: [], optimized: [] };
  for (let round = 0; round < 3; round++) {
    for (const mode of ['exact', 'optimized']) {
      runs[mode].push(JSON.parse(execFileSync(node, ['--input-type=module', '-e', CHILD, mode], { encoding: 'utf8' })));
    }
  }
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  for (const name of ['typical', 'cpu-bound']) {
    const e = median(runs.exact.map((r) => r[name]));
    const o = median(runs.optimized.map((r) => r[name]));
    console.log(`${version} ${name.padEnd(10)} optimizing compilers on ${o.toFixed(3)} ms, off (exact) ${e.toFixed(3)} ms: x${(e / o).toFixed(2)}`);
  }
}
