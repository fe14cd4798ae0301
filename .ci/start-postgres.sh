#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the test suite and print its URL.
# Installs Debian's postgresql package when no server binaries are found.
set -euo pipefail
PORT="${TOLLBOOK_PG_PORT:-55432}"
DATA="${TOLLBOOK_PG_DATA:-/tmp/tollbook-pg-data}"

find_bin() {
  local name="$1"
  command -v "$name" 2>/dev/null && return 0
  ls /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(find_bin initdb)" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
INITDB="$(find_bin initdb)"; PG_CTL="$(find_bin pg_ctl)"
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
RUN_AS=(); [ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)

if ! "${RUN_AS[@]}" "$PG_CTL" -D "$DATA" status >/dev/null 2>&1; then
  rm -rf "$DATA"; mkdir -p "$DATA"; chown -R postgres "$DATA" 2>/dev/null || true
  "${RUN_AS[@]}" "$INITDB" -D "$DATA" -A trust -U postgres -E UTF8 >/dev/null
  "${RUN_AS[@]}" "$PG_CTL" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DATA -c fsync=off" start >&2
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
