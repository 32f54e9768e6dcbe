#!/bin/sh
# The plugin SDK as a plugin author gets it: the examples from the phpeek-pm-dev package (C++ and
# C) are built against the headers and CMake package unpacked from that package (nothing from the
# source tree), then loaded by the daemon unpacked from the phpeek-pm package, which must run them.
#   sdk_example_test.sh OUT
set -eu
out=$1
dev="$out/dev-root"
root="$out/deb-root"
build="$out/example-build"
work="$out/example-run"
rm -rf "$build" "$work"
mkdir -p "$work"

cmake -S "$dev/usr/share/doc/phpeek-pm/examples/table-writer" -B "$build" \
  -DPhpeekPmSdk_DIR="$dev/usr/lib/cmake/PhpeekPmSdk" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 ||
  { cat "$work/cmake.log"; exit 1; }
cmake --build "$build" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; exit 1; }
grep -rqF -- "-isystem $dev/usr/include" "$build/CMakeFiles" ||
  grep -rqF -- "-I$dev/usr/include" "$build/CMakeFiles" ||
  { echo "FAIL: the example did not compile against $dev/usr/include"; exit 1; }
plugin="$build/table-writer.so"
[ -f "$plugin" ] || { echo "FAIL: no $plugin"; exit 1; }
c_build="$out/c-example-build"
rm -rf "$c_build"
cmake -S "$dev/usr/share/doc/phpeek-pm/examples/exit-logger" -B "$c_build" \
  -DPhpeekPmSdk_DIR="$dev/usr/lib/cmake/PhpeekPmSdk" -DCMAKE_BUILD_TYPE=Release >>"$work/cmake.log" 2>&1 &&
  cmake --build "$c_build" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; exit 1; }
c_plugin="$c_build/exit-logger.so"
[ -f "$c_plugin" ] || { echo "FAIL: no $c_plugin"; exit 1; }

cat >"$work/phpeek-pm.yaml" <<YAML
global:
  api_enabled: false
  log_format: text
  plugins: [$plugin, $c_plugin]
  table_writer_file: $work/processes.json
processes:
  idle:
    command: ["sleep", "infinity"]
YAML
"$root/usr/bin/phpeek-pm" serve -c "$work/phpeek-pm.yaml" >"$work/daemon.log" 2>&1 &
pid=$!
stop() {  # stop the daemon by its pid: SIGTERM, SIGKILL after 10 s
  kill -TERM "$pid" 2>/dev/null || return 0
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
}
trap stop EXIT
i=0
until grep -q '"idle"' "$work/processes.json" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: the plugin built from the -dev package did not write the process table"
    cat "$work/daemon.log"
    exit 1
  fi
  sleep 0.1
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
trap - EXIT
[ "$rc" -eq 0 ] || { echo "FAIL: daemon exited $rc"; cat "$work/daemon.log"; exit 1; }
grep -q "idle-0 was killed by signal 15 .*plugin=exit-logger" "$work/daemon.log" ||
  { echo "FAIL: exit-logger from the -dev package did not log the exit"; cat "$work/daemon.log"; exit 1; }
echo "table-writer and exit-logger from the -dev package ran in the packaged daemon:"
cat "$work/processes.json"
