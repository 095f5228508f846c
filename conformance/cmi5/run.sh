#!/usr/bin/env bash
# Runs ADL's CATAPULT LMS test suite (adlnet/CATAPULT, folder lts/) against a freshly
# started `kiroku serve`, through kiroku's adapter (conformance/cmi5/lms.kiroku.js).
#
#   CATAPULT_LTS=/path/to/CATAPULT/lts conformance/cmi5/run.sh [--postgres]
#
# The suite is not part of this repository: CATAPULT_LTS points to the lts/ folder of a
# checkout on which `npm ci` has run and whose test packages are built (pkg/dist). The
# suite drives Debian's Chromium (PUPPETEER_EXECUTABLE_PATH, default /usr/bin/chromium).
# KIROKU_BIN picks the binary (default target/release/kiroku); with --postgres the server
# runs on a throw-away PostgreSQL (scripts/with-postgres.sh). Prints the suite's JUnit
# summary and exits non-zero unless every test passed and none was skipped.
set -euo pipefail

lts=${CATAPULT_LTS:?set CATAPULT_LTS to the lts/ folder of a prepared adlnet/CATAPULT checkout}
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = "--postgres" ]; then
  shift
  exec "$here/../../scripts/with-postgres.sh" env -u KIROKU_DATABASE_URL bash -c \
    'KIROKU_DATABASE_URL=$KIROKU_TEST_DATABASE_URL exec "$0" "$@"' "$here/run.sh" "$@"
fi
bin=${KIROKU_BIN:-${CARGO_TARGET_DIR:-$here/../../target}/release/kiroku}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
[ -d "$lts/pkg/dist" ] || { echo "no built test packages in $lts/pkg/dist"; exit 1; }

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
trap 'kill $server 2>/dev/null || true; rm -rf "$data"; rm -f "$lts/lib/lms.kiroku.js"' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

tenant="catapult-$$"
"$bin" --data-dir "$data" tenant create "$tenant" >/dev/null
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
admin=$("$bin" --data-dir "$data" --json credential create "$tenant" --scope admin)
lrs=$("$bin" --data-dir "$data" --json credential create "$tenant" --scope all)
cp "$here/lms.kiroku.js" "$lts/lib/lms.kiroku.js"
mkdir -p "$lts/var"
before=$(ls "$lts/var" | sort)
(
  cd "$lts"
  export CATAPULT_LMS=./lib/lms.kiroku.js KIROKU_URL="http://127.0.0.1:$port"
  export KIROKU_ADMIN_KEY=$(field key <<<"$admin") KIROKU_ADMIN_SECRET=$(field secret <<<"$admin")
  export KIROKU_LRS_KEY=$(field key <<<"$lrs") KIROKU_LRS_SECRET=$(field secret <<<"$lrs")
  export PUPPETEER_EXECUTABLE_PATH=${PUPPETEER_EXECUTABLE_PATH:-/usr/bin/chromium}
  export JEST_PUPPETEER_CONFIG="$here/jest-puppeteer.config.js"
  timeout 1200 npx jest --runInBand
) >"$out/suite.out" 2>&1 || true
report=$(comm -13 <(echo "$before") <(ls "$lts/var" | sort) | tail -n 1)
if [ -z "$report" ]; then
  echo "the suite wrote no JUnit report; see $out/suite.out"
  exit 1
fi
python3 - "$lts/var/$report" "$out/failures.txt" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
lines = []
for case in root.iter("testcase"):
    for f in list(case.findall("failure")) + list(case.findall("error")):
        lines.append(f'{case.get("classname")} > {case.get("name")}\n    {(f.get("message") or f.text or "")[:600]}')
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print(f"CATAPULT LMS test suite: {total} tests, {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(0 if failed == 0 and skipped == 0 and total > 0 else 1)
PY
status=$?
echo "details: $out"
exit $status
