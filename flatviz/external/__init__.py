"""Adapters from array libraries to :class:`flatviz.layout.Layout`, kept at the edge.

The core never imports torch or numpy to recognise an input: an adapter is loaded only
when the object's type comes from that library.
"""

from __future__ import annotations

import sys

from flatviz.layout import Layout


def layout_of(x: object) -> Layout:
    """The layout of a torch tensor, a numpy array, or a :class:`Layout` itself."""
    if isinstance(x, Layout):
        return x
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        from flatviz.external.torch_support import layout_from_tensor

        return layout_from_tensor(x)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(x, numpy.ndarray):
        from flatviz.external.numpy_support import layout_from_array

        return layout_from_array(x)
    raise TypeError(
        f"expected a torch.Tensor, a numpy.ndarray or a flatviz.Layout, "
        f"got {type(x).__module__}.{type(x).__qualname__}"
    )
