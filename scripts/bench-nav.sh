#!/usr/bin/env bash
# SCORM 2004 navigation at the server on a 1,000-activity sequenced course (docs/benchmarks.md,
# issue 14): a fresh `kiroku serve` on SQLite, then `bench … nav` (examples/bench/nav.rs),
# which times each navigation call at the client over loopback, and the server's own view
# of the same calls (tower-http's per-response debug line, whole milliseconds).
#
#   scripts/bench-nav.sh       # needs: release build of kiroku and of the bench example
#
# Environment: LEARNERS (3), STEPS (300), K and B (the kiroku and bench binaries),
# DATABASE_URL (a PostgreSQL database to run on instead of SQLite), CHRT ("chrt -f 10" to
# run client and server as real-time tasks, as the engine benchmark does).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
LEARNERS=${LEARNERS:-3}; STEPS=${STEPS:-300}; CHRT=${CHRT:-}
K=${K:-$CARGO_TARGET_DIR/release/kiroku}
B=${B:-$CARGO_TARGET_DIR/release/examples/bench}
[ -x "$K" ] || cargo build --release --locked
[ -x "$B" ] || cargo build --release --locked --example bench
W=$(mktemp -d); trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT
APP=127.0.0.1:18590; CONTENT=127.0.0.1:18591
D="$W/data"; store=()
[ -n "${DATABASE_URL:-}" ] && store=(--database-url "$DATABASE_URL")

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$K" --data-dir "$D" "${store[@]}" tenant create bench >/dev/null
cred=$("$K" --data-dir "$D" "${store[@]}" --json credential create bench --scope admin)
key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$cred")
secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$cred")
KIROKU_LOG=info,tower_http=debug timeout 900 $CHRT "$K" serve --data-dir "$D" "${store[@]}" --listen $APP --content-listen $CONTENT >"$W/serve.log" 2>&1 &
echo $! >"$W/kiroku.pid"
for _ in $(seq 100); do curl -fs "http://$APP/healthz" >/dev/null && break; sleep 0.1; done
timeout 900 $CHRT "$B" --endpoint "http://$APP/xapi" --key "$key" --secret "$secret" \
  nav --learners "$LEARNERS" --steps "$STEPS"
kill "$(cat "$W/kiroku.pid")"; wait "$(cat "$W/kiroku.pid")" 2>/dev/null || true; rm -f "$W/kiroku.pid"
python3 - "$W/serve.log" <<'PY'
import re, sys
ms = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if "/-/nav" in line and "finished processing request" in line:
        m = re.search(r"latency=(\d+) ms", line)
        if m:
            ms.append(int(m.group(1)))
ms.sort()
at = lambda p: ms[min(len(ms) - 1, round((len(ms) - 1) * p))]
print(f"server side: {len(ms)} navigation calls, latency ms p50 {at(0.5)} p90 {at(0.9)} p99 {at(0.99)} max {ms[-1]}" if ms else "server side: no latency lines (is the URI in tower-http's span?)")
PY
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
