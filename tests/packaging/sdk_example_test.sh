#!/bin/sh
# The plugin SDK as a plugin author gets it: the example from the phpeek-pm-dev package is built
# against the headers and CMake package unpacked from that package (nothing from the source tree),
# then loaded by the daemon unpacked from the phpeek-pm package, which must run it.
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

cat >"$work/phpeek-pm.yaml" <<YAML
global:
  api_enabled: false
  log_format: text
  plugins: [$plugin]
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
echo "table-writer from the -dev package ran in the packaged daemon:"
cat "$work/processes.json"
