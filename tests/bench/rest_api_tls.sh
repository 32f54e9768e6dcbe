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
# Needs BUILD_DIR/bin/phpeek-pm with its rest-api plugin, wrk, curl, openssl, python3 (free
# ports) and rest_api_load.lua next to this script. Everything listens on 127.0.0.1 only; both
# daemons are stopped by their pids on exit, and the temporary directory is removed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
BIN=$BUILD/bin/phpeek-pm
LUA=$HERE/rest_api_load.lua
DURATION=${BENCH_DURATION:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_NICE=${BENCH_WRK_NICE:-19}
INSTANCES=100
CONNECTIONS=(1 64)

die() { echo "rest_api_tls: $*" >&2; exit 1; }
[[ -x $BIN ]] || die "no phpeek-pm binary at $BIN"
[[ -f $BUILD/lib/phpeek-pm/plugins/rest-api.so ]] || die "no rest-api plugin under $BUILD/lib"
for tool in wrk curl openssl python3; do command -v "$tool" > /dev/null || die "$tool is not installed"; done

TMP=$(mktemp -d /tmp/phpeek-tls-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid i
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2> /dev/null || continue
    for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

make_certificate() {  # a CA and a server certificate for 127.0.0.1 signed by it
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ca.key" \
    -out "$TMP/ca.crt" -days 2 -subj /CN=bench-ca 2> /dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/server.key" \
    -out "$TMP/server.csr" -subj /CN=127.0.0.1 2> /dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' > "$TMP/server.ext"
  openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.crt" -CAkey "$TMP/ca.key" \
    -CAcreateserial -out "$TMP/server.crt" -days 2 -extfile "$TMP/server.ext" 2> /dev/null
}

declare -A URL
start_daemon() {  # peer scheme extra-global-lines
  local port
  port=$(free_port)
  cat > "$TMP/$1.yaml" << EOF
global:
  log_format: text
  api_enabled: true
  api_host: 127.0.0.1
  api_port: $port
$3
processes:
  sleeper:
    command: ["sleep", "100000"]
    scale: $INSTANCES
EOF
  "$BIN" -c "$TMP/$1.yaml" > "$TMP/$1.log" 2>&1 &
  PIDS+=($!)
  URL[$1]="$2://127.0.0.1:$port/api/v1/processes"
  local deadline=$((SECONDS + 60)) n=0
  until ((n == INSTANCES + 1)); do
    ((SECONDS < deadline)) || die "$1: instances not running: $(tail -5 "$TMP/$1.log")"
    sleep 0.2
    n=$(curl -sf --cacert "$TMP/ca.crt" "${URL[$1]}" | grep -o '"state": *"running"' | wc -l) || n=0
  done
}

declare -A R  # R[peer,connections,round,key]
measure() {  # peer connections round
  local threads=$(($2 < 2 ? $2 : 2)) kv line
  nice -n "$WRK_NICE" wrk "-t$threads" "-c$2" -d1s --timeout 5s -s "$LUA" "${URL[$1]}" > /dev/null  # warm-up
  nice -n "$WRK_NICE" wrk "-t$threads" "-c$2" "-d${DURATION}s" --timeout 5s -s "$LUA" "${URL[$1]}" > "$TMP/wrk.out"
  line=$(sed -n 's/^BENCH //p' "$TMP/wrk.out")
  [[ -n $line ]] || die "wrk printed no figures: $(cat "$TMP/wrk.out")"
  for kv in $line; do R[$1,$2,$3,${kv%%=*}]=${kv#*=}; done
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
for c in "${CONNECTIONS[@]}"; do
  for ((r = 0; r < ROUNDS; r++)); do
    echo "wrk at $c connection(s), round $((r + 1))/$ROUNDS, ${DURATION}s per peer ..." >&2
    if ((r % 2 == 0)); then
      measure plain "$c" "$r"
      measure tls "$c" "$r"
    else
      measure tls "$c" "$r"
      measure plain "$c" "$r"
    fi
  done
done

stats() {  # values...: "median [min-max]"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.2f [%.2f-%.2f]", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
ratios() {  # connections key: tls / plain, per round
  local r out=()
  for ((r = 0; r < ROUNDS; r++)); do
    out+=("$(awk "BEGIN { print ${R[tls,$1,$r,$2]} / ${R[plain,$1,$r,$2]} }")")
  done
  stats "${out[@]}"
}
values() {  # peer connections key divisor
  local r out=()
  for ((r = 0; r < ROUNDS; r++)); do out+=("$(awk "BEGIN { print ${R[$1,$2,$r,$3]} / $4 }")"); done
  stats "${out[@]}"
}
errors() {
  local sum=0 k
  for k in "${!R[@]}"; do
    if [[ $k == *,errors || $k == *,timeouts ]]; then sum=$((sum + R[$k])); fi
  done
  echo "$sum"
}

echo
printf '%-44s %22s %22s\n' "tls / plain, $INSTANCES instances" "req/s ratio" "p99 ratio"
for c in "${CONNECTIONS[@]}"; do
  printf '%-44s %22s %22s\n' "  $c connection(s)" "$(ratios "$c" rps)" "$(ratios "$c" p99_us)"
done
echo "errors + timeouts over all runs: $(errors)"
echo
echo "absolute figures (this machine, context only), median [min-max] of $ROUNDS:"
for c in "${CONNECTIONS[@]}"; do
  printf '  %-20s plain %-24s tls %s\n' "req/s at $c" "$(values plain "$c" rps 1)" \
    "$(values tls "$c" rps 1)"
  printf '  %-20s plain %-24s tls %s\n' "p99 ms at $c" "$(values plain "$c" p99_us 1000)" \
    "$(values tls "$c" p99_us 1000)"
done
