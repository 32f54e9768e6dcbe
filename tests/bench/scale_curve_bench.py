#!/usr/bin/env python3
"""Scale curve (issue 17, item 5): how phpeek-pm's costs grow with the number of instances. For
each of 100, 500, 2000 and 5000 `sleep` instances, in rounds: cold start (to every child running),
the daemon's own CPU for it, its RSS, kill -9 to replacement (median of --kills), scale down to
half and back up through the Management API (to the children gone / running), and shutdown. The
daemon's CPU is the sum of its threads' /proc schedstat (the daemon only, its children not).
The bench follows the daemon's children through the kernel's process events (child_watch.py),
O(1) per fork or exit: polling /proc/<pid>/task/*/children costs O(children) per look, ~6 ms at
5000, and took CPU from the daemon the more the larger the count (the fallback without root).

Each figure gets a least-squares line over the instance counts (the per-instance cost, its slope)
and a linearity check: the figure at the largest count over the figure at 500 must stay within
12x for 10x the instances (kill -9 to replacement, which should not grow at all, 3x), else
the bench exits 1 naming the figure. RSS per instance is the RSS line's slope, in KB (target:
under 8 KB of daemon memory per instance without log history; log_buffer_lines: 0 here).

The configuration is the engine bench's (restart_backoff_initial 0s, unlimited restarts, the
rest-api plugin for the scale requests) with `log_buffer_lines: 0`; --default-config uses the
shipped config/phpeek-pm.yaml's `global:` settings instead (backoff 1 s, 5 restarts, the history
on), where a kill is replaced after the backoff. Not run by ctest.

usage: scale_curve_bench.py PHPEEK_PM_BINARY [--counts 100,500,2000,5000] [--rounds 3]
                            [--kills 10] [--default-config] [--json FILE]
--json FILE appends each figure's growth and the RSS slope as headline records (benchlib.py).
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from child_watch import ChildWatch  # noqa: E402
from engine_bench import (children, cpu_seconds, free_port, post_scale, proc_field,  # noqa: E402
                          wait_exit, wait_for)

EVENTS = ChildWatch.available()

FIGURES = ["start_s", "start_cpu_s", "rss_kb", "restart_ms", "scale_down_s", "scale_down_cpu_s",
           "scale_up_s", "scale_up_cpu_s", "shutdown_s"]
# The most a figure may grow from 500 instances to the largest count: 12x per 10x instances (a
# little slack over linear), and kill -9 to replacement, which should not grow, 3x at any count.
def growth_limit(figure, largest):
    return 3.0 if figure == "restart_ms" else 12.0 * (largest / 500) / 10


def globals_text(port, count, default_config):
    limit = f"  max_process_scale: {count}\n"
    if default_config:
        return benchlib.default_globals(port) + limit
    return ("  log_format: text\n  restart_backoff_initial: 0s\n  max_restart_attempts: 0\n"
            "  log_buffer_lines: 0\n" + benchlib.api_lines(port) + limit)


class ProcPolling:
    """The fallback when the proc connector is refused (not root): /proc/<pid>/task/*/children
    read in a loop, which costs O(children) per look and so weighs on the larger counts."""

    def __init__(self, pid):
        self.pid = pid

    def started_at_least(self, n):
        wait_for(lambda: len(children(self.pid)) >= n, timeout=300, step=0.001)

    def replaced(self, victim, before):
        wait_for(lambda: len(children(self.pid) - before) >= 1 and
                 victim not in children(self.pid), timeout=60, step=0.0005)
        return time.monotonic()

    def down_to(self, n):
        wait_for(lambda: len(children(self.pid)) <= n, timeout=300, step=0.001)

    def up_to(self, n):
        self.started_at_least(n)


class EventCounting:
    """Counts the daemon's forks and its children's exits from kernel events (child_watch.py):
    O(1) per change, so the bench costs the same per instance at every count."""

    def __init__(self, watch, pid):
        self.watch, self.pid = watch, pid
        watch.follow(pid)

    def started_at_least(self, n):
        self.watch.wait(lambda w: w.started >= n)

    def replaced(self, victim, before):
        mark = self.watch.started
        self.watch.wait(lambda w: w.started > mark, timeout=60)
        return self.watch.last_fork_at

    def down_to(self, n):
        # The exits are events; their reaping is not, so the last look is at /proc (a few reads).
        gone = len(children(self.pid)) - n
        mark = self.watch.exited
        self.watch.wait(lambda w: w.exited - mark >= gone)
        wait_for(lambda: len(children(self.pid)) <= n, timeout=300, step=0.002)

    def up_to(self, n):
        missing = n - len(children(self.pid))
        mark = self.watch.started
        self.watch.wait(lambda w: w.started - mark >= missing)


def one_run(binary, tmp, n, kills, default_config):
    port = free_port()
    path = os.path.join(tmp, "phpeek-pm.yaml")
    with open(path, "w") as f:
        f.write("global:\n" + globals_text(port, n, default_config) +
                f"processes:\n  s:\n    command: [\"sleep\", \"100000\"]\n    scale: {n}\n")
    r = {}
    log = open(os.path.join(tmp, "daemon.log"), "w")
    watch = ChildWatch() if EVENTS else None
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "-c", path], stdout=log, stderr=log)
    try:
        see = EventCounting(watch, p.pid) if watch else ProcPolling(p.pid)
        see.started_at_least(n)
        r["start_s"] = time.monotonic() - t0
        r["start_cpu_s"] = cpu_seconds(p.pid)
        time.sleep(0.5)
        r["rss_kb"] = proc_field(p.pid, "VmRSS")
        samples = []
        for _ in range(kills):
            before = children(p.pid)
            victim = min(before)
            t1 = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            samples.append((see.replaced(victim, before) - t1) * 1000)
        r["restart_ms"] = statistics.median(samples)
        wait_for(lambda: len(children(p.pid)) >= n, timeout=60)
        half = n // 2
        c2, t2 = cpu_seconds(p.pid), time.monotonic()
        post_scale(port, half)
        see.down_to(half)
        r["scale_down_s"] = time.monotonic() - t2
        r["scale_down_cpu_s"] = cpu_seconds(p.pid) - c2
        c3, t3 = cpu_seconds(p.pid), time.monotonic()
        post_scale(port, n)
        see.up_to(n)
        r["scale_up_s"] = time.monotonic() - t3
        r["scale_up_cpu_s"] = cpu_seconds(p.pid) - c3
        time.sleep(0.3)
        t4 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        wait_exit(p, timeout=300)
        r["shutdown_s"] = time.monotonic() - t4
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()
        if watch:
            watch.close()
    return r


def slope(xs, ys):
    mx, my = statistics.mean(xs), statistics.mean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def record(rec, counts, results, rss_slope):
    """Each figure's growth from 500 to the largest count as headline records (the medians' ratio,
    as printed, and the range of the rounds' ratios), with the per-instance slope of the medians
    for context (see benchlib.py)."""
    largest = counts[-1]
    if 500 in counts and largest != 500:
        for k in FIGURES:
            growth = [big[k] / at500[k] for big, at500 in zip(results[largest], results[500])
                      if at500[k]]
            ys = [statistics.median(run[k] for run in results[n]) for n in counts]
            unit, scale = {"rss_kb": ("KB", 1), "restart_ms": ("ms", 1)}.get(k, ("ms", 1000))
            at500 = ys[counts.index(500)]
            rec(f"{k} at {largest} instances", ys[-1] / at500 if at500 else None,
                "the same at 500", values=growth,
                absolute=slope(counts, ys) * scale, unit=f"{unit} per instance",
                target=f"<= {growth_limit(k, largest):.1f}x")
    rec("RSS per instance (slope)", None, "none (absolute)", absolute=rss_slope,
        unit="KB per instance", target="< 8 KB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--counts", default="100,500,2000,5000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kills", type=int, default=10)
    benchlib.add_arguments(ap)
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    results = {n: [] for n in counts}
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(args.rounds):
            for n in counts:
                print(f"round {rnd + 1}/{args.rounds}: {n} instances ...", file=sys.stderr)
                results[n].append(one_run(args.binary, tmp, n, args.kills, args.default_config))
    median = {n: {k: statistics.median(run[k] for run in results[n]) for k in FIGURES}
              for n in counts}
    config = benchlib.DEFAULT_CONFIG_TEXT if args.default_config else \
        "restart_backoff_initial 0s, unlimited restarts, log_buffer_lines 0, rest-api loaded"
    print(f"scale curve, {config}, median of {args.rounds} rounds")
    print("children followed through kernel process events (proc connector)" if EVENTS else
          "children followed by polling /proc (proc connector refused: not root?), which costs "
          "the bench O(children) per look")
    print("| figure | " + " | ".join(str(n) for n in counts) + " | per instance (slope) | "
          f"{counts[-1]} / 500 |")
    print("|---|" + "---:|" * (len(counts) + 2))
    failures = []
    for k in FIGURES:
        ys = [median[n][k] for n in counts]
        per = slope(counts, ys)
        unit = {"rss_kb": "KB", "restart_ms": "ms"}.get(k, "s")
        growth = ys[-1] / median[500][k] if 500 in median and median[500][k] else float("nan")
        limit = growth_limit(k, counts[-1])
        if 500 in median and growth > limit:
            failures.append(f"{k}: {growth:.1f}x from 500 to {counts[-1]} (limit {limit:.1f}x)")
        scale = 1000.0 if unit == "s" else 1.0
        per_text = f"{per * scale:.3f} {'ms' if unit == 's' else unit}"
        print(f"| {k} | " + " | ".join(f"{y:.3f}" for y in ys) + f" | {per_text} | "
              f"{growth:.1f}x |")
    rss_slope = slope(counts, [median[n]['rss_kb'] for n in counts])
    print(f"RSS per instance (slope): {rss_slope:.2f} KB (target < 8)")
    record(benchlib.Recorder(args), counts, results, rss_slope)
    if failures:
        print("NOT LINEAR: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
