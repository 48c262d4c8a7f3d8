"""Benchmark of the `flatviz EXPR` command against `python -c pass`, run side by side.

Run: ``.venv/bin/python benchmarks/bench_cli.py`` (about half a minute). Each round
starts one fresh `python -c pass` and one fresh `flatviz EXPR` (the console script) per
expression, plus `python -m flatviz EXPR`,
in turn, so drift on a shared machine hits all alike; medians are compared. Goal: the
command costs at most 6x the bare interpreter. Results: benchmarks/README.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 30
EXPRESSIONS = [
    "arange(2, 3, 4).transpose(1, 2)",
    "empty(1000, 1000, 1000).transpose(0, 2)[::3, 1:, None]",
    "arange(10).unfold(0, 4, 2).reshape(-1).view(2, 8).t()",
]


#: As installed: pip writes bytecode, so the runs may too (some shells turn it off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: list[str]) -> float:
    """Seconds one fresh process takes, start to exit."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    cases = {"python -c pass": [sys.executable, "-c", "pass"]}
    script = str(Path(sys.executable).with_name("flatviz"))
    for text in EXPRESSIONS:
        cases[f"flatviz '{text}'"] = [script, text, "-s", "1"]
    svg = str(Path(tempfile.gettempdir()) / "flatviz-bench.svg")
    cases[f"flatviz '{EXPRESSIONS[0]}' -o x.svg"] = [script, EXPRESSIONS[0], "-s", "1", "-o", svg]
    cases[f"python -m flatviz '{EXPRESSIONS[0]}'"] = [
        sys.executable,
        "-m",
        "flatviz",
        EXPRESSIONS[0],
    ]
    times: dict[str, list[float]] = {name: [] for name in cases}
    for argv in cases.values():
        run_once(argv)  # warm the file cache and write the bytecode
    for _ in range(ROUNDS):
        for name, argv in cases.items():
            times[name].append(run_once(argv))
    base = statistics.median(times["python -c pass"])
    print(f"{'case':<80} {'median':>9} {'ratio':>6}")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{name:<80} {median * 1000:7.1f}ms {median / base:5.2f}x")


if __name__ == "__main__":
    main()
