#!/usr/bin/env python3
"""Ready-to-serve across `restart php-fpm --wait` (issue 12): a real php-fpm (Debian's
php8.2-fpm) behind a real nginx, a steady stream of HTTP requests through nginx to a small PHP
script, and N restarts of php-fpm while the stream runs. A request fails when it is not a 200
(nginx's 502 when php-fpm is gone, 504) or its connection fails. The figure is the failed
requests per restart, for phpeek-pm (`phpeek-pm restart php-fpm --wait`, php-fpm with a tcp
readiness check, nginx depending on it being healthy) and, side by side in the same run, for
supervisord (`supervisorctl restart php-fpm`; it has no readiness notion).

Each peer runs a stack of its own (php-fpm pool, nginx, ports) per configuration, as a user
arrives at them: php-fpm stopped by the default SIGTERM (workers die mid-request); by SIGQUIT,
php-fpm's graceful stop; SIGQUIT with php-fpm's `process_control_timeout` set (without it the
master follows the SIGQUIT to its workers with a SIGTERM at once); and, phpeek-pm only, the
default SIGTERM and the graceful stop each with the listening socket held by the daemon across
restarts (`listen:`, which php-fpm adopts through $FPM_SOCKETS), so that connections arriving
between the old master's exit and the new one's start-up are queued instead of refused.

Failures are counted from a restart command's start to 1 s after it returned, and split into
"during" (before the command returned) and "after" (the command had returned: the service was
reported ready but did not serve); the slowest request of each window shows what waiting costs.
nginx's error log gives each 502 its cause.

Everything binds 127.0.0.1 (free ports), lives in a temporary directory and is stopped by its
own PID. Not run by ctest. Needs: php-fpm8.2 (Debian package php8.2-fpm), nginx (nginx-light or
nginx), supervisord and supervisorctl (supervisor), and the phpeek-pm binary with its rest-api
plugin built next to it (BUILD/lib/phpeek-pm/plugins/rest-api.so).

usage: ready_to_serve_bench.py PHPEEK_PM_BINARY [--restarts 10] [--rate 40] [--work-ms 10]
                               [--peers phpeek-pm,supervisord]
                               [--variants term,quit,graceful,listen-term,listen] [--keep DIR]
                               [--json FILE]
phpeek-pm runs as users run it: the shipped config/phpeek-pm.yaml's `global:` settings, the
rest-api plugin loaded (`restart --wait` goes through it). --json FILE appends phpeek-pm's failed
requests per restart as headline records (benchlib.py).
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from engine_bench import free_port, wait_exit, wait_for  # noqa: E402

PHP_FPM = "php-fpm8.2"
AFTER_S = 1.0  # requests after the command returned that still count for its restart


def need(tool):
    path = shutil.which(tool)
    if not path:
        sys.exit(f"ready_to_serve_bench: {tool} is not installed (see the usage)")
    return path


class Stack:
    """The files of one php-fpm + nginx stack in its own directory, on its own ports."""

    def __init__(self, tmp, name, work_ms, control_timeout):
        self.dir = os.path.join(tmp, name)
        os.makedirs(os.path.join(self.dir, "www"))
        self.fpm_port, self.http_port = free_port(), free_port()
        with open(os.path.join(self.dir, "www", "index.php"), "w") as f:
            f.write(f"<?php usleep({work_ms * 1000}); echo 'ok ', getmypid(), \"\\n\";\n")
        self.fpm_conf = os.path.join(self.dir, "php-fpm.conf")
        with open(self.fpm_conf, "w") as f:
            f.write(f"""[global]
pid = {self.dir}/php-fpm.pid
error_log = {self.dir}/php-fpm.log
daemonize = no
{f"process_control_timeout = {control_timeout}" if control_timeout else ""}
[app]
listen = 127.0.0.1:{self.fpm_port}
listen.backlog = 511
user = root
group = root
pm = static
pm.max_children = 4
""")
        self.nginx_conf = os.path.join(self.dir, "nginx.conf")
        self.nginx_log = os.path.join(self.dir, "nginx-error.log")
        with open(self.nginx_conf, "w") as f:
            f.write(f"""worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.nginx_log} error;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {self.dir}/client_body;
  proxy_temp_path {self.dir}/proxy;
  fastcgi_temp_path {self.dir}/fastcgi;
  uwsgi_temp_path {self.dir}/uwsgi;
  scgi_temp_path {self.dir}/scgi;
  server {{
    listen 127.0.0.1:{self.http_port};
    root {self.dir}/www;
    location / {{
      fastcgi_pass 127.0.0.1:{self.fpm_port};
      fastcgi_param SCRIPT_FILENAME {self.dir}/www/index.php;
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param SERVER_PROTOCOL $server_protocol;
    }}
  }}
}}
""")

    def fpm_argv(self):
        return [PHP_FPM, "-F", "-R", "-n", "-y", self.fpm_conf, "-p", self.dir]

    def nginx_argv(self):
        return ["nginx", "-p", self.dir, "-c", self.nginx_conf, "-e", self.nginx_log, "-g",
                "daemon off;"]

    def log_lines(self):
        try:
            with open(self.nginx_log) as f:
                return f.readlines()
        except OSError:
            return []


class Stream:
    """One client sending GET / to nginx at a steady rate, one connection per request (as
    separate visitors do), recording (start time, outcome) per request."""

    def __init__(self, port, rate):
        self.port, self.period = port, 1.0 / rate
        self.results = []
        self.slowest = []  # (start, seconds) of each request
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def one(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                s.sendall(b"GET / HTTP/1.0\r\nHost: bench\r\n\r\n")
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
            return m.group(1).decode() if m else "garbled"
        except OSError as e:
            return type(e).__name__

    def _run(self):
        next_at = time.monotonic()
        while not self._stop.is_set():
            t = time.monotonic()
            outcome = self.one()
            self.results.append((t, outcome))
            self.slowest.append((t, time.monotonic() - t))
            next_at = max(next_at + self.period, time.monotonic())
            self._stop.wait(next_at - time.monotonic())


def nginx_causes(lines):
    """The cause of each upstream error nginx logged, shortened to its errno text."""
    causes = {}
    for line in lines:
        m = re.search(r"\[error\] \S+ \S+ (.*?) while", line)
        if not m:
            continue
        cause = re.sub(r"\d+#\d+: \*\d+ ", "", m.group(1))
        cause = re.sub(r"^(connect|recv|readv|writev)\(\) failed ", r"\1() ", cause)
        causes[cause] = causes.get(cause, 0) + 1
    return causes


class PhpeekPeer:
    name = "phpeek-pm"

    def __init__(self, binary, stack, signal_name, handoff):
        self.binary, self.stack = binary, stack
        self.api_port = free_port()
        self.config = os.path.join(stack.dir, "phpeek-pm.yaml")
        s = stack
        shutdown = f"\n    shutdown: {{signal: SIG{signal_name}, timeout: 30s}}" \
            if signal_name != "TERM" else ""
        listen = f"\n    listen: [\"127.0.0.1:{s.fpm_port}\"]" if handoff else ""
        argv = ", ".join(f'"{a}"' for a in s.fpm_argv())
        nginx = ", ".join(f'"{a}"' for a in s.nginx_argv())
        with open(self.config, "w") as f:
            f.write(f"""global:
{benchlib.default_globals(self.api_port)}processes:
  php-fpm:
    command: [{argv}]{shutdown}{listen}
    health_check:
      type: tcp
      address: "127.0.0.1:{s.fpm_port}"
      mode: readiness
      initial_delay: 1s
      period: 2s
      timeout: 1s
  nginx:
    command: [{nginx}]
    depends_on:
      php-fpm: {{condition: process_healthy}}
    shutdown: {{signal: SIGQUIT, timeout: 10s}}
""")

    def start(self):
        self.log = open(os.path.join(self.stack.dir, "phpeek-pm.log"), "w")
        self.proc = subprocess.Popen([self.binary, "-c", self.config], stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def restart(self):
        return subprocess.run([self.binary, "restart", "php-fpm", "--wait", "--timeout", "60",
                               "-c", self.config], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        wait_exit(self.proc)
        self.log.close()


class SupervisordPeer:
    name = "supervisord"

    def __init__(self, stack, signal_name):
        self.stack = stack
        s = stack
        self.port = free_port()
        self.config = os.path.join(s.dir, "supervisord.conf")
        with open(self.config, "w") as f:
            f.write(f"""[supervisord]
nodaemon=true
user=root
logfile={s.dir}/supervisord.log
pidfile={s.dir}/supervisord.pid
childlogdir={s.dir}
[inet_http_server]
port=127.0.0.1:{self.port}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=http://127.0.0.1:{self.port}
[program:php-fpm]
command={" ".join(s.fpm_argv())}
priority=10
stopsignal={signal_name}
stopwaitsecs=30
autorestart=true
[program:nginx]
command={" ".join(s.nginx_argv()[:-1])} "daemon off;"
priority=20
stopsignal=QUIT
autorestart=true
""")

    def start(self):
        self.proc = subprocess.Popen(["supervisord", "-c", self.config],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def restart(self):
        return subprocess.run(["supervisorctl", "-c", self.config, "restart", "php-fpm"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        wait_exit(self.proc)


def serving(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: bench\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def run_peer(peer, restarts, rate, settle):
    """Starts the peer's stack, streams requests through nginx, restarts php-fpm `restarts`
    times; returns per restart (failed during, failed after, requests, seconds, slowest request
    in seconds) and the causes."""
    stack = peer.stack
    peer.start()
    try:
        wait_for(lambda: serving(stack.http_port), timeout=60, step=0.1)
        stream = Stream(stack.http_port, rate)
        stream.start()
        rounds = []
        for _ in range(restarts):
            time.sleep(settle)
            t0 = time.monotonic()
            r = peer.restart()
            t1 = time.monotonic()
            if r.returncode != 0:
                raise RuntimeError(f"restart failed ({r.returncode}): {r.stderr.strip()}")
            time.sleep(AFTER_S)
            rounds.append((t0, t1))
        time.sleep(settle)
        stream.stop()
    finally:
        peer.stop()
    per_restart = []
    for t0, t1 in rounds:
        window = [(t, o) for t, o in stream.results if t0 <= t < t1 + AFTER_S]
        during = sum(1 for t, o in window if t < t1 and o != "200")
        after = sum(1 for t, o in window if t >= t1 and o != "200")
        slowest = max((d for t, d in stream.slowest if t0 <= t < t1 + AFTER_S), default=0)
        per_restart.append((during, after, len(window), t1 - t0, slowest))
    outside = sum(1 for t, o in stream.results if o != "200" and
                  not any(t0 <= t < t1 + AFTER_S for t0, t1 in rounds))
    kinds = {}
    for _, o in stream.results:
        if o != "200":
            kinds[o] = kinds.get(o, 0) + 1
    return per_restart, outside, len(stream.results), kinds, nginx_causes(stack.log_lines())


# The configurations compared, as a user arrives at them: php-fpm stopped by the default SIGTERM;
# by SIGQUIT (php-fpm's graceful stop); SIGQUIT with php-fpm's process_control_timeout set, without
# which its master follows the SIGQUIT to its workers with a SIGTERM at once; the socket held by
# phpeek-pm (`listen:`, which supervisord has no way to do for php-fpm) with the default SIGTERM;
# and held with the graceful stop.
VARIANTS = {
    "term": ("SIGTERM (default)", "TERM", None, False),
    "quit": ("SIGQUIT", "QUIT", None, False),
    "graceful": ("SIGQUIT, process_control_timeout 10s", "QUIT", "10s", False),
    "listen-term": ("SIGTERM (default), listen:", "TERM", None, True),
    "listen": ("SIGQUIT, process_control_timeout 10s, listen:", "QUIT", "10s", True),
}


def record(rec, rows):
    """phpeek-pm's failed requests per restart as headline records (see benchlib.py): absolute,
    and over supervisord's in the same configuration where supervisord has that configuration
    and failed at all."""
    rec.config = benchlib.DEFAULT_CONFIG  # the only configuration this bench has
    theirs = {label: sum(r[0] + r[1] for r in per) / len(per)
              for peer_name, label, per, _, _, _ in rows if peer_name == "supervisord"}
    for peer_name, label, per, _, _, _ in rows:
        if peer_name != "phpeek-pm":
            continue
        failed = [r[0] + r[1] for r in per]
        mine = sum(failed) / len(per)
        peer = "supervisord" if theirs.get(label) else "none (absolute)"
        rec(f"failed requests per php-fpm restart, {label}",
            mine / theirs[label] if theirs.get(label) else None, peer,
            absolute=mine, unit="failed requests per restart (mean)",
            absolute_values=failed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--restarts", type=int, default=10)
    ap.add_argument("--rate", type=float, default=40, help="requests per second")
    ap.add_argument("--work-ms", type=int, default=10, help="the PHP script's own time")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds between restarts")
    ap.add_argument("--peers", default="phpeek-pm,supervisord")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files and logs")
    benchlib.add_arguments(ap, default_config=False)  # it runs as users do: --json only
    args = ap.parse_args()
    for tool in (PHP_FPM, "nginx", "supervisord", "supervisorctl"):
        need(tool)
    binary = os.path.abspath(args.binary)
    runs = [(v, peer) for v in args.variants.split(",") for peer in args.peers.split(",")
            if not (VARIANTS[v][3] and peer != "phpeek-pm")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="phpeek-serve-bench.") as tmp:
        if args.keep:
            tmp = os.path.abspath(args.keep)
        for i, (variant, peer_name) in enumerate(runs):
            label, sig, control_timeout, handoff = VARIANTS[variant]
            stack = Stack(tmp, f"run{i}-{peer_name}-{variant}", args.work_ms, control_timeout)
            peer = PhpeekPeer(binary, stack, sig, handoff) if peer_name == "phpeek-pm" \
                else SupervisordPeer(stack, sig)
            print(f"{peer_name}, {label}: {args.restarts} restarts ...", file=sys.stderr)
            per, outside, total, kinds, causes = run_peer(peer, args.restarts, args.rate,
                                                          args.settle)
            print(f"  failed per restart {[r[0] + r[1] for r in per]}, after the command "
                  f"returned {[r[1] for r in per]}, outside {outside}, of {total} requests; "
                  f"outcomes {kinds}; nginx: {causes}", file=sys.stderr)
            rows.append((peer_name, label, per, outside, total, causes))
    print(f"\n{args.restarts} restarts per row, {args.rate:.0f} req/s, script {args.work_ms} ms; "
          f"phpeek-pm configuration: as users run it, {benchlib.DEFAULT_CONFIG_TEXT}\n")
    print("| peer | php-fpm stopped by | failed / requests in the restart windows | per restart "
          "[min-max] | failed after the command returned | restart command, s (median) | "
          "slowest request, ms (median of the restarts) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for peer_name, label, per, outside, total, causes in rows:
        failed = sorted(r[0] + r[1] for r in per)
        in_windows = sum(r[2] for r in per)
        secs = sorted(r[3] for r in per)[len(per) // 2]
        slowest = sorted(r[4] for r in per)[len(per) // 2]
        print(f"| {peer_name} | {label} | {sum(failed)} / {in_windows} | "
              f"{sum(failed) / len(per):.1f} [{failed[0]}-{failed[-1]}] | "
              f"{sum(r[1] for r in per)} | {secs:.2f} | {1000 * slowest:.0f} |")
    print()
    record(benchlib.Recorder(args), rows)
    for peer_name, label, per, outside, total, causes in rows:
        print(f"- {peer_name}, {label}: nginx {causes or 'no upstream error'}; failures outside "
              f"the windows {outside} of {total} requests")


if __name__ == "__main__":
    main()
