#!/usr/bin/env bash
# The recovery drill behind docs/operations.md's runbook: each failure the terms of service
# promise to recover from, staged on throw-away data and timed.
#
#   scripts/drill-recovery.sh                    # SQLite: one tenant damaged; server or disk lost
#   STORE=postgres scripts/drill-recovery.sh     # PostgreSQL: one tenant damaged; database lost
#   scripts/with-s3.sh scripts/drill-recovery.sh # and everything lost but the S3 backup target
#
# Data: tenant acme with STATEMENTS (default 200,000) statements and a course of
# PACKAGE_MB (default 100) MB; tenant beta with a tenth of the statements. The backup
# folder stands for another disk. Steps:
#   1. a backup while serving (and `backup verify`);
#   2. one tenant damaged: acme and beta both write after the backup; acme is restored in
#      place from the backup while the server runs; acme is as at the backup, beta keeps
#      its later writes;
#   3. SQLite: server (or its disk) lost: the server killed, its data folder deleted; a
#      new data folder restored from the backup, served, ready. PostgreSQL: database
#      lost: the database server killed and its data deleted; a new database cluster,
#      the backup restored into it, served, ready.
#   4. With an S3-compatible server (KIROKU_TEST_S3_ENDPOINT, as scripts/with-s3.sh sets):
#      the backup of step 1 also went to a bucket there; everything on the machine is
#      lost, the backup folder too; the service is restored from the bucket.
# Counts are read back after each step and must match. Every step runs under `timeout`;
# everything lives in a temporary folder removed at the end. Needs release builds of
# kiroku and of the bench example (built when missing: K, B to use others).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
K=${K:-$CARGO_TARGET_DIR/release/kiroku}
B=${B:-$CARGO_TARGET_DIR/release/examples/bench}
STORE=${STORE:-sqlite}
STATEMENTS=${STATEMENTS:-200000}
PACKAGE_MB=${PACKAGE_MB:-100}
[ -x "$K" ] || cargo build --release --locked
[ -x "$B" ] || cargo build --release --locked --example bench

W=$(mktemp -d /tmp/kiroku-drill.XXXXXX)
chmod 711 "$W"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
CONTENT_PORT=$(free_port)
SERVER_PID=""
DB_ARGS=()

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
cleanup() {
  stop_server
  [ "$STORE" != postgres ] || pg_stop
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$STORE" = postgres ]; then
  # shellcheck source=lib/postgres.sh
  source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"
  PG_BIN=$(find_pg_bin)
  [ -n "$PG_BIN" ] || { echo "error: no initdb/pg_ctl (apt-get install postgresql)" >&2; exit 1; }
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    as_pg=(runuser -u postgres --)
  fi
  mkdir -p "$W/pg"
  [ ${#as_pg[@]} -eq 0 ] || chown postgres: "$W/pg"
  # A database cluster with PostgreSQL's durable defaults, on a Unix socket in $W/pg.
  pg_new() {
    "${as_pg[@]}" "$PG_BIN/initdb" -D "$W/pg/data" -U kiroku --auth=trust -E UTF8 --locale=C >"$W/initdb.log" 2>&1 \
      || { cat "$W/initdb.log" >&2; exit 1; }
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$W/pg/data" -l "$W/pg/server.log" -w -t 60 start \
      -o "-c listen_addresses='' -k $W/pg" >/dev/null || { cat "$W/pg/server.log" >&2; exit 1; }
    "$(command -v psql || echo "$PG_BIN/psql")" -h "$W/pg" -U kiroku -d postgres -XAtqc "CREATE DATABASE kiroku" >/dev/null
  }
  pg_stop() { "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$W/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; }
  export PATH="$PG_BIN:$PATH" # pg_dump and pg_restore for backups
  pg_new
  DB_ARGS=(--database-url "postgresql:///kiroku?host=$W/pg&user=kiroku")
fi

k() { timeout 1800 "$K" --data-dir "$W/data" "${DB_ARGS[@]}" "$@"; }
json_field() { python3 -c 'import json,sys; v=json.loads(sys.stdin.read())
for p in sys.argv[1].split("."): v=v[p]
print(v)' "$1"; }
statements_of() { k --json tenant show "$1" | json_field usage.statementsThisMonth; }
now_ms() { date +%s%3N; }
# timed LABEL CMD…: runs CMD and prints how long it took.
timed() {
  local label=$1 t0 t1
  shift
  t0=$(now_ms)
  "$@" >"$W/last.out"
  t1=$(now_ms)
  printf '%-62s %8.1f s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')"
}
serve() {
  timeout 3600 "$K" --data-dir "$W/data" "${DB_ARGS[@]}" serve --backup-at off \
    --listen "127.0.0.1:$PORT" --content-listen "127.0.0.1:$CONTENT_PORT" >>"$W/serve.log" 2>&1 &
  SERVER_PID=$!
}
until_ready() {
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not get ready; log:" >&2
  tail -20 "$W/serve.log" >&2
  exit 1
}
ingest() {
  local tenant=$1 n=$2 cred
  cred=$(k --json credential create "$tenant")
  timeout 1800 "$B" --endpoint "http://127.0.0.1:$PORT/xapi" --key "$(echo "$cred" | json_field key)" \
    --secret "$(echo "$cred" | json_field secret)" --clients 4 ingest --statements "$n" --batch 100 >/dev/null
}
expect() {
  [ "$2" = "$3" ] || { echo "FAILED: $1: expected $3, found $2" >&2; exit 1; }
  echo "  ok: $1 = $2"
}

if [ -n "${KIROKU_TEST_S3_ENDPOINT:-}" ]; then
  # The backup target: a bucket of its own on the S3-compatible test server.
  export KIROKU_BACKUP_S3_ENDPOINT=$KIROKU_TEST_S3_ENDPOINT KIROKU_BACKUP_S3_BUCKET=kiroku-drill-$$
  export KIROKU_BACKUP_S3_ACCESS_KEY_ID=test KIROKU_BACKUP_S3_SECRET_ACCESS_KEY=test
  curl -fsS -X PUT "$KIROKU_BACKUP_S3_ENDPOINT/$KIROKU_BACKUP_S3_BUCKET" >/dev/null
fi
echo "kiroku $(git rev-parse --short HEAD 2>/dev/null || echo '?'), store $STORE, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
k tenant create acme >/dev/null
k tenant create beta >/dev/null
python3 scripts/make-big-package.py "$W/course.zip" --files 200 --mb "$PACKAGE_MB" >/dev/null
k import acme "$W/course.zip" >/dev/null
serve
until_ready
ingest acme "$STATEMENTS"
ingest beta $((STATEMENTS / 10))
acme=$(statements_of acme)
beta=$(statements_of beta)
echo "data: acme $acme statements and a ${PACKAGE_MB} MB course, beta $beta statements; data folder $(du -sh "$W/data" | cut -f1)"

echo "== 1. backup while serving"
timed "backup (while serving)" k backup --backup-dir "$W/backups"
timed "backup verify" k backup --backup-dir "$W/backups" verify
echo "  backup folder: $(du -sh "$W/backups" | cut -f1)"

echo "== 2. one tenant's data damaged: acme restored in place, beta untouched"
ingest acme 5000
ingest beta 5000
timed "restore-tenant acme --in-place (server running)" k backup --backup-dir "$W/backups" restore-tenant acme --in-place
expect "acme's statements (as at the backup)" "$(statements_of acme)" "$acme"
expect "beta's statements (its later writes kept)" "$(statements_of beta)" "$((beta + 5000))"

if [ "$STORE" = postgres ]; then
  echo "== 3. database lost: the database server killed and its data deleted"
  stop_server
  pg_stop
  rm -rf "$W/pg/data"
  rm -rf "$W/data"
  t0=$(now_ms)
  timed "new database cluster (initdb, start, create database)" pg_new
  timed "restore the backup into it (pg_restore, content files)" k restore --backup-dir "$W/backups"
else
  echo "== 3. server or disk lost: the server killed, its data folder deleted"
  stop_server
  rm -rf "$W/data"
  t0=$(now_ms)
  timed "restore the backup into a new data folder" k restore --backup-dir "$W/backups"
fi
serve
timed "serve until /readyz answers 200" until_ready
t1=$(now_ms)
printf '%-62s %8.1f s\n' "total, from the first command to ready" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')"
expect "acme's statements (as at the backup)" "$(statements_of acme)" "$acme"
expect "beta's statements (as at the backup)" "$(statements_of beta)" "$beta"
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null

if [ -n "${KIROKU_TEST_S3_ENDPOINT:-}" ]; then
  echo "== 4. everything on the machine lost, the backup folder too: restored from the S3 backup target"
  stop_server
  [ "$STORE" != postgres ] || { pg_stop; rm -rf "$W/pg/data"; pg_new; }
  rm -rf "$W/data" "$W/backups"
  t0=$(now_ms)
  timed "restore the newest backup from the bucket" k restore --backup-dir "$W/backups" --target s3
  serve
  timed "serve until /readyz answers 200" until_ready
  t1=$(now_ms)
  printf '%-62s %8.1f s\n' "total, from the restore to ready" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')"
  expect "acme's statements (as at the backup)" "$(statements_of acme)" "$acme"
  expect "beta's statements (as at the backup)" "$(statements_of beta)" "$beta"
fi
echo "drill passed"
