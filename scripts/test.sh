#!/usr/bin/env bash
# The project's one test command (`npm test`): type-check, then every test tier: node + client
# (vitest), then the browser journey (system Chromium against the h5 build and the real server).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc --noEmit -p tsconfig.json
env -u TEST_DATABASE_URL -u TEST_S3_ENDPOINT npx vitest run

# ---- Second back end: the server suites again on real PostgreSQL and real S3-compatible storage.
# scripts/services/postgres.sh: Debian's postgresql (installed here when root), initdb + pg_ctl in a
# temporary folder as a non-root user on a free port; every test app gets a fresh database on it.
# scripts/services/s3.sh: @20minutes/s3rver (an npm devDependency; docs/storage.md) in a temporary
# folder on a free port; every test app keeps its photos under a fresh key prefix of its bucket.
# Both are stopped on exit, also on failure. Left out of the PostgreSQL run: the engine-only files
# (no database or store) and those that open the SQLite file itself (raw SQL on app.db, SQLite's
# start-time recovery); server/test/multi-process.test.ts runs only here. privacy-at-rest and the
# admin CLI read the SQLite file, so they run on S3 with SQLite.
PG_SUITES=()
for f in server/test/*.test.ts; do
  case "$(basename "$f")" in
    photo-*.test.ts | privacy-at-rest.test.ts | api-jobs.test.ts | crash-safety.test.ts | admin-cli.test.ts | wechat-client.test.ts) ;;
    *) PG_SUITES+=("$f") ;;
  esac
done
S3_DIR=$(mktemp -d)
stop_services() {
  bash scripts/services/postgres.sh stop || true
  bash scripts/services/s3.sh stop "$S3_DIR" || true
  rm -rf "$S3_DIR"
}
trap stop_services EXIT
# (Assignments, not eval "$(…)": a failed start must stop the script under set -e.)
PG_ENV=$(bash scripts/services/postgres.sh start)
eval "$PG_ENV"
S3_ENV=$(S3_WATCH_PID=$$ bash scripts/services/s3.sh start "$S3_DIR")
eval "$S3_ENV"
echo "Server suites on PostgreSQL ($(echo "$TEST_DATABASE_URL" | sed 's/:[^:@]*@/:***@/')) with photos in S3 ($TEST_S3_ENDPOINT)…"
npx vitest run --project node "${PG_SUITES[@]}"
echo "SQLite-file suites with photos in S3…"
env -u TEST_DATABASE_URL npx vitest run --project node server/test/privacy-at-rest.test.ts server/test/admin-cli.test.ts
stop_services
trap - EXIT
unset TEST_DATABASE_URL PG_SERVICE_DIR PG_SERVICE_BINDIR TEST_S3_ENDPOINT TEST_S3_BUCKET TEST_S3_REGION TEST_S3_ACCESS_KEY_ID TEST_S3_SECRET_ACCESS_KEY
# ---- end of the second back end

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
