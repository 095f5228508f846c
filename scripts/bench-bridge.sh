#!/usr/bin/env bash
# Cost of the bridge's SetValue / GetValue in headless Chromium (docs/benchmarks.md, issue 4).
#
#   scripts/bench-bridge.sh        # needs: release build, python3, /usr/bin/chromium
#
# Starts `kiroku serve` (for /runtime/bridge.js and /runtime/model/*.json), serves
# scripts/bench-bridge.js on a page of its own origin with COOP + COEP headers (cross-origin
# isolated, so performance.now() has 5 µs resolution), and loads it in headless Chromium
# once per SCORM version, RUNS times. The bridge is installed with the attempt and the
# model handed in, so no attempt endpoint is called; window.fetch is stubbed, and no
# commit is made: only the API calls are timed. Everything listens on 127.0.0.1.
# Environment: RUNS (2), CALLS (20000 timed calls per function and pass), INTERACTIONS (50),
# OBJECTIVES (10), K (the kiroku binary), BRIDGE (a bridge.js to time instead of the one the
# server serves, e.g. a change not yet built into the binary; served from the page's origin).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
RUNS=${RUNS:-2}; CALLS=${CALLS:-20000}; INTERACTIONS=${INTERACTIONS:-50}; OBJECTIVES=${OBJECTIVES:-10}
K=${K:-$CARGO_TARGET_DIR/release/kiroku}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$K" ] || cargo build --release --locked
W=$(mktemp -d); trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT
APP=127.0.0.1:18480; CONTENT=127.0.0.1:18481; PAGE=127.0.0.1:18482

timeout 900 "$K" serve --data-dir "$W/data" --listen $APP --content-listen $CONTENT >"$W/serve.log" 2>&1 &
echo $! >"$W/kiroku.pid"
mkdir -p "$W/www"; cp scripts/bench-bridge.js "$W/www/"
BRIDGE_SRC="http://$CONTENT/runtime/bridge.js"
if [ -n "${BRIDGE:-}" ]; then cp "$BRIDGE" "$W/www/bridge.js"; BRIDGE_SRC=bridge.js; fi
cat >"$W/www/index.html" <<HTML
<!doctype html>
<html><head><meta charset="utf-8"><title>bridge benchmark</title></head>
<body><pre id="out"></pre>
<script crossorigin="anonymous" src="$BRIDGE_SRC"></script>
<script src="bench-bridge.js"></script></body></html>
HTML
cat >"$W/page.py" <<'PY'
import functools, http.server, sys
class Isolated(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()
    def log_message(self, *args):
        pass
host, port = sys.argv[1].split(":")
handler = functools.partial(Isolated, directory=sys.argv[2])
http.server.ThreadingHTTPServer((host, int(port)), handler).serve_forever()
PY
timeout 900 python3 "$W/page.py" $PAGE "$W/www" & echo $! >"$W/page.pid"
for _ in $(seq 50); do
  curl -fs "http://$APP/healthz" >/dev/null && curl -fs "http://$PAGE/index.html" >/dev/null && break
  sleep 0.1
done

# One page load; prints the page's JSON result.
measure() {
  local profile; profile=$(mktemp -d -p "$W")
  timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$profile" --virtual-time-budget=10000 \
    --dump-dom "http://$PAGE/index.html?origin=http://$CONTENT&version=$1&calls=$CALLS&interactions=$INTERACTIONS&objectives=$OBJECTIVES" \
    2>/dev/null | python3 -c '
import html, re, sys
m = re.search(r"<pre id=\"out\">(.*?)</pre>", sys.stdin.read(), re.S)
print(html.unescape(m.group(1)) if m and m.group(1) else "{\"error\": \"no result in the DOM\"}")'
}

cat >"$W/report.py" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
if "error" in r or r["refused"] or r["failed_sets"] or not r["isolated"]:
    sys.exit("bad run: " + json.dumps(r)[:2000])
def line(name, f):
    return (f"{name}: mean {f['mean_us']:.2f} µs/call; 100-call batches p50 {f['batch_p50_us']:.2f} "
            f"p99 {f['batch_p99_us']:.2f} max {f['batch_max_us']:.2f} µs/call; single calls p50 "
            f"{f['call_p50_us']:.0f} p99 {f['call_p99_us']:.0f} p99.9 {f['call_p999_us']:.0f} max {f['call_max_us']:.0f} µs")
v = r["version"]
print(f"SCORM {v}: {r['calls']} timed calls per pass; {r['interactions']} interactions, {r['objectives']} objectives, "
      f"{r['data_keys']} data elements; lists of {r['set_list']} sets and {r['get_list']} gets; commit fetches {r['commit_fetches']}")
print("  " + line("LMSSetValue" if v == "1.2" else "SetValue", r["set"]))
print("  " + line("LMSGetValue" if v == "1.2" else "GetValue", r["get"]))
PY

"$CHROMIUM" --version 2>/dev/null
echo "bridge: ${BRIDGE:-served by kiroku}"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  echo "== run $run"
  for version in 1.2 2004; do
    python3 "$W/report.py" "$(measure $version)"
  done
done
