#!/usr/bin/env bash
# Start a private PostgreSQL for the tests (installing Debian's package when missing) and print its URL.
# Usage: scripts/pg-test.sh start|stop|url
# The port is a free one: PGTEST_PORT (when set) or the port this cluster last used is tried first, and any free
# loopback port is taken when that one is held by another listener, so a second PostgreSQL (or anything else)
# on 55432 never stops the tests. Data in .pgtest/data-${PGTEST_PORT:-auto}/; `url` prints the port in use.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="${PGTEST_PORT:-auto}"
DATA="$PWD/.pgtest/data-$NAME"
PORT_FILE="$PWD/.pgtest/port-$NAME"

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

# Port of the running cluster (4th line of postmaster.pid), or nothing.
running_port() {
  if [ -f "$DATA/postmaster.pid" ] && as_pg "'$1/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
    sed -n 4p "$DATA/postmaster.pid"
  fi
}

# Prints the first of the given ports that can be bound on 127.0.0.1, or a free one the kernel picks.
free_port() {
  python3 - "$@" <<'PY'
import socket, sys
for candidate in [int(p) for p in sys.argv[1:] if p.isdigit() and int(p) > 0] + [0]:
    with socket.socket() as sock:
        # As PostgreSQL binds: a port whose old connections linger in TIME_WAIT is free, a live listener is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        print(sock.getsockname()[1])
        break
PY
}

url_for() {
  echo "postgresql://todo:todo@127.0.0.1:$1/todo_test"
}

case "${1:-start}" in
  start)
    BIN=$(pg_bin)
    mkdir -p "$DATA"
    if [ "$(id -u)" = "0" ]; then chown -R postgres "$PWD/.pgtest"; fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
      as_pg "'$BIN/initdb' -D '$DATA' -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
    fi
    PORT=$(running_port "$BIN")
    tries=0
    while [ -z "$PORT" ]; do
      tries=$((tries + 1))
      # The port chosen here can be taken by someone else before PostgreSQL binds it: then try another.
      if [ "$tries" = 1 ]; then
        candidate=$(free_port "${PGTEST_PORT:-}" "$(cat "$PORT_FILE" 2>/dev/null || true)")
      else
        candidate=$(free_port)
      fi
      if as_pg "'$BIN/pg_ctl' -D '$DATA' -l '$DATA.log' -w -t 60 start \
        -o \"-p $candidate -k '$DATA' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\"" >/dev/null; then
        PORT=$candidate
      elif [ "$tries" -ge 5 ]; then
        echo "PostgreSQL did not start; see $DATA.log" >&2; exit 1
      fi
    done
    if [ "$tries" -gt 0 ] && [ -n "${PGTEST_PORT:-}" ] && [ "$PORT" != "$PGTEST_PORT" ]; then
      echo "pg-test: port $PGTEST_PORT is taken, using $PORT" >&2
    fi
    echo "$PORT" > "$PORT_FILE"
    PSQL="$BIN/psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -q"
    $PSQL -tc "SELECT 1 FROM pg_roles WHERE rolname='todo'" | grep -q 1 || \
      $PSQL -c "CREATE ROLE todo LOGIN PASSWORD 'todo' CREATEDB"
    $PSQL -tc "SELECT 1 FROM pg_database WHERE datname='todo_test'" | grep -q 1 || \
      $PSQL -c "CREATE DATABASE todo_test OWNER todo"
    url_for "$PORT"
    ;;
  stop)
    BIN=$(pg_bin)
    [ -f "$DATA/PG_VERSION" ] && as_pg "'$BIN/pg_ctl' -D '$DATA' -m fast stop" >/dev/null 2>&1 || true
    ;;
  url)
    PORT=$(cat "$PORT_FILE" 2>/dev/null || true)
    if [ -z "$PORT" ]; then echo "pg-test: not started yet (scripts/pg-test.sh start)" >&2; exit 1; fi
    url_for "$PORT"
    ;;
  *)
    echo "usage: $0 start|stop|url" >&2; exit 2;;
esac
