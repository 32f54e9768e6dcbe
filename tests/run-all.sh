#!/usr/bin/env bash
# Builds and runs the whole test suite twice, a plain optimized build and an ASan+UBSan build, then
# each libFuzzer target for a fixed time (tests/fuzz/run.sh, FUZZ_SECONDS each, default 30).
# Idempotent: re-running reuses the build trees (build/, build-asan/ and build-fuzz/ at the top).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

run_suite() {
  local dir=$1
  shift
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 300)
}

# The package's optimization (-O2), without its debug information: the same code, built in two
# thirds of the time. The sanitizer build keeps line tables only (-g1), enough for its reports.
run_suite build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG"
# detect_leaks: children and plugins must not leak either; abort_on_error gives a core-like report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DPHPEEK_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DCMAKE_C_FLAGS_DEBUG=-g1
tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"
