#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run), within 20 minutes on two cores:
#  1. the shipped build (-O2, as the packages are built), with the packaging tests: its .deb and
#     .rpm are built, inspected, linted and installed;
#  2. every test (unit, integration, ABI, SDK, lint) on an ASan+UBSan build;
#  3. each libFuzzer target for a fixed time (tests/fuzz/run.sh, FUZZ_SECONDS each, default 30).
# Idempotent: re-running reuses the build trees (build/, build-asan/ and build-fuzz/ at the top).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

# Both builds are unity builds: each batch of a target's sources is compiled as one file, so the
# headers every file includes (the standard library, gtest, spdlog, Poco) are parsed once per
# batch instead of once per file, the bulk of a build here.
run_suite() {
  local dir=$1
  shift
  local start=$SECONDS
  cmake -S . -B "$dir" -DCMAKE_UNITY_BUILD=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  local built=$SECONDS
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 300)
  echo "run-all: $dir built in $((built - start)) s, tested in $((SECONDS - built)) s"
}

# The package's optimization (-O2), without its debug information (the packages add it; the
# tests do not need it). The sanitizer build keeps line tables only (-g1), enough for its reports.
run_suite build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DPHPEEK_PACKAGING_TESTS_ONLY=ON
# detect_leaks: children and plugins must not leak either; abort_on_error gives a core-like report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DPHPEEK_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DCMAKE_C_FLAGS_DEBUG=-g1 -DPHPEEK_PACKAGING_TESTS_ONLY=OFF
start=$SECONDS
tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"
echo "run-all: fuzzing took $((SECONDS - start)) s"
