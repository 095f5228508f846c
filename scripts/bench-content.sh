#!/usr/bin/env bash
# Package import and content delivery benchmarks (docs/benchmarks.md, issue 3).
#
#   scripts/bench-content.sh            # needs: release build, python3, unzip, nginx, wrk
#
# 1. Import of a generated 200 MB, 5,000-file package with `kiroku import`, against
#    `unzip -q` plus `sha256sum` of the same files (median of RUNS runs each, interleaved).
# 2. A 1 MB file served over keep-alive connections by kiroku's content origin and by
#    nginx (sendfile on), measured with wrk (THREADS threads, CONNS connections, SECS s).
# Installs nginx and wrk with apt-get when missing. Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
RUNS=${RUNS:-5}; THREADS=${THREADS:-2}; CONNS=${CONNS:-16}; SECS=${SECS:-10}
K=$CARGO_TARGET_DIR/release/kiroku
[ -x "$K" ] || cargo build --release --locked
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk
fi
W=$(mktemp -d); chmod 755 "$W"; trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -n 1; }

if [ -z "${SKIP_IMPORT:-}" ]; then
echo "== import: 200 MB, 5,000 files"
python3 scripts/make-big-package.py "$W/big.zip" --files 5000 --mb 200
: >"$W/k.txt"; : >"$W/u.txt"
for i in $(seq "$RUNS"); do
  rm -rf "$W/data" "$W/unz"; "$K" --data-dir "$W/data" tenant create t >/dev/null; sync
  secs "$K" --data-dir "$W/data" import t "$W/big.zip" >>"$W/k.txt"
  sync
  secs bash -c "unzip -q '$W/big.zip' -d '$W/unz' && find '$W/unz' -type f -print0 | xargs -0 sha256sum" >>"$W/u.txt"
done
rss=$( { /usr/bin/time -f %M "$K" --data-dir "$W/data" import t "$W/big.zip" >/dev/null; } 2>&1 | tail -n 1)
k=$(median <"$W/k.txt"); u=$(median <"$W/u.txt")
echo "kiroku import: median ${k}s (runs: $(tr '\n' ' ' <"$W/k.txt")); peak RSS ${rss} KB"
echo "unzip -q + sha256sum: median ${u}s (runs: $(tr '\n' ' ' <"$W/u.txt"))"
echo "ratio kiroku/unzip+sha256sum: $(python3 -c "print(round($k/$u, 2))")"
fi

echo "== serving a 1 MB file"
mkdir -p "$W/root"
python3 - "$W" <<'PY'
import random, sys, zipfile
w = sys.argv[1]
data = random.Random(1).randbytes(1 << 20)
open(f"{w}/root/file.bin", "wb").write(data)
m = ('<?xml version="1.0"?><manifest identifier="serve" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
     'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schemaversion>1.2</schemaversion></metadata>'
     '<organizations default="o"><organization identifier="o"><title>Serve</title><item identifier="i" identifierref="r">'
     '<title>File</title></item></organization></organizations><resources><resource identifier="r" type="webcontent" '
     'adlcp:scormtype="asset" href="file.bin"/></resources></manifest>')
with zipfile.ZipFile(f"{w}/serve.zip", "w") as z:
    z.writestr("imsmanifest.xml", m)
    z.writestr("file.bin", data)
PY
D="$W/sdata"; "$K" --data-dir "$D" tenant create t >/dev/null
cred=$("$K" --data-dir "$D" --json credential create t --scope admin)
pkg=$("$K" --data-dir "$D" --json import t "$W/serve.zip" | python3 -c 'import json,sys; print(json.load(sys.stdin)["packageId"])')
"$K" serve --data-dir "$D" --listen 127.0.0.1:18380 --content-listen 127.0.0.1:18381 >"$W/serve.log" 2>&1 & echo $! >"$W/kiroku.pid"
cat >"$W/nginx.conf" <<NGINX
worker_processes auto; pid $W/nginx.pid; error_log $W/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 1000000;
  default_type application/octet-stream; server { listen 127.0.0.1:18390; root $W/root; } }
NGINX
nginx -c "$W/nginx.conf"
for _ in $(seq 50); do curl -fs http://127.0.0.1:18380/healthz >/dev/null && break; sleep 0.1; done
key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$cred")
secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$cred")
url=$(curl -fs -u "$key:$secret" -H 'content-type: application/json' -d '{"learner":"bench"}' \
  "http://127.0.0.1:18380/api/v1/packages/$pkg/launch" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
chmod -R a+rX "$W/root"
for u in http://127.0.0.1:18390/file.bin "$url"; do
  code=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$u")
  [ "$code" = "200 1048576" ] || { echo "$u answered $code, not 200 with 1 MiB"; exit 1; }
done
rps() { wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
n1=$(rps http://127.0.0.1:18390/file.bin); k1=$(rps "$url"); n2=$(rps http://127.0.0.1:18390/file.bin); k2=$(rps "$url")
echo "nginx: $n1 $n2 requests/s; kiroku: $k1 $k2 requests/s"
echo "ratio kiroku/nginx: $(python3 -c "print(round(($k1+$k2)/($n1+$n2), 2))")"
