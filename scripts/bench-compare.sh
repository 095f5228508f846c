#!/usr/bin/env bash
# Two kiroku builds side by side (docs/benchmarks.md): xAPI ingest and SCORM commit load,
# each run against a fresh `kiroku serve` on SQLite, the two builds alternating round by
# round so both see the same machine. Figures are compared as ratios within one run of
# this script (the machine is shared and noisy).
#
#   BASE=/path/to/old/kiroku HEAD=/path/to/new/kiroku B=/path/to/bench scripts/bench-compare.sh
#
# Environment: ROUNDS (2), STATEMENTS (200000), LEARNERS (300), INTERVAL (3), DURATION (30).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}; STATEMENTS=${STATEMENTS:-200000}
LEARNERS=${LEARNERS:-300}; INTERVAL=${INTERVAL:-3}; DURATION=${DURATION:-30}
: "${BASE:?the old kiroku binary}" "${HEAD:?the new kiroku binary}" "${B:?the bench binary}"
W=$(mktemp -d); trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT
APP=127.0.0.1:18680; CONTENT=127.0.0.1:18681
bound=$(( DURATION + 600 ))

cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }

# Starts a fresh server of binary $1 with scope $2; sets KEY, SECRET, PID.
start() {
  local K=$1 D="$W/data.$RANDOM"
  "$K" --data-dir "$D" tenant create bench >/dev/null
  local cred; cred=$("$K" --data-dir "$D" --json credential create bench --scope "$2")
  KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$cred")
  SECRET=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$cred")
  timeout "$bound" "$K" serve --data-dir "$D" --listen $APP --content-listen $CONTENT >"$W/serve.log" 2>&1 &
  echo $! >"$W/kiroku.pid"
  for _ in $(seq 100); do curl -fs "http://$APP/healthz" >/dev/null && break; sleep 0.1; done
  PID=$(pgrep -P "$(cat "$W/kiroku.pid")")
}

stop() { kill "$(cat "$W/kiroku.pid")"; wait "$(cat "$W/kiroku.pid")" 2>/dev/null || true; rm -f "$W/kiroku.pid"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for which in BASE HEAD; do
    K=${!which}
    start "$K" all
    out=$(timeout "$bound" "$B" --endpoint "http://$APP/xapi" --key "$KEY" --secret "$SECRET" --clients 4 \
      ingest --statements "$STATEMENTS" --batch 100 | tail -1)
    echo "round $round $which ingest: $out; server CPU $(cpu "$PID") s"
    stop
    start "$K" admin
    out=$(timeout "$bound" "$B" --endpoint "http://$APP/xapi" --key "$KEY" --secret "$SECRET" --clients 8 \
      commits --learners "$LEARNERS" --interval "$INTERVAL" --duration "$DURATION" --scorm 2004 | grep '^commits:' || echo "bench failed")
    echo "round $round $which commits: $out; server CPU $(cpu "$PID") s (setup included)"
    stop
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
