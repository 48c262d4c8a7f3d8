"""flatviz: explain and draw what flattening a tensor does to its memory.

The drawing functions load matplotlib only when first used, so `import flatviz` (and the
`flatviz EXPR` command) stays cheap.
"""

import importlib
import sys
import types

from flatviz.explain import explain
from flatviz.layout import Layout
from flatviz.plan import FlattenPlan, compute_stride

__all__ = ["FlattenPlan", "Layout", "compute_stride", "draw", "explain", "html", "save", "to_svg"]
__version__ = "0.1.0"

#: Public names that import matplotlib, and the module each comes from.
_LAZY = {"draw": "flatviz.draw", "html": "flatviz.html", "save": "flatviz.files",
         "to_svg": "flatviz.files"}  # fmt: skip


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'flatviz' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """Keeps `flatviz.draw` and `flatviz.html` the functions when their submodules are
    imported (the import system would otherwise set the attribute to the submodule)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
