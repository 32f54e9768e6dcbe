#!/bin/sh
# Fails when a C or C++ source under core/, plugins/, sdk/ or tests/ differs from what clang-format
# makes of it with the top-level .clang-format. The frozen ABI headers are historical copies and
# stay byte for byte as released, so they are left out.
set -eu
cd "${1:?usage: check_format.sh SOURCE_DIR}"
find core plugins sdk tests -path tests/abi-compat/frozen -prune -o \
  \( -name '*.cc' -o -name '*.h' -o -name '*.hpp' -o -name '*.c' \) -type f -print |
  LC_ALL=C sort | xargs clang-format --dry-run --Werror
