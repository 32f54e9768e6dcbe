#!/usr/bin/env python3
"""SSE log followers (issue 14): 50 clients follow a process that logs 10 000 lines/s through
`GET /api/v1/processes/{name}/logs?follow=1`, while the daemon supervises as usual. Three figures,
each measured without the followers and with them, in the same run:

  - every follower sees every line in order, or an `event: overflow` (sse_follower.c checks each
    event's id and the writer's counter: no gap, no duplicate); an overflowed follower reconnects
    with Last-Event-ID as `phpeek-pm logs -f` does (so that the load stays on), and the lines
    the daemon no longer kept by then are counted apart;
  - kill -9 of another process is still replaced within 100 ms (median and max of `--kills`);
  - the API's p99 on GET /api/v1/processes (sequential keep-alive requests from one client) with
    the followers over without them (target: at most 1.5x).
In rounds: each measures without the followers, then with them; the ratio is taken per round and
the table gives the median and range of the rounds.

The writer is a Python loop printing "n=K" lines in batches every 10 ms; the followers are C
(sse_follower.c, compiled here with cc) so that 50 of them on a small machine load the daemon
rather than themselves. Prints the machine's load average with the figures. Not run by ctest.

usage: sse_followers_bench.py PHPEEK_PM_BINARY [--followers 50] [--rate 10000] [--seconds 10]
                              [--rounds 3] [--kills 10] [--requests 2000] [--queue 1MiB]
                              [--isolated] [--default-config] [--json FILE]
phpeek-pm runs with restart_backoff_initial 0s and unlimited restarts, or with --default-config
with the shipped config/phpeek-pm.yaml's `global:` settings, where each kill follows a stable run
(1.2 s apart, the followers staying 1 s longer per kill); both with api_max_streams 100 and
--queue as api_stream_queue. --json FILE appends the ratios with / without the followers as
headline records (benchlib.py).
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
import benchlib  # noqa: E402
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


def config(tmp, rate, isolated, queue, default_config):
    writer = os.path.join(tmp, "writer.py")
    with open(writer, "w") as f:
        f.write(WRITER)
    isolation = "  plugin_isolation:\n    rest-api: process\n" if isolated else ""
    # Room for the followers' streams and their queue size in either configuration.
    streams = f"  api_max_streams: 100\n  api_stream_queue: {queue}\n"
    settings = benchlib.default_globals(0) if default_config else \
        "  log_format: text\n  api_port: 0\n" + \
        "  restart_backoff_initial: 0s\n  max_restart_attempts: 0\n"
    return f"""global:
{settings}{streams}{isolation}processes:
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
                if f.read().startswith(b"sleep\x00100000\x00"):
                    return pid
        except OSError:
            pass
    return None


def kills(daemon_pid, count, gap=0.2):
    """Seconds from kill -9 of the victim to its replacement, `count` times, each `gap` seconds
    after the victim started at the latest (a gap past min_uptime, 1 s, makes each kill one of a
    stable run: no backoff)."""
    samples = []
    for _ in range(count):
        time.sleep(gap)  # before each kill: the first one too may come right after a start
        victim = wait_for(lambda: victim_pid(daemon_pid), timeout=30)
        t0 = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: (victim_pid(daemon_pid) or victim) != victim, timeout=30)
        samples.append(time.monotonic() - t0)
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


def round_trip(args, follower, port, daemon_pid):
    """One round: the API's p99 and kill -9 figures alone, then with the followers running; the
    followers' result lines."""
    r = {}
    r["alone_p99"], r["alone_median"] = p99_requests(port, args.requests)
    r["alone_kills"] = kills(daemon_pid, args.kills, args.gap)
    target = "/api/v1/processes/writer/logs?follow=1&limit=1"
    followers = [subprocess.Popen([follower, str(port), target, str(args.follow_seconds)],
                                  stdout=subprocess.PIPE, text=True)
                 for _ in range(args.followers)]
    time.sleep(1)  # every follower connected and live (they check what they get, not when)
    r["with_p99"], r["with_median"] = p99_requests(port, args.requests)
    r["with_kills"] = kills(daemon_pid, args.kills, args.gap)
    r["load"] = os.getloadavg()[0]
    r["results"] = [f.communicate(timeout=args.follow_seconds + 60)[0] for f in followers]
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--followers", type=int, default=50)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--queue", default="1MiB", help="api_stream_queue")
    ap.add_argument("--isolated", action="store_true")
    benchlib.add_arguments(ap)
    args = ap.parse_args()
    # With the shipped settings (backoff 1 s) a kill follows a stable run, and the followers stay
    # for those longer kills too.
    args.gap = benchlib.STABLE_RUN_S if args.default_config else 0.2
    args.follow_seconds = args.seconds + (args.kills * 1.0 if args.default_config else 0)
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        follower = os.path.join(tmp, "sse_follower")
        subprocess.run(["cc", "-O2", "-o", follower, os.path.join(HERE, "sse_follower.c")],
                       check=True)
        path = os.path.join(tmp, "phpeek-pm.yaml")
        with open(path, "w") as f:
            f.write(config(tmp, args.rate, args.isolated, args.queue, args.default_config))
        log_path = os.path.join(tmp, "daemon.log")
        log = open(log_path, "w")
        daemon = subprocess.Popen([args.binary, "-c", path], stdout=log, stderr=log)
        try:
            port = api_port(log_path)
            wait_for(lambda: victim_pid(daemon.pid), timeout=30)
            time.sleep(1)  # the writer at its rate
            load_before = os.getloadavg()[0]
            for _ in range(args.rounds):
                rounds.append(round_trip(args, follower, port, daemon.pid))
        finally:
            daemon.send_signal(signal.SIGTERM)
            wait_exit(daemon)
            log.close()

    in_order = overflowed = broken = 0
    events, overflows, lost = [], 0, 0
    for line in (line for r in rounds for line in r["results"]):
        r = {k: int(v) for k, v in (kv.split("=") for kv in line.split())}
        events.append(r["events"])
        overflows += r["overflows"]
        lost += r["lost_at_resume"]
        if r["gaps"] != 0 or r["dups"] != 0 or r["events"] == 0:
            broken += 1
            print("follower:", line.strip(), file=sys.stderr)
        elif r["overflows"] > 0:
            overflowed += 1
        else:
            in_order += 1

    def ms(s):
        return f"{s * 1000:.1f}"

    def spread(values, fmt=lambda v: f"{v:.2f}"):
        return f"{fmt(statistics.median(values))} [{fmt(min(values))}-{fmt(max(values))}]"

    kills_alone = [k for r in rounds for k in r["alone_kills"]]
    kills_with = [k for r in rounds for k in r["with_kills"]]
    loads = ", ".join(f"{r['load']:.1f}" for r in rounds)
    print(f"load average before: {load_before:.1f}, during the rounds: {loads}; "
          f"{os.cpu_count()} cores; "
          f"{'isolated' if args.isolated else 'in process'}; {args.followers} followers, "
          f"{args.rate} lines/s, {args.rounds} rounds of {args.follow_seconds:g} s, "
          f"api_stream_queue {args.queue}; phpeek-pm configuration: " +
          (benchlib.DEFAULT_CONFIG_TEXT + ", kills after a stable run" if args.default_config
           else "restart_backoff_initial 0s, unlimited restarts, rest-api"))
    print(f"followers: {in_order} saw every line in order, {overflowed} got event: overflow "
          f"({overflows} in all; {lost} lines no longer kept at the resumes), {broken} with a gap "
          f"or a duplicate; events per follower median {statistics.median(events):.0f} "
          f"[{min(events)}-{max(events)}] of {int(args.rate * args.follow_seconds)} written")
    print(f"kill -9 to replacement, ms ({len(kills_alone)} each): alone median "
          f"{ms(statistics.median(kills_alone))} max {ms(max(kills_alone))}; with followers "
          f"median {ms(statistics.median(kills_with))} max {ms(max(kills_with))}")
    print(f"GET /api/v1/processes p99, ms, median [min-max] of the rounds: alone "
          f"{spread([r['alone_p99'] for r in rounds], ms)}, with followers "
          f"{spread([r['with_p99'] for r in rounds], ms)}; ratio "
          f"{spread([r['with_p99'] / r['alone_p99'] for r in rounds])}")
    record(benchlib.Recorder(args), args.followers, rounds)
    return 0 if broken == 0 else 1


def record(rec, followers, rounds):
    """The API's p99 and kill -9 to replacement with the followers over without them, per round,
    as headline records (see benchlib.py)."""
    rec(f"GET /api/v1/processes p99 with {followers} followers", None, "no followers",
        values=[r["with_p99"] / r["alone_p99"] for r in rounds],
        absolute_values=[r["with_p99"] * 1000 for r in rounds], unit="ms p99 with followers",
        target="<= 1.5")
    rec(f"kill -9 to replacement with {followers} followers", None, "no followers",
        values=[statistics.median(r["with_kills"]) / statistics.median(r["alone_kills"])
                for r in rounds],
        absolute_values=[statistics.median(r["with_kills"]) * 1000 for r in rounds],
        unit="ms median with followers", target="< 100 ms")


if __name__ == "__main__":
    sys.exit(main())
