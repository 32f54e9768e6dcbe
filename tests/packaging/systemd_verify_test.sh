#!/bin/sh
# `systemd-analyze verify` on the packaged unit prints nothing. It checks ExecStart/ExecReload
# binaries, Documentation= man pages and dependency units, all inside --root: so the scratch
# root is the unpacked .deb plus what a real system has (kill, the systemd targets), and MANPATH
# points at the package's man pages.
#   systemd_verify_test.sh OUT
set -eu
out=$1
root="$out/verify-root"
rm -rf "$root"
cp -a "$out/deb-root" "$root"
mkdir -p "$root/bin"
cp "$(readlink -f /bin/kill)" "$root/bin/kill"
cp /lib/systemd/system/*.target "$root/lib/systemd/system/"
unit="$root/lib/systemd/system/phpeek-pm.service"
report=$(MANPATH="$root/usr/share/man" systemd-analyze --root="$root" verify "$unit" 2>&1) || {
  echo "FAIL: systemd-analyze verify exited non-zero"
  echo "$report"
  exit 1
}
if [ -n "$report" ]; then
  echo "FAIL: systemd-analyze verify printed:"
  echo "$report"
  exit 1
fi
# What the issue asks of the unit, beyond what verify can judge.
for line in Type=notify KillMode=mixed Restart=on-failure 'ExecReload=/bin/kill -HUP $MAINPID'; do
  grep -qxF "$line" "$unit" || { echo "FAIL: unit lacks $line"; exit 1; }
done
if grep -q '^NoNewPrivileges' "$unit"; then
  echo "FAIL: NoNewPrivileges would break setuid helpers of supervised programs"
  exit 1
fi
# TimeoutStopSec must leave the daemon its whole shutdown_timeout (shipped config) first.
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$unit")
grace=$(sed -n 's/^  shutdown_timeout: \([0-9]*\)s.*/\1/p' "$out/deb-root/etc/phpeek-pm/phpeek-pm.yaml")
[ -n "$stop" ] && [ -n "$grace" ] && [ "$stop" -gt "$grace" ] ||
  { echo "FAIL: TimeoutStopSec ($stop) must exceed shutdown_timeout ($grace)"; exit 1; }
echo "systemd-analyze verify: clean"
