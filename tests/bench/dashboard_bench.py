#!/usr/bin/python3
"""The dashboard plugin (issue 15), two figures, each side by side with a peer in the same run:

  1. first paint of the process table with 500 instances in headless chromium, from navigation
     to the table on screen (the page's `phpeek-table` mark, after its first-contentful-paint),
     against supervisord's own web page (inet_http_server, server-rendered) for the same 500
     programs (its first-contentful-paint): median of --loads page loads each;
  2. supervision latency (kill -9 of a process to its replacement, as the daemon's children show)
     with 20 browsers' worth of dashboard streams open (each: the events stream, a log pane
     following a process that logs 200 lines/s, and a process-list fetch per event, as the page
     does) against the same daemon configuration without the dashboard: median of --kills.

Debian's python3 (for python3-selenium), chromium and supervisor. Not run by ctest.
usage: dashboard_bench.py PHPEEK_PM_BINARY [--instances 500] [--loads 7] [--browsers 20]
                          [--kills 30] [--rounds 3] [--default-config] [--json FILE]
phpeek-pm runs with restart_backoff_initial 0s and unlimited restarts, or with --default-config
with the shipped config/phpeek-pm.yaml's `global:` settings and the rest-api plugin loaded, each
kill then following a stable run (1.2 s apart). --json FILE appends both ratios as headline
records (benchlib.py).
"""
import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from engine_bench import free_port, wait_exit, wait_for  # noqa: E402
from sse_followers_bench import kills  # noqa: E402

LOGGER = "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.005; done"


def phpeek_config(tmp, instances, dashboard, port, default_config):
    path = os.path.join(tmp, "phpeek-pm.yaml")
    settings = benchlib.default_globals(free_port()) if default_config else \
        "  log_format: text\n  api_enabled: false\n" \
        "  restart_backoff_initial: 0s\n  max_restart_attempts: 0\n"
    with open(path, "w") as f:
        f.write(f"""global:
{settings}  dashboard_enabled: {'true' if dashboard else 'false'}
  dashboard_port: {port}
  max_process_scale: {max(instances, 1)}
processes:
  s:
    command: ["sleep", "1000"]
    scale: {instances}
  victim:
    command: ["sleep", "100000"]
  logger:
    command: ["sh", "-c", "{LOGGER}"]
""")
    return path


def start_phpeek(binary, tmp, instances, dashboard, default_config):
    port = free_port()
    log = open(os.path.join(tmp, "phpeek.log"), "w")
    p = subprocess.Popen([binary, "-c", phpeek_config(tmp, instances, dashboard, port,
                                                      default_config)],
                         stdout=log, stderr=log)
    if dashboard:
        wait_for(lambda: get_status(port, "/session") == 200, timeout=30, step=0.02)
    return p, port


def start_supervisord(tmp, instances):
    port = free_port()
    path = os.path.join(tmp, "supervisord.conf")
    with open(path, "w") as f:
        f.write(f"""[supervisord]
nodaemon=true
logfile={tmp}/supervisord.log
pidfile={tmp}/supervisord.pid
childlogdir={tmp}
minfds=4096
[inet_http_server]
port=127.0.0.1:{port}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:s]
command=sleep 1000
numprocs={instances}
process_name=%(program_name)s_%(process_num)d
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE
""")
    p = subprocess.Popen(["supervisord", "-c", path], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    wait_for(lambda: get_status(port, "/") == 200, timeout=60, step=0.05)
    return p, port


def get_status(port, path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status
    except OSError:
        return 0


def stop(p):
    p.send_signal(signal.SIGTERM)
    wait_exit(p, timeout=60)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


FCP = ("const p = performance.getEntriesByName('first-contentful-paint')[0];"
       "return p ? p.startTime : null;")
TABLE = ("const t = performance.getEntriesByName('phpeek-table')[0];"
         "const p = performance.getEntriesByName('first-contentful-paint')[0];"
         "return t && p ? Math.max(t.startTime, p.startTime) : null;")


def first_paints(driver, url, script, loads):
    out = []
    for _ in range(loads):
        driver.get("about:blank")
        driver.get(url)
        out.append(wait_for(lambda: driver.execute_script(script), timeout=30, step=0.01))
    return out


def first_paint_figures(args, tmp):
    driver = browser()
    try:
        p, port = start_phpeek(args.binary, tmp, args.instances, True, args.default_config)
        phpeek = first_paints(driver, f"http://127.0.0.1:{port}/", TABLE, args.loads)
        stop(p)
        p, port = start_supervisord(tmp, args.instances)
        sup = first_paints(driver, f"http://127.0.0.1:{port}/", FCP, args.loads)
        stop(p)
    finally:
        driver.quit()
    return phpeek, sup


class StreamReader(threading.Thread):
    """Reads one text/event-stream and calls on_event per event."""

    def __init__(self, port, path, cookie, on_event):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                          f"Cookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.on_event = on_event
        self.events = 0

    def run(self):
        buffer = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    if b"data:" in event:
                        self.events += 1
                        self.on_event()
        except OSError:
            return


class SimulatedBrowser:
    """What one open dashboard page asks of the daemon: its two streams and a process-list fetch
    per lifecycle event."""

    def __init__(self, port):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/session")
        r = c.getresponse()
        r.read()
        self.cookie = r.getheader("Set-Cookie").split(";")[0]
        self.api = c
        self.lock = threading.Lock()
        self.events = StreamReader(port, "/api/events", self.cookie, self.refetch)
        self.logs = StreamReader(port, "/api/logs?process=logger", self.cookie, lambda: None)
        self.events.start()
        self.logs.start()

    def refetch(self):
        with self.lock:
            self.api.request("GET", "/api/processes", headers={"Cookie": self.cookie})
            self.api.getresponse().read()

    def close(self):
        for s in (self.events.sock, self.logs.sock):
            s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.api.close()


def latency_round(args, tmp):
    gap = benchlib.STABLE_RUN_S if args.default_config else 0.2
    p, _ = start_phpeek(args.binary, tmp, 0, False, args.default_config)
    alone = kills(p.pid, args.kills, gap)
    stop(p)
    p, port = start_phpeek(args.binary, tmp, 0, True, args.default_config)
    browsers = [SimulatedBrowser(port) for _ in range(args.browsers)]
    wait_for(lambda: all(b.logs.events > 0 for b in browsers), timeout=30, step=0.05)
    loaded = kills(p.pid, args.kills, gap)
    lines = sum(b.logs.events for b in browsers)
    for b in browsers:
        b.close()
    stop(p)
    return alone, loaded, lines


def ms(values):
    return f"{statistics.median(values) * 1000:.2f} ms (range {min(values) * 1000:.2f}-" \
           f"{max(values) * 1000:.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--instances", type=int, default=500)
    ap.add_argument("--loads", type=int, default=7)
    ap.add_argument("--browsers", type=int, default=20)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    benchlib.add_arguments(ap)
    args = ap.parse_args()
    rec = benchlib.Recorder(args)
    with tempfile.TemporaryDirectory() as tmp:
        print("phpeek-pm configuration: " + (
            benchlib.DEFAULT_CONFIG_TEXT + ", kills after a stable run" if args.default_config
            else "restart_backoff_initial 0s, unlimited restarts, no plugin but the dashboard"))
        phpeek, sup = first_paint_figures(args, tmp)
        print(f"first paint, {args.instances} instances, headless chromium, median of {args.loads}:")
        print(f"  phpeek-pm dashboard (table on screen): {statistics.median(phpeek):.1f} ms "
              f"(range {min(phpeek):.1f}-{max(phpeek):.1f})")
        print(f"  supervisord web page (first paint):    {statistics.median(sup):.1f} ms "
              f"(range {min(sup):.1f}-{max(sup):.1f})")
        print(f"  ratio phpeek-pm / supervisord: {statistics.median(phpeek) / statistics.median(sup):.2f}")
        rec(f"dashboard first paint of {args.instances} (median of {args.loads} loads)",
            statistics.median(phpeek) / statistics.median(sup), "supervisord's web page",
            absolute_values=phpeek, unit="ms phpeek-pm")
        print(f"supervision latency (kill -9 to replacement), {args.browsers} simulated browsers:")
        ratios = []
        for i in range(args.rounds):
            alone, loaded, lines = latency_round(args, tmp)
            ratio = statistics.median(loaded) / statistics.median(alone)
            ratios.append(ratio)
            print(f"  round {i + 1}: without dashboard {ms(alone)}, with {ms(loaded)}: "
                  f"ratio {ratio:.2f} ({lines} log events delivered)")
        print(f"  median ratio of the rounds: {statistics.median(ratios):.2f} (target <= 1.2); "
              f"load average {os.getloadavg()[0]:.2f}")
        rec(f"kill -9 to replacement with {args.browsers} dashboard browsers", None,
            "no dashboard", values=ratios, target="<= 1.2")


if __name__ == "__main__":
    main()
