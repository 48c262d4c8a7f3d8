"""Ops that give a new shape to the same elements: a view when `compute_stride` finds
strides for it, otherwise (for the ones that may copy) a row-major or channels-last copy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from flatviz.core.layout import Layout, contiguous_strides
from flatviz.core.rule import ShapeError, compute_stride, infer_size
from flatviz.strided.args import MEMORY_FORMATS, MemoryFormat, dim_arg, type_name, varargs

if TYPE_CHECKING:
    from flatviz.strided.tensor import Strided


def _inferred(x: Strided, shape: tuple[int, ...]) -> tuple[int, ...]:
    """`shape` with its -1 filled in, refused as ATen's `infer_size` refuses."""
    try:
        return infer_size(shape, x.numel())
    except ShapeError as err:
        raise RuntimeError(str(err)) from None


def view(x: Strided, size: tuple[object, ...]) -> Strided:
    """The same storage seen with a new shape; refused when the strides cannot do it."""
    if not size:
        raise TypeError("view() received an invalid combination of arguments - got ()")
    shape = _inferred(x, varargs("view", "size", size))
    stride = compute_stride(x.shape, x.stride(), shape)
    if stride is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least "
            "one dimension spans across two contiguous subspaces). Use .reshape(...) "
            "instead."
        )
    return x.with_geometry(shape, stride, x.layout.offset)


def reshape(x: Strided, shape: tuple[object, ...]) -> Strided:
    """A view when the strides allow it, otherwise a row-major copy."""
    if not shape:
        raise TypeError('reshape() missing 1 required positional arguments: "shape"')
    return reshaped(x, _inferred(x, varargs("reshape", "shape", shape)))


def reshaped(x: Strided, shape: tuple[int, ...]) -> Strided:
    """`x` with a shape of its element count: a view if possible, else a row-major copy."""
    stride = compute_stride(x.shape, x.stride(), shape)
    if stride is not None:
        return x.with_geometry(shape, stride, x.layout.offset)
    copy = x.copy_as(contiguous_strides(x.shape))
    viewed = compute_stride(copy.shape, copy.stride(), shape)
    assert viewed is not None  # a row-major tensor can take any shape of its numel
    return copy.with_geometry(shape, viewed, 0)


def contiguous(x: Strided, args: tuple[object, ...], memory_format: object) -> Strided:
    """Itself when already laid out in `memory_format`, otherwise a copy that is."""
    if args:
        raise TypeError(f"contiguous() takes 0 positional arguments but {len(args)} was given")
    fmt = MemoryFormat("contiguous_format") if memory_format is None else memory_format
    if not isinstance(fmt, MemoryFormat) or fmt.name not in MEMORY_FORMATS:
        raise TypeError(
            "contiguous(): argument 'memory_format' must be torch.memory_format, "
            f"not {type_name(fmt)}"
        )
    if fmt.name == "contiguous_format":
        if is_contiguous(x.layout):
            return x
        return x.copy_as(contiguous_strides(x.shape))
    rank = 4 if fmt.name == "channels_last" else 5
    if x.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt.name} format")
    order = (1, 3, 2, 0) if rank == 4 else (1, 4, 3, 2, 0)
    if is_dense_in(x.layout, order):
        return x
    stride = [0] * rank
    step = 1
    for d in order:
        stride[d] = step
        step *= x.shape[d]
    return x.copy_as(stride)


def flatten(x: Strided, start_dim: object, end_dim: object) -> Strided:
    """Merge dims `start_dim..end_dim` into one: a view when the strides allow it."""
    start, end = dim_arg(start_dim, x.ndim), dim_arg(end_dim, x.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if x.ndim == 0:
        return reshaped(x, (1,))
    if start == end:
        return x
    merged = math.prod(x.shape[start : end + 1])
    return reshaped(x, (*x.shape[:start], merged, *x.shape[end + 1 :]))


def is_contiguous(layout: Layout) -> bool:
    """torch's `is_contiguous()`: row-major, skipping size-1 dims; true with no elements."""
    return layout.numel == 0 or is_dense_in(layout, range(layout.ndim - 1, -1, -1))


def is_dense_in(layout: Layout, order: Sequence[int]) -> bool:
    """True when the dims, innermost first in `order`, are packed with no gaps
    (size-1 dims may have any stride)."""
    expected = 1
    for d in order:
        if layout.shape[d] != 1:
            if layout.stride[d] != expected:
                return False
            expected *= layout.shape[d]
    return True
