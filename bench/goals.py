#!/usr/bin/env python3
"""bench/goals.py: the figures of a benchmark run, each beside its floor or baseline and its goal.

    bench/goals.py add FILE ID VALUE UNIT --what TEXT [--baseline NAME VALUE] [--goal GOAL] [--note TEXT]
    bench/goals.py report FILE [--json OUT] [--root DIR] [--param KEY=VALUE ...]

`add` appends one JSON line to FILE (figures.jsonl). VALUE may be "-" when the figure could not be
measured (its row then says so, and `met` is null). GOAL is one of
    >=N  <=N     the figure itself against N (e.g. >=100000 changes/s, <=150 MiB)
    >=Nx <=Nx    the ratio figure / baseline against N (e.g. <=1.3x curl's mean)
`report` prints the table (what | figure | floor/baseline | ratio | goal | met?) as Markdown and,
with --json, writes the figures with the machine they were measured on. It exits 0 whether or not
the goals are met: the table is the verdict, the status says only that the run worked.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

# The goal rows of docs/PERFORMANCE.md, in its order; any other figure follows, in the order it was measured.
ORDER = ["pull_rate", "pull_peak_hwm", "import_rate", "import_vs_sqlite", "db_vs_export", "push_rate",
         "status_vs_curl", "add_event_vs_curl", "idle_rss", "noop_large_vs_small"]
GOAL = re.compile(r"^(<=|>=)\s*([0-9]+(?:\.[0-9]+)?)\s*(x?)$")


def parse_goal(text):
    """(op, number, on_ratio) of a goal such as '<=1.3x', or a ValueError naming what is wrong."""
    m = GOAL.match(text.strip())
    if not m:
        raise ValueError(f'goal "{text}": write >=N or <=N (the figure) or >=Nx or <=Nx (figure / baseline)')
    return m.group(1), float(m.group(2)), m.group(3) == "x"


def number(text, what):
    if text in ("-", "", None):
        return None
    try:
        return float(text)
    except ValueError:
        sys.exit(f'goals.py: {what} "{text}" is not a number (use - for a figure not measured)')


def cmd_add(a):
    if a.goal:
        try:
            parse_goal(a.goal)
        except ValueError as e:
            sys.exit(f"goals.py: {e}")
    fig = {"id": a.id, "what": a.what, "value": number(a.value, "value"), "unit": a.unit,
           "baseline": None, "goal": a.goal, "note": a.note}
    if a.baseline:
        fig["baseline"] = {"name": a.baseline[0], "value": number(a.baseline[1], "baseline value")}
    if a.goal and parse_goal(a.goal)[2] and not a.baseline:
        sys.exit(f'goals.py: {a.id}: goal "{a.goal}" is a ratio and needs --baseline NAME VALUE')
    with open(a.file, "a", encoding="utf-8") as f:
        f.write(json.dumps(fig) + "\n")


def evaluate(fig):
    """Adds ratio (figure / baseline) and met (true/false, null when a number is missing)."""
    base = (fig.get("baseline") or {}).get("value")
    value = fig.get("value")
    fig["ratio"] = round(value / base, 3) if value is not None and base else None
    fig["met"] = None
    if fig.get("goal"):
        op, n, on_ratio = parse_goal(fig["goal"])
        x = fig["ratio"] if on_ratio else value
        if x is not None:
            fig["met"] = x >= n if op == ">=" else x <= n
    return fig


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}".rstrip("0").rstrip(".")


def run(cmd, cwd=None):
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def machine(root):
    model, mem_kib = None, None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
        with open("/proc/meminfo", encoding="utf-8") as f:
            mem_kib = next((int(l.split()[1]) for l in f if l.startswith("MemTotal:")), None)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_mib": round(mem_kib / 1024) if mem_kib else None,
        "kernel": platform.release(),
        "swift": run(["swift", "--version"]),
        "sqlite3": (run(["sqlite3", "--version"]) or "").split(" ")[0] or None,
        "git_describe": run(["git", "describe", "--always", "--dirty", "--tags"], cwd=root),
    }


def table(figs):
    head = ["what", "figure", "floor/baseline", "ratio", "goal", "met?"]
    rows = []
    for f in figs:
        b = f.get("baseline")
        base = f"{b['name']}: {fmt(b['value'])} {f['unit']}" if b else "-"
        met = {True: "yes", False: "NO", None: "-" if not f.get("goal") else "not measured"}[f["met"]]
        rows.append([f["what"], f"{fmt(f['value'])} {f['unit']}" if f["value"] is not None else "not measured",
                     base, f"{f['ratio']:.2f}x" if f["ratio"] is not None else "-", f.get("goal") or "-", met])
    width = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, width)) + " |"
    out = [line(head), "| " + " | ".join("-" * w for w in width) + " |"] + [line(r) for r in rows]
    return "\n".join(out)


def cmd_report(a):
    try:
        with open(a.file, encoding="utf-8") as f:
            figs = [evaluate(json.loads(l)) for l in f if l.strip()]
    except OSError as e:
        sys.exit(f"goals.py: cannot read {a.file}: {e.strerror}")
    rank = {k: i for i, k in enumerate(ORDER)}
    figs = sorted(enumerate(figs), key=lambda p: (rank.get(p[1]["id"], len(ORDER)), p[0]))
    figs = [f for _, f in figs]
    print(table(figs))
    goals = [f for f in figs if f.get("goal")]
    print(f"\n{sum(f['met'] is True for f in goals)} of {len(goals)} goals met"
          f"{'; not met: ' + ', '.join(f['id'] for f in goals if f['met'] is False) if any(f['met'] is False for f in goals) else ''}"
          f"{'; not measured: ' + ', '.join(f['id'] for f in goals if f['met'] is None) if any(f['met'] is None for f in goals) else ''}")
    if a.json:
        params = {k: int(v) if v.isdigit() else v for k, v in (p.split("=", 1) for p in a.param)}
        doc = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "machine": machine(a.root), "parameters": params, "figures": figs}
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add", help="append one figure to FILE")
    add.add_argument("file")
    add.add_argument("id", help="a stable name, e.g. pull_rate")
    add.add_argument("value", help='the figure, or "-" if it could not be measured')
    add.add_argument("unit")
    add.add_argument("--what", required=True, help="what was measured, with its size")
    add.add_argument("--baseline", nargs=2, metavar=("NAME", "VALUE"), help="floor or baseline from the same run")
    add.add_argument("--goal", help="e.g. >=100000, <=150, <=1.3x")
    add.add_argument("--note", help="how it was measured")
    rep = sub.add_parser("report", help="print the table; with --json, write results.json")
    rep.add_argument("file")
    rep.add_argument("--json", help="write the results here")
    rep.add_argument("--root", default=".", help="the checkout, for git describe")
    rep.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a run parameter to record")
    a = p.parse_args()
    cmd_add(a) if a.cmd == "add" else cmd_report(a)


if __name__ == "__main__":
    main()
