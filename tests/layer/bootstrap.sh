#!/bin/sh
# Stands in for the managed runtime's bootstrap: runs the runtime through AWS_LAMBDA_EXEC_WRAPPER when set.
# Usage: bootstrap.sh <node> <runtime-entry>
if [ -n "${AWS_LAMBDA_EXEC_WRAPPER:-}" ]; then
  exec "$AWS_LAMBDA_EXEC_WRAPPER" "$@"
fi
exec "$@"
