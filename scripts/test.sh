#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit and integration tests,
# and, when a checkout of ADL's LRS conformance suite is given, both conformance runs
# (xAPI 2.0.0 and 1.0.3) on SQLite and on PostgreSQL.
#
#   scripts/test.sh                      # everything that needs no outside checkout
#   LRS_SUITE=/path/to/lrs-conformance-test-suite scripts/test.sh
#   CATAPULT_LTS=/path/to/CATAPULT/lts scripts/test.sh   # + ADL's cmi5 LMS test suite
#
# Installs what the tests need on a fresh machine (Debian packages via apt-get, npm
# packages for the conformance suite). The tests run beside a throw-away PostgreSQL
# server (scripts/with-postgres.sh, which installs Debian's postgresql when missing). Build output goes to CARGO_TARGET_DIR
# (default ~/.cache/kiroku-target) so repeated runs from fresh clones reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kiroku-target}
export CARGO_TERM_COLOR=never

need_apt=()
command -v curl >/dev/null || need_apt+=(curl)
command -v python3 >/dev/null || need_apt+=(python3)
# scripts/with-s3.sh makes the certificates of its https test server with openssl, and the
# TLS tests (tests/integration/tls.rs, timeouts.rs) their throw-away CAs.
command -v openssl >/dev/null || need_apt+=(openssl)
# The bridge tests (tests/integration/browser.rs) run headless Chromium; the tests that
# click (clicks.rs, opener.rs) drive it through chromedriver (W3C WebDriver).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
# The web app's screenshots (tests/integration/web_browser.rs) show Japanese text.
[ -e /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] || need_apt+=(fonts-ipafont-gothic)
# The browser tests check every page with axe-core (npm), run in Chromium.
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
AXE_DIR=$HOME/.cache/kiroku-axe
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  echo "== installing axe-core (npm) into $AXE_DIR"
  mkdir -p "$AXE_DIR"
  npm install --prefix "$AXE_DIR" --no-audit --no-fund --silent axe-core@4
fi
export KIROKU_AXE_JS=$AXE_DIR/node_modules/axe-core/axe.min.js

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
# Both passes share one throw-away PostgreSQL server (scripts/with-postgres.sh), one
# S3-compatible server (scripts/with-s3.sh, moto from PyPI) and one SMTP server for the
# notices' e-mails (scripts/with-smtp.sh, Debian's python3-aiosmtpd): first the
# SQLite test servers and the store suite on both backends, then every test server on
# PostgreSQL (the store suite, already run on both, is left out).
if cargo nextest --version >/dev/null 2>&1; then
  first="cargo nextest run --locked --no-fail-fast"
  second="cargo nextest run --locked --no-fail-fast -E 'not test(/^store::/)'"
else
  first="cargo test --locked --no-fail-fast"
  second="cargo test --locked --no-fail-fast -- --skip store::"
fi
scripts/with-postgres.sh scripts/with-s3.sh scripts/with-smtp.sh bash -c "
  status=0
  echo '== tests (SQLite test servers; the store suite on SQLite and PostgreSQL)'
  $first || status=1
  echo '== tests (every test server on PostgreSQL)'
  KIROKU_TEST_STORE=postgres $second || status=1
  exit \$status"

if [ -n "${LRS_SUITE:-}" ]; then
  echo "== xAPI conformance (${LRS_SUITE})"
  command -v node >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
  [ -d "$LRS_SUITE/node_modules" ] || (cd "$LRS_SUITE" && npm install --no-audit --no-fund)
  cargo build --locked --release
  echo "== xAPI conformance on SQLite"
  conformance/run.sh 2.0.0 1.0.3
  echo "== xAPI conformance on PostgreSQL"
  conformance/run.sh --postgres 2.0.0 1.0.3
fi

if [ -n "${CATAPULT_LTS:-}" ]; then
  echo "== cmi5: ADL's CATAPULT LMS test suite (${CATAPULT_LTS})"
  cargo build --locked --release
  echo "== cmi5 conformance on SQLite"
  conformance/cmi5/run.sh
  echo "== cmi5 conformance on PostgreSQL"
  conformance/cmi5/run.sh --postgres
fi
