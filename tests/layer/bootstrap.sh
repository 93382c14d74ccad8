#!/bin/sh
# Stands in for the managed runtime's bootstrap (/var/runtime/bootstrap): gives V8 the heap limits Lambda's
# Node.js bootstrap derives from the function's memory (unless NODE_OPTIONS sets either itself): a tenth of it
# for the young generation, whose semi-space is a third of that, the rest for the old generation (a 128 MB
# function: --max-semi-space-size=4 --max-old-space-size=116). Then runs the runtime through
# AWS_LAMBDA_EXEC_WRAPPER when set, as the real one does.
# Usage: bootstrap.sh <node> <runtime-entry>
node="$1"
shift
case "${NODE_OPTIONS:-}" in
  *max-semi-space-size* | *max_semi_space_size* | *max-old-space-size* | *max_old_space_size*) memory_args="" ;;
  *)
    if [ -n "${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-}" ]; then
      new_space=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 10))
      memory_args="--max-semi-space-size=$((new_space / 3)) --max-old-space-size=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE - new_space))"
    fi
    ;;
esac
if [ -n "${AWS_LAMBDA_EXEC_WRAPPER:-}" ]; then
  # shellcheck disable=SC2086 # the arguments are words
  exec "$AWS_LAMBDA_EXEC_WRAPPER" "$node" ${memory_args:-} "$@"
fi
# shellcheck disable=SC2086
exec "$node" ${memory_args:-} "$@"
