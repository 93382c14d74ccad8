#!/usr/bin/env bash
# Builds the layer zip, whose root becomes /opt:
#   sealights-extension, setup        exec wrappers (755)
#   wrapper.mjs                       the handler entry, alone at the root
#   v8-footprints/wrapper/            the wrapper's modules and the agent
#   v8-footprints/pkg/                the wasm package's Node files (from <pkg-dir>)
# Nothing native may be in it. Prints the size; fails over the budget (V8FP_LAYER_BUDGET_BYTES, 500 KB).
# Zips with `zip` when installed, else with python3's zipfile (V8FP_ASSEMBLE_NO_ZIP=1 forces it, for tests).
# Usage: layer/assemble.sh <pkg-dir> <out-zip>
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <pkg-dir> <out-zip>" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg_dir="$1"
out_zip="$2"
budget="${V8FP_LAYER_BUDGET_BYTES:-512000}"

if [ ! -d "$pkg_dir" ]; then
  echo "assemble: wasm package directory '$pkg_dir' not found (build it first)" >&2
  exit 1
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# cp -L resolves the `setup` symlink into a regular file.
cp -L "$root/layer/sealights-extension" "$stage/sealights-extension"
cp -L "$root/layer/setup" "$stage/setup"
chmod 755 "$stage/sealights-extension" "$stage/setup"
cp "$root/wrapper/wrapper.mjs" "$stage/wrapper.mjs"
mkdir -p "$stage/v8-footprints/wrapper/lib" "$stage/v8-footprints/pkg"
cp "$root/wrapper/agent.mjs" "$stage/v8-footprints/wrapper/"
cp -R "$root/wrapper/lib/." "$stage/v8-footprints/wrapper/lib/"
# Only what Node loads: the CommonJS entry, its glue and the one .wasm (no browser entry, no types).
for f in package.json index.cjs v8_footprints.cjs v8_footprints_bg.wasm; do
  if [ -f "$pkg_dir/$f" ]; then cp -L "$pkg_dir/$f" "$stage/v8-footprints/pkg/$f"; fi
done
find "$stage" -type f ! -perm -u+x -exec chmod 644 {} +
find "$stage" -type d -exec chmod 755 {} +

native="$(find "$stage" -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' -o -name '*.dylib' \) -print)"
for f in $(find "$stage" -type f -size +3c); do
  if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]; then native="$native $f"; fi
done
if [ -n "${native// /}" ]; then
  echo "assemble: native files are not allowed in the layer:$native" >&2
  exit 1
fi

mkdir -p "$(dirname "$out_zip")"
out_abs="$(cd "$(dirname "$out_zip")" && pwd)/$(basename "$out_zip")"
rm -f "$out_abs"
if [ -z "${V8FP_ASSEMBLE_NO_ZIP:-}" ] && command -v zip >/dev/null 2>&1; then
  (cd "$stage" && zip -q -X -r "$out_abs" .)
else
  python3 - "$stage" "$out_abs" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for dirpath, dirnames, filenames in os.walk(stage):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, stage)
            info = zipfile.ZipInfo(rel, date_time=(2020, 1, 1, 0, 0, 0))
            info.create_system = 3  # unix: keep the mode bits
            info.external_attr = (os.stat(full).st_mode & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(full, "rb") as f:
                z.writestr(info, f.read())
PY
fi

size="$(wc -c < "$out_abs" | tr -d ' ')"
echo "layer: $out_zip $size bytes ($(( (size + 1023) / 1024 )) KB, budget $(( budget / 1024 )) KB)"
if [ "$size" -gt "$budget" ]; then
  echo "assemble: the layer is over its size budget ($size > $budget bytes)" >&2
  exit 1
fi
