"""Side-by-side timing shared by the benchmarks: cases run in turn, medians compared."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds per case, running the cases in turn so drift hits all alike; each
    case runs once first, to warm up imports, caches and kernels."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for case in cases.values():
        case()
    for _ in range(rounds):
        for name, case in cases.items():
            start = time.perf_counter()
            case()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}
