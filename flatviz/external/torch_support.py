"""Read a torch tensor's layout: sizes, element strides and storage offset.

Reads metadata only, so it works on any device (``meta`` included) at a cost that does
not depend on the number of elements.
"""

from __future__ import annotations

import torch

from flatviz.layout import Layout


def layout_from_tensor(t: torch.Tensor) -> Layout:
    """The :class:`Layout` of a strided tensor; sparse, nested and quantized tensors are
    refused with a ValueError naming their layout, since they have no single stride."""
    if t.is_nested:
        raise ValueError(
            f"flatviz needs a strided tensor, got a nested tensor with layout {t.layout} "
            f"(its components have no single shape and stride)"
        )
    if t.layout != torch.strided:
        raise ValueError(
            f"flatviz needs a strided tensor, got a sparse tensor with layout {t.layout}"
        )
    if t.is_quantized:
        raise ValueError(
            f"flatviz needs a plain strided tensor, got a quantized tensor ({t.dtype}, "
            f"qscheme {t.qscheme()})"
        )
    return Layout(tuple(t.shape), t.stride(), int(t.storage_offset()))
