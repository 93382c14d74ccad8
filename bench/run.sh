#!/usr/bin/env bash
# The benchmark of issue 6 (not part of the tests): `./build.sh bench`, or `bash bench/run.sh` once pkg/ is built.
# Installs what is missing (each step is skipped when already done), builds the corpus under .cache/bench/corpus
# (cached), runs everything and prints one table; the table is also written to .cache/bench/last-table.md.
# Everything the steps print is written to bench/RESULTS.md (the latest figures, committed with the change they
# measure; docs/performance.md points at it), once every step has finished.
#   BENCH_QUICK=1 bash bench/run.sh   a smoke run with fewer repetitions (writes .cache/bench/RESULTS-quick.md)
#   BENCH_PKG_DIR=DIR                 another build of the package (also writes .cache/bench/RESULTS-quick.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# The wasm package (build.sh builds it before calling this script).
if [ ! -f pkg/index.cjs ] || [ ! -f pkg/v8_footprints_bg.wasm ]; then
  echo "bench: pkg/ is not built: running ./build.sh first" >&2
  ./build.sh
fi

# The corpus's libraries and v8-to-istanbul, pinned by bench/package-lock.json.
bash tools/npm-ci.sh bench

# The runtime client the layer runs under (aws-lambda-ric 3.x; tests/layer/setup.sh installs it when missing).
if [ ! -f .cache/runtimes/ric3/node_modules/aws-lambda-ric/dist/rapid-client.node ]; then
  bash tests/layer/setup.sh
fi

mkdir -p .cache/bench
# c8 and tsc for bench/cli.mjs, from the tests' pins (installed first, so that npm's output stays out of the results).
bash tools/npm-ci.sh tests/cli tests/sourcemaps >&2

# Where the run's output goes: bench/RESULTS.md, unless the figures are a smoke run's or another build's.
results=bench/RESULTS.md
if [ "${BENCH_QUICK:-}" = 1 ] || [ -n "${BENCH_PKG_DIR:-}" ]; then results=.cache/bench/RESULTS-quick.md; fi
partial=$(mktemp)
trap 'rm -f "$partial"' EXIT
{
  echo "<!-- Written by bench/run.sh (./build.sh bench): the output of its latest full run. Do not edit. -->"
  echo
  node bench/bench.mjs
  echo
  echo "### The layer's memory over 3,000 warm invocations (bench/memory.mjs, issue 9)"
  node bench/memory.mjs 3000
  echo
  echo "### The converter's first call in fresh processes (bench/first-call.mjs, issue 11)"
  echo
  node bench/first-call.mjs --corpus .cache/bench/corpus --entries all
  # The command line against c8 on the same NODE_V8_COVERAGE folders (issue 13).
  node bench/cli.mjs
} | tee "$partial"
cp "$partial" "$results"
echo "bench: the results are in $results" >&2
