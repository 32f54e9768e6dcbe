"""Metrics scrape cost in the real daemon (issue 17): the daemon's own CPU (utime + stime of
/proc/PID/stat, all its threads) per GET /metrics, with N `sleep` instances, scraped back to back
over one keep-alive connection. This is everything a scrape costs the daemon: the core's process
list, the plugin's decode, /proc reading and rendering, and the HTTP server. The daemon's idle CPU
over the same time is measured first and subtracted (it is 0 ticks when idle).

Variants compare metrics plugins side by side in each round: NAME=DIR puts DIR first in
`plugin_dir`, so DIR/metrics.so is the one loaded; without variants the built-in one is measured.
Not run by ctest.

With --default-config the daemon runs with the shipped config/phpeek-pm.yaml's `global:` settings
and the rest-api plugin loaded besides the metrics plugin (otherwise: the metrics plugin only,
log_level warn). --json FILE appends the CPU per scrape as headline records (benchlib.py).

usage: daemon_scrape_bench.py PHPEEK_PM_BINARY [--instances 500] [--scrapes 300] [--rounds 3]
                              [--variant NAME=DIR ...] [--default-config] [--json FILE]
"""
import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402
from engine_bench import children, cpu_ticks, free_port, wait_exit, wait_for  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def config(n, port, plugin_dir, default_config):
    folder = f"  plugin_dir: {plugin_dir}\n" if plugin_dir else ""
    settings = benchlib.default_globals(free_port()) if default_config else \
        "  api_enabled: false\n  log_level: warn\n"
    return f"""global:
{settings}  metrics_enabled: true
  metrics_port: {port}
{folder}processes:
  s:
    command: ["sleep", "1000"]
    scale: {n}
"""


def scrape(conn):
    conn.request("GET", "/metrics")
    resp = conn.getresponse()
    body = resp.read().decode()
    if resp.status != 200:
        raise RuntimeError(f"GET /metrics: {resp.status}")
    return body


def measure(binary, tmp, n, scrapes, name, plugin_dir, default_config):
    port = free_port()
    path = os.path.join(tmp, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(config(n, port, plugin_dir, default_config))
    log = open(os.path.join(tmp, f"{name}.log"), "w")
    p = subprocess.Popen([binary, "-c", path], stdout=log, stderr=log)
    try:
        wait_for(lambda: len(children(p.pid)) >= n, timeout=60, step=0.01)
        conn = wait_for(lambda: connect(port), timeout=30, step=0.05)
        up = re.compile(r'^phpeek_pm_process_up\{[^}]*\} 1$', re.M)
        wait_for(lambda: len(up.findall(scrape(conn))) == n, timeout=60, step=0.1)
        ticks0, t0 = cpu_ticks(p.pid), time.monotonic()
        time.sleep(1)
        idle_per_s = (cpu_ticks(p.pid) - ticks0) / (time.monotonic() - t0)
        ticks0, t0 = cpu_ticks(p.pid), time.monotonic()
        for _ in range(scrapes):
            scrape(conn)
        ticks1, t1 = cpu_ticks(p.pid), time.monotonic()
        conn.close()
        busy = max(0.0, (ticks1 - ticks0) - idle_per_s * (t1 - t0))
        return 1e3 * busy / TICK / scrapes
    finally:
        p.terminate()
        wait_exit(p)
        log.close()


def connect(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.connect()
        return conn
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--instances", type=int, default=500)
    ap.add_argument("--scrapes", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--variant", action="append", default=[], help="NAME=DIR holding metrics.so")
    benchlib.add_arguments(ap)
    args = ap.parse_args()
    variants = [v.split("=", 1) for v in args.variant] or [["built-in", ""]]
    per_scrape = {name: [] for name, _ in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for name, folder in variants:
                ms = measure(args.binary, tmp, args.instances, args.scrapes, name, folder,
                             args.default_config)
                per_scrape[name].append(ms)
                load = open("/proc/loadavg").read().split()[0]
                print(f"round {r + 1} {name}: {ms:.2f} ms CPU per scrape (load {load})",
                      file=sys.stderr)
    print(f"{args.instances} instances, {args.scrapes} scrapes per round, {args.rounds} rounds; "
          "phpeek-pm configuration: " + (benchlib.DEFAULT_CONFIG_TEXT if args.default_config
                                         else "the metrics plugin only, log_level warn") + "\n")
    print("| plugin | daemon CPU per scrape, median [min-max] |")
    print("|---|---:|")
    for name, _ in variants:
        v = per_scrape[name]
        print(f"| {name} | {statistics.median(v):.2f} ms [{min(v):.2f}-{max(v):.2f}] |")
    record(benchlib.Recorder(args), args.instances, variants, per_scrape)


def record(rec, n, variants, per_scrape):
    """Each variant's CPU per scrape as a headline record (see benchlib.py): absolute, and as a
    ratio to the first variant, per round, when there are several."""
    first = per_scrape[variants[0][0]]
    for i, (name, _) in enumerate(variants):
        v = per_scrape[name]
        ratios = [a / b for a, b in zip(v, first) if b] if i else None
        rec(f"daemon CPU per scrape of {n} instances, {name}", None,
            variants[0][0] if i else "none (absolute)", values=ratios, absolute_values=v,
            unit="ms CPU per scrape")


if __name__ == "__main__":
    main()
