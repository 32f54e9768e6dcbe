#!/usr/bin/env bash
# What `isolation: process` costs the Management API (issue 11, item 6). Not a ctest test: run it
# by hand.
#
# Two phpeek-pm daemons in one run, 100 supervised `sleep` instances each, identical but for
# `global.plugin_isolation: {rest-api: process}` in one of them: the rest-api plugin in the daemon
# ("in") and in its helper process, every host call a round trip over the socket pair ("out").
# wrk GETs /api/v1/processes at 1, 8 and 64 connections with keep-alive, the two peers alternating
# ROUNDS times per point; printed: req/s and p99 as ratios out / in (median of the rounds and
# [min-max]). Absolute figures follow, for context only.
#
#   tests/bench/rest_api_isolation.sh [BUILD_DIR]
#   BENCH_DURATION=5 BENCH_ROUNDS=3 tests/bench/rest_api_isolation.sh build
#
# Needs BUILD_DIR/bin/phpeek-pm with its rest-api plugin, wrk, curl, python3 (free ports) and
# rest_api_load.lua next to this script. Everything listens on 127.0.0.1 only; both daemons are
# stopped by their pids on exit, and the temporary directory is removed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
BIN=$BUILD/bin/phpeek-pm
LUA=$HERE/rest_api_load.lua
DURATION=${BENCH_DURATION:-5}
ROUNDS=${BENCH_ROUNDS:-3}
INSTANCES=100
CONNECTIONS=(1 8 64)

die() { echo "rest_api_isolation: $*" >&2; exit 1; }
[[ -x $BIN ]] || die "no phpeek-pm binary at $BIN"
[[ -f $BUILD/lib/phpeek-pm/plugins/rest-api.so ]] || die "no rest-api plugin under $BUILD/lib"
for tool in wrk curl python3; do command -v "$tool" > /dev/null || die "$tool is not installed"; done

TMP=$(mktemp -d /tmp/phpeek-isolation-bench.XXXXXX)
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

declare -A URL
start_daemon() {  # peer extra-global-lines
  local port
  port=$(free_port)
  cat > "$TMP/$1.yaml" << EOF
global:
  log_format: text
  api_enabled: true
  api_host: 127.0.0.1
  api_port: $port
$2
processes:
  sleeper:
    command: ["sleep", "100000"]
    scale: $INSTANCES
EOF
  "$BIN" -c "$TMP/$1.yaml" > "$TMP/$1.log" 2>&1 &
  PIDS+=($!)
  URL[$1]="http://127.0.0.1:$port/api/v1/processes"
  local deadline=$((SECONDS + 60)) n=0
  until ((n == INSTANCES + 1)); do
    ((SECONDS < deadline)) || die "$1: instances not running: $(tail -5 "$TMP/$1.log")"
    sleep 0.2
    n=$(curl -sf "${URL[$1]}" | grep -o '"state": *"running"' | wc -l) || n=0
  done
}

declare -A R  # R[peer,connections,round,key]
measure() {  # peer connections round
  local threads=$(($2 < 2 ? $2 : 2)) kv line
  wrk "-t$threads" "-c$2" -d1s --timeout 5s -s "$LUA" "${URL[$1]}" > /dev/null  # warm-up
  wrk "-t$threads" "-c$2" "-d${DURATION}s" --timeout 5s -s "$LUA" "${URL[$1]}" > "$TMP/wrk.out"
  line=$(sed -n 's/^BENCH //p' "$TMP/wrk.out")
  [[ -n $line ]] || die "wrk printed no figures: $(cat "$TMP/wrk.out")"
  for kv in $line; do R[$1,$2,$3,${kv%%=*}]=${kv#*=}; done
}

echo "starting two daemons with $INSTANCES instances each (rest-api in process / isolated) ..." >&2
start_daemon in ""
start_daemon out "  plugin_isolation:
    rest-api: process"
grep -q "plugin host process started plugin=rest-api" "$TMP/out.log" ||
  die "the isolated daemon did not start a plugin host: $(cat "$TMP/out.log")"
for c in "${CONNECTIONS[@]}"; do
  for ((r = 0; r < ROUNDS; r++)); do
    echo "wrk at $c connection(s), round $((r + 1))/$ROUNDS, ${DURATION}s per peer ..." >&2
    if ((r % 2 == 0)); then
      measure in "$c" "$r"
      measure out "$c" "$r"
    else
      measure out "$c" "$r"
      measure in "$c" "$r"
    fi
  done
done

stats() {  # values...: "median [min-max]"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.2f [%.2f-%.2f]", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
ratios() {  # connections key: out / in, per round
  local r out=()
  for ((r = 0; r < ROUNDS; r++)); do
    out+=("$(awk "BEGIN { print ${R[out,$1,$r,$2]} / ${R[in,$1,$r,$2]} }")")
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
printf '%-44s %22s %22s\n' "isolated / in process, $INSTANCES instances" "req/s ratio" "p99 ratio"
for c in "${CONNECTIONS[@]}"; do
  printf '%-44s %22s %22s\n' "  $c connection(s)" "$(ratios "$c" rps)" "$(ratios "$c" p99_us)"
done
echo "errors + timeouts over all runs: $(errors)"
echo
echo "absolute figures (this machine, context only), median [min-max] of $ROUNDS:"
for c in "${CONNECTIONS[@]}"; do
  printf '  %-20s in %-24s out %s\n' "req/s at $c" "$(values in "$c" rps 1)" \
    "$(values out "$c" rps 1)"
  printf '  %-20s in %-24s out %s\n' "p99 ms at $c" "$(values in "$c" p99_us 1000)" \
    "$(values out "$c" p99_us 1000)"
done
