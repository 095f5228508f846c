#!/usr/bin/env bash
# SCORM commit load on SQLite (docs/benchmarks.md, issue 4): LEARNERS simulated learners,
# each committing every INTERVAL s for DURATION s, against a fresh `kiroku serve` per run.
#
#   scripts/bench-commits.sh       # needs: release build of kiroku and of the bench example
#
# Each run: new data folder, tenant, admin credential, server on 127.0.0.1; then
# `bench … commits` (examples/bench/commits.rs), the server's CPU time, the server's own
# view of the commits' latency (tower-http's per-response debug line, whole milliseconds:
# request read → response ready, without the client's or the kernel's share), and the
# server is stopped. Environment: RUNS (2), LEARNERS (500), INTERVAL (5), DURATION (60),
# SCORM (1.2 or 2004), K and B (the kiroku and bench binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
RUNS=${RUNS:-2}; LEARNERS=${LEARNERS:-500}; INTERVAL=${INTERVAL:-5}; DURATION=${DURATION:-60}; SCORM=${SCORM:-1.2}
K=${K:-$CARGO_TARGET_DIR/release/kiroku}
B=${B:-$CARGO_TARGET_DIR/release/examples/bench}
[ -x "$K" ] || cargo build --release --locked
[ -x "$B" ] || cargo build --release --locked --example bench
W=$(mktemp -d); trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT
APP=127.0.0.1:18580; CONTENT=127.0.0.1:18581
bound=$(python3 -c "print(int($DURATION) + 300)")

# CPU seconds (user + system) a process has used.
cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  echo "== run $run"
  D="$W/data$run"
  "$K" --data-dir "$D" tenant create bench >/dev/null
  cred=$("$K" --data-dir "$D" --json credential create bench --scope admin)
  key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$cred")
  secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$cred")
  KIROKU_LOG=info,tower_http=debug timeout "$bound" "$K" serve --data-dir "$D" --listen $APP --content-listen $CONTENT >"$W/serve$run.log" 2>&1 &
  echo $! >"$W/kiroku.pid"
  for _ in $(seq 50); do curl -fs "http://$APP/healthz" >/dev/null && break; sleep 0.1; done
  timeout "$bound" "$B" --endpoint "http://$APP/xapi" --key "$key" --secret "$secret" --clients 8 \
    commits --learners "$LEARNERS" --interval "$INTERVAL" --duration "$DURATION" --scorm "$SCORM" || echo "bench failed"
  # The pid file holds timeout's pid; the server is its child (timeout passes TERM on).
  echo "server CPU $(cpu "$(pgrep -P "$(cat "$W/kiroku.pid")")") s; data folder $(du -sh "$D" | cut -f1)"
  kill "$(cat "$W/kiroku.pid")"; wait "$(cat "$W/kiroku.pid")" 2>/dev/null || true; rm -f "$W/kiroku.pid"
  python3 - "$W/serve$run.log" <<'PY'
import re, sys
ms = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if "/commit" in line and "finished processing request" in line:
        m = re.search(r"latency=(\d+) ms", line)
        if m:
            ms.append(int(m.group(1)))
ms.sort()
at = lambda p: ms[min(len(ms) - 1, round((len(ms) - 1) * p))]
print(f"server side: {len(ms)} commits, latency ms p50 {at(0.5)} p90 {at(0.9)} p99 {at(0.99)} max {ms[-1]}" if ms else "server side: no latency lines")
PY
  echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
done
