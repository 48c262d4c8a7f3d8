"""The flatten rule: when dims merge without a copy, and the words that say why not.

`compute_stride` is ATen's rule for any new shape (`view` and `reshape` use it); `merges`
is the test of one pair of adjacent dims that the plan and the diagram show. For a
flatten of dims `start..end` (with elements) the two always agree:

    compute_stride finds strides  <=>  every pair (i, j) of consecutive dims of size > 1
                                       in start..end has stride[i] == size[j] * stride[j]

Why: `compute_stride` walks the dims right to left and groups them into chunks. A dim
`d - 1` of size > 1 joins the chunk of the dims after it exactly when its stride is the
chunk's element count so far times the stride of the chunk's last dim. Inside a chunk,
by induction from its last dim, each dim of size > 1 has stride = (product of the sizes
after it in the chunk) * (stride of the last dim); so `d - 1` joins exactly when
`stride[d - 1] == size[j] * stride[j]` for the next dim `j` of size > 1 (size-1 dims
multiply the count by 1 and never start a chunk). The new shape must split at chunk
boundaries: a flattened range that crosses a boundary needs one merged dim to cover two
chunks, which no single stride can do, unless one side holds only size-1 dims (product 1,
absorbed by the `newshape[view_d] == 1` branch). A boundary between two dims of size > 1
is a failing pair, and a failing pair is a boundary. tests/core/test_rule.py checks the
equivalence on random layouts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from flatviz.core.layout import Layout, as_int, contiguous_strides
from flatviz.core.text import list_text


def compute_stride(
    oldshape: Sequence[int], oldstride: Sequence[int], newshape: Sequence[int]
) -> tuple[int, ...] | None:
    """Strides that let `newshape` view `(oldshape, oldstride)`, or None if none exist.

    A line-by-line port of ATen's `computeStride` (aten/src/ATen/TensorUtils.cpp): dims
    are grouped right to left into chunks that are contiguous among themselves (a size-1
    dim never breaks a chunk), and the new shape must split at chunk boundaries.

    Examples:
        >>> compute_stride((2, 3, 4), (12, 4, 1), (2, 12))
        (12, 1)
        >>> compute_stride((2, 4, 3), (12, 1, 4), (2, 12)) is None
        True
    """
    if not oldshape:
        return (1,) * len(newshape)
    numel = math.prod(oldshape)
    if numel == 0 and tuple(oldshape) == tuple(newshape):
        return tuple(oldstride)
    if numel == 0:
        return contiguous_strides(newshape)

    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base_stride = oldstride[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in reversed(range(len(oldshape))):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (
            oldshape[tensor_d - 1] != 1
            and oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride
        ):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base_stride
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = oldstride[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(newstride)


def wrap_dim(name: str, dim: object, ndim: int) -> int:
    """Wrap a negative dim as torch does; a 0-d tensor accepts -1 and 0."""
    d = as_int(dim, f"{name} must be an int")
    span = max(ndim, 1)
    if not -span <= d < span:
        raise IndexError(
            f"{name}={d} is out of range for a {ndim}-d tensor "
            f"(expected a dim in [{-span}, {span - 1}])"
        )
    return d + span if d < 0 else d


def merge_pairs(layout: Layout, start: int, end: int) -> list[tuple[int, int]]:
    """Consecutive pairs of dims of size > 1 in `start..end`; size-1 dims never block."""
    dims = [d for d in range(start, end + 1) if layout.shape[d] != 1]
    return list(itertools.pairwise(dims))


def merges(layout: Layout, i: int, j: int) -> bool:
    """Dims i < j merge when stepping over all of j lands exactly on the next i."""
    return layout.stride[i] == layout.shape[j] * layout.stride[j]


def blocking_pair(layout: Layout, start: int, end: int) -> tuple[int, int] | None:
    """The first pair of dims in `start..end` that cannot merge, or None when all can."""
    return next((p for p in merge_pairs(layout, start, end) if not merges(layout, *p)), None)


def pair_check(layout: Layout, i: int, j: int) -> str:
    """The merge test of dims i, j with its numbers, e.g. `stride[0] = 12 = size[1] *
    stride[1] = 3 * 4`, or `stride[1] = 1, but size[2] * stride[2] = 3 * 4 = 12`."""
    st, sz = layout.stride, layout.shape
    if merges(layout, i, j):
        return f"stride[{i}] = {st[i]} = size[{j}] * stride[{j}] = {sz[j]} * {st[j]}"
    return (
        f"stride[{i}] = {st[i]}, but size[{j}] * stride[{j}] = {sz[j]} * {st[j]} = {sz[j] * st[j]}"
    )


def blocking_sentence(layout: Layout, i: int, j: int) -> str:
    """Why dims i, j block a merge, with the numbers.

    Examples:
        >>> blocking_sentence(Layout((2, 4, 3), (12, 1, 4)), 1, 2)
        'dims 1 and 2 cannot merge: stride[1] = 1, but size[2] * stride[2] = 3 * 4 = 12'
    """
    return f"dims {i} and {j} cannot merge: {pair_check(layout, i, j)}"


class ShapeError(ValueError):
    """A shape that no tensor of the given element count can take (ATen's wording)."""


def infer_size(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    """ATen's `infer_size`: `shape` with its one `-1` filled in so it holds `numel`
    elements; ShapeError, worded as ATen words it, when no such shape exists.

    Examples:
        >>> infer_size((2, -1), 12)
        (2, 6)
    """
    known = 1
    infer: int | None = None
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise ShapeError("only one dimension can be inferred")
            infer = i
        elif s >= 0:
            known *= s
        else:
            raise ShapeError(
                f"invalid shape dimension {s} at index {i} of shape {list_text(shape)}"
            )
    if numel == known or (infer is not None and known > 0 and numel % known == 0):
        out = list(shape)
        if infer is not None:
            if known == 0:
                raise ShapeError(
                    f"cannot reshape tensor of 0 elements into shape {list_text(shape)} "
                    "because the unspecified dimension size -1 can be any value and is ambiguous"
                )
            out[infer] = numel // known
        return tuple(out)
    raise ShapeError(f"shape '{list_text(shape)}' is invalid for input of size {numel}")
