"""Benchmark of the `flatviz` command against `python -c pass`, run side by side.

Run: ``.venv/bin/python benchmarks/bench_cli.py`` (about half a minute). Each round
starts one fresh `python -c pass` and one fresh `flatviz EXPR` (the console script) per
expression, plus `flatviz EXPR -o x.svg`, `python -m flatviz EXPR` and `flatviz doctor -h`,
in turn, so drift on a shared machine hits all alike; medians are compared. Goals: a text
plan costs at most 4x the bare interpreter (it loads no scene and no painter), a diagram
and the doctor's help at most 6x. Results: benchmarks/README.md.
"""

from __future__ import annotations

import os
import resource
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


Case = tuple[list[str], dict[str, str]]


def run_once(case: Case) -> tuple[float, float]:
    """Seconds one fresh process takes, start to exit, and the CPU seconds it used (user
    and system), which other work on a shared machine disturbs less than the wall clock."""
    argv, env = case
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    """Time every case in turn, ROUNDS times, and print medians and ratios.

    `--against DIR` also times the first text plan with DIR (another checkout, e.g. the
    commit before a change) first on PYTHONPATH, side by side with this one.
    """
    script = str(Path(sys.executable).with_name("flatviz"))
    svg = str(Path(tempfile.gettempdir()) / "flatviz-bench.svg")
    cases: dict[str, Case] = {"python -c pass": ([sys.executable, "-c", "pass"], ENV)}
    for text in EXPRESSIONS:
        cases[f"flatviz '{text}'"] = ([script, text, "-s", "1"], ENV)
    cases[f"flatviz '{EXPRESSIONS[0]}' -o x.svg"] = ([script, EXPRESSIONS[0], "-o", svg], ENV)
    cases[f"python -m flatviz '{EXPRESSIONS[0]}'"] = (
        [sys.executable, "-m", "flatviz", EXPRESSIONS[0]],
        ENV,
    )
    cases["flatviz doctor -h"] = ([script, "doctor", "-h"], ENV)
    if sys.argv[1:2] == ["--against"]:
        other = {**ENV, "PYTHONPATH": sys.argv[2]}
        cases[f"flatviz '{EXPRESSIONS[0]}', {sys.argv[2]}"] = ([script, EXPRESSIONS[0]], other)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for case in cases.values():
        run_once(case)  # warm the file cache and write the bytecode
    for _ in range(ROUNDS):
        for name, case in cases.items():
            times[name].append(run_once(case))
    base = [statistics.median(t[k] for t in times["python -c pass"]) for k in (0, 1)]
    print(f"{'case':<72} {'wall':>8} {'ratio':>6} {'cpu':>8} {'ratio':>6}")
    for name, runs in times.items():
        wall, cpu = (statistics.median(t[k] for t in runs) for k in (0, 1))
        print(
            f"{name:<72} {wall * 1000:6.1f}ms {wall / base[0]:5.2f}x "
            f"{cpu * 1000:6.1f}ms {cpu / base[1]:5.2f}x"
        )


if __name__ == "__main__":
    main()
