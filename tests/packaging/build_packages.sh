#!/bin/sh
# Fixture of the packaging tests: builds the .deb (and the .rpm when rpmbuild exists) from the
# build tree with cpack into OUT, and unpacks them the way dpkg and rpm would lay them out:
#   OUT/deb-root  phpeek-pm_*.deb      OUT/dev-root  phpeek-pm-dev_*.deb
#   OUT/rpm-root  phpeek-pm-*.rpm      (only when rpm is installed)
#   build_packages.sh BUILD_DIR OUT
set -eu
build=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
generators=DEB
if command -v rpmbuild >/dev/null 2>&1; then
  generators="DEB;RPM"
fi
if ! cpack -G "$generators" --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1; then
  cat "$out/cpack.log"
  exit 1
fi
dpkg -x "$out"/phpeek-pm_*.deb "$out/deb-root"
dpkg -x "$out"/phpeek-pm-dev_*.deb "$out/dev-root"
if [ "$generators" != DEB ]; then
  mkdir "$out/rpm-root"
  rpm=$(ls "$out"/phpeek-pm-[0-9]*.rpm)
  rpm2archive - <"$rpm" | tar -xzf - -C "$out/rpm-root"
fi
ls -l "$out"
