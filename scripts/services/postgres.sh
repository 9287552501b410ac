#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: Debian's `postgresql` binaries, `initdb` into a
# temporary folder, `pg_ctl` on a free loopback port, password (scram) auth over TCP.
#
#   eval "$(scripts/services/postgres.sh start)"   # exports TEST_DATABASE_URL and PG_SERVICE_DIR
#   scripts/services/postgres.sh stop              # stops the server in $PG_SERVICE_DIR, removes it
#
# As root: installs `postgresql` with apt-get when it is missing, and runs the server as the
# `postgres` user (created when missing: the server refuses to run as root). As another user
# without the binaries: stops with the command to run. Never skips.
set -euo pipefail

PG_INSTALL_CMD="apt-get update && apt-get install -y postgresql"

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; fi
}

# Runs a command as the server's user (ourselves unless we are root).
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bindir
  bindir=$(pg_bindir)
  if [ -z "$bindir" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "Installing PostgreSQL for the tests…" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq postgresql >/dev/null
      bindir=$(pg_bindir)
    fi
    if [ -z "$bindir" ]; then
      echo "The tests need a PostgreSQL server (initdb, pg_ctl). Run as root:" >&2
      echo "  $PG_INSTALL_CMD" >&2
      exit 1
    fi
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi

  local dir port password
  dir=$(mktemp -d "${TMPDIR:-/tmp}/zphz-pg.XXXXXX")
  chmod 755 "$dir"
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  password=$(node -e "console.log(require('crypto').randomBytes(12).toString('hex'))")
  printf '%s\n' "$password" >"$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
  as_server_user "$bindir/initdb" -D "$dir/data" -U zphz --pwfile="$dir/pwfile" --auth-host=scram-sha-256 --auth-local=trust \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  # fsync off: a test cluster does not outlive the run. Connections: each test app has a pool.
  as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_SERVICE_DIR='$dir'"
  echo "export PG_SERVICE_BINDIR='$bindir'"
  echo "export TEST_DATABASE_URL='postgres://zphz:$password@127.0.0.1:$port/postgres'"
}

stop() {
  local dir=${PG_SERVICE_DIR:-}
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  local bindir=${PG_SERVICE_BINDIR:-$(pg_bindir)}
  as_server_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
