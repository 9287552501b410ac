#!/usr/bin/env bash
# The project's one test command (`npm test`): type-check, then every test tier: node + client
# (vitest), then the browser journey (system Chromium against the h5 build and the real server).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc --noEmit -p tsconfig.json
npx vitest run

# ==== issue 14 · storage block (S3): the server suites again, on S3-compatible storage ====
# An S3 server for this run only: scripts/services/s3.sh starts @20minutes/s3rver (an npm
# devDependency; docs/storage.md) in a temporary folder and prints the TEST_S3_* exports; it is
# stopped at the end (and stops by itself if this script dies). With TEST_S3_* set, the harness
# (server/test/support/api-harness.ts) keeps every test app's photos in that bucket, under a fresh
# key prefix per app. The PostgreSQL second run (TEST_DATABASE_URL) is meant to be this same run:
# both real back ends at once. Left out: suites that touch neither the store nor the API (engine,
# geometry, pool, photo CLI, WeChat client) and crash-safety (its own server processes, files).
S3_SUITES=(api- retention privacy-at-rest photo-store operations concurrency hostile-uploads abuse-limits
  permissions notifications notification-dispatch handoff eligibility admin-cli)
S3_DIR=$(mktemp -d)
stop_s3() { bash scripts/services/s3.sh stop "$S3_DIR"; rm -rf "$S3_DIR"; }
trap stop_s3 EXIT
eval "$(S3_WATCH_PID=$$ bash scripts/services/s3.sh start "$S3_DIR")"
echo "Server suites again, photos in S3 ($TEST_S3_ENDPOINT, bucket $TEST_S3_BUCKET)…"
npx vitest run --project node "${S3_SUITES[@]/#/server/test/}"
stop_s3
trap - EXIT
unset TEST_S3_ENDPOINT TEST_S3_BUCKET TEST_S3_REGION TEST_S3_ACCESS_KEY_ID TEST_S3_SECRET_ACCESS_KEY
# ==== end of the storage block ====

# The browser tier needs Debian's Chromium and a CJK font (without one, Chinese renders as boxes).
# Installed here when we can (root, as on CI machines); never skipped silently.
BROWSER_PKGS_CMD="apt-get update && apt-get install -y chromium fonts-wqy-zenhei"
has_browser_deps() {
  [ -x /usr/bin/chromium ] && command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]
}
if ! has_browser_deps; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Chromium and a CJK font for the browser tests…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium fonts-wqy-zenhei fontconfig >/dev/null
  else
    echo "The browser tests need Chromium and a CJK font. Run as root:" >&2
    echo "  $BROWSER_PKGS_CMD" >&2
    exit 1
  fi
  has_browser_deps || { echo "Chromium or the CJK font is still missing after: $BROWSER_PKGS_CMD" >&2; exit 1; }
fi

npm run -s build:h5
npx vitest run --config e2e/vitest.config.ts
