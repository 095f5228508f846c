#!/usr/bin/env bash
# Runs a command beside a throw-away SMTP server (scripts/smtp-sink.py: Debian's
# python3-aiosmtpd, installed when missing) on a free loopback port, which writes every
# message it receives to a folder; stops it and removes the folder afterwards:
#   KIROKU_TEST_SMTP_HOST  127.0.0.1
#   KIROKU_TEST_SMTP_PORT  its port
#   KIROKU_TEST_SMTP_DIR   where messages land (NAME.eml as received, NAME.json decoded)
#   KIROKU_TEST_SMTP_SINK  the server's command, for tests that start one of their own
#
#   scripts/with-smtp.sh cargo nextest run -E 'test(/notice|smtp/)'
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's interpreter, where Debian's python3-aiosmtpd lives (not a python3 earlier on
# PATH, such as pyenv's).
PY=/usr/bin/python3
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd
fi

DIR=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$DIR/mail"
"$PY" scripts/smtp-sink.py "$PORT" "$DIR/mail" >"$DIR/smtp.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  grep -q ready "$DIR/smtp.log" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "the SMTP server did not start:" >&2; cat "$DIR/smtp.log" >&2; exit 1; }
  sleep 0.1
done
export KIROKU_TEST_SMTP_HOST=127.0.0.1 KIROKU_TEST_SMTP_PORT=$PORT KIROKU_TEST_SMTP_DIR=$DIR/mail
export KIROKU_TEST_SMTP_SINK="$PY $PWD/scripts/smtp-sink.py"
echo "== SMTP server for tests at 127.0.0.1:$PORT (messages in $KIROKU_TEST_SMTP_DIR)"
"$@"
