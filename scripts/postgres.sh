#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's packages, for the tests of the PostgreSQL backend:
# its own cluster in a temporary directory, run by an unprivileged user (PostgreSQL refuses to run
# as root), on a free loopback port, with password authentication.
#
#   scripts/postgres.sh start DIR   initialises and starts a cluster in DIR (created), prints its URL
#   scripts/postgres.sh stop DIR    stops it (the caller removes DIR)
#
# DIR's parent directories must be traversable by that user (`mktemp -d` makes 0700: chmod 755).
set -euo pipefail

PG_USER="le-postgres"
PG_DB="le"
PG_PASSWORD="le-test-only"

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action="$1"
dir="$2"

bin_dir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$found" ] || { echo "PostgreSQL server not installed (scripts/setup.sh installs it)" >&2; exit 1; }
  echo "$found"
}

# Runs a command as the unprivileged user when this script runs as root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

case "$action" in
  start)
    bin="$(bin_dir)"
    if [ "$(id -u)" -eq 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$dir"
    pwfile="$dir/pw"
    as_owner sh -c "umask 077 && printf '%s\n' '$PG_PASSWORD' > '$pwfile'"
    as_owner "$bin/initdb" --pgdata "$dir/data" --username "$PG_USER" --pwfile "$pwfile" \
      --auth-local scram-sha-256 --auth-host scram-sha-256 --encoding UTF8 --locale C.UTF-8 \
      > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    # fsync off: a test cluster that is thrown away needs no durability, and it halves the run.
    as_owner "$bin/pg_ctl" --pgdata "$dir/data" --log "$dir/server.log" --wait start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
    PGPASSWORD="$PG_PASSWORD" "$bin/createdb" --host 127.0.0.1 --port "$port" \
      --username "$PG_USER" "$PG_DB"
    echo "$port" > "$dir/port"
    echo "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
    ;;
  stop)
    bin="$(bin_dir)"
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_owner "$bin/pg_ctl" --pgdata "$dir/data" --mode fast --wait stop > /dev/null || true
    ;;
  *) usage ;;
esac
