"""flatviz: explain and draw what flattening a tensor does to its memory."""

from flatviz.draw import draw
from flatviz.explain import explain
from flatviz.files import save, to_svg
from flatviz.html import html
from flatviz.layout import Layout
from flatviz.plan import FlattenPlan, compute_stride

__all__ = ["FlattenPlan", "Layout", "compute_stride", "draw", "explain", "html", "save", "to_svg"]
__version__ = "0.1.0"
