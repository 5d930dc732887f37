"""The benchmark's goals, the machine's conditions, and the README table made from results.json.

`python benchmarks/report.py` regenerates the table in benchmarks/README.md from benchmarks/results.json
(`make benchmark` does it after measuring); the table is never edited by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
RESULTS = HERE / "results.json"
START, END = "<!-- results: generated from results.json by report.py -->", "<!-- end of results -->"

GOALS = {  # ratio: (limit, "≤" or "≥", what it compares)
    "a/b": (0.25, "≤", "cold run against the papermill and nbconvert command lines"),
    "a/c": (1.3, "≤", "cold run against the plain-script floor"),
    "d/a": (0.1, "≤", "cached rerun against a cold run"),
    "sweep speed-up": (1.7, "≥", "20-variation full sweep, 1 worker against 2"),
    "peak memory (GB)": (1.5, "≤", "whole process tree at its peak, any case"),
    "h200/a": (1.0, "≤", "headline sweep of 200 variations against one cold run"),
    "h1000/h200": (5.0, "≤", "headline sweep of 1,000 against 200 (5 = linear)"),
}
CASES = (
    ("a", "(a) `policy-kit run`, cold"),
    ("b", "(b) papermill + nbconvert command lines"),
    ("c", "(c) plain Python script"),
    ("d", "(d) `policy-kit run`, cached"),
    ("e1", "(e) full sweep of 20, sequential"),
    ("e2", "(e) full sweep of 20, 2 workers"),
    ("h200", "(h) headline sweep of 200"),
    ("h1000", "(h) headline sweep of 1,000"),
)


def conditions() -> dict:
    """What the figures depend on besides the code: cores, their load, memory, Python."""
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpus_usable": usable,
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "memory_gb": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
    }


def passes(name: str, value: float) -> bool:
    limit, sense, _ = GOALS[name]
    return value <= limit if sense == "≤" else value >= limit


def render(record: dict) -> str:
    """The README's results section, from one results.json record."""
    before, after = record["conditions"]["before"], record["conditions"]["after"]
    seconds, rate = record["seconds"], record.get("variations_per_s", {})
    lines = [
        START,
        "",
        f"Measured {before['time']} on {before['cpus_usable']} usable of {before['cpus']} CPUs, {before['memory_gb']} GB, "
        f"Python {before['python']} ({before['platform']}); load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.2f}' for x in before['load_average'])} before and "
        f"{', '.join(f'{x:.2f}' for x in after['load_average'])} after.",
        "",
        "| case | time |",
        "|---|---|",
    ]
    for key, label in CASES:
        if key not in seconds:
            continue
        extra = ""
        if key == "d":
            extra = f" ({record.get('cached_steps', '?')} of 4 steps restored)"
        elif key in rate:
            extra = f" ({rate[key]:.0f} variations/s)"
        lines.append(f"| {label} | {seconds[key]:.2f} s{extra} |")
    lines += ["", "| ratio | measured | goal | | what |", "|---|---|---|---|---|"]
    for name in [n for n in GOALS if n in record["ratios"]]:  # the goals' order, whatever the file's
        value = record["ratios"][name]
        limit, sense, what = GOALS[name]
        lines.append(f"| {name} | {value:.2f} | {sense} {limit:g} | {'met' if passes(name, value) else 'not met'} | {what} |")
    lines += ["", END]
    return "\n".join(lines)


def write_readme(record: dict, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    head, found, rest = text.partition(START)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise SystemExit(f"{readme}: the markers of the results section are missing")
    readme.write_text(head + render(record) + tail, encoding="utf-8")


if __name__ == "__main__":
    write_readme(json.loads(RESULTS.read_text(encoding="utf-8")))
