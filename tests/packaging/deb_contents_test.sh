#!/bin/sh
# The .deb packages hold exactly the expected files, with the expected control fields: the ABI
# Provides, shlibdeps-computed Depends, the conffile, maintainer scripts, stripped binaries without
# RPATH (plugins are found through <exe>/../lib/phpeek-pm/plugins, the TLS client module through
# <exe>/../lib/phpeek-pm, libraries through ld.so).
#   deb_contents_test.sh OUT ABI_VERSION
set -eu
out=$1
abi=$2
abi_major=${abi%%.*}
fail=0
check() {  # check DESCRIPTION COMMAND...: runs the command, reports a failure
  what=$1
  shift
  if ! "$@"; then
    echo "FAIL: $what"
    fail=1
  fi
}
deb=$(ls "$out"/phpeek-pm_*.deb)
dev=$(ls "$out"/phpeek-pm-dev_*.deb)

files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sort; }
cat >"$out/expected-server" <<'LIST'
./etc/phpeek-pm/phpeek-pm.yaml
./lib/systemd/system/phpeek-pm.service
./usr/bin/phpeek-pm
./usr/lib/phpeek-pm/phpeek-pm-tls.so
./usr/lib/phpeek-pm/plugins/dashboard.so
./usr/lib/phpeek-pm/plugins/metrics.so
./usr/lib/phpeek-pm/plugins/rest-api.so
./usr/share/doc/phpeek-pm/changelog.gz
./usr/share/doc/phpeek-pm/copyright
./usr/share/doc/phpeek-pm/examples/demo.yaml
./usr/share/doc/phpeek-pm/examples/laravel.yaml
./usr/share/man/man1/phpeek-pm.1.gz
LIST
cat >"$out/expected-dev" <<'LIST'
./usr/include/phpeek/json.hpp
./usr/include/phpeek/plugin.hpp
./usr/include/phpeek/plugin_abi.h
./usr/include/phpeek/signals.hpp
./usr/include/phpeek/units.hpp
./usr/lib/cmake/PhpeekPmSdk/PhpeekPmPlugin.cmake
./usr/lib/cmake/PhpeekPmSdk/PhpeekPmSdkConfig.cmake
./usr/lib/cmake/PhpeekPmSdk/PhpeekPmSdkConfigVersion.cmake
./usr/lib/cmake/PhpeekPmSdk/PhpeekPmSdkTargets.cmake
./usr/share/doc/phpeek-pm-dev/changelog.gz
./usr/share/doc/phpeek-pm-dev/copyright
./usr/share/doc/phpeek-pm/ABI.md
./usr/share/doc/phpeek-pm/examples/exit-logger/CMakeLists.txt
./usr/share/doc/phpeek-pm/examples/exit-logger/exit_logger.c
./usr/share/doc/phpeek-pm/examples/table-writer/CMakeLists.txt
./usr/share/doc/phpeek-pm/examples/table-writer/table_writer.cc
LIST
files "$deb" >"$out/actual-server"
files "$dev" >"$out/actual-dev"
check "phpeek-pm file list" diff -u "$out/expected-server" "$out/actual-server"
check "phpeek-pm-dev file list" diff -u "$out/expected-dev" "$out/actual-dev"
for pkg in "$deb" "$dev"; do
  check "$pkg: owner root/root" sh -c "! dpkg-deb -c '$pkg' | awk '{print \$2}' | grep -v '^root/root$'"
done

field() { dpkg-deb -f "$1" "$2"; }
check "Provides" test "$(field "$deb" Provides)" = "phpeek-pm-plugin-abi-$abi_major (= $abi)"
# libncursesw6 and libtinfo6: the terminal UI (phpeek-pm tui); libssl3: TLS on the listeners (the
# plugins) and in the client commands (phpeek-pm-tls.so).
for dep in 'libc6 (>= ' 'libstdc++6' 'libyaml-cpp' 'libspdlog' 'libre2' 'libdate-tz' 'libncursesw6' \
           'libtinfo6' 'libssl3'; do
  check "Depends has $dep" sh -c "dpkg-deb -f '$deb' Depends | grep -qF '$dep'"
done
# Poco is for the tests only: neither the daemon nor a plugin links it.
check "Depends lacks libpoco" sh -c "! dpkg-deb -f '$deb' Depends | grep -qF libpoco"
check "Recommends tzdata" test "$(field "$deb" Recommends)" = tzdata
check "Architecture all for the SDK" test "$(field "$dev" Architecture)" = all
check "Section" test "$(field "$deb" Section)" = admin

ctl="$out/control"
rm -rf "$ctl"
dpkg-deb -e "$deb" "$ctl"
check "conffiles" test "$(cat "$ctl/conffiles")" = /etc/phpeek-pm/phpeek-pm.yaml
for s in postinst prerm postrm; do
  check "$s is executable" test -x "$ctl/$s"
  check "$s is valid sh" sh -n "$ctl/$s"
done
check "prerm stops the service on removal" grep -q 'deb-systemd-invoke stop phpeek-pm.service' "$ctl/prerm"

root="$out/deb-root"
for elf in usr/bin/phpeek-pm usr/lib/phpeek-pm/phpeek-pm-tls.so usr/lib/phpeek-pm/plugins/metrics.so \
           usr/lib/phpeek-pm/plugins/rest-api.so usr/lib/phpeek-pm/plugins/dashboard.so; do
  check "$elf is stripped" sh -c "file -b '$root/$elf' | grep -q ', stripped'"
  check "$elf has no RPATH/RUNPATH" sh -c "! readelf -d '$root/$elf' | grep -qE 'R(UN)?PATH'"
done
# OpenSSL is the TLS client module's, loaded for https:// only: the daemon's executable links none.
check "usr/bin/phpeek-pm links no OpenSSL" sh -c "! readelf -d '$root/usr/bin/phpeek-pm' | grep -qE 'lib(ssl|crypto)'"
exit $fail
