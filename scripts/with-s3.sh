#!/usr/bin/env bash
# Runs a command beside a throw-away S3-compatible server (moto's server, from PyPI) on a
# free loopback port, with KIROKU_TEST_S3_ENDPOINT set; stops it afterwards.
#
#   scripts/with-s3.sh cargo nextest run -E 'test(/blobs_s3/)'
#
# moto is installed into a virtual environment under ~/.cache/kiroku-moto on first use.
set -euo pipefail
VENV=${KIROKU_MOTO_VENV:-$HOME/.cache/kiroku-moto}
if [ ! -x "$VENV/bin/moto_server" ]; then
  python3 -m venv "$VENV" 2>/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    python3 -m venv "$VENV"
  }
  "$VENV/bin/pip" install -q "moto[server]"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
LOG=$(mktemp)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/')" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
echo "== S3-compatible server (moto) for tests at 127.0.0.1:$PORT"
export KIROKU_TEST_S3_ENDPOINT="http://127.0.0.1:$PORT"
"$@"
