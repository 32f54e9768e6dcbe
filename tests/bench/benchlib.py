#!/usr/bin/env python3
"""What the benches of this folder share about how phpeek-pm is configured and how their headline
figures leave them (issue 17, items 1, 6 and 7).

Configurations. A bench runs phpeek-pm either with its own settings, chosen to measure one thing
("tuned": e.g. restart_backoff_initial 0s so that a killed instance is replaced at once), or, with
--default-config (BENCH_DEFAULT_CONFIG=1 for the shell benches), with the `global:` settings of
the shipped config/phpeek-pm.yaml and the rest-api plugin loaded on a free loopback port, as
users run it ("default-config"). shipped_globals() is the one reading of that file. The
BENCH_DEFAULT_CONFIG environment variable selects it for every bench (run-all.sh sets it).

Headline ratios. Each bench appends its headline figures to the file named by --json FILE (the
Python benches; default: the BENCH_JSON environment variable) or BENCH_JSON (the shell benches,
through `benchlib.py record`), one JSON object a line:
  {"figure": "...", "ratio": 1.18 or null, "peer": "what the ratio is to (the floor, ...)",
   "configuration": "tuned" | "default-config", "min": ..., "max": ..., "rounds": N,
   "absolute": {"value": ..., "unit": "ms", "min": ..., "max": ...}, "target": "..."}
min, max and rounds are there when the ratio is the median of rounds; absolute, where the target
is absolute (a p99 in ms, KB per instance, ms of CPU per scrape), gives the value on this machine.
run-all.sh collects these files into summary.json and summary.md.

As a command (for the shell benches, which read BENCH_DEFAULT_CONFIG):
  benchlib.py settings TUNED_LINES            the `global:` lines to use but api_*: the shipped
                                              ones with BENCH_DEFAULT_CONFIG set, else TUNED_LINES
  benchlib.py describe TUNED_TEXT             the configuration in words, for the bench's output
  benchlib.py record FIGURE PEER RATIO [--values V ...] [--absolute V --unit U
                     [--absolute-values V ...]] [--target TEXT]
"""
import argparse
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED_CONFIG = os.path.join(HERE, "..", "..", "config", "phpeek-pm.yaml")
TUNED, DEFAULT_CONFIG = "tuned", "default-config"
# Seconds an instance runs before a bench kills it under the shipped settings: past min_uptime
# (1 s), so that the kill ends a stable run and the backoff, meant for crash loops, does not apply.
STABLE_RUN_S = 1.2
# Said by every bench that ran with --default-config, in its printed output.
DEFAULT_CONFIG_TEXT = ("the shipped config/phpeek-pm.yaml's global settings, the rest-api plugin "
                       "loaded on a free loopback port")


def shipped_globals():
    """The `global:` lines of the shipped config/phpeek-pm.yaml (indented, comments dropped),
    without where its API listens: the bench adds api_* lines of its own."""
    lines, inside = [], False
    with open(SHIPPED_CONFIG) as f:
        for line in f:
            if line.startswith("global:"):
                inside = True
            elif inside and line.strip() and not line.startswith(" "):
                break
            elif inside and line.strip() and not line.strip().startswith(
                    ("#", "api_port", "api_enabled", "api_host")):
                lines.append(line.split("#", 1)[0].rstrip() + "\n")
    return "".join(lines)


def api_lines(port):
    """The rest-api plugin on 127.0.0.1:port (0: a port the kernel picks, logged by the daemon)."""
    return f"  api_enabled: true\n  api_host: 127.0.0.1\n  api_port: {port}\n"


def default_globals(port):
    """The `global:` body of --default-config: the shipped settings and the API on `port`."""
    return shipped_globals() + api_lines(port)


def add_arguments(ap, default_config=True):
    """--json FILE for every bench; --default-config for those that have a tuned configuration."""
    if default_config:
        ap.add_argument("--default-config", action="store_true",
                        default=bool(os.environ.get("BENCH_DEFAULT_CONFIG")),
                        help="phpeek-pm with " + DEFAULT_CONFIG_TEXT +
                             " (default: set when $BENCH_DEFAULT_CONFIG is)")
    ap.add_argument("--json", metavar="FILE", default=os.environ.get("BENCH_JSON") or None,
                    help="append the headline ratios to FILE, a JSON object a line "
                         "(default: $BENCH_JSON)")


def configuration(args):
    return DEFAULT_CONFIG if getattr(args, "default_config", False) else TUNED


def _num(v):
    return None if v is None else round(float(v), 4)


def record(path, figure, ratio, peer, config, values=None, absolute=None, unit=None,
           absolute_values=None, target=None):
    """Appends one headline figure to `path` (nothing when path is empty). `values`: the ratio's
    rounds (ratio is then their median unless given); `absolute`: the value on this machine where
    the target is absolute, in `unit`, with its rounds in `absolute_values`."""
    if not path:
        return
    if ratio is None and values:
        ratio = statistics.median(values)
    r = {"figure": figure, "ratio": _num(ratio), "peer": peer, "configuration": config}
    if values:
        r.update({"min": _num(min(values)), "max": _num(max(values)), "rounds": len(values)})
    if absolute is not None or absolute_values:
        a = {"value": _num(absolute if absolute is not None
                           else statistics.median(absolute_values)), "unit": unit}
        if absolute_values:
            a.update({"min": _num(min(absolute_values)), "max": _num(max(absolute_values))})
        r["absolute"] = a
    if target:
        r["target"] = target
    with open(path, "a") as f:
        f.write(json.dumps(r) + "\n")


class Recorder:
    """record() bound to a bench's --json file and configuration."""

    def __init__(self, args):
        self.path, self.config = args.json, configuration(args)

    def __call__(self, figure, ratio, peer, **kw):
        record(self.path, figure, ratio, peer, self.config, **kw)


def fmt(v):
    """A figure at the precision that means something: 0.022, 1.18, 12.4, 580."""
    if v is None:
        return ""
    if float(v).is_integer() and abs(v) < 1e6:
        return f"{int(v)}"
    a = abs(v)
    if a < 0.1:
        return f"{v:.2g}"
    return f"{v:.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else f"{v:.2f}"


def ratio_table(ratios, link=None):
    """Markdown table of headline records (as run-all.sh collects them: each with its "bench"),
    one row each: the ratio as median [min-max], what it is to, the configuration, the absolute
    value where there is one, the target; with `link`, a last column linking to it (the
    summary.json the rows came from)."""
    head = "| bench | figure | ratio, median [min-max] | to | configuration | absolute | target |"
    rule = "|---|---|---:|---|---|---:|---|"
    if link:
        head, rule = head + " run |", rule + "---|"
    out = [head, rule]
    for r in ratios:
        ratio = fmt(r.get("ratio"))
        if ratio and r.get("rounds", 1) > 1:
            ratio += f" [{fmt(r['min'])}-{fmt(r['max'])}]"
        a = r.get("absolute")
        absolute = ""
        if a:
            absolute = fmt(a["value"]) + (f" [{fmt(a['min'])}-{fmt(a['max'])}]"
                                          if a.get("min") != a.get("max") and "min" in a else "")
            absolute += f" {a.get('unit') or ''}".rstrip()
        row = [r.get("bench", ""), r["figure"], ratio or "-", r["peer"], r["configuration"],
               absolute, r.get("target", "")]
        if link:
            row.append(f"[summary]({link})")
        out.append("| " + " | ".join(str(c).replace("|", "/") for c in row) + " |")
    return "\n".join(out) + "\n"


def _floats(text):
    return [float(v) for v in text] if text else None


def main(argv):
    ap = argparse.ArgumentParser(prog="benchlib.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("settings").add_argument("tuned_lines")
    sub.add_parser("describe").add_argument("tuned_text")
    rec = sub.add_parser("record")
    rec.add_argument("figure")
    rec.add_argument("peer")
    rec.add_argument("ratio", help="a number, or - when there is none (an absolute figure)")
    rec.add_argument("--values", nargs="+")
    rec.add_argument("--absolute", type=float)
    rec.add_argument("--unit")
    rec.add_argument("--absolute-values", nargs="+")
    rec.add_argument("--target")
    args = ap.parse_args(argv)
    default = bool(os.environ.get("BENCH_DEFAULT_CONFIG"))
    if args.cmd == "settings":
        sys.stdout.write(shipped_globals() if default else args.tuned_lines.rstrip("\n") + "\n")
        return
    if args.cmd == "describe":
        print(f"{DEFAULT_CONFIG if default else TUNED}: " +
              (DEFAULT_CONFIG_TEXT if default else args.tuned_text))
        return
    config = DEFAULT_CONFIG if default else TUNED
    ratio = None if args.ratio == "-" else float(args.ratio)
    record(os.environ.get("BENCH_JSON"), args.figure, ratio, args.peer, config,
           values=_floats(args.values), absolute=args.absolute, unit=args.unit,
           absolute_values=_floats(args.absolute_values), target=args.target)


if __name__ == "__main__":
    main(sys.argv[1:])
