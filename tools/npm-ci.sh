#!/usr/bin/env bash
# Installs the locked npm packages of each folder given (relative to the repository root), unless they
# are already in place and newer than the folder's package.json and package-lock.json: the one install
# step build.sh, the test suites and the benchmark share.
#   bash tools/npm-ci.sh tests tests/browser
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for dir in "$@"; do
  marker="$dir/node_modules/.package-lock.json"
  if [ -f "$marker" ] && [ "$marker" -nt "$dir/package-lock.json" ] && [ "$marker" -nt "$dir/package.json" ]; then
    continue
  fi
  echo "==> installing npm packages in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$marker"
done
