#!/bin/sh
# The .rpm is self-contained: it requires only glibc/libstdc++-level capabilities (checked with
# rpm -qpR), holds the expected files (rpm -qlp), and the unpacked binary, its TLS client module and
# its plugins resolve every non-glibc library from the bundled /usr/lib/phpeek-pm/lib (ldd), then
# run.
# Exit 77 (skipped) when rpm is not installed.
#   rpm_test.sh OUT ABI_VERSION
set -eu
out=$1
abi=$2
command -v rpm >/dev/null 2>&1 || { echo "rpm not installed: skipped"; exit 77; }
rpm=$(ls "$out"/phpeek-pm-[0-9]*.rpm)
fail=0

rpm -qpR "$rpm" >"$out/rpm-requires"
allowed='^(/bin/sh|config\(phpeek-pm\) = .*|rtld\(GNU_HASH\)|rpmlib\(.*\) <= .*|(ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libgcc_s\.so\.1|libstdc\+\+\.so\.6)(\(.*\))?\(64bit\))$'
if grep -vE "$allowed" "$out/rpm-requires"; then
  echo "FAIL: requirements above are not glibc/libstdc++ level"
  fail=1
fi
grep -q '^libc\.so\.6' "$out/rpm-requires" || { echo "FAIL: automatic requires missing"; fail=1; }

rpm -qlp "$rpm" >"$out/rpm-files"
for f in /etc/phpeek-pm/phpeek-pm.yaml /usr/bin/phpeek-pm /usr/lib/systemd/system/phpeek-pm.service \
         /usr/lib/phpeek-pm/phpeek-pm-tls.so \
         /usr/lib/phpeek-pm/plugins/rest-api.so /usr/lib/phpeek-pm/plugins/metrics.so \
         /usr/lib/phpeek-pm/plugins/dashboard.so \
         /usr/share/man/man1/phpeek-pm.1.gz; do
  grep -qxF "$f" "$out/rpm-files" || { echo "FAIL: $f not in the rpm"; fail=1; }
done
for lib in libyaml-cpp libspdlog libfmt libre2 libdate-tz libncursesw libtinfo libssl libcrypto; do
  grep -q "^/usr/lib/phpeek-pm/lib/$lib\.so" "$out/rpm-files" || { echo "FAIL: $lib not bundled"; fail=1; }
done
if grep -q "^/usr/lib/phpeek-pm/lib/libPoco" "$out/rpm-files"; then  # tests only, never shipped
  echo "FAIL: a Poco library is bundled"
  fail=1
fi
if grep -qE '^/(lib|usr/lib)/x86_64-linux-gnu|^/lib/systemd' "$out/rpm-files"; then
  echo "FAIL: Debian-only paths in the rpm"
  fail=1
fi
[ "$(rpm -qpc "$rpm")" = /etc/phpeek-pm/phpeek-pm.yaml ] || { echo "FAIL: config file"; fail=1; }
rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm" | grep -qx 'cn /etc/phpeek-pm/phpeek-pm.yaml' ||
  { echo "FAIL: the config is not %config(noreplace)"; fail=1; }
rpm -qp --provides "$rpm" | grep -qxF "phpeek-pm-plugin-abi-${abi%%.*} = $abi" ||
  { echo "FAIL: ABI provides"; fail=1; }
if rpm -qp --provides "$rpm" | grep -q '\.so'; then
  echo "FAIL: the rpm offers its bundled libraries to the system"
  fail=1
fi

root="$out/rpm-root"
bundle="$root/usr/lib/phpeek-pm/lib"
for elf in "$root/usr/bin/phpeek-pm" "$root/usr/lib/phpeek-pm/phpeek-pm-tls.so" \
           "$root"/usr/lib/phpeek-pm/plugins/*.so "$bundle"/*; do
  ldd "$elf" >"$out/ldd.txt" 2>&1 || { echo "FAIL: ldd $elf"; cat "$out/ldd.txt"; fail=1; continue; }
  # Every resolved library is either bundled or glibc/libstdc++ level.
  awk '$2 == "=>" {print $1, $3}' "$out/ldd.txt" | while read -r soname path; do
    case "$soname" in ld-linux*|libc.*|libm.*|libgcc_s.*|libstdc++.*) continue ;; esac
    [ "$(readlink -f "$path")" = "$(readlink -f "$bundle")/$soname" ] ||
      echo "FAIL: $elf loads $soname from $path, not from the bundle"
  done >"$out/ldd-fail.txt"
  [ -s "$out/ldd-fail.txt" ] && { cat "$out/ldd-fail.txt"; fail=1; }
done
"$root/usr/bin/phpeek-pm" check-config -c "$root/etc/phpeek-pm/phpeek-pm.yaml" ||
  { echo "FAIL: the rpm's binary rejects its shipped config"; fail=1; }
exit $fail
