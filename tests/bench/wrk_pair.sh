# Sourced by the benches that load the Management API of two phpeek-pm daemons side by side with
# wrk (rest_api_isolation.sh, rest_api_tls.sh): two daemons identical but for some `global:`
# lines, 100 supervised `sleep` instances each, GET /api/v1/processes with keep-alive at each of
# CONNECTIONS, the two peers alternating ROUNDS times per point, and the figures as ratios of one
# peer to the other (median of the rounds and [min-max]), absolute ones for context only.
#
# The sourcing script sets BENCH_NAME, CONNECTIONS (an array) and TOOLS (what it needs besides
# wrk, curl and python3), and passes its BUILD_DIR argument on as "$@". It gets: TMP (removed on
# exit), start_daemon, run_rounds and report; WRK_NICE (BENCH_WRK_NICE, default 0) and CURL_OPTS
# apply to every wrk and curl. Every daemon listens on 127.0.0.1 only and is stopped by its pid.
# BENCH_DEFAULT_CONFIG=1 gives both daemons the shipped config/phpeek-pm.yaml's `global:` settings
# (otherwise only log_format text) before their own lines; BENCH_JSON=FILE makes report append
# the ratios as headline records, a JSON object a line (benchlib.py).

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
BIN=$BUILD/bin/phpeek-pm
LUA=$HERE/rest_api_load.lua
DURATION=${BENCH_DURATION:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_NICE=${WRK_NICE:-${BENCH_WRK_NICE:-0}}
INSTANCES=100
CURL_OPTS=${CURL_OPTS:-}

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
[[ -x $BIN ]] || die "no phpeek-pm binary at $BIN"
[[ -f $BUILD/lib/phpeek-pm/plugins/rest-api.so ]] || die "no rest-api plugin under $BUILD/lib"
for tool in wrk curl python3 ${TOOLS:-}; do
  command -v "$tool" > /dev/null || die "$tool is not installed"
done

TMP=$(mktemp -d "/tmp/phpeek-$BENCH_NAME.XXXXXX")
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
start_daemon() {  # peer scheme extra-global-lines; returns once every instance runs
  local port
  port=$(free_port)
  cat > "$TMP/$1.yaml" << YAML
global:
$(python3 "$HERE/benchlib.py" settings "  log_format: text")
  api_enabled: true
  api_host: 127.0.0.1
  api_port: $port
$3
processes:
  sleeper:
    command: ["sleep", "100000"]
    scale: $INSTANCES
YAML
  "$BIN" -c "$TMP/$1.yaml" > "$TMP/$1.log" 2>&1 &
  PIDS+=($!)
  URL[$1]="$2://127.0.0.1:$port/api/v1/processes"
  local deadline=$((SECONDS + 60)) n=0
  until ((n == INSTANCES + 1)); do
    ((SECONDS < deadline)) || die "$1: instances not running: $(tail -5 "$TMP/$1.log")"
    sleep 0.2
    # shellcheck disable=SC2086
    n=$(curl -sf $CURL_OPTS "${URL[$1]}" | grep -o '"state": *"running"' | wc -l) || n=0
  done
}

declare -A R  # R[peer,connections,round,key]
measure() {  # peer connections round
  local threads=$(($2 < 2 ? $2 : 2)) kv line
  nice -n "$WRK_NICE" wrk "-t$threads" "-c$2" -d1s --timeout 5s -s "$LUA" "${URL[$1]}" > /dev/null
  nice -n "$WRK_NICE" wrk "-t$threads" "-c$2" "-d${DURATION}s" --timeout 5s -s "$LUA" \
    "${URL[$1]}" > "$TMP/wrk.out"
  line=$(sed -n 's/^BENCH //p' "$TMP/wrk.out")
  [[ -n $line ]] || die "wrk printed no figures: $(cat "$TMP/wrk.out")"
  for kv in $line; do R[$1,$2,$3,${kv%%=*}]=${kv#*=}; done
}

run_rounds() {  # base peer: alternating which goes first
  local c r
  for c in "${CONNECTIONS[@]}"; do
    for ((r = 0; r < ROUNDS; r++)); do
      echo "wrk at $c connection(s), round $((r + 1))/$ROUNDS, ${DURATION}s per peer ..." >&2
      if ((r % 2 == 0)); then
        measure "$1" "$c" "$r"
        measure "$2" "$c" "$r"
      else
        measure "$2" "$c" "$r"
        measure "$1" "$c" "$r"
      fi
    done
  done
}

stats() {  # values...: "median [min-max]"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.2f [%.2f-%.2f]", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
round_ratios() {  # base peer connections key: peer / base, a line per round
  local r
  for ((r = 0; r < ROUNDS; r++)); do awk "BEGIN { print ${R[$2,$3,$r,$4]} / ${R[$1,$3,$r,$4]} }"; done
}
ratios() {  # base peer connections key: peer / base, per round, as "median [min-max]"
  local out
  mapfile -t out < <(round_ratios "$@")
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

report() {  # base peer [what base is] [what peer is] [req/s target]: the tables, the records
  echo
  echo "phpeek-pm configuration: $(python3 "$HERE/benchlib.py" describe "log_format text")"
  printf '%-44s %22s %22s\n' "$2 / $1, $INSTANCES instances" "req/s ratio" "p99 ratio"
  local c
  for c in "${CONNECTIONS[@]}"; do
    printf '%-44s %22s %22s\n' "  $c connection(s)" "$(ratios "$1" "$2" "$c" rps)" \
      "$(ratios "$1" "$2" "$c" p99_us)"
  done
  echo "errors + timeouts over all runs: $(errors)"
  echo
  echo "absolute figures (this machine, context only), median [min-max] of $ROUNDS:"
  for c in "${CONNECTIONS[@]}"; do
    printf '  %-20s %s %-24s %s %s\n' "req/s at $c" "$1" "$(values "$1" "$c" rps 1)" "$2" \
      "$(values "$2" "$c" rps 1)"
    printf '  %-20s %s %-24s %s %s\n' "p99 ms at $c" "$1" "$(values "$1" "$c" p99_us 1000)" \
      "$2" "$(values "$2" "$c" p99_us 1000)"
  done
  [[ -n ${BENCH_JSON:-} ]] && records "$1" "$2" "${3:-$1}" "${4:-$2}" "${5:-}"
  return 0
}

records() {  # base peer base-text peer-text rps-target: headline records (benchlib.py)
  local c key r extra values p99s
  for c in "${CONNECTIONS[@]}"; do
    mapfile -t p99s < <(for ((r = 0; r < ROUNDS; r++)); do
      awk "BEGIN { print ${R[$2,$c,$r,p99_us]} / 1000 }"
    done)
    for key in rps p99_us; do
      mapfile -t values < <(round_ratios "$1" "$2" "$c" "$key")
      extra=(--target "$5")
      [[ -z $5 ]] && extra=()
      [[ $key == p99_us ]] && extra=(--unit "ms p99, $4" --absolute-values "${p99s[@]}")
      python3 "$HERE/benchlib.py" record "GET /api/v1/processes ${key%_us} at $c connection(s), \
$INSTANCES instances, $4" "$3" - --values "${values[@]}" "${extra[@]}"
    done
  done
}
