#!/usr/bin/env bash
# The browser and platform tests of the built package (pkg/, from ./build.sh): installs what is
# missing (setup.sh), then runs
#   tests/browser/browser.test.mjs       the web entry in headless Debian Chromium, against the goldens
#   tests/platforms/node-versions.test.mjs  require and import in Node 18, 22 and 24, against the goldens
#   tests/platforms/arm64.test.mjs       arm64 Node 20 under qemu-aarch64, byte-identical to x86_64
#   tests/platforms/exact-counts.test.mjs tests/platforms/old-space.test.mjs  the layer's exact-count mechanism on Node 18, 20, 22 and 24
#   tests/platforms/old-space.test.mjs   the agent's full collection on Node 18 and 20
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/platforms/setup.sh
node --test tests/browser/browser.test.mjs tests/platforms/node-versions.test.mjs tests/platforms/arm64.test.mjs \
  tests/platforms/exact-counts.test.mjs tests/platforms/old-space.test.mjs
