#!/usr/bin/env bash
# The web app's report and list pages in a big tenant (docs/benchmarks.md, issue 15):
# a fresh `kiroku serve` (SQLite, or PostgreSQL with --postgres: a throw-away server from
# scripts/with-postgres.sh), STATEMENTS statements ingested, LEARNERS learners launched
# and committed once each, then each page REQUESTS times (examples/bench/pages.rs).
#
#   scripts/bench-pages.sh [--postgres]      # needs release builds of kiroku and bench
#
# Environment: STATEMENTS (1000000), LEARNERS (100000), REQUESTS (20), CLIENTS (8),
# K and B (the kiroku and bench binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--postgres" ] && [ -z "${KIROKU_TEST_DATABASE_URL:-}" ]; then
  exec scripts/with-postgres.sh "$0" --postgres
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
STATEMENTS=${STATEMENTS:-1000000}; LEARNERS=${LEARNERS:-100000}; REQUESTS=${REQUESTS:-20}; CLIENTS=${CLIENTS:-8}
K=${K:-$CARGO_TARGET_DIR/release/kiroku}
B=${B:-$CARGO_TARGET_DIR/release/examples/bench}
[ -x "$K" ] || cargo build --release --locked
[ -x "$B" ] || cargo build --release --locked --example bench
W=$(mktemp -d)
# On a failure the server's log says why (its last lines), before the folder goes.
trap 'rc=$?; [ $rc = 0 ] || tail -40 "$W/serve.log" >&2; kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT
APP=127.0.0.1:18590; CONTENT=127.0.0.1:18591
DB=()
if [ "${1:-}" = "--postgres" ]; then DB=(--database-url "$KIROKU_TEST_DATABASE_URL"); fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); store: ${1:---sqlite}"
"$K" --data-dir "$W/data" "${DB[@]}" tenant create bench >/dev/null
cred=$("$K" --data-dir "$W/data" "${DB[@]}" --json credential create bench --scope all --scope admin)
key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$cred")
secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$cred")
timeout 7200 "$K" serve --data-dir "$W/data" "${DB[@]}" --listen $APP --content-listen $CONTENT >"$W/serve.log" 2>&1 &
echo $! >"$W/kiroku.pid"
for _ in $(seq 100); do curl -fs "http://$APP/healthz" >/dev/null && break; sleep 0.1; done
run() { timeout 7200 "$B" --endpoint "http://$APP/xapi" --key "$key" --secret "$secret" --clients "$CLIENTS" --agents 100000 "$@"; }
if [ "$STATEMENTS" -gt 0 ]; then run ingest --statements "$STATEMENTS" --batch 500; fi
run pages --learners "$LEARNERS" --requests "$REQUESTS"
echo "data folder $(du -sh "$W/data" | cut -f1)"
