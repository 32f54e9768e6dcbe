#!/usr/bin/env python3
"""The summaries of one run-all.sh run folder (see run-all.sh for what is in it):
  summary.json  {"date", "commit", "dirty", "mode": "full" | "short" | "quick", "machine": {...},
                 "seconds" (the benches' time),
                 "ratios": [{"bench", "figure", "ratio", "peer", "configuration", "min", "max",
                             "rounds", "absolute", "target"}, ...],
                 "benches": [{"name", "configuration", "command", "exit_code", "seconds",
                              "output"}, ...]}
  summary.md    the same for people: machine and commit, the ratios in one table, then each
                bench's command and printed output.
The ratios are the benches' headline records (benchlib.py), each with the bench that wrote it.

usage: summarize.py OUT_DIR COMMIT REPO [MODE]
"""
import json
import os
import platform
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def read_records(path, bench):
    """The bench's headline records; a line that is not JSON (a bench killed mid-write) is
    reported, not fatal."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append({"bench": bench, **json.loads(line)})
            except json.JSONDecodeError as e:
                print(f"summarize: {path}:{n}: not JSON ({e}), skipped", file=sys.stderr)
    return out


MODE_TEXT = {"full": "", "short": "; BENCH_SHORT (3 rounds, shorter windows)",
             "quick": "; BENCH_QUICK (a smoke run, not figures)"}


def main(out, commit, repo, mode="full"):
    dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip() != ""
    with open("/proc/meminfo") as f:
        memory_kb = int(f.readline().split()[1])
    machine = {"cpus": os.cpu_count(), "cpu": cpu_model(), "kernel": platform.release(),
               "memory_kb": memory_kb, "load_at_end": os.getloadavg()}
    benches, ratios = [], []
    with open(os.path.join(out, "runs.txt")) as f:
        for line in filter(None, f.read().splitlines()):
            name, config, code, seconds, command = line.split("|", 4)
            with open(os.path.join(out, name + ".txt")) as g:
                benches.append({"name": name, "configuration": config, "command": command,
                                "exit_code": int(code), "seconds": int(seconds),
                                "output": g.read()})
            ratios += read_records(os.path.join(out, name + ".ratios.jsonl"), name)
    summary = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": commit,
               "dirty": dirty, "mode": mode, "machine": machine,
               "seconds": sum(b["seconds"] for b in benches), "ratios": ratios,
               "benches": benches}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(f"# Benchmark run {summary['date']}\n\ncommit `{commit}`" +
                (" (with uncommitted changes)" if dirty else "") +
                f"; {machine['cpus']} CPUs ({machine['cpu']}), kernel {machine['kernel']}, "
                f"{machine['memory_kb'] // 1024} MiB; load at the end "
                f"{machine['load_at_end'][0]:.2f}; the benches took {summary['seconds']} s "
                f"({summary['seconds'] / 60:.1f} min)" +
                MODE_TEXT.get(mode, f"; {mode}") + "\n")
        f.write("\n## Headline ratios\n\n" + benchlib.ratio_table(ratios))
        failed = [b["name"] for b in benches if b["exit_code"] != 0]
        if failed:
            f.write(f"\nExited non-zero (their figures are partial or missing): "
                    f"{', '.join(failed)}\n")
        for b in benches:
            f.write(f"\n## {b['name']} ({b['configuration']}, exit {b['exit_code']}, "
                    f"{b['seconds']} s)\n\n`{b['command']}`\n\n```\n{b['output'].rstrip()}\n```\n")
    print(os.path.join(out, "summary.md"))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("usage: ")[1])
    main(*sys.argv[1:])
