#!/usr/bin/env bash
# Builds the layer zip, whose root becomes /opt:
#   sealights-extension, setup        exec wrappers (755)
#   v8-footprints/exec-wrapper        the same exec wrapper in the layer's own folder (755)
#   wrapper.mjs                       the seed's handler entry (/opt/wrapper.handleExecution), alone at the root
#   v8-footprints/handler.mjs         the same entry in the layer's own folder
#                                     (/opt/v8-footprints/handler.handleExecution: no other layer's file replaces it)
#   v8-footprints/wrapper/            the wrapper's modules and the agent
#   v8-footprints/pkg/                the wasm package's Node files (from <pkg-dir>; its package.json carries
#                                     the version the build stamped from Cargo.toml)
#   v8-footprints/LICENSE
# Nothing native may be in it. The zip is reproducible: the same inputs give the same bytes, whatever the time,
# the umask or the order the file system lists (fixed timestamps, sorted entries, fixed modes, no extra
# fields); its comment names the version. Prints the size; fails over the budget of 300,000 bytes, the one the
# benchmark and docs/performance.md state (V8FP_LAYER_BUDGET_BYTES replaces it, for tests).
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
budget="${V8FP_LAYER_BUDGET_BYTES:-300000}"
# Every entry's time (UTC); DOS time in a zip has no zone, so both zippers run with TZ=UTC.
stamp='2020-01-01 00:00:00'

if [ ! -d "$pkg_dir" ]; then
  echo "assemble: wasm package directory '$pkg_dir' not found (build it first)" >&2
  exit 1
fi
version="$(node -e 'const v = require(process.argv[1]).version; if (typeof v === "string" && v) console.log(v)' \
  "$(cd "$pkg_dir" && pwd)/package.json" 2>/dev/null || true)"
if [ -z "$version" ]; then
  echo "assemble: $pkg_dir/package.json has no version (./build.sh pkg stamps it from Cargo.toml)" >&2
  exit 1
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# cp -L resolves the `setup` symlink into a regular file.
cp -L "$root/layer/sealights-extension" "$stage/sealights-extension"
cp -L "$root/layer/setup" "$stage/setup"
cp "$root/wrapper/wrapper.mjs" "$stage/wrapper.mjs"
mkdir -p "$stage/v8-footprints/wrapper/lib" "$stage/v8-footprints/pkg"
cp "$root/wrapper/wrapper.mjs" "$stage/v8-footprints/handler.mjs"
cp -L "$root/layer/sealights-extension" "$stage/v8-footprints/exec-wrapper"
cp "$root/LICENSE" "$stage/v8-footprints/LICENSE"
cp "$root/wrapper/agent.mjs" "$stage/v8-footprints/wrapper/"
cp -R "$root/wrapper/lib/." "$stage/v8-footprints/wrapper/lib/"
# Only what Node loads: the CommonJS entries (the agent's re-exports the main one), their glue and the one .wasm (no browser entry, no types).
for f in package.json index.cjs agent.cjs v8_footprints.cjs v8_footprints_bg.wasm; do
  if [ -f "$pkg_dir/$f" ]; then cp -L "$pkg_dir/$f" "$stage/v8-footprints/pkg/$f"; fi
done
# Fixed modes, whatever the umask and the sources' modes: only the exec wrappers are executable.
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod 644 {} +
chmod 755 "$stage/sealights-extension" "$stage/setup" "$stage/v8-footprints/exec-wrapper"
find "$stage" -exec env TZ=UTC touch -h -d "$stamp" {} +

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
comment="v8-footprints $version"
if [ -z "${V8FP_ASSEMBLE_NO_ZIP:-}" ] && command -v zip >/dev/null 2>&1; then
  # Files only (-D), in byte order, without extra fields (-X: no uid/gid, no extended timestamps).
  (cd "$stage" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | TZ=UTC zip -q -X -D -9 "$out_abs" -@)
  printf '%s\n' "$comment" | zip -q -z "$out_abs"
else
  python3 - "$stage" "$out_abs" "$comment" <<'PY'
import os, sys, zipfile
stage, out, comment = sys.argv[1], sys.argv[2], sys.argv[3]
names = []
for dirpath, dirnames, filenames in os.walk(stage):
    for name in filenames:
        names.append(os.path.relpath(os.path.join(dirpath, name), stage))
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.comment = comment.encode()
    for rel in sorted(names, key=lambda n: n.encode()):
        full = os.path.join(stage, rel)
        info = zipfile.ZipInfo(rel, date_time=(2020, 1, 1, 0, 0, 0))
        info.create_system = 3  # unix: keep the mode bits
        info.external_attr = (os.stat(full).st_mode & 0xFFFF) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(full, "rb") as f:
            z.writestr(info, f.read())
PY
fi

size="$(wc -c < "$out_abs" | tr -d ' ')"
echo "layer: $out_zip $size bytes, version $version (budget $budget bytes)"
if [ "$size" -gt "$budget" ]; then
  echo "assemble: the layer is over its size budget ($size > $budget bytes)" >&2
  exit 1
fi
