#!/usr/bin/env bash
# An S3-compatible server for the tests (docs/storage.md): @20minutes/s3rver from the project's
# devDependencies, in a folder of the caller's choosing (a mktemp -d), on a free port.
#
#   eval "$(bash scripts/services/s3.sh start "$dir")"   # prints the TEST_S3_* exports
#   bash scripts/services/s3.sh stop "$dir"             # stops it (the folder is the caller's)
#
# The server's credentials are s3rver's fixed pair (S3RVER / S3RVER). It stops by itself when
# the process S3_WATCH_PID names (default: this script's caller) is gone.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop <dir>" >&2; exit 2; }
BUCKET=zphz-test

case "$cmd" in
  start)
    mkdir -p "$dir"
    rm -f "$dir/port"
    [ -d node_modules/@20minutes/s3rver ] || { echo "s3.sh: @20minutes/s3rver is not installed: run npm install" >&2; exit 1; }
    node scripts/services/s3-server.mjs "$dir" "$BUCKET" 0 "${S3_WATCH_PID:-$PPID}" >"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      [ -s "$dir/port" ] && break
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "s3.sh: the S3 server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
      sleep 0.1
    done
    [ -s "$dir/port" ] || { echo "s3.sh: the S3 server did not listen within 10 s:" >&2; cat "$dir/server.log" >&2; exit 1; }
    port=$(tr -d '[:space:]' <"$dir/port")
    echo "export TEST_S3_ENDPOINT=http://127.0.0.1:$port"
    echo "export TEST_S3_BUCKET=$BUCKET"
    echo "export TEST_S3_REGION=us-east-1"
    echo "export TEST_S3_ACCESS_KEY_ID=S3RVER"
    echo "export TEST_S3_SECRET_ACCESS_KEY=S3RVER"
    ;;
  stop)
    if [ -s "$dir/pid" ]; then
      pid=$(cat "$dir/pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/pid"
    fi
    ;;
  *) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
