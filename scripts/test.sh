#!/usr/bin/env bash
# The project's one test command (`npm test`): type-check, then every test tier: node + client
# (vitest), then the browser journey (system Chromium against the h5 build and the real server).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc --noEmit -p tsconfig.json
env -u TEST_DATABASE_URL npx vitest run

# ---- Second back end: the server suites again on real PostgreSQL (scripts/services/postgres.sh:
# Debian's postgresql, initdb + pg_ctl in a temporary folder, as a non-root user, free port; stopped
# on exit, also on failure). Every test app gets a fresh database on it (api-harness.ts). Left out:
# the engine-only files (no database) and those that open the SQLite file itself (raw SQL on
# app.db, SQLite's start-time recovery); server/test/multi-process.test.ts runs only here.
# (Object storage for this run: helper s3 adds its S3 server and env to this same block.)
PG_SUITES=()
for f in server/test/*.test.ts; do
  case "$(basename "$f")" in
    photo-*.test.ts | privacy-at-rest.test.ts | api-jobs.test.ts | crash-safety.test.ts | admin-cli.test.ts | wechat-client.test.ts) ;;
    *) PG_SUITES+=("$f") ;;
  esac
done
# (An assignment, not eval "$(…)": a failed start must stop the script under set -e.)
PG_ENV=$(bash scripts/services/postgres.sh start)
eval "$PG_ENV"
trap 'bash scripts/services/postgres.sh stop' EXIT
echo "Server suites on PostgreSQL ($(echo "$TEST_DATABASE_URL" | sed 's/:[^:@]*@/:***@/'))…"
TEST_DATABASE_URL="$TEST_DATABASE_URL" npx vitest run --project node "${PG_SUITES[@]}"
bash scripts/services/postgres.sh stop
trap - EXIT
unset TEST_DATABASE_URL PG_SERVICE_DIR PG_SERVICE_BINDIR
# ---- end of the PostgreSQL block

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
