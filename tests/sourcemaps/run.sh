#!/usr/bin/env bash
# The source-map tests of the built package (pkg/ from ./build.sh, or V8_FOOTPRINTS_PKG):
# installs the pinned test tools when missing or older than the lock file, then runs
#   tests/sourcemaps/sourcemaps.test.mjs   (builds the fixtures first when their inputs changed)
#   bash tests/sourcemaps/run.sh --bench   the multi-megabyte bundle timing instead (bench.mjs)
set -euo pipefail
cd "$(dirname "$0")/../.."

npm_ci() {  # npm_ci DIR : installs DIR's locked npm dependencies unless they are in place
  local dir=$1 marker="$1/node_modules/.package-lock.json"
  if [ -f "$marker" ] && [ "$marker" -nt "$dir/package-lock.json" ] && [ "$marker" -nt "$dir/package.json" ]; then
    return 0
  fi
  echo "==> installing npm packages in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$marker"
}

npm_ci tests/sourcemaps
npm_ci tests   # acorn, for the unmapped-script id oracle shared with tests/node

if [ "${1:-}" = "--bench" ]; then
  exec node tests/sourcemaps/bench.mjs "${2:-9}"
fi
node tests/sourcemaps/fixtures.mjs
exec node --test tests/sourcemaps/sourcemaps.test.mjs
