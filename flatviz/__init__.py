"""flatviz: explain and draw what flattening a tensor does to its memory."""

from flatviz.explain import explain
from flatviz.layout import Layout
from flatviz.plan import FlattenPlan, compute_stride

__all__ = ["FlattenPlan", "Layout", "compute_stride", "explain"]
__version__ = "0.1.0"
