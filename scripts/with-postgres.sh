#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL server:
#
#   scripts/with-postgres.sh cargo nextest run
#   scripts/with-postgres.sh cargo nextest run -E 'test(/store::postgres/)'
#
# The server lives in a fresh temporary folder (initdb), listens only on a Unix socket in
# that folder (no TCP port, so runs side by side never collide), trusts local
# connections, and is stopped and removed when the command ends, however it ends. The
# command sees KIROKU_TEST_DATABASE_URL, a superuser URL to the `postgres` database, from
# which the tests create (and drop) one database each.
#
# Installs Debian's `postgresql` package when initdb/pg_ctl are missing. PostgreSQL
# refuses to run as root: as root, the server runs as the `postgres` user (created by
# the package; created here if missing).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG…]" >&2
  exit 2
fi

# shellcheck source=lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"

PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ]; then
  echo "== installing PostgreSQL (Debian package postgresql)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(find_pg_bin)
  [ -n "$PG_BIN" ] || { echo "error: no initdb/pg_ctl after installing postgresql" >&2; exit 1; }
fi

# As root, run the server as an unprivileged user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as_pg=(runuser -u postgres --)
fi

# Under /tmp as root, where the server's user can reach it; the socket path stays short.
tmp_base=${TMPDIR:-/tmp}
[ ${#as_pg[@]} -eq 0 ] || tmp_base=/tmp
PG_DIR=$(mktemp -d "$tmp_base/kiroku-pg.XXXXXX")
[ ${#as_pg[@]} -eq 0 ] || chown postgres: "$PG_DIR"
chmod 700 "$PG_DIR"

stop_pg() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U kiroku --auth=trust -E UTF8 --locale=C \
  --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
# Durability settings are off: the server is thrown away with its data.
if ! "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
  -o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null; then
  cat "$PG_DIR/server.log" >&2
  exit 1
fi

# The socket folder, percent-encoded as the URL's host.
export KIROKU_TEST_DATABASE_URL="postgres://kiroku@${PG_DIR//\//%2F}/postgres"
echo "== PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}') for tests at $PG_DIR" >&2
status=0
"$@" || status=$?
exit "$status"
