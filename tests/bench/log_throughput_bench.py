#!/usr/bin/env python3
"""Log throughput (issue 14): a child writes 200 MB of 100-byte lines as fast as it can; how many
lines per second reach the sink through phpeek-pm (the child's stdout through its `logging`
pipeline, the history and the daemon's log writer, to the daemon's stdout) next to `cat` of the
same stream into the same sink (the floor). The sink is a pipe this script reads and counts
(one reader thread, 1 MiB reads); the child starts writing when told (a file appears), and the
time runs from then until the sink has seen its last line.

Three ways, in rounds (each round runs them back to back, so a busy neighbour hits all three):
  floor     writer | cat > sink
  default   phpeek-pm, the process without a `logging:` block (built-in level detection, the
            history), log_format json (the default)
  redaction phpeek-pm with redaction (two patterns) and configured level detection on
Figures: lines/s per way (median of the rounds), the ratio to the floor of the same round
(median [min-max]), and the daemon's peak RSS (VmHWM). The target of issue 14 is at least 0.5 of
the floor with the default pipeline, and a bounded RSS. Lines the daemon dropped (its stdout could
not keep up: the 4 MiB queue) would show as lines missing at the sink; they are reported.

usage: log_throughput_bench.py PHPEEK_PM_BINARY [--runs 3] [--megabytes 200]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_bench import proc_field, wait_exit  # noqa: E402

LINE = 100  # bytes, the newline included
MARK = b"LTB"  # in every line the child writes, nowhere in the daemon's own lines

# The sink: counts the lines with MARK on stdin until it has seen N (or nothing came for 5 s after
# the first), then prints "COUNT LAST_NS" (CLOCK_MONOTONIC of the last one, as time.monotonic_ns)
# and exits. In C: a Python reader was the bottleneck (~85 MB/s), not cat.
SINK_C = r"""
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static long long Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
int main(int argc, char** argv) {
  long want = atol(argv[1]), seen = 0;
  long long last = 0;
  static char buf[(1 << 20) + 8];
  size_t keep = 0;
  fcntl(0, 1031 /* F_SETPIPE_SZ */, 1 << 20);
  while (seen < want) {
    struct pollfd p = {0, POLLIN, 0};
    if (poll(&p, 1, last ? 5000 : 600000) <= 0) break;
    ssize_t n = read(0, buf + keep, sizeof buf - 8 - keep);
    if (n <= 0) break;
    size_t len = keep + (size_t)n, at = 0;
    long before = seen;
    for (char* m; (m = memmem(buf + at, len - at, "LTB", 3)) != NULL;) {
      ++seen;
      at = (size_t)(m - buf) + 3;
    }
    if (seen != before) last = Now();
    keep = len - at > 2 ? 2 : len - at; /* a mark cut in two is found next time */
    memmove(buf, buf + len - keep, keep);
  }
  printf("%ld %lld\n", seen, last);
  return 0;
}
"""

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


def config(writer, go, lines, way):
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
    return f"""global:
  api_enabled: false
  shutdown_timeout: 5s
processes:
  w:
    command: ["{writer}", "{go}", "{lines}"]
    restart: never
{logging}"""


def run_way(tools, binary, tmp, way, lines):
    writer, sink_bin = tools
    go = os.path.join(tmp, "go")
    if os.path.exists(go):
        os.unlink(go)
    sink = subprocess.Popen([sink_bin, str(lines)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    procs = []
    daemon = None
    if way == "floor":
        w = subprocess.Popen([writer, go, str(lines)], stdout=subprocess.PIPE)
        procs = [w, subprocess.Popen(["cat"], stdin=w.stdout, stdout=sink.stdin)]
        w.stdout.close()
    else:
        path = os.path.join(tmp, f"{way}.yaml")
        with open(path, "w") as f:
            f.write(config(writer, go, lines, way))
        daemon = subprocess.Popen([binary, "-c", path], stdout=sink.stdin,
                                  stderr=subprocess.DEVNULL)
        procs = [daemon]
    sink.stdin.close()
    time.sleep(0.5)  # the daemon up and its child waiting
    t0 = time.monotonic_ns()
    open(go, "w").close()
    seen, last = (int(x) for x in sink.stdout.readline().split())
    rss_kb = proc_field(daemon.pid, "VmHWM") if daemon else 0
    for p in procs:
        p.terminate()
        wait_exit(p)
    sink.wait()
    return seen / ((last - t0) / 1e9), lines - seen, rss_kb


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--megabytes", type=int, default=200)
    args = ap.parse_args()
    lines = args.megabytes * 1000 * 1000 // LINE
    ways = ("floor", "default", "redaction")
    rate = {w: [] for w in ways}
    ratio = {w: [] for w in ways}
    missing = {w: 0 for w in ways}
    rss = {w: 0 for w in ways}
    loads = [load()]
    with tempfile.TemporaryDirectory() as tmp:
        tools = []
        for name, text in (("writer", WRITER_C), ("sink", SINK_C)):
            path = os.path.join(tmp, name)
            with open(path + ".c", "w") as f:
                f.write(text)
            subprocess.run(["cc", "-O2", "-D_GNU_SOURCE", "-o", path, path + ".c"], check=True)
            tools.append(path)
        for r in range(args.runs):
            floor = None
            for w in ways:
                per_s, lost, kb = run_way(tools, args.binary, tmp, w, lines)
                rate[w].append(per_s)
                missing[w] += lost
                rss[w] = max(rss[w], kb)
                if w == "floor":
                    floor = per_s
                ratio[w].append(per_s / floor)
                print(f"round {r + 1} {w}: {per_s:,.0f} lines/s, missing {lost}, "
                      f"RSS {kb / 1024:.1f} MB, load {load()}", file=sys.stderr)
            loads.append(load())
    print(f"{args.megabytes} MB of {LINE}-byte lines ({lines:,}), median of {args.runs} rounds; "
          f"load average {min(loads)}-{max(loads)}\n")
    print("| way | lines/s | ratio to the floor, median [min-max] | daemon peak RSS | lines "
          "missing |")
    print("|---|---:|---:|---:|---:|")
    for w in ways:
        rs = ratio[w]
        rss_text = f"{rss[w] / 1024:.1f} MB" if rss[w] else ""
        print(f"| {w} | {statistics.median(rate[w]):,.0f} | {statistics.median(rs):.2f} "
              f"[{min(rs):.2f}-{max(rs):.2f}] | {rss_text} | {missing[w]} |")


if __name__ == "__main__":
    main()
