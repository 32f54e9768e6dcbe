#!/usr/bin/env python3
"""Log throughput (issue 14): a child writes 200 MB of 100-byte lines as fast as it can; how many
lines per second reach the sink through phpeek-pm (the child's stdout through its `logging`
pipeline, the history and the daemon's log writer, to the daemon's stdout) next to `cat` of the
same stream into the same sink (the floor). The sink is a file in /dev/shm (tmpfs), the daemon's
or cat's stdout; the child starts writing when told (a file appears), and the time runs from then
until the file last grew (polled every 2 ms; a run ends after 1 s without growth). The lines are
counted in the file afterwards. (A pipe read by a counting process was tried first: on 2 busy
cores the reader, starved, made the daemon's 4 MiB stdout queue overflow, and that measured the
scheduler rather than the daemon.)

Three ways, in rounds (each round runs them back to back, so a busy neighbour hits all three):
  floor     writer | cat > sink
  default   phpeek-pm, the process without a `logging:` block (built-in level detection, the
            history), log_format json (the default)
  redaction phpeek-pm with redaction (two patterns) and configured level detection on
Figures: lines/s per way (median of the rounds), the ratio to the floor of the same round
(median [min-max]), the CPU time of what forwards the lines (cat, or the daemon and its threads;
steadier than lines/s on a shared machine) and the daemon's peak RSS (VmHWM). The target of issue 14 is at least 0.5 of
the floor with the default pipeline, and a bounded RSS. Lines the daemon dropped (its stdout could
not keep up: the 4 MiB queue) would show as lines missing at the sink; they are reported.

The daemon runs without plugins and its built-in global settings (log_format json); with
--default-config, with the shipped config/phpeek-pm.yaml's `global:` settings (log_format text)
and the rest-api plugin loaded. --json FILE appends the ratios to the floor as headline records
(benchlib.py).

usage: log_throughput_bench.py PHPEEK_PM_BINARY [--runs 3] [--megabytes 200] [--default-config]
                               [--json FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from engine_bench import cpu_ticks, free_port, proc_field, wait_exit  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")

LINE = 100  # bytes, the newline included
MARK = b"LTB"  # in every line the child writes, nowhere in the daemon's own lines
# The sink: a file in memory (tmpfs), the same for both; counted once the run is over.
SINK_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else None

WRITER_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
/* writer GO_FILE LINES: waits for GO_FILE, then writes LINES lines of 100 bytes to stdout. */
int main(int argc, char** argv) {
  struct stat st;
  (void)argc;
  while (stat(argv[1], &st) != 0) usleep(1000);
  long lines = atol(argv[2]);
  static char buf[100 * 655];
  for (long n = 0; n < lines;) {
    size_t len = 0;
    for (int k = 0; k < 655 && n < lines; ++k, ++n) {
      char* l = buf + len;
      int w = snprintf(l, 100, "LTB %010ld GET /api/orders?id=%ld password=hunter2 status=200 ", n,
                       n);
      memset(l + w, 'x', 99 - w);
      l[99] = '\n';
      len += 100;
    }
    for (size_t off = 0; off < len;) {
      ssize_t k = write(1, buf + off, len - off);
      if (k <= 0) return 1;
      off += (size_t)k;
    }
  }
  pause(); /* stays, so that the daemon's peak RSS is read while it runs */
  return 0;
}
"""


def config(writer, go, lines, way, default_config):
    logging = ""
    if way == "redaction":
        logging = """    logging:
      redaction:
        patterns:
          - {name: password, pattern: 'password=\\S+', replacement: 'password=***'}
          - {name: card, pattern: '\\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b'}
      level_detection:
        patterns: {error: ['ERROR', 'FATAL'], warn: 'WARN'}
"""
    settings = benchlib.default_globals(free_port()) if default_config else \
        "  api_enabled: false\n  shutdown_timeout: 5s\n"
    return f"""global:
{settings}processes:
  w:
    command: ["{writer}", "{go}", "{lines}"]
    restart: never
{logging}"""


def count_marks(path):
    with open(path, "rb") as f:
        total, tail = 0, b""
        while True:
            data = f.read(1 << 24)
            if not data:
                return total
            chunk = tail + data
            total += chunk.count(MARK)
            tail = chunk[-(len(MARK) - 1):]


def run_way(writer, binary, tmp, way, lines, default_config):
    """Lines per second into the sink file, lines missing, the daemon's peak RSS (KB), and the CPU
    seconds of what forwards the lines (cat, or the daemon with its threads)."""
    go = os.path.join(tmp, "go")
    if os.path.exists(go):
        os.unlink(go)
    fd, sink = tempfile.mkstemp(dir=SINK_DIR, prefix="log-bench-")
    procs = []
    daemon = None
    if way == "floor":
        w = subprocess.Popen([writer, go, str(lines)], stdout=subprocess.PIPE)
        procs = [w, subprocess.Popen(["cat"], stdin=w.stdout, stdout=fd)]
        w.stdout.close()
    else:
        path = os.path.join(tmp, f"{way}.yaml")
        with open(path, "w") as f:
            f.write(config(writer, go, lines, way, default_config))
        daemon = subprocess.Popen([binary, "-c", path], stdout=fd, stderr=subprocess.DEVNULL)
        procs = [daemon]
    os.close(fd)
    time.sleep(0.5)  # the daemon up and its child waiting
    forwarder = procs[-1].pid  # cat, or the daemon
    ticks0 = cpu_ticks(forwarder)
    size = os.path.getsize(sink)
    t0 = time.monotonic()
    open(go, "w").close()
    # Done once the file stops growing for a while (the writer pauses after its last line); the
    # time is that of the last growth seen (polled every 2 ms).
    last = t0
    while time.monotonic() - last < 1.0 and time.monotonic() - t0 < 600:
        time.sleep(0.002)
        now_size = os.path.getsize(sink)
        if now_size != size:
            size, last = now_size, time.monotonic()
    rss_kb = proc_field(daemon.pid, "VmHWM") if daemon else 0
    cpu = (cpu_ticks(forwarder) - ticks0) / TICK
    for p in procs:
        p.terminate()
        wait_exit(p)
    seen = count_marks(sink)
    os.unlink(sink)
    return seen / (last - t0), lines - seen, rss_kb, cpu


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--megabytes", type=int, default=200)
    benchlib.add_arguments(ap)
    args = ap.parse_args()
    lines = args.megabytes * 1000 * 1000 // LINE
    ways = ("floor", "default", "redaction")
    rate = {w: [] for w in ways}
    ratio = {w: [] for w in ways}
    missing = {w: 0 for w in ways}
    rss = {w: 0 for w in ways}
    cpu = {w: [] for w in ways}
    loads = [load()]
    with tempfile.TemporaryDirectory() as tmp:
        writer = os.path.join(tmp, "writer")
        with open(writer + ".c", "w") as f:
            f.write(WRITER_C)
        subprocess.run(["cc", "-O2", "-o", writer, writer + ".c"], check=True)
        for r in range(args.runs):
            floor = None
            for w in ways:
                per_s, lost, kb, seconds = run_way(writer, args.binary, tmp, w, lines,
                                                   args.default_config)
                cpu[w].append(seconds / lines * 1e6)
                rate[w].append(per_s)
                missing[w] += lost
                rss[w] = max(rss[w], kb)
                if w == "floor":
                    floor = per_s
                ratio[w].append(per_s / floor)
                print(f"round {r + 1} {w}: {per_s:,.0f} lines/s, missing {lost}, "
                      f"RSS {kb / 1024:.1f} MB, CPU {seconds:.2f} s, load {load()}",
                      file=sys.stderr)
            loads.append(load())
    print(f"{args.megabytes} MB of {LINE}-byte lines ({lines:,}), median of {args.runs} rounds; "
          f"load average {min(loads)}-{max(loads)}; phpeek-pm configuration: " +
          (benchlib.DEFAULT_CONFIG_TEXT if args.default_config else
           "no plugin, log_format json (the built-in default)") + "\n")
    print("| way | lines/s | ratio to the floor, median [min-max] | forwarder CPU per million "
          "lines | daemon peak RSS | lines missing |")
    print("|---|---:|---:|---:|---:|---:|")
    for w in ways:
        rs = ratio[w]
        rss_text = f"{rss[w] / 1024:.1f} MB" if rss[w] else ""
        print(f"| {w} | {statistics.median(rate[w]):,.0f} | {statistics.median(rs):.2f} "
              f"[{min(rs):.2f}-{max(rs):.2f}] | {statistics.median(cpu[w]):.2f} s | {rss_text} "
              f"| {missing[w]} |")
    rec = benchlib.Recorder(args)
    for w in ways[1:]:  # the headline records (benchlib.py): each way against the floor
        rec(f"log lines/s, {w} pipeline", None, "the floor (cat)", values=ratio[w],
            absolute=rss[w] / 1024, unit="MB daemon peak RSS",
            target=">= 0.5" if w == "default" else None)


if __name__ == "__main__":
    main()
