"""Adapters from array libraries to flatviz's model, kept at the edge.

The core never imports torch or numpy to recognise an input: an adapter is loaded only
when the object's type comes from that library.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from flatviz.labels import Labeler
from flatviz.layout import Layout


@dataclass(frozen=True)
class Source:
    """What the drawing needs from an array: its layout, a way to read the values of the
    cells it draws (None when there are none, as on `meta`) and its storage size."""

    layout: Layout
    labels: Labeler | None
    storage_size: int | None


def source_of(x: object) -> Source:
    """Read a torch tensor, a numpy array, a `flatviz.strided.Strided`, or a `Layout`."""
    if isinstance(x, Layout):
        return Source(x, None, None)
    strided = sys.modules.get("flatviz.strided")
    if strided is not None and isinstance(x, strided.Strided):
        return Source(x.layout, None if x.is_meta else x.labels, x.storage.size)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        from flatviz.external import torch_support as ts

        return Source(ts.layout_from_tensor(x), ts.value_labeler(x), ts.storage_elements(x))
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(x, numpy.ndarray):
        from flatviz.external import numpy_support as ns

        return Source(ns.layout_from_array(x), ns.value_labeler(x), None)
    raise TypeError(
        f"expected a torch.Tensor, a numpy.ndarray or a flatviz.Layout, "
        f"got {type(x).__module__}.{type(x).__qualname__}"
    )


def layout_of(x: object) -> Layout:
    """The layout of a torch tensor, a numpy array, a `Strided`, or a `Layout` itself."""
    return source_of(x).layout
