#!/usr/bin/env python3
"""The Markdown table of a run's headline ratios for the README's performance section: one row
per figure with its configuration and a link to the summary.json it came from (the link relative
to the repository's top, where README.md is). Prints the table; the README is edited by hand.

usage: readme_table.py SUMMARY_JSON [--bench NAME ...] [--configuration tuned|default-config|...]
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def repo_top(path):
    r = subprocess.run(["git", "-C", os.path.dirname(path), "rev-parse", "--show-toplevel"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else os.getcwd()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("summary")
    ap.add_argument("--bench", action="append", help="only this bench's rows (repeatable)")
    ap.add_argument("--configuration", action="append", help="only rows of this configuration")
    args = ap.parse_args()
    path = os.path.abspath(args.summary)
    with open(path) as f:
        summary = json.load(f)
    rows = [r for r in summary.get("ratios", [])
            if (not args.bench or r.get("bench") in args.bench) and
            (not args.configuration or r.get("configuration") in args.configuration)]
    if not rows:
        sys.exit(f"readme_table: {args.summary}: no ratios" +
                 (" of that selection" if args.bench or args.configuration else ""))
    m = summary.get("machine", {})
    print(f"Run of {summary.get('date', '?')[:10]}, commit `{summary.get('commit', '?')}`, "
          f"{m.get('cpus', '?')} CPUs ({m.get('cpu', '?')})" +
          {"quick": ", BENCH_QUICK (a smoke run, not figures)",
           "short": ", BENCH_SHORT"}.get(summary.get("mode"), "") + ":\n")
    sys.stdout.write(benchlib.ratio_table(rows, link=os.path.relpath(path, repo_top(path))))


if __name__ == "__main__":
    main()
