#!/usr/bin/env python3
"""Health-probe cost (issue 12): the daemon's own CPU while it probes N instances every second,
with tcp probes and with exec probes, next to the same daemon supervising the same N instances
without probes (run side by side, in rounds). Only the daemon's own CPU is counted (utime + stime
of /proc/PID/stat: its threads, not its children), so an exec probe's `true` is not in the figure;
its fork, exec set-up and reaping in the daemon are. Probes are counted (connections accepted by
the bench's listener; bytes appended by each exec probe), not assumed.

Figures: the share of one core the daemon uses (CPU seconds over wall seconds, a ratio), for tcp,
exec and no probes, and the CPU per probe (context). The target of issue 12 is tcp probes of 500
instances at 1 s under 2 % of one core. Not run by ctest.

With --default-config phpeek-pm runs with the shipped config/phpeek-pm.yaml's `global:` settings
and the rest-api plugin loaded (otherwise: no plugin, log_level warn); --json FILE appends the
shares of a core as headline records (benchlib.py).

usage: probe_bench.py PHPEEK_PM_BINARY [--instances 500] [--runs 3] [--window 20]
                      [--default-config] [--json FILE]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from engine_bench import children, cpu_ticks, free_port, wait_exit, wait_for  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


class Listener:
    """A loopback TCP server that accepts and closes, counting connections (the tcp probes)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.close()
            self.accepted += 1


def config(n, probe, port, count_file, default_config):
    check = ""
    if probe == "tcp":
        check = f"    health_check: {{type: tcp, address: \"127.0.0.1:{port}\", "
    elif probe == "exec":  # each probe appends a byte, so that probes are counted, not assumed
        check = f"    health_check: {{type: exec, command: [sh, -c, \"printf x >> {count_file}\"], "
    if check:
        check += "period: 1s, initial_delay: 0s, timeout: 1s, mode: readiness}\n"
    settings = benchlib.default_globals(free_port()) if default_config else \
        "  api_enabled: false\n  log_level: warn\n"
    return f"""global:
{settings}processes:
  s:
    command: ["sleep", "1000"]
    scale: {n}
{check}"""


def measure(binary, tmp, n, probe, window, listener, default_config):
    path = os.path.join(tmp, f"{probe}.yaml")
    count_file = os.path.join(tmp, "exec.count")
    with open(count_file, "w"):
        pass
    with open(path, "w") as f:
        f.write(config(n, probe, listener.port, count_file, default_config))

    def probes_so_far():
        return listener.accepted if probe == "tcp" else os.path.getsize(count_file)

    log = open(os.path.join(tmp, f"{probe}.log"), "w")
    p = subprocess.Popen([binary, "-c", path], stdout=log, stderr=log)
    try:
        wait_for(lambda: len(children(p.pid)) >= n, timeout=60, step=0.01)
        time.sleep(3)  # every instance past its first probe: the steady state is measured
        probes0, ticks0, t0 = probes_so_far(), cpu_ticks(p.pid), time.monotonic()
        time.sleep(window)
        probes1, ticks1, t1 = probes_so_far(), cpu_ticks(p.pid), time.monotonic()
        return (ticks1 - ticks0) / TICK / (t1 - t0), (probes1 - probes0) / (t1 - t0)
    finally:
        p.terminate()
        wait_exit(p)
        log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--instances", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--window", type=float, default=20)
    benchlib.add_arguments(ap)
    args = ap.parse_args()
    listener = Listener()
    share = {"none": [], "tcp": [], "exec": []}
    rate = {"tcp": [], "exec": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.runs):
            for probe in ("none", "tcp", "exec"):
                s, per_s = measure(args.binary, tmp, args.instances, probe, args.window, listener,
                                   args.default_config)
                share[probe].append(s)
                if probe != "none":
                    rate[probe].append(per_s)
                probes = f", {per_s:.0f} probes/s" if probe != "none" else ""
                print(f"round {r + 1} {probe}: {100 * s:.2f} % of a core{probes}", file=sys.stderr)
    print(f"{args.instances} instances, probes every 1 s, median of {args.runs} rounds of "
          f"{args.window:.0f} s; phpeek-pm configuration: " +
          (benchlib.DEFAULT_CONFIG_TEXT if args.default_config else "no plugin, log_level warn") +
          "\n")
    print("| daemon's own CPU | share of one core | probes/s | CPU per probe |")
    print("|---|---:|---:|---:|")
    for probe in ("none", "tcp", "exec"):
        s = statistics.median(share[probe])
        if probe == "none":
            print(f"| no probes | {100 * s:.2f} % | | |")
            continue
        per_s = statistics.median(rate[probe])
        print(f"| {probe} probes | {100 * s:.2f} % | {per_s:.0f} | {1e6 * s / per_s:.0f} us |")
    record(benchlib.Recorder(args), args.instances, share, rate)


def record(rec, n, share, rate):
    """The share of one core per way as headline records (a ratio: CPU seconds over wall
    seconds), with the CPU per probe for context (see benchlib.py)."""
    for probe in ("none", "tcp", "exec"):
        s = share[probe]
        per_probe = None
        if probe != "none":
            per_probe = 1e6 * statistics.median(s) / statistics.median(rate[probe])
        label = "no probes" if probe == "none" else f"{probe} probes every 1 s"
        rec(f"daemon CPU, {n} instances, {label}", None, "one core", values=s,
            absolute=per_probe, unit="us CPU per probe" if per_probe else None,
            target="< 0.02" if probe == "tcp" else None)


if __name__ == "__main__":
    main()
