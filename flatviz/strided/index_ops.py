"""Basic indexing, `x[...]`, as torch's Python binding does it: ints, slices with positive
steps, None and one `...` (an index with two is refused, as NumPy refuses it: torch reads
sizes past the last dim there, so what it does is undefined)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flatviz.strided.args import INT64_MAX, slice_bounds
from flatviz.strided.shape_ops import select, slice_dim, unsqueeze

if TYPE_CHECKING:
    from flatviz.strided.tensor import Strided

#: NumPy's words for an index with more than one `...`.
TWO_ELLIPSES = "an index can only have a single ellipsis ('...')"


def getitem(x: Strided, index: object) -> Strided:
    """`x[index]` for an index of one item or a tuple of them."""
    if not isinstance(index, tuple):
        return _one(x, index)
    if sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError(TWO_ELLIPSES)
    specified = sum(1 for i in index if i is not None and i is not Ellipsis)
    if specified > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    result, dim = x, 0
    for position, item in enumerate(index):
        if item is Ellipsis:
            dim += x.ndim - specified
        elif item is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif isinstance(item, slice):
            result = _slice(result, dim, item)
            dim += 1
        else:
            result = _int(result, dim, position, item)
    return result


def _one(x: Strided, item: object) -> Strided:
    """`x[item]` for one item, which torch handles apart from tuples."""
    if item is None:
        return unsqueeze(x, 0)
    if item is Ellipsis:
        return x
    if isinstance(item, slice):
        if x.ndim == 0:
            slice_bounds(item)
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return _slice(x, 0, item)
    return _int(x, 0, 0, item)


def _int(x: Strided, dim: int, real: int, item: object) -> Strided:
    """An int index: `select`, with the refusals of torch's indexing code."""
    if isinstance(item, bool) or not isinstance(item, int):
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
            "Variables are valid indices"
        )
    if not -INT64_MAX - 1 <= item <= INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    if item == 0 and dim == 0 and x.ndim == 0:
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    size = x.shape[dim] if x.ndim else 0  # torch reports a 0-d tensor's size as 0
    if not -size <= item < size:
        raise IndexError(f"index {item} is out of bounds for dimension {real} with size {size}")
    return select(x, dim, item)


def _slice(x: Strided, dim: int, item: slice) -> Strided:
    """A slice index: the dim cut to `start:stop:step`, or `x` itself when it keeps all."""
    start, stop, step = slice_bounds(item)
    if start == 0 and step == 1 and stop >= x.shape[dim]:
        return x  # torch skips a slice that keeps everything
    return slice_dim(x, dim, start, stop, step)
