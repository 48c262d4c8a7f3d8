"""Side-by-side timing shared by the benchmarks: cases run in turn, medians compared."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(
    cases: dict[str, Callable[[], object]],
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """Median seconds per case, running the cases in turn so drift hits all alike; each
    case runs once first, to warm up imports, caches and kernels. ``clock`` may be
    ``time.thread_time`` to count only this thread's CPU time, which other jobs on a
    shared machine disturb less than the wall clock (for single-threaded work only)."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for case in cases.values():
        case()
    for _ in range(rounds):
        for name, case in cases.items():
            start = clock()
            case()
            times[name].append(clock() - start)
    return {name: statistics.median(t) for name, t in times.items()}
