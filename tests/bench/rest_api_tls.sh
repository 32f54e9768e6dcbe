#!/usr/bin/env bash
# What TLS costs the Management API (issue 15 part 3). Not a ctest test: run it by hand.
#
# Two phpeek-pm daemons in one run, 100 supervised `sleep` instances each, identical but for
# `global.api_tls` (an EC P-256 certificate made here by the openssl CLI) in one of them: plain
# HTTP ("plain") and HTTPS ("tls"). wrk (Debian's speaks https) GETs /api/v1/processes at 1 and 64
# connections with keep-alive, so handshakes are a small part of each run, the two peers
# alternating ROUNDS times per point; printed: req/s and p99 as ratios tls / plain (median of the
# rounds and [min-max]). Target: req/s ratio >= 0.5 at both counts. Absolute figures follow, for
# context only.
#
# wrk runs at nice 19 (BENCH_WRK_NICE), like the API's own threads: the handshakes and the
# decryption happen on the API's I/O thread, which runs at nice 19 so that a busy API never delays
# supervision; a nice-0 wrk spinning on both cores of a 2-core machine starves it, and a run of 64
# new connections then spends seconds in handshakes (0 requests in some 2 s runs), which measures
# the scheduler, not TLS. A real client is on another machine.
#
#   tests/bench/rest_api_tls.sh [BUILD_DIR]
#   BENCH_DURATION=5 BENCH_ROUNDS=3 tests/bench/rest_api_tls.sh build
#
# BENCH_DEFAULT_CONFIG=1 gives both daemons the shipped config/phpeek-pm.yaml's `global:` settings;
# BENCH_JSON=FILE appends the ratios as headline records (benchlib.py, wrk_pair.sh).
#
# Needs BUILD_DIR/bin/phpeek-pm with its rest-api plugin, wrk, curl, openssl, python3 (free
# ports) and rest_api_load.lua next to this script; the side-by-side machinery is wrk_pair.sh.
set -euo pipefail

BENCH_NAME=rest_api_tls
CONNECTIONS=(1 64)
TOOLS=openssl
WRK_NICE=${BENCH_WRK_NICE:-19}
# shellcheck source=wrk_pair.sh
source "$(dirname "${BASH_SOURCE[0]}")/wrk_pair.sh"
CURL_OPTS="--cacert $TMP/ca.crt"

make_certificate() {  # a CA and a server certificate for 127.0.0.1 signed by it
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ca.key" \
    -out "$TMP/ca.crt" -days 2 -subj /CN=bench-ca 2> /dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/server.key" \
    -out "$TMP/server.csr" -subj /CN=127.0.0.1 2> /dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' > "$TMP/server.ext"
  openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.crt" -CAkey "$TMP/ca.key" \
    -CAcreateserial -out "$TMP/server.crt" -days 2 -extfile "$TMP/server.ext" 2> /dev/null
}

echo "starting two daemons with $INSTANCES instances each (plain / tls) ..." >&2
make_certificate
start_daemon plain http ""
start_daemon tls https "  api_tls:
    enabled: true
    cert_file: $TMP/server.crt
    key_file: $TMP/server.key"
grep -q "Management API listening on https://" "$TMP/tls.log" ||
  die "the tls daemon does not speak https: $(cat "$TMP/tls.log")"
run_rounds plain tls
report plain tls "plain HTTP" "TLS" ">= 0.5"
