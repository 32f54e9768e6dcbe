#!/usr/bin/env bash
# Every benchmark of this folder in order, by hand (never by ctest), into one run folder with a
# summary a README figure can be traced to:
#   OUT/<bench>.txt   what each bench printed (its ratio tables), OUT/<bench>.err its progress,
#   OUT/runs.txt      name|exit code|seconds|command, a line per bench
#   OUT/summary.json  {"date","commit","dirty","machine":{...},"benches":[{"name","command",
#                      "exit_code","seconds","output"}]}
#   OUT/summary.md    the same for people: machine, commit, then each bench's command and output
# The benches measure side by side with their peers in the same run and print ratios (see
# README.md here); this script adds nothing to their figures, it only runs them on one commit and
# one machine, one after the other, so that nothing else shares the machine with them.
#
#   tests/bench/run-all.sh [BUILD_DIR] [OUT_DIR]     (defaults: build, bench-runs/<date>-<commit>)
#   BENCH_QUICK=1 tests/bench/run-all.sh              (fewer rounds: a smoke run, not figures)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
COMMIT=$(git -C "$REPO" rev-parse --short=12 HEAD)
OUT=${2:-$REPO/bench-runs/$(date -u +%Y%m%dT%H%M%SZ)-$COMMIT}
BIN=$BUILD/bin/phpeek-pm
mkdir -p "$OUT"
[[ -x $BIN ]] || { echo "run-all: no phpeek-pm at $BIN" >&2; exit 1; }

quick=${BENCH_QUICK:-}
q() { [[ -n $quick ]] && echo "$1" || echo "$2"; }  # quick value, full value

# name | command (run from the repository's top)
BENCHES=(
  "engine|python3 $HERE/engine_bench.py $BIN --runs $(q 1 5) --idle-seconds $(q 2 30)"
  "scale_curve|python3 $HERE/scale_curve_bench.py $BIN --rounds $(q 1 3) --counts $(q 100,500 100,500,2000,5000)"
  "probe|python3 $HERE/probe_bench.py $BIN --runs $(q 1 3) --window $(q 5 20)"
  "log_throughput|python3 $HERE/log_throughput_bench.py $BIN --runs $(q 1 3) --megabytes $(q 20 200)"
  "metrics_scrape|$BUILD/bin/metrics_scrape_bench 500 $(q 20 200)"
  "metrics_daemon_scrape|python3 $HERE/metrics/daemon_scrape_bench.py $BIN --rounds $(q 1 3) --scrapes $(q 30 300)"
  "rest_api_load|env BENCH_DURATION=$(q 1 5) BENCH_KILLS=$(q 5 30) $HERE/rest_api_load.sh $BUILD"
  "rest_api_isolation|env BENCH_DURATION=$(q 1 5) BENCH_ROUNDS=$(q 1 3) $HERE/rest_api_isolation.sh $BUILD"
  "rest_api_tls|env BENCH_DURATION=$(q 1 5) BENCH_ROUNDS=$(q 1 3) $HERE/rest_api_tls.sh $BUILD"
  "sse_followers|python3 $HERE/sse_followers_bench.py $BIN --rounds $(q 1 3) --seconds $(q 3 10)"
  "ready_to_serve|python3 $HERE/ready_to_serve_bench.py $BIN --restarts $(q 2 10)"
  "dashboard|/usr/bin/python3 $HERE/dashboard_bench.py $BIN --loads $(q 2 7) --kills $(q 5 30) --rounds $(q 1 3)"
)

cd "$REPO"
records=()
for entry in "${BENCHES[@]}"; do
  name=${entry%%|*}
  cmd=${entry#*|}
  echo "run-all: $name ..." >&2
  start=$SECONDS
  bash -c "$cmd" > "$OUT/$name.txt" 2> "$OUT/$name.err"
  code=$?
  records+=("$name|$code|$((SECONDS - start))|$cmd")
  echo "run-all: $name exit $code in $((SECONDS - start)) s" >&2
done

# The summaries, written by Python for exact JSON escaping (the script is its stdin: the records
# go through a file).
printf '%s\n' "${records[@]}" > "$OUT/runs.txt"
python3 - "$OUT" "$COMMIT" "$REPO" << 'PY'
import json, os, platform, subprocess, sys, time
out, commit, repo = sys.argv[1:4]
def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"
dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain"], capture_output=True,
                       text=True).stdout.strip() != ""
machine = {"cpus": os.cpu_count(), "cpu": cpu_model(), "kernel": platform.release(),
           "memory_kb": int(open("/proc/meminfo").readline().split()[1]),
           "load_at_end": os.getloadavg()}
benches = []
for line in open(os.path.join(out, "runs.txt")).read().splitlines():
    name, code, seconds, command = line.split("|", 3)
    with open(os.path.join(out, name + ".txt")) as f:
        benches.append({"name": name, "command": command, "exit_code": int(code),
                        "seconds": int(seconds), "output": f.read()})
summary = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": commit,
           "dirty": dirty, "machine": machine, "benches": benches}
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f, indent=2)
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write(f"# Benchmark run {summary['date']}\n\ncommit `{commit}`" +
            (" (with uncommitted changes)" if dirty else "") +
            f"; {machine['cpus']} CPUs ({machine['cpu']}), kernel {machine['kernel']}, "
            f"{machine['memory_kb'] // 1024} MiB; load at the end {machine['load_at_end'][0]:.2f}\n")
    for b in benches:
        f.write(f"\n## {b['name']} (exit {b['exit_code']}, {b['seconds']} s)\n\n"
                f"`{b['command']}`\n\n```\n{b['output'].rstrip()}\n```\n")
print(os.path.join(out, "summary.md"))
PY
