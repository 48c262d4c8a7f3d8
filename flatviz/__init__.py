"""flatviz: explain and draw what flattening a tensor does to its memory.

Importing flatviz loads neither torch nor matplotlib: the core is pure Python, and the
parts that need matplotlib (`save`) or torch (`doctor`) load on first use.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from flatviz.core.layout import Layout
from flatviz.core.rule import compute_stride
from flatviz.explain import explain
from flatviz.pipeline import diagram, draw, svg
from flatviz.plan import FlattenPlan

if TYPE_CHECKING:
    from flatviz.diagnosis import doctor
    from flatviz.files import save

if "IPython" in sys.modules:  # Jupyter or IPython: plans and scenes show as their pictures
    importlib.import_module("flatviz.display")

#: Names loaded on first use, and the module each comes from.
_LAZY = {"save": "flatviz.files", "doctor": "flatviz.diagnosis"}

__all__ = [
    "FlattenPlan",
    "Layout",
    "compute_stride",
    "diagram",
    "doctor",
    "draw",
    "explain",
    "save",
    "svg",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "doctor":
        from flatviz.optional import require

        require("torch", "flatviz.doctor")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flatviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
