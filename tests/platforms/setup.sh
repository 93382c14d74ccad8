#!/usr/bin/env bash
# Installs what the browser and platform tests need, skipping whatever is already in place
# (idempotent; about a second when everything is there). Works on a fresh Debian machine:
#   - Debian packages: chromium (+ chromium-driver) for tests/browser, qemu-user and the arm64 C/C++
#     runtime (the *-arm64-cross packages, installed under /usr/aarch64-linux-gnu: no dpkg
#     --add-architecture needed) for the arm64 Node under qemu-aarch64;
#   - npm ci in tests/browser (playwright-core, which never downloads a browser) and tests/platforms
#     (Node 18/22/24 x64 and Node 20 arm64 binaries from npm; see its .npmrc for the arm64 one).
# It needs the built package (./build.sh) only to run the tests, not to install.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

say() { printf '==> %s\n' "$*"; }

APT_PACKAGES=(chromium chromium-driver qemu-user libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)

apt_install() {  # installs the Debian packages that are missing
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

npm_ci() { bash "$ROOT/tools/npm-ci.sh" "${@#"$ROOT"/}"; }  # locked npm packages, when not in place

command -v node >/dev/null || apt_install nodejs npm
apt_install "${APT_PACKAGES[@]}"
npm_ci "$ROOT/tests/browser"
npm_ci "$ROOT/tests/platforms"

# Quick checks that what was installed runs (cheap: no browser start, one qemu start is ~2 s so skipped).
[ -x /usr/bin/chromium ] || { echo "setup: /usr/bin/chromium is missing" >&2; exit 1; }
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || { echo "setup: the arm64 loader is missing" >&2; exit 1; }
for alias in node18 node22 node24 node20-arm64; do
  [ -x "$ROOT/tests/platforms/node_modules/$alias/bin/node" ] || { echo "setup: tests/platforms/node_modules/$alias/bin/node is missing" >&2; exit 1; }
done
