#!/bin/sh
# Installs what building and testing phpeek-pm needs, from Debian bookworm's packages only
# (wrk and supervisor: only tests/bench/rest_api_load.sh, run by hand, uses them).
# Idempotent: apt-get skips what is already installed. Uses sudo when not run as root.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

PACKAGES="
  build-essential cmake pkg-config
  libpoco-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libre2-dev libhowardhinnant-date-dev
  libssl-dev openssl
  tzdata libncurses-dev tmux
  libgtest-dev libgmock-dev
  jq curl prometheus abigail-tools
  php8.2-fpm nginx-light
  dpkg-dev fakeroot file lintian rpm patchelf
  clang libclang-rt-14-dev clang-format
  wrk supervisor
  chromium chromium-driver python3-selenium
"
# Only refresh the package lists when something is missing (keeps the command quick to re-run).
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
