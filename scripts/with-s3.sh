#!/usr/bin/env bash
# Runs a command beside two throw-away S3-compatible servers (moto's server, from PyPI) on
# free loopback ports; stops them and removes their files afterwards:
#   KIROKU_TEST_S3_ENDPOINT      http://127.0.0.1:PORT
#   KIROKU_TEST_S3_TLS_ENDPOINT  https://127.0.0.1:PORT, with a certificate for 127.0.0.1
#                                and localhost from a throw-away CA (made with openssl)
#   KIROKU_TEST_S3_CA_FILE       that CA's certificate (PEM)
#
#   scripts/with-s3.sh cargo nextest run -E 'test(/s3/)'
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
command -v openssl >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl
}

DIR=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A CA, and a server certificate it signs for 127.0.0.1 and localhost (P-256 keys).
make_certificates() {
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=kiroku test CA" \
    -keyout "$DIR/ca.key" -out "$DIR/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$DIR/server.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial \
    -days 2 -extfile "$DIR/server.ext" -out "$DIR/server.pem" 2>/dev/null
}

# start_moto NAME SCHEME [moto_server flags…]: prints the endpoint once it answers.
start_moto() {
  local name=$1 scheme=$2 port
  shift 2
  port=$(free_port)
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" "$@" >"$DIR/$name.log" 2>&1 &
  PIDS+=($!)
  local url="$scheme://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    if python3 -c "import ssl,sys,urllib.request as u; u.urlopen(sys.argv[1], context=ssl.create_default_context(cafile=sys.argv[2]))" \
      "$url/moto-api/" "$DIR/ca.pem" 2>/dev/null; then
      echo "$url"
      return
    fi
    sleep 0.1
  done
  echo "moto ($name) did not start:" >&2
  cat "$DIR/$name.log" >&2
  exit 1
}

make_certificates
# Started here, not in $(…), so that cleanup knows their process ids.
start_moto plain http >"$DIR/plain.url"
start_moto tls https --ssl-cert "$DIR/server.pem" --ssl-key "$DIR/server.key" >"$DIR/tls.url"
export KIROKU_TEST_S3_ENDPOINT KIROKU_TEST_S3_TLS_ENDPOINT KIROKU_TEST_S3_CA_FILE
KIROKU_TEST_S3_ENDPOINT=$(cat "$DIR/plain.url")
KIROKU_TEST_S3_TLS_ENDPOINT=$(cat "$DIR/tls.url")
KIROKU_TEST_S3_CA_FILE="$DIR/ca.pem"
echo "== S3-compatible servers (moto) for tests at $KIROKU_TEST_S3_ENDPOINT and $KIROKU_TEST_S3_TLS_ENDPOINT"
"$@"
