#!/usr/bin/env bash
# Every benchmark of this folder in order, by hand (never by ctest), into one run folder with a
# summary a README figure can be traced to:
#   OUT/<bench>.txt           what each bench printed (its tables), OUT/<bench>.err its progress,
#   OUT/<bench>.ratios.jsonl  its headline ratios, a JSON object a line (benchlib.py)
#   OUT/runs.txt              name|configuration|exit code|seconds|command, a line per bench
#   OUT/summary.json          machine, commit, "ratios" (every bench's headline records, each
#                             with its "bench") and "benches" (command, exit code, seconds,
#                             output); see summarize.py
#   OUT/summary.md            the same for people: the ratios in one table, then each output
# A bench that has a tuned configuration and the shipped one runs twice, back to back: <name>
# with its own settings and <name>-default with BENCH_DEFAULT_CONFIG=1 (the shipped
# config/phpeek-pm.yaml's `global:` settings, the rest-api plugin loaded). The benches measure
# side by side with their peers in the same run and print ratios (see README.md here); this
# script adds nothing to their figures, it only runs them on one commit and one machine, one
# after the other, so that nothing else shares the machine with them.
#
#   tests/bench/run-all.sh [BUILD_DIR] [OUT_DIR]
#     defaults: build, tests/bench/runs/<UTC date and time>-<commit>; commit only summary.json
#     and summary.md of a run (tests/bench/runs/.gitignore keeps the rest out)
#   (full)            about 42 minutes on 2 cores (estimated from a quick run's times and each
#                     bench's parameters; tests/bench/README.md, "Running them all")
#   BENCH_SHORT=1     the figures in about 30 minutes on 2 cores: still 3 rounds for every ratio
#                     that has rounds, but 3 engine rounds instead of 5, 10 s probe windows instead
#                     of 20 s, 3 s wrk runs for rest_api_isolation, 6 php-fpm restarts instead of
#                     10, 15 dashboard kills per median instead of 30
#   BENCH_QUICK=1     1 round and short runs: a smoke run (about 7 minutes), not figures
#   BENCH_ONLY="engine probe"   only these benches (names as in the list below, without -default)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
COMMIT=$(git -C "$REPO" rev-parse --short=12 HEAD)
OUT=${2:-$HERE/runs/$(date -u +%Y-%m-%dT%H%MZ)-$COMMIT}
BIN=$BUILD/bin/phpeek-pm
[[ -x $BIN ]] || { echo "run-all: no phpeek-pm at $BIN" >&2; exit 1; }
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
# The commands run from the repository's top and are written relative to it where they can be, so
# that a committed summary names no one's home directory.
cd "$REPO" || exit 1
HERE=tests/bench
BUILD=${BUILD#"$REPO"/}
BIN=$BUILD/bin/phpeek-pm

mode=full
if [[ -n ${BENCH_QUICK:-} ]]; then mode=quick; elif [[ -n ${BENCH_SHORT:-} ]]; then mode=short; fi
q() {  # quick value, full value [, short value: BENCH_SHORT's, else the full one]
  case $mode in
    quick) echo "$1" ;;
    short) echo "${3:-$2}" ;;
    *) echo "$2" ;;
  esac
}

# name | configuration (both: tuned, then default-config; else the only one the bench has) |
# command, run from the repository's top
BENCHES=(
  "engine|both|python3 $HERE/engine_bench.py $BIN --runs $(q 1 5 3) --idle-seconds $(q 2 30)"
  "scale_curve|both|python3 $HERE/scale_curve_bench.py $BIN --rounds $(q 1 3) --counts $(q 100,500 100,500,2000,5000)"
  "probe|both|python3 $HERE/probe_bench.py $BIN --runs $(q 1 3) --window $(q 5 20 10)"
  "log_throughput|both|python3 $HERE/log_throughput_bench.py $BIN --runs $(q 1 3) --megabytes $(q 20 200)"
  "metrics_scrape|in-process|$BUILD/bin/metrics_scrape_bench 500 $(q 20 200)"
  "metrics_daemon_scrape|both|python3 $HERE/metrics/daemon_scrape_bench.py $BIN --rounds $(q 1 3) --scrapes $(q 30 300)"
  "rest_api_load|both|env BENCH_DURATION=$(q 1 5) BENCH_KILLS=$(q 5 30) $HERE/rest_api_load.sh $BUILD"
  "rest_api_isolation|both|env BENCH_DURATION=$(q 1 5 3) BENCH_ROUNDS=$(q 1 3) $HERE/rest_api_isolation.sh $BUILD"
  "rest_api_tls|both|env BENCH_DURATION=$(q 1 5) BENCH_ROUNDS=$(q 1 3) $HERE/rest_api_tls.sh $BUILD"
  "sse_followers|both|python3 $HERE/sse_followers_bench.py $BIN --rounds $(q 1 3) --seconds $(q 3 10)"
  "ready_to_serve|default-config|python3 $HERE/ready_to_serve_bench.py $BIN --restarts $(q 2 10 6)"
  "dashboard|both|/usr/bin/python3 $HERE/dashboard_bench.py $BIN --loads $(q 2 7) --kills $(q 5 30 15) --rounds $(q 1 3)"
)

records=()
run() {  # name configuration command
  local name=$1 start code
  echo "run-all: $name ..." >&2
  rm -f "$OUT/$name.ratios.jsonl"
  start=$SECONDS
  BENCH_JSON="$OUT/$name.ratios.jsonl" bash -c "$3" > "$OUT/$name.txt" 2> "$OUT/$name.err"
  code=$?
  records+=("$name|$2|$code|$((SECONDS - start))|$3")
  echo "run-all: $name exit $code in $((SECONDS - start)) s" >&2
}
for entry in "${BENCHES[@]}"; do
  IFS='|' read -r name configs cmd <<< "$entry"
  if [[ -n ${BENCH_ONLY:-} && " $BENCH_ONLY " != *" $name "* ]]; then continue; fi
  if [[ $configs == both ]]; then
    run "$name" tuned "$cmd"
    run "$name-default" default-config "env BENCH_DEFAULT_CONFIG=1 $cmd"
  else
    run "$name" "$configs" "$cmd"
  fi
done

printf '%s\n' "${records[@]}" > "$OUT/runs.txt"
python3 "$HERE/summarize.py" "$OUT" "$COMMIT" "$REPO" "$mode"
