#!/usr/bin/env bash
# Start a private PostgreSQL for the tests (installing Debian's package when missing) and print its URL.
# Usage: scripts/pg-test.sh start|stop|url      (PGTEST_PORT, default 55432; data in .pgtest/)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PGTEST_PORT:-55432}"
DATA="$PWD/.pgtest/data-$PORT"
URL="postgresql://todo:todo@127.0.0.1:${PORT}/todo_test"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/postgres" ]; then
    echo "Installing PostgreSQL (Debian package)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

as_pg() {
  if [ "$(id -u)" = "0" ]; then
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

case "${1:-start}" in
  start)
    BIN=$(pg_bin)
    mkdir -p "$DATA"
    if [ "$(id -u)" = "0" ]; then chown -R postgres "$PWD/.pgtest"; fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
      as_pg "'$BIN/initdb' -D '$DATA' -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
    fi
    if ! as_pg "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
      as_pg "'$BIN/pg_ctl' -D '$DATA' -l '$DATA.log' -w -t 60 start \
        -o \"-p $PORT -k '$DATA' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\"" >/dev/null
    fi
    PSQL="$BIN/psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -q"
    $PSQL -tc "SELECT 1 FROM pg_roles WHERE rolname='todo'" | grep -q 1 || \
      $PSQL -c "CREATE ROLE todo LOGIN PASSWORD 'todo' CREATEDB"
    $PSQL -tc "SELECT 1 FROM pg_database WHERE datname='todo_test'" | grep -q 1 || \
      $PSQL -c "CREATE DATABASE todo_test OWNER todo"
    echo "$URL"
    ;;
  stop)
    BIN=$(pg_bin)
    [ -f "$DATA/PG_VERSION" ] && as_pg "'$BIN/pg_ctl' -D '$DATA' -m fast stop" >/dev/null 2>&1 || true
    ;;
  url)
    echo "$URL"
    ;;
  *)
    echo "usage: $0 start|stop|url" >&2; exit 2;;
esac
