#!/usr/bin/env bash
# Runs ADL's LRS conformance test suite (adlnet/lrs-conformance-test-suite) against a
# freshly started `kiroku serve`, with a fresh tenant per xAPI version.
#
#   LRS_SUITE=/path/to/checkout conformance/run.sh [2.0.0] [1.0.3]
#
# The suite is not part of this repository: LRS_SUITE points to a checkout on which
# `npm install` has run. KIROKU_BIN picks the binary (default target/release/kiroku).
# With KIROKU_DATABASE_URL=postgres://… the server and the CLI calls use that PostgreSQL
# database instead of SQLite (tenant names carry a run-unique suffix, so a database that
# was used before works too); `conformance/run.sh --postgres` runs on a throw-away
# PostgreSQL server of its own (scripts/with-postgres.sh).
# For each version it prints the suite's summary line, taken from the JSON run log (the
# suite's exit code is the failure count modulo 256), and writes the failed tests'
# titles to $OUT/failures-<version>.txt. Exits non-zero unless every test passed.
set -euo pipefail

suite=${LRS_SUITE:?set LRS_SUITE to a checkout of adlnet/lrs-conformance-test-suite with npm install done}
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = "--postgres" ]; then
  shift
  exec "$here/../scripts/with-postgres.sh" env -u KIROKU_DATABASE_URL bash -c \
    'KIROKU_DATABASE_URL=$KIROKU_TEST_DATABASE_URL exec "$0" "$@"' "$here/run.sh" "$@"
fi
bin=${KIROKU_BIN:-${CARGO_TARGET_DIR:-$here/../target}/release/kiroku}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2.0.0 1.0.3)

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ -n "${KIROKU_DATABASE_URL:-}" ]; then
  echo "store: PostgreSQL ($(sed -E 's#://([^:/@]*):[^@]*@#://\1:***@#' <<<"$KIROKU_DATABASE_URL"))"
else
  echo "store: SQLite"
fi
"$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" --content-listen "127.0.0.1:$cport" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

status=0
for v in "${versions[@]}"; do
  tenant="conformance-${v//./-}-$$"
  "$bin" --data-dir "$data" tenant create "$tenant" --xapi-version "$v" >/dev/null
  cred=$("$bin" --data-dir "$data" --json credential create "$tenant")
  key=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])' <<<"$cred")
  secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <<<"$cred")
  mkdir -p "$suite/logs"
  before=$(ls "$suite/logs" | sort)
  (cd "$suite" && node bin/console_runner.js -e "http://127.0.0.1:$port/xapi" -a -u "$key" -p "$secret" -x "$v") \
    >"$out/suite-$v.out" 2>&1 || true
  log=$(comm -13 <(echo "$before") <(ls "$suite/logs" | sort) | tail -n 1)
  if [ -z "$log" ]; then
    echo "$v: the suite wrote no run log; see $out/suite-$v.out"
    status=1
    continue
  fi
  python3 - "$suite/logs/$log" "$out/failures-$v.txt" "$v" <<'PY' || status=1
import json, sys
run = json.load(open(sys.argv[1]))
s = run["summary"]
failed = []
def walk(node, trail):
    title = node.get("title") or node.get("name") or ""
    for t in node.get("tests") or []:
        walk(t, trail + [title])
    if not node.get("tests") and node.get("status") == "failed":
        failed.append(" > ".join([x for x in trail + [title] if x]) + "\n    " + str(node.get("error", ""))[:400])
walk(run["log"], [])
open(sys.argv[2], "w").write("\n".join(failed) + "\n")
print(f'{sys.argv[3]}: {json.dumps(s)}')
sys.exit(0 if s["failed"] == 0 and s["passed"] == s["total"] else 1)
PY
done
echo "details: $out"
exit $status
