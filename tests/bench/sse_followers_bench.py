#!/usr/bin/env python3
"""SSE log followers (issue 14): 50 clients follow a process that logs 10 000 lines/s through
`GET /api/v1/processes/{name}/logs?follow=1`, while the daemon supervises as usual. Three figures,
each measured without the followers and with them, in the same run:

  - every follower sees every line in order, or an `event: overflow` (sse_follower.c checks each
    event's id and the writer's counter: no gap, no duplicate);
  - kill -9 of another process is still replaced within 100 ms (median and max of `--kills`);
  - the API's p99 on GET /api/v1/processes (sequential keep-alive requests from one client) with
    the followers over without them (target: at most 1.5x).

The writer is a Python loop printing "n=K" lines in batches every 10 ms; the followers are C
(sse_follower.c, compiled here with cc) so that 50 of them on a small machine load the daemon
rather than themselves. Prints the machine's load average with the figures. Not run by ctest.

usage: sse_followers_bench.py PHPEEK_PM_BINARY [--followers 50] [--rate 10000] [--seconds 10]
                              [--kills 10] [--requests 2000] [--isolated]
"""
import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_bench import children, wait_exit, wait_for  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

WRITER = r"""
import sys, time
rate = int(sys.argv[1])
batch = max(1, rate // 100)
k = 0
t = time.monotonic()
out = sys.stdout
while True:
    out.write("".join("n=%d\n" % (k + i) for i in range(batch)))
    out.flush()
    k += batch
    t += 0.01
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)
"""


def config(tmp, rate, isolated):
    writer = os.path.join(tmp, "writer.py")
    with open(writer, "w") as f:
        f.write(WRITER)
    isolation = "  plugin_isolation:\n    rest-api: process\n" if isolated else ""
    return f"""global:
  log_format: text
  log_level: warn
  api_port: 0
  api_max_streams: 100
  restart_backoff_initial: 0s
  max_restart_attempts: 0
{isolation}processes:
  writer:
    command: ["python3", "-u", "{writer}", "{rate}"]
  victim:
    command: ["sleep", "100000"]
"""


def api_port(log_path):
    def found():
        with open(log_path) as f:
            m = re.search(r"Management API listening on http://127\.0\.0\.1:(\d+)", f.read())
        return int(m.group(1)) if m else None
    return wait_for(found, timeout=30, step=0.05)


def victim_pid(daemon_pid, writer_pid_hint=None):
    for pid in children(daemon_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f.read().startswith(b"sleep\0100000"):
                    return pid
        except OSError:
            pass
    return None


def kills(daemon_pid, count):
    """Seconds from kill -9 of the victim to its replacement, `count` times."""
    samples = []
    for _ in range(count):
        victim = wait_for(lambda: victim_pid(daemon_pid), timeout=30)
        t0 = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: (victim_pid(daemon_pid) or victim) != victim, timeout=30)
        samples.append(time.monotonic() - t0)
        time.sleep(0.2)
    return samples


def p99_requests(port, count):
    """Latencies of `count` sequential GET /api/v1/processes over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out = []
    for _ in range(count):
        t0 = time.monotonic()
        conn.request("GET", "/api/v1/processes")
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"GET /api/v1/processes answered {r.status}")
        out.append(time.monotonic() - t0)
    conn.close()
    out.sort()
    return out[int(len(out) * 0.99) - 1], statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--followers", type=int, default=50)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--isolated", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        follower = os.path.join(tmp, "sse_follower")
        subprocess.run(["cc", "-O2", "-o", follower, os.path.join(HERE, "sse_follower.c")],
                       check=True)
        path = os.path.join(tmp, "phpeek-pm.yaml")
        with open(path, "w") as f:
            f.write(config(tmp, args.rate, args.isolated))
        log_path = os.path.join(tmp, "daemon.log")
        log = open(log_path, "w")
        daemon = subprocess.Popen([args.binary, "-c", path], stdout=log, stderr=log)
        try:
            port = api_port(log_path)
            wait_for(lambda: victim_pid(daemon.pid), timeout=30)
            time.sleep(1)  # the writer at its rate
            load_before = os.getloadavg()
            alone_p99, alone_median = p99_requests(port, args.requests)
            alone_kills = kills(daemon.pid, args.kills)

            target = "/api/v1/processes/writer/logs?follow=1&limit=1"
            followers = [subprocess.Popen([follower, str(port), target, str(args.seconds)],
                                          stdout=subprocess.PIPE, text=True)
                         for _ in range(args.followers)]
            time.sleep(1)  # every follower connected and live
            with_p99, with_median = p99_requests(port, args.requests)
            with_kills = kills(daemon.pid, args.kills)
            load_during = os.getloadavg()
            results = [f.communicate(timeout=args.seconds + 60)[0] for f in followers]
        finally:
            daemon.send_signal(signal.SIGTERM)
            wait_exit(daemon)
            log.close()

    in_order = overflowed = broken = 0
    events = []
    for line in results:
        r = dict(kv.split("=") for kv in line.split())
        events.append(int(r["events"]))
        ok = int(r["gaps"]) == 0 and int(r["dups"]) == 0
        if int(r["overflow"]) != 0:
            overflowed += 1
        elif ok and int(r["events"]) > 0:
            in_order += 1
        else:
            broken += 1
            print("follower:", line.strip(), file=sys.stderr)
    ms = lambda s: f"{s * 1000:.1f}"
    print(f"load average before: {load_before[0]:.1f}, during: {load_during[0]:.1f}, "
          f"{os.cpu_count()} cores; {'isolated' if args.isolated else 'in process'}; "
          f"{args.followers} followers, {args.rate} lines/s, {args.seconds:g} s")
    print(f"followers: {in_order} saw every line in order, {overflowed} got event: overflow, "
          f"{broken} broken; events per follower median {statistics.median(events):.0f} "
          f"[{min(events)}-{max(events)}]")
    print(f"kill -9 to replacement, ms: alone median {ms(statistics.median(alone_kills))} max "
          f"{ms(max(alone_kills))}; with followers median {ms(statistics.median(with_kills))} max "
          f"{ms(max(with_kills))}")
    print(f"GET /api/v1/processes, ms: alone p99 {ms(alone_p99)} (median {ms(alone_median)}); "
          f"with followers p99 {ms(with_p99)} (median {ms(with_median)}); "
          f"p99 ratio {with_p99 / alone_p99:.2f}")
    return 0 if broken == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
