#!/usr/bin/env python3
"""Engine benchmarks of issue 3 ("Speed and size"): phpeek-pm against a bare posix_spawn loop (the
floor, floor.c) and supervisord (the baseline), measured side by side in one run and driven the
same way from outside (start, kill -9, SIGTERM; children observed in /proc). Prints ratios only;
absolute figures depend on the machine. Not run by ctest.

phpeek-pm runs with restart_backoff_initial 0s so that a killed instance is replaced at once (by
default a run shorter than the stable threshold waits out the backoff, by design).

usage: engine_bench.py PHPEEK_PM_BINARY [--instances 500] [--idle-seconds 30]
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def children(pid):
    out = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.update(int(x) for x in f.read().split())
    except OSError:
        pass
    return out


def wait_for(cond, timeout=60.0, step=0.0005):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met")


def proc_field(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class Phpeek:
    name = "phpeek-pm"

    def __init__(self, binary, tmp):
        self.binary, self.tmp = binary, tmp

    def start(self, n):
        path = os.path.join(self.tmp, "phpeek-pm.yaml")
        with open(path, "w") as f:
            f.write(f"""global:
  api_enabled: false
  log_format: text
  max_process_scale: {max(n, 100)}
  restart_backoff_initial: 0s
  max_restart_attempts: 0
processes:
  s:
    command: ["sleep", "1000"]
    scale: {n}
""")
        log = open(os.path.join(self.tmp, "phpeek.log"), "w")
        return subprocess.Popen([self.binary, "-c", path], stdout=log, stderr=log)


class Supervisord:
    name = "supervisord"

    def __init__(self, tmp):
        self.tmp = tmp

    def start(self, n):
        path = os.path.join(self.tmp, "supervisord.conf")
        with open(path, "w") as f:
            f.write(f"""[supervisord]
nodaemon=true
logfile={self.tmp}/supervisord.log
pidfile={self.tmp}/supervisord.pid
childlogdir={self.tmp}
minfds=1024
[program:s]
command=sleep 1000
numprocs={n}
process_name=%(program_name)s_%(process_num)d
startsecs=0
autorestart=true
stdout_logfile=NONE
stderr_logfile=NONE
""")
        return subprocess.Popen(["supervisord", "-c", path], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)


class Floor:
    name = "floor"

    def __init__(self, binary):
        self.binary = binary

    def start(self, n):
        return subprocess.Popen([self.binary, str(n)])


def measure(sup, n, idle_seconds):
    """Restart median, RSS and idle CPU with n instances."""
    r = {}
    p = sup.start(n)
    wait_for(lambda: len(children(p.pid)) >= n)
    time.sleep(0.3)
    r["rss_kb"] = proc_field(p.pid, "VmRSS")
    samples = []
    for _ in range(30):
        before = children(p.pid)
        victim = min(before)
        t1 = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(children(p.pid) - before) >= 1 and victim not in children(p.pid),
                 timeout=30)
        samples.append(time.monotonic() - t1)
    r["restart"] = statistics.median(samples)
    c0 = cpu_ticks(p.pid)
    time.sleep(idle_seconds)
    r["idle_ticks"] = cpu_ticks(p.pid) - c0
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    return r


def cycles(sup, n, runs=5):
    """Median cold start and median shutdown of n instances over several runs."""
    starts, stops = [], []
    for _ in range(runs):
        t0 = time.monotonic()
        p = sup.start(n)
        wait_for(lambda: len(children(p.pid)) >= n)
        starts.append(time.monotonic() - t0)
        time.sleep(0.3)  # let the supervisor settle (supervisord marks RUNNING asynchronously)
        t1 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=120)
        stops.append(time.monotonic() - t1)
    return statistics.median(starts), statistics.median(stops)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--instances", type=int, default=500)
    ap.add_argument("--idle-seconds", type=float, default=30)
    args = ap.parse_args()
    floor_bin = os.path.join(tempfile.gettempdir(), "phpeek-bench-floor")
    subprocess.run(["cc", "-O2", "-o", floor_bin, os.path.join(HERE, "floor.c")], check=True)
    n = args.instances
    tmp = tempfile.mkdtemp(prefix="phpeek-bench-")
    try:
        sups = [Floor(floor_bin), Phpeek(args.binary, tmp)]
        if shutil.which("supervisord"):
            sups.append(Supervisord(tmp))
        else:
            print("supervisord not installed: baseline column skipped", file=sys.stderr)
        res = {s.name: measure(s, n, args.idle_seconds) for s in sups}
        for s in sups:
            res[s.name]["start"], res[s.name]["shutdown"] = cycles(s, n)
            _, res[s.name]["shutdown100"] = cycles(s, 100)
        shown = sups[1:]
        print(f"{'figure (ratio to the floor)':46} " + " ".join(f"{s.name:>12}" for s in shown))
        rows = [(f"cold start of {n} (median of 5)", "start"),
                ("kill -9 to replacement (median of 30)", "restart"),
                ("shutdown of 100 (median of 5)", "shutdown100"),
                (f"shutdown of {n} (median of 5)", "shutdown")]
        fl = res["floor"]
        for label, key in rows:
            print(f"{label:46} " + " ".join(f"{res[s.name][key] / fl[key]:12.2f}" for s in shown))
        if "supervisord" in res:
            a, b = res["phpeek-pm"]["rss_kb"], res["supervisord"]["rss_kb"]
            print(f"{'RSS phpeek-pm / supervisord with ' + str(n):46} {a / b:12.2f}")
        print(f"{'RSS phpeek-pm with ' + str(n) + ' (MB, absolute)':46} "
              f"{res['phpeek-pm']['rss_kb'] / 1024:12.1f}")
        print(f"{'CPU ticks over ' + str(args.idle_seconds) + ' idle s (absolute)':46} " +
              " ".join(f"{res[s.name]['idle_ticks']:12d}" for s in shown))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
