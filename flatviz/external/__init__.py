"""Adapters from array libraries to flatviz's model, kept at the edge.

The core never imports torch or numpy to recognise an input: an adapter is loaded only
when the object's type comes from that library. flatviz's own `Strided` describes itself
through its `__flatviz_source__` method, so no adapter needs to know it.
"""

from __future__ import annotations

import sys

from flatviz.core.layout import Layout
from flatviz.core.source import Source


def source_of(x: object) -> Source:
    """Read a torch tensor, a numpy array, a `flatviz.strided.Strided`, or a `Layout`."""
    if isinstance(x, Layout):
        return Source(x, None, None)
    describe = getattr(type(x), "__flatviz_source__", None)
    if describe is not None:
        source = describe(x)
        assert isinstance(source, Source)
        return source
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        from flatviz.external import torch_support as ts

        return Source(ts.layout_from_tensor(x), ts.value_reader(x), ts.storage_elements(x))
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(x, numpy.ndarray):
        from flatviz.external import numpy_support as ns

        return Source(ns.layout_from_array(x), ns.value_reader(x), None)
    raise TypeError(
        f"expected a torch.Tensor, a numpy.ndarray or a flatviz.Layout, "
        f"got {type(x).__module__}.{type(x).__qualname__}"
    )


def layout_of(x: object) -> Layout:
    """The layout of a torch tensor, a numpy array, a `Strided`, or a `Layout` itself."""
    return source_of(x).layout
