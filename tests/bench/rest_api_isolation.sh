#!/usr/bin/env bash
# What `isolation: process` costs the Management API (issue 11, item 6). Not a ctest test: run it
# by hand.
#
# Two phpeek-pm daemons in one run, 100 supervised `sleep` instances each, identical but for
# `global.plugin_isolation: {rest-api: process}` in one of them: the rest-api plugin in the daemon
# ("in") and in its helper process, every host call a round trip over the socket pair ("out").
# wrk GETs /api/v1/processes at 1, 8 and 64 connections with keep-alive, the two peers alternating
# ROUNDS times per point; printed: req/s and p99 as ratios out / in (median of the rounds and
# [min-max]). Absolute figures follow, for context only.
#
#   tests/bench/rest_api_isolation.sh [BUILD_DIR]
#   BENCH_DURATION=5 BENCH_ROUNDS=3 tests/bench/rest_api_isolation.sh build
#
# BENCH_DEFAULT_CONFIG=1 gives both daemons the shipped config/phpeek-pm.yaml's `global:` settings;
# BENCH_JSON=FILE appends the ratios as headline records (benchlib.py, wrk_pair.sh).
#
# Needs BUILD_DIR/bin/phpeek-pm with its rest-api plugin, wrk, curl, python3 (free ports) and
# rest_api_load.lua next to this script; the side-by-side machinery is wrk_pair.sh.
set -euo pipefail

BENCH_NAME=rest_api_isolation
CONNECTIONS=(1 8 64)
TOOLS=""
# shellcheck source=wrk_pair.sh
source "$(dirname "${BASH_SOURCE[0]}")/wrk_pair.sh"

echo "starting two daemons with $INSTANCES instances each (rest-api in process / isolated) ..." >&2
start_daemon in http ""
start_daemon out http "  plugin_isolation:
    rest-api: process"
grep -q "plugin host process started plugin=rest-api" "$TMP/out.log" ||
  die "the isolated daemon did not start a plugin host: $(cat "$TMP/out.log")"
run_rounds in out
report in out "rest-api in the daemon" "rest-api in a helper process"
