"""How many examples a property test draws, and which of the sound model zoo's
architectures the doctor runs on: all of them in `make test` (what CI runs), a fifth and a
third in `make check`, the everyday loop, which sets FLATVIZ_QUICK=1."""

from __future__ import annotations

import os

QUICK = os.environ.get("FLATVIZ_QUICK") == "1"


def examples(full: int) -> int:
    """`full` examples, or a fifth of them (at least 50) in the quick loop."""
    return max(50, full // 5) if QUICK else full


def some(cases: list[str]) -> list[str]:
    """`cases`, or every third of them in the quick loop (the same ones every run)."""
    return cases[::3] if QUICK else cases
