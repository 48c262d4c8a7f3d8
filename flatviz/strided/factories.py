"""The two ways a tensor starts: `arange` (values 0, 1, 2, ...) and `empty` (meta)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from flatviz.core.layout import Layout, contiguous_strides
from flatviz.core.text import list_text
from flatviz.strided.args import INT64_MAX, varargs
from flatviz.strided.tensor import Storage, Strided


def _new(shape: Sequence[int], itemsize: int, meta: bool) -> Strided:
    """A fresh row-major tensor with its own storage, refused as `torch.empty` refuses a
    size that does not fit in int64."""
    sizes = varargs("empty", "size", tuple(shape))
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(sizes)}: {list_text(sizes)}"
        )
    numel = math.prod(sizes)
    if numel * itemsize > INT64_MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list_text(sizes)}")
    stride = contiguous_strides(sizes)
    if any(s > INT64_MAX for s in stride):
        raise RuntimeError("Stride calculation overflowed")
    return Strided(Layout(sizes, stride, 0), Storage(numel, itemsize, meta))


def arange(*shape: object) -> Strided:
    """`torch.arange(n).reshape(shape)`: int64 values 0, 1, 2, ... in row-major order."""
    return _new(varargs("arange", "size", shape), 8, meta=False)


def empty(*shape: object) -> Strided:
    """`torch.empty(shape, device="meta")`: float32, no values, no memory."""
    return _new(varargs("empty", "size", shape), 4, meta=True)
