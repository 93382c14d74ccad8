#!/usr/bin/env bash
# Mutation testing of the Rust core with cargo-mutants (not part of `./build.sh test`: it rebuilds
# and runs the native tests once per mutant, about an hour on 2 cores for the default files).
#   bash tools/mutants.sh                    the files conversions through source maps run through
#   bash tools/mutants.sh src/lines.rs ...   other files
#   ./build.sh mutants [files...]            the same
# Installs cargo-mutants when missing. Results in mutants.out/: caught.txt, missed.txt, timeout.txt,
# unviable.txt, and outcomes.json. A missed mutant is a change of the code that no test notices.
# docs/mutants.md: the figures for src/branches.rs and why each remaining missed mutant is equivalent.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(src/mapped.rs src/source_map.rs src/project.rs src/output.rs src/direct.rs src/converter.rs src/script_map.rs
    src/script_state.rs src/method_ids.rs src/ids.rs)
fi
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
# No debug info: each mutant links faster; the tests are the same.
CARGO_PROFILE_DEV_DEBUG=0 exec cargo mutants --no-shuffle "${args[@]}" -- --locked
