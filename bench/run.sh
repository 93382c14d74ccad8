#!/usr/bin/env bash
# The benchmark of issue 6 (not part of the tests): `./build.sh bench`, or `bash bench/run.sh` once pkg/ is built.
# Installs what is missing (each step is skipped when already done), builds the corpus under .cache/bench/corpus
# (cached), runs everything and prints one table; the table is also written to .cache/bench/last-table.md.
#   BENCH_QUICK=1 bash bench/run.sh   a smoke run with fewer repetitions
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
node bench/bench.mjs
# The layer's memory over 3,000 warm invocations beside the direct function (issue 9's goal).
node bench/memory.mjs 3000
# The converter's first call in fresh processes, both line modes, beside v8-to-istanbul's (issue 11's goal).
node bench/first-call.mjs --corpus .cache/bench/corpus --entries all
# The command line against c8 on the same NODE_V8_COVERAGE folders (issue 13); c8 and tsc from the tests' pins.
bash tools/npm-ci.sh tests/cli tests/sourcemaps
node bench/cli.mjs
