#!/usr/bin/env python3
"""Engine benchmarks of issue 3 ("Speed and size"): phpeek-pm against a bare posix_spawn loop (the
floor, floor.c) and supervisord (the baseline), driven the same way from outside (start, kill -9,
SIGTERM, scale-up; children observed in /proc). Prints ratios only; absolute figures depend on the
machine. Not run by ctest.

Every figure is measured in rounds: in each round the floor, phpeek-pm and supervisord do the same
job one after the other, and the round's ratio is a supervisor's time over the floor's time of that
round (cheap figures take the median of 3 runs within the round). The table shows the median of the
rounds' ratios and their range [min-max], so that a busy neighbour slowing one round does not decide
the figure.

phpeek-pm runs with restart_backoff_initial 0s so that a killed instance is replaced at once (by
default a run shorter than the stable threshold waits out the backoff, by design). With
--default-config it runs with the `global:` settings of the shipped config/phpeek-pm.yaml instead
(backoff 1 s, 5 attempts, the history, the rest-api plugin loaded on a free port, as users run it),
and each kill comes after a stable run (min_uptime, 1 s), so that the figure is what a user sees
when a long-running worker dies. The scale
figure uses the rest-api plugin (POST /api/v1/processes/s/scale) on a free loopback port; the
floor spawns its 90 on SIGUSR1; supervisord starts 90 predefined programs over XML-RPC.

usage: engine_bench.py PHPEEK_PM_BINARY [--instances 500] [--runs 5] [--idle-seconds 30]
                       [--no-supervisord] [--default-config] [--json FILE]
--json FILE appends the table's figures as headline records (benchlib.py).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client

import benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
SCALE_FROM, SCALE_TO = 10, 100


def children(pid):
    out = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.update(int(x) for x in f.read().split())
    except OSError:
        pass
    return out


def wait_for(cond, timeout=120.0, step=0.0005):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met")


def wait_exit(p, timeout=120.0):
    """Blocking wait (Popen.wait with a timeout polls with sleeps of up to 50 ms, which would blur
    the shutdown figures); a watchdog kills a supervisor that hangs."""
    watchdog = threading.Timer(timeout, lambda: p.poll() is None and p.kill())
    watchdog.start()
    try:
        return p.wait()
    finally:
        watchdog.cancel()


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


def cpu_seconds(pid):
    """A process's own CPU so far, ns-precise: the sum of its threads' /proc schedstat (its
    children not; /proc/<pid>/stat's utime + stime count 10 ms ticks)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


def exit_cpu_seconds(log_path):
    """The CPU a supervisor reported for its whole run on its last line (phpeek-pm's "phpeek-pm
    stopped ... cpu_time_us=N", the floor's the same), or None."""
    with open(log_path, errors="replace") as f:
        found = re.findall(r"cpu_time_us\W+(\d+)", f.read())
    return int(found[-1]) / 1e6 if found else None


def post_scale(port, n):
    """POST /api/v1/processes/s/scale {"scale": n} to the daemon's API; raises unless accepted."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", "/api/v1/processes/s/scale", body=json.dumps({"scale": n}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status >= 300:
        raise RuntimeError(f"scale to {n} answered {r.status}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Phpeek:
    name = "phpeek-pm"
    kills = 30

    def __init__(self, binary, tmp, default_config=False):
        self.binary, self.tmp = binary, tmp
        self.port = None
        self.default_config = default_config
        # Seconds a replacement runs before the next kill: a stable run (min_uptime) by default.
        self.stable_wait = benchlib.STABLE_RUN_S if default_config else 0

    def _globals(self, n, scalable):
        if self.default_config or scalable:
            self.port = free_port()
        api = benchlib.api_lines(self.port)
        scale = f"  max_process_scale: {max(n, SCALE_TO)}\n"
        if self.default_config:
            return benchlib.default_globals(self.port) + scale
        if not scalable:
            api = "  api_enabled: false\n"
        return (api + "  log_format: text\n" + scale +
                "  restart_backoff_initial: 0s\n  max_restart_attempts: 0\n")

    def start(self, n, scalable=False):
        path = os.path.join(self.tmp, "phpeek-pm.yaml")
        with open(path, "w") as f:
            f.write(f"""global:
{self._globals(n, scalable)}processes:
  s:
    command: ["sleep", "1000"]
    scale: {n}
""")
        self.log = os.path.join(self.tmp, "phpeek.log")
        log = open(self.log, "w")
        p = subprocess.Popen([self.binary, "-c", path], stdout=log, stderr=log)
        if scalable:  # the API answers once the plugin is up; not part of the timed scale-up
            wait_for(lambda: self._get("/api/v1/health") == 200, timeout=30, step=0.01)
        return p

    def _get(self, path):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            c.request("GET", path)
            status = c.getresponse().status
            c.close()
            return status
        except OSError:
            return 0

    def scale_up(self, p):
        post_scale(self.port, SCALE_TO)


class Supervisord:
    name = "supervisord"
    kills = 6  # it needs about a second per replacement; 6 per round, 30 over 5 rounds

    def __init__(self, tmp):
        self.tmp = tmp
        self.port = None

    def start(self, n, scalable=False):
        path = os.path.join(self.tmp, "supervisord.conf")
        rpc = ""
        if scalable:
            self.port = free_port()
            rpc = f"""[inet_http_server]
port=127.0.0.1:{self.port}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
"""
        with open(path, "w") as f:
            f.write(f"""[supervisord]
nodaemon=true
logfile={self.tmp}/supervisord.log
pidfile={self.tmp}/supervisord.pid
childlogdir={self.tmp}
minfds=1024
{rpc}[program:s]
command=sleep 1000
numprocs={SCALE_TO if scalable else n}
process_name=%(program_name)s_%(process_num)d
autostart={'false' if scalable else 'true'}
startsecs=0
autorestart=true
stdout_logfile=NONE
stderr_logfile=NONE
""")
        p = subprocess.Popen(["supervisord", "-c", path], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        if scalable:
            self.rpc = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}/RPC2")
            wait_for(self._up, timeout=30, step=0.01)
            self._start_range(0, n)
        return p

    def _up(self):
        try:
            return self.rpc.supervisor.getState()["statename"] == "RUNNING"
        except (OSError, xmlrpc.client.Error):
            return False

    def _start_range(self, lo, hi):
        calls = [{"methodName": "supervisor.startProcess", "params": [f"s:s_{i}", False]}
                 for i in range(lo, hi)]
        self.rpc.system.multicall(calls)

    def scale_up(self, p):
        self._start_range(SCALE_FROM, SCALE_TO)


class Floor:
    name = "floor"
    kills = 30

    def __init__(self, binary, tmp):
        self.binary = binary
        self.log = os.path.join(tmp, "floor.log")

    def start(self, n, scalable=False):
        args = [self.binary, str(n)] + ([str(SCALE_TO - n)] if scalable else [])
        with open(self.log, "w") as log:
            return subprocess.Popen(args, stderr=log)

    def scale_up(self, p):
        p.send_signal(signal.SIGUSR1)


def session(sup, n, kills, extras):
    """Cold start of n, kill -9 to replacement (median of `kills`), shutdown of n (seconds), and
    the supervisor's own CPU for each (start_cpu, restart_cpu per kill, shutdown_cpu; the last
    from its exit line, for those that print one). With `extras`, also RSS and CPU ticks over
    extras["idle"] seconds."""
    r = {}
    t0 = time.monotonic()
    p = sup.start(n)
    wait_for(lambda: len(children(p.pid)) >= n)
    r["start"] = time.monotonic() - t0
    r["start_cpu"] = cpu_seconds(p.pid)
    time.sleep(0.3)  # let the supervisor settle (supervisord marks RUNNING asynchronously)
    if "idle" in extras:
        r["rss_kb"] = proc_field(p.pid, "VmRSS")
    samples = []
    c0 = cpu_seconds(p.pid)
    for _ in range(kills):
        time.sleep(getattr(sup, "stable_wait", 0))
        before = children(p.pid)
        victim = min(before)
        t1 = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(children(p.pid) - before) >= 1 and victim not in children(p.pid),
                 timeout=30)
        samples.append(time.monotonic() - t1)
    if samples:
        r["restart"] = statistics.median(samples)
        r["restart_cpu"] = (cpu_seconds(p.pid) - c0) / kills
    if "idle" in extras:
        c0 = cpu_ticks(p.pid)
        time.sleep(extras["idle"])
        r["idle_ticks"] = cpu_ticks(p.pid) - c0
    time.sleep(0.2)
    c2 = cpu_seconds(p.pid)
    t2 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    wait_exit(p)
    r["shutdown"] = time.monotonic() - t2
    total = exit_cpu_seconds(sup.log) if getattr(sup, "log", None) else None
    if total is not None:
        r["shutdown_cpu"] = total - c2
    return r


def _catch(failure, fn, *args):
    try:
        fn(*args)
    except Exception as e:  # handed to the main thread
        failure.append(e)


def scale_session(sup):
    """Seconds from asking for SCALE_TO to SCALE_TO children, with SCALE_FROM running; the first
    SCALE_FROM must keep their pids."""
    p = sup.start(SCALE_FROM, scalable=True)
    try:
        wait_for(lambda: len(children(p.pid)) >= SCALE_FROM)
        time.sleep(0.3)
        first = children(p.pid)
        # The request runs in a thread so that a late answer (the API's threads run at low
        # priority) does not hide when the children appeared.
        failure = []
        asker = threading.Thread(target=lambda: _catch(failure, sup.scale_up, p))
        t0 = time.monotonic()
        asker.start()
        wait_for(lambda: len(children(p.pid)) >= SCALE_TO)
        took = time.monotonic() - t0
        asker.join()
        if failure:
            raise failure[0]
        if not first <= children(p.pid):
            raise RuntimeError(f"{sup.name}: the first {SCALE_FROM} did not keep their pids")
        return took
    finally:
        time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        wait_exit(p)


def cell(values):
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def record(rec, n, rows, shown, ratios, once, idle_seconds):
    """The table's figures as headline records (see benchlib.py)."""
    for label, key in rows:
        for s in shown:
            if ratios[s.name][key]:
                rec(f"{s.name}: {label}", None, "floor", values=ratios[s.name][key],
                    target="<= 1.3" if key.endswith("_cpu") and s.name == "phpeek-pm" else None)
    mine = once["phpeek-pm"]
    if "supervisord" in once:
        rec(f"phpeek-pm: RSS with {n} (round 1)", mine["rss_kb"] / once["supervisord"]["rss_kb"],
            "supervisord", absolute=mine["rss_kb"] / 1024, unit="MB", target="< 8 MB, < 1/3")
    rec(f"phpeek-pm: CPU ticks over {idle_seconds:g} idle s (round 1)", None, "none (absolute)",
        absolute=mine["idle_ticks"], unit="ticks", target="0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--instances", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle-seconds", type=float, default=30)
    ap.add_argument("--no-supervisord", action="store_true")
    benchlib.add_arguments(ap)
    ap.add_argument("--verbose", action="store_true", help="absolute times of every round (stderr)")
    args = ap.parse_args()
    floor_bin = os.path.join(tempfile.gettempdir(), "phpeek-bench-floor")
    subprocess.run(["cc", "-O2", "-o", floor_bin, os.path.join(HERE, "floor.c")], check=True)
    n = args.instances
    tmp = tempfile.mkdtemp(prefix="phpeek-bench-")
    try:
        sups = [Floor(floor_bin, tmp), Phpeek(args.binary, tmp, args.default_config)]
        if args.no_supervisord:
            pass
        elif shutil.which("supervisord"):
            sups.append(Supervisord(tmp))
        else:
            print("supervisord not installed: baseline column skipped", file=sys.stderr)
        shown = sups[1:]
        keys = ["start", "restart", "shutdown100", "shutdown", "scale", "start_cpu", "restart_cpu",
                "shutdown_cpu"]
        ratios = {s.name: {k: [] for k in keys} for s in shown}
        once = {}
        for run in range(args.runs):
            # Figure by figure, the supervisors one after the other, so that each ratio compares
            # runs seconds apart (the load of a shared machine drifts over minutes).
            res = {s.name: {} for s in sups}
            for s in sups:
                extras = {"idle": args.idle_seconds} if run == 0 and s in shown else {}
                r = session(s, n, s.kills, extras)
                res[s.name].update(r)
                if extras:
                    once[s.name] = r
            for s in sups:
                res[s.name]["shutdown100"] = statistics.median(
                    session(s, 100, 0, {})["shutdown"] for _ in range(3))
            for s in sups:
                res[s.name]["scale"] = statistics.median(scale_session(s) for _ in range(3))
            for s in shown:
                for k in keys:
                    if k in res[s.name] and res["floor"].get(k):
                        ratios[s.name][k].append(res[s.name][k] / res["floor"][k])
            if args.verbose:
                for s in sups:
                    print(f"  {s.name:12} " + " ".join(f"{k} {res[s.name][k] * 1000:.1f} ms"
                                                       for k in keys if k in res[s.name]),
                          file=sys.stderr)
            print(f"round {run + 1}/{args.runs}: " + ", ".join(
                f"{s.name} start {ratios[s.name]['start'][-1]:.2f}" for s in shown),
                file=sys.stderr)
        print("phpeek-pm configuration: " + (benchlib.DEFAULT_CONFIG_TEXT +
              ", kills after a stable run" if args.default_config else
              "restart_backoff_initial 0s, unlimited restarts, no plugin (rest-api for the scale "
              "figure)"))
        print(f"{'figure (ratio to the floor: median [min-max])':46} " +
              " ".join(f"{s.name:>22}" for s in shown))
        rows = [(f"cold start of {n}", "start"),
                ("kill -9 to replacement (median per round)", "restart"),
                (f"scale {SCALE_FROM} -> {SCALE_TO} (median of 3 per round)", "scale"),
                ("shutdown of 100 (median of 3 per round)", "shutdown100"),
                (f"shutdown of {n}", "shutdown"),
                (f"own CPU: cold start of {n}", "start_cpu"),
                ("own CPU: per kill -9 and replacement", "restart_cpu"),
                (f"own CPU: shutdown of {n}", "shutdown_cpu")]
        for label, key in rows:
            print(f"{label:46} " + " ".join(f"{cell(ratios[s.name][key]):>22}" for s in shown))
        print(f"{'rounds':46} {args.runs:>22}")
        if "supervisord" in once:
            a, b = once["phpeek-pm"]["rss_kb"], once["supervisord"]["rss_kb"]
            print(f"{'RSS phpeek-pm / supervisord with ' + str(n):46} {a / b:22.2f}")
        print(f"{'RSS phpeek-pm with ' + str(n) + ' (MB, absolute)':46} "
              f"{once['phpeek-pm']['rss_kb'] / 1024:22.1f}")
        print(f"{'CPU ticks over ' + str(args.idle_seconds) + ' idle s (absolute)':46} " +
              " ".join(f"{once[s.name]['idle_ticks']:22d}" for s in shown))
        record(benchlib.Recorder(args), n, rows, shown, ratios, once, args.idle_seconds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
