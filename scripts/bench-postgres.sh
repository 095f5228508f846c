#!/usr/bin/env bash
# xAPI benchmarks on PostgreSQL (docs/benchmarks.md, issue 5), against a throw-away
# cluster with PostgreSQL's durable defaults (fsync, synchronous_commit and
# full_page_writes on; unlike scripts/with-postgres.sh, which turns them off for tests):
#
#   scripts/bench-postgres.sh            # needs: release build of kiroku and of the bench example
#   PARTS="contended two" scripts/bench-postgres.sh
#
# The cluster lives in a fresh temporary folder (initdb), listens only on a Unix socket
# there, uses shared_buffers=1GB, and is stopped and removed at exit. Parts (PARTS, all by
# default), each on a fresh database with one tenant:
#   ingest     one server, empty → STATEMENTS (1,000,000) statements in POSTs of 100 from
#              4 clients; then, on the same data:
#   query      GET by agent + verb (limit 100): 4 clients × 4,000 requests, 1 client × 1,000,
#              right after the ingest and again once autovacuum is done and a CHECKPOINT ran
#   contended  8 clients posting CONTENDED (200,000) statements that share 10 agents,
#              3 verbs and 5 activities; deadlocks and rollbacks from pg_stat_database,
#              and the server's and PostgreSQL's logs searched for deadlocks,
#              serialization failures, retries and errors
#   two        TWO (200,000) statements from 4 clients into one server, then into two
#              servers on one database (clients split between them): both rates, and
#              the ratio
# SERVER_CPU=0.25 runs each kiroku server in a cgroup (v1 cpu controller) limited to that
# share of one CPU, as if every server were a small machine of its own beside the
# database: on a shared 2-core machine this is how a second server can add capacity
# (without it, both servers and PostgreSQL draw on the same two cores).
# Every step runs under `timeout`. Environment: K and B (the kiroku and bench binaries);
# EXPLAIN_MS=15 logs the plan (EXPLAIN ANALYZE, buffers) of every statement slower than
# 15 ms with auto_explain and prints the first three at the end (this slows queries a
# little: diagnosis only); HOLD=600 keeps the cluster running that many seconds after
# the parts (its socket folder is printed) for inspection with psql.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
K=${K:-$CARGO_TARGET_DIR/release/kiroku}
B=${B:-$CARGO_TARGET_DIR/release/examples/bench}
STATEMENTS=${STATEMENTS:-1000000}; CONTENDED=${CONTENDED:-200000}; TWO=${TWO:-200000}
PARTS=${PARTS:-ingest query contended two}
[ -x "$K" ] || cargo build --release --locked
[ -x "$B" ] || cargo build --release --locked --example bench

# shellcheck source=lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"
PG_BIN=$(find_pg_bin)
[ -n "$PG_BIN" ] || { echo "error: no initdb/pg_ctl (apt-get install postgresql)" >&2; exit 1; }
# PostgreSQL refuses to run as root: as root, the server runs as `postgres`.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as_pg=(runuser -u postgres --)
fi

W=$(mktemp -d /tmp/kiroku-bench-pg.XXXXXX)
[ ${#as_pg[@]} -eq 0 ] || chown postgres: "$W"
chmod 711 "$W"
mkdir -p "$W/run"
stop() {
  for p in "$W"/run/*.pid; do [ -e "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$W/data" -m fast -w stop >/dev/null 2>&1 || true
  sleep 0.5
  rmdir /sys/fs/cgroup/cpu/kiroku-bench-$$-* 2>/dev/null || true
  rm -rf "$W"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_pg[@]}" "$PG_BIN/initdb" -D "$W/data" -U kiroku --auth=trust -E UTF8 --locale=C >"$W/initdb.log" 2>&1 \
  || { cat "$W/initdb.log" >&2; exit 1; }
explain=""
[ -z "${EXPLAIN_MS:-}" ] || explain="-c shared_preload_libraries=auto_explain -c auto_explain.log_min_duration=${EXPLAIN_MS}ms -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c log_autovacuum_min_duration=0"
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$W/data" -l "$W/pg.log" -w -t 60 start \
  -o "-c listen_addresses='' -k $W -c shared_buffers=1GB -c max_connections=200 -c log_lock_waits=on $explain" >/dev/null \
  || { cat "$W/pg.log" >&2; exit 1; }
PSQL=$(command -v psql || echo "$PG_BIN/psql")
psql_q() { "$PSQL" -h "$W" -U kiroku -d "$1" -XAtqc "$2"; }
url() { echo "postgresql:///$1?host=$W&user=kiroku"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}'): $(psql_q postgres \
  "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN \
   ('fsync','synchronous_commit','full_page_writes','wal_sync_method','shared_buffers')")"
echo "kiroku $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

# A fresh database with tenant `bench`; sets KEY and SECRET.
setup() {
  psql_q postgres "CREATE DATABASE $1" >/dev/null
  "$K" --database-url "$(url "$1")" --data-dir "$W/files" tenant create bench >/dev/null
  local cred
  cred=$("$K" --database-url "$(url "$1")" --data-dir "$W/files" --json credential create bench)
  KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$cred")
  SECRET=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$cred")
}

# serve DB N: starts server N (app port 1858N) on DB, stopped by stop_servers.
serve() {
  local port=$((18580 + 2 * $2))
  timeout 3600 "$K" --database-url "$(url "$1")" --data-dir "$W/files" serve \
    --listen "127.0.0.1:$port" --content-listen "127.0.0.1:$((port + 1))" >"$W/serve-$1-$2.log" 2>&1 &
  echo $! >"$W/run/serve$2.pid"
  [ -n "${SERVER_CPU:-}" ] && limit_cpu "$!" "$2"
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "http://127.0.0.1:$port/xapi"
}
# limit_cpu PID N: moves the kiroku process under `timeout` PID into cgroup N, capped at
# SERVER_CPU of one CPU.
limit_cpu() {
  local g=/sys/fs/cgroup/cpu/kiroku-bench-$$-$2 child=""
  mkdir -p "$g"
  echo 100000 >"$g/cpu.cfs_period_us"
  local quota; quota=$(awk -v c="$SERVER_CPU" 'BEGIN { printf "%d", c * 100000 }')
  echo "$quota" >"$g/cpu.cfs_quota_us"
  for _ in $(seq 50); do child=$(pgrep -P "$1" || true); [ -n "$child" ] && break; sleep 0.05; done
  echo "$child" >"$g/cgroup.procs"
}
stop_servers() {
  for p in "$W"/run/serve*.pid; do
    [ -e "$p" ] || continue
    local pid; pid=$(cat "$p")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$p"
  done
}
bench() { local endpoint=$1; shift; timeout 1800 "$B" --endpoint "$endpoint" --key "$KEY" --secret "$SECRET" "$@"; }
counters() {
  sleep 1 # statistics reach pg_stat_database within a second
  psql_q postgres "SELECT 'deadlocks ' || deadlocks || ', rollbacks ' || xact_rollback || ', commits ' || xact_commit \
    FROM pg_stat_database WHERE datname = '$1'"
}
# Lines of the server's and PostgreSQL's logs naming deadlocks, serialization failures,
# retries or errors.
trouble() {
  local n
  n=$(cat "$W"/serve-"$1"-*.log | grep -ciE 'deadlock|40P01|40001|serializ|retry|could not|ERROR|WARN' || true)
  echo "server log lines naming deadlock/serialization/retry/error/warn: $n"
  grep -hiE 'deadlock|40P01|40001|serializ|retry|could not|ERROR|WARN' "$W"/serve-"$1"-*.log | head -5 || true
  n=$(grep -ciE 'deadlock|could not serialize|ERROR' "$W/pg.log" || true)
  echo "PostgreSQL log lines naming deadlock/serialization/ERROR (whole cluster so far): $n"
}
has() { [[ " $PARTS " == *" $1 "* ]]; }
# CPU time (clock ticks) of the kiroku servers and of the cluster's processes: marked
# before a step, reported after it (backends that exited in between are not counted).
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
kiroku_pids() { local f; for f in "$W"/run/serve*.pid; do [ -e "$f" ] && pgrep -P "$(cat "$f")"; done; }
pg_pids() { local pm; pm=$(head -1 "$W/data/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }
cpu_mark() { K0=$(ticks $(kiroku_pids)); P0=$(ticks $(pg_pids)); }
cpu_report() {
  local hz; hz=$(getconf CLK_TCK)
  awk -v k=$(( $(ticks $(kiroku_pids)) - K0 )) -v p=$(( $(ticks $(pg_pids)) - P0 )) -v hz="$hz" -v n="$1" -v what="$2" \
    'BEGIN { printf "CPU: kiroku %.1f s, PostgreSQL %.1f s (%.2f ms and %.2f ms per %s)\n", k/hz, p/hz, 1000*k/hz/n, 1000*p/hz/n, what }'
}
# Waits (at most 300 s) until no autovacuum worker runs, then checkpoints.
settle() {
  for _ in $(seq 300); do
    [ "$(psql_q "$1" "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")" = 0 ] && break
    sleep 1
  done
  psql_q "$1" CHECKPOINT
}

if has ingest || has query; then
  echo "== ingest: empty → $STATEMENTS statements, batches of 100, 4 clients, one server"
  setup big
  E=$(serve big 0)
  if has ingest; then
    cpu_mark
    bench "$E" --clients 4 ingest --statements "$STATEMENTS" --batch 100
    cpu_report $((STATEMENTS / 100)) batch
  fi
  echo "stored: $(psql_q big 'SELECT count(*) FROM statements'); database $(psql_q big "SELECT pg_size_pretty(pg_database_size('big'))")"
  if has query; then
    echo "== query: GET agent + verb, limit 100, on $(psql_q big 'SELECT count(*) FROM statements') statements"
    echo "right after the ingest (autovacuum and the checkpoint of the load may still run):"
    cpu_mark
    bench "$E" --clients 4 query --requests 4000 --limit 100
    cpu_report 4000 query
    bench "$E" --clients 1 query --requests 1000 --limit 100
    settle big
    echo "settled (no autovacuum worker, after CHECKPOINT), load average $(cut -d' ' -f1-3 /proc/loadavg):"
    bench "$E" --clients 4 query --requests 4000 --limit 100
    bench "$E" --clients 1 query --requests 1000 --limit 100
  fi
  stop_servers
  echo "$(counters big)"; trouble big
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if has contended; then
  echo "== contended: 8 writers, $CONTENDED statements sharing 10 agents, 3 verbs, 5 activities"
  setup contended
  E=$(serve contended 0)
  echo "before: $(counters contended)"
  cpu_mark
  bench "$E" --clients 8 --agents 10 --verbs 3 --activities 5 ingest --statements "$CONTENDED" --batch 100
  cpu_report $((CONTENDED / 100)) batch
  stop_servers
  echo "after: $(counters contended)"; trouble contended
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if has two; then
  echo "== two: $TWO statements, 4 clients, one server"
  setup one
  E=$(serve one 0)
  cpu_mark
  bench "$E" --clients 4 ingest --statements "$TWO" --batch 100
  cpu_report $((TWO / 100)) batch
  stop_servers
  echo "$(counters one)"; trouble one
  echo "== two: $TWO statements, 4 clients split between two servers on one database"
  setup two
  E0=$(serve two 0); E1=$(serve two 1)
  cpu_mark
  bench "$E0,$E1" --clients 4 ingest --statements "$TWO" --batch 100
  cpu_report $((TWO / 100)) batch
  stop_servers
  echo "stored: $(psql_q two 'SELECT count(*) FROM statements')"
  echo "$(counters two)"; trouble two
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [ -n "${EXPLAIN_MS:-}" ]; then
  echo "== statement queries slower than ${EXPLAIN_MS} ms: $(grep -c 'Query Text: SELECT s.seq' "$W/pg.log" || true); the first two:"
  awk '/LOG:  duration:/ { p = 0 } /LOG:  duration:/ && ++n { } /Query Text: SELECT s.seq/ { p = 1; k++ } p && k <= 2' "$W/pg.log" | head -80
  echo "== autovacuum and autoanalyze runs:"
  grep -E 'automatic (vacuum|analyze) of table' "$W/pg.log" | sed -E 's/ UTC \[[0-9]+\] LOG://' || true
fi

if [ -n "${HOLD:-}" ]; then
  echo "== holding the cluster for ${HOLD} s: psql -h $W -U kiroku -d big; $(url big)"
  sleep "$HOLD"
fi
