"""flatviz: explain and draw what flattening a tensor does to its memory."""

from typing import TYPE_CHECKING

from flatviz.draw import draw
from flatviz.explain import explain
from flatviz.files import save, to_svg
from flatviz.html import html
from flatviz.layout import Layout
from flatviz.plan import FlattenPlan, compute_stride

if TYPE_CHECKING:
    from flatviz.diagnosis import doctor

__all__ = [
    "FlattenPlan",
    "Layout",
    "compute_stride",
    "doctor",
    "draw",
    "explain",
    "html",
    "save",
    "to_svg",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`flatviz.doctor` imports torch, so it loads on first use, not with `import flatviz`."""
    if name == "doctor":
        from flatviz.diagnosis import doctor

        return doctor
    raise AttributeError(f"module 'flatviz' has no attribute {name!r}")
