"""How many examples a property test draws: all of them in `make test` (what CI runs), a
fifth in `make check`, the everyday loop, which sets FLATVIZ_QUICK=1."""

from __future__ import annotations

import os

QUICK = os.environ.get("FLATVIZ_QUICK") == "1"


def examples(full: int) -> int:
    """`full` examples, or a fifth of them (at least 50) in the quick loop."""
    return max(50, full // 5) if QUICK else full
