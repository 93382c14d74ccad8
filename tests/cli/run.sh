#!/usr/bin/env bash
# The command line's tests (tests/cli/cli.test.mjs) against the built package (pkg/ from ./build.sh, or
# V8_FOOTPRINTS_PKG): installs the pinned Istanbul readers/reporters and c8 here, and the pinned tsc and
# `ms` of tests/sourcemaps (the TypeScript project the tests build and run), when missing or out of date.
# genhtml comes from Debian's lcov package (./build.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/npm-ci.sh tests/cli tests/sourcemaps
exec node --test tests/cli/*.test.mjs
