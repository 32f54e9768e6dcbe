#!/bin/sh
# Runs lintian on the .deb packages: no error and no warning may remain (overrides only with a
# comment saying why). Quick enough (a few seconds) that the test suite runs it too, as the
# ctest test packaging_lintian.
#
#   packaging/lint.sh [DIR]   DIR holds phpeek-pm_*.deb and phpeek-pm-dev_*.deb; without it the
#                             packages are built into a temporary directory from build-pkg/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-}
if [ -z "$dir" ]; then
  build=${PHPEEK_BUILD_DIR:-$here/../build-pkg}
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cpack -G DEB --config "$build/CPackConfig.cmake" -B "$dir" >"$dir/cpack.log" 2>&1 ||
    { cat "$dir/cpack.log" >&2; exit 1; }
fi
set -- "$dir"/phpeek-pm_*.deb "$dir"/phpeek-pm-dev_*.deb
for f in "$@"; do
  [ -f "$f" ] || { echo "lint.sh: no package $f" >&2; exit 1; }
done
# lintian warns when run as root (a container, CI); that line is not about the packages.
rc=0
out=$(lintian --fail-on error,warning "$@" 2>&1) || rc=$?
printf '%s\n' "$out" | grep -v -e '^running with root privileges' -e '^$' || true
echo "lintian: exit status $rc"
exit "$rc"
