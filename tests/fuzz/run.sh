#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build-fuzz/) and, for each target, replays its regression
# inputs, then fuzzes it for a fixed time from its committed corpus. Fails on any crash, sanitizer
# report, leak, timeout or runaway memory, printing the reproducer's path, unless the failure is
# listed in known-open.txt (then it is reported as KNOWN OPEN).
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]   default: 30 s each, every target, nproc at a time
set -euo pipefail
cd "$(dirname "$0")/../.."
fuzz_dir=tests/fuzz
build=build-fuzz
seconds=${1:-30}
shift || true
all_targets=(config_loader http_request scale_body json_reader)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
jobs=$(nproc)

declare -A dict=([config_loader]=yaml.dict [http_request]=http.dict [scale_body]=json.dict
                 [json_reader]=json.dict)
declare -A max_len=([config_loader]=16384 [http_request]=8192 [scale_body]=4096
                    [json_reader]=16384)
# Per input: a few seconds and 2 GiB at most (libFuzzer also caps single allocations at that).
common=(-timeout=5 -rss_limit_mb=2048)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# A unity build, as tests/run-all.sh's: a third of the compile time on two cores.
CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S . -B "$build" -DPHPEEK_FUZZ=ON -DCMAKE_UNITY_BUILD=ON \
  >/dev/null
cmake --build "$build" -j"$jobs" --target fuzzers

# The known-open entry (the reason of one line of known-open.txt) that the failure of target $1
# with log $2 and reproducer $3 matches: the line of that reproducer, else the first line of the
# target whose SUMMARY kind and frame appear in the report ("like <its reproducer>: <reason>").
known_open() {
  local target=$1 log=$2 input=$3 t kind frame file why match=""
  while read -r t kind frame file why; do
    [[ -z $t || $t == \#* || $t != "$target" ]] && continue
    grep -Eq "^SUMMARY: .*($kind)" "$log" && grep -qF -- "$frame" "$log" || continue
    [[ $input == "$fuzz_dir/$file" ]] && match=$why && break
    [[ -n $match ]] || match="like $file: $why"
  done <"$fuzz_dir/known-open.txt"
  [[ -n $match ]] && echo "$match"
}

# Records a failure of target $1 with log $2 and reproducer $3 in $out/status.
report_failure() {
  local target=$1 log=$2 input=$3 why
  if why=$(known_open "$target" "$log" "$input"); then
    echo "KNOWN OPEN $target: $(grep -m1 '^SUMMARY' "$log") -- $why" >>"$out/status"
    echo "  reproducer: $input" >>"$out/status"
  else
    echo "FAIL $target: $(grep -m1 '^SUMMARY' "$log" || echo 'no sanitizer summary')" >>"$out/status"
    echo "  reproducer: $input" >>"$out/status"
    echo "  replay:     $build/bin/fuzz_$target $input" >>"$out/status"
    echo "  log:        $log" >>"$out/status"
  fi
}

run_target() {
  local target=$1 bin=$build/bin/fuzz_$1 out=$build/fuzz/$1 input log
  rm -rf "$out/artifacts" "$out/logs" "$out/status" "$out/summary"
  mkdir -p "$out/corpus" "$out/artifacts" "$out/logs"
  : >"$out/status"
  # Regression inputs, one process each so that every one is judged on its own.
  for input in "$fuzz_dir/regressions/$target"/*; do
    [[ -f $input ]] || continue
    log=$out/logs/regression-$(basename "$input").log
    "$bin" "${common[@]}" "$input" >"$log" 2>&1 || report_failure "$target" "$log" "$input"
  done
  # Known-open entries whose reproducer no longer fails are stale.
  local t kind frame file why
  while read -r t kind frame file why; do
    [[ -z $t || $t == \#* || $t != "$target" ]] && continue
    grep -qF "reproducer: $fuzz_dir/$file" "$out/status" ||
      echo "FAIL $target: $fuzz_dir/$file passes now: remove its line from known-open.txt" \
        >>"$out/status"
  done <"$fuzz_dir/known-open.txt"
  # Fuzzing; new inputs go to the build tree's corpus, never into the committed one.
  log=$out/logs/fuzz.log
  local ran="in ${seconds}s"
  if ! "$bin" "${common[@]}" -max_total_time="$seconds" -max_len="${max_len[$target]}" \
      -dict="$fuzz_dir/${dict[$target]}" -artifact_prefix="$out/artifacts/" \
      -print_final_stats=1 "$out/corpus" "$fuzz_dir/corpus/$target" >"$log" 2>&1; then
    input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    report_failure "$target" "$log" "${input:-none written}"
    ran="until the finding below"
  fi
  echo "$target: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
    grep -o '[0-9]*$' || echo '?') runs $ran" >>"$out/summary"
}

for target in "${targets[@]}"; do
  [[ -n ${dict[$target]:-} ]] || { echo "unknown fuzz target: $target" >&2; exit 2; }
  run_target "$target" &
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
done
wait || true

failed=0
for target in "${targets[@]}"; do
  dir=$build/fuzz/$target
  if [[ -f $dir/summary ]]; then
    cat "$dir/summary" "$dir/status"
    ! grep -q '^FAIL' "$dir/status" || failed=1
  else
    echo "FAIL $target: the run did not finish (logs in $dir/logs)"
    failed=1
  fi
done
exit "$failed"
