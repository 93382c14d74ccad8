#!/usr/bin/env bash
# The source-map tests of the built package (pkg/ from ./build.sh, or V8_FOOTPRINTS_PKG):
# installs the pinned test tools when missing or older than the lock file, then runs
#   tests/sourcemaps/sourcemaps.test.mjs   (builds the fixtures first when their inputs changed)
#   tests/sourcemaps/branches.test.mjs     (branch footprints of branchy/src/branchy.ts, built at test time)
#   bash tests/sourcemaps/run.sh --bench   the multi-megabyte bundle timing instead (bench.mjs)
set -euo pipefail
cd "$(dirname "$0")/../.."

# acorn in tests/, for the unmapped-script id oracle shared with tests/node
bash tools/npm-ci.sh tests/sourcemaps tests

if [ "${1:-}" = "--bench" ]; then
  exec node tests/sourcemaps/bench.mjs "${2:-9}"
fi
node tests/sourcemaps/fixtures.mjs
exec node --test tests/sourcemaps/sourcemaps.test.mjs tests/sourcemaps/branches.test.mjs
