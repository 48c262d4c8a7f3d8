"""The flatten plan: what `torch.flatten` does to a layout, worked out from metadata alone.

The rule mirrors ATen: `flatten` wraps its dims, returns the input itself when
`start_dim == end_dim`, reshapes a 0-d tensor to `(1,)`, and otherwise calls
`reshape`, which is a view exactly when `at::detail::computeStride`
(aten/src/ATen/TensorUtils.cpp) finds strides for the new shape, and a copy otherwise.
"""

from __future__ import annotations

import itertools
import math
import operator
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flatviz.layout import Layout
from flatviz.notebook import html

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: How many storage offsets `str(plan)` lists before eliding the rest.
READS_SHOWN = 12
#: Columns `str(plan)` wraps its lines at, so a plan reads without scrolling sideways.
TEXT_WIDTH = 88


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Row-major strides for `shape`, counting size-0 dims as 1 as torch does."""
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def compute_stride(
    oldshape: Sequence[int], oldstride: Sequence[int], newshape: Sequence[int]
) -> tuple[int, ...] | None:
    """Strides that let `newshape` view `(oldshape, oldstride)`, or None if none exist.

    A line-by-line port of ATen's `computeStride`: dims are grouped right to left into
    chunks that are contiguous among themselves (a size-1 dim never breaks a chunk), and
    the new shape must split at chunk boundaries.

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
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"{name} must be an int, got {dim!r} of type {type(dim).__name__}")
    d = operator.index(dim)
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


def _fmt(dims: Sequence[int]) -> str:
    """Format a shape or stride as a Python tuple, e.g. `(12,)`."""
    return str(tuple(dims))


@dataclass(frozen=True, repr=False)
class FlattenPlan:
    """What `torch.flatten(x, start_dim, end_dim)` returns, worked out from the layout.

    Attributes:
        layout: The input's layout.
        start_dim: `start_dim`, wrapped to a non-negative dim.
        end_dim: `end_dim`, wrapped to a non-negative dim.
        shape: The result's shape.
        stride: The result's strides when it is a view of the input; None when torch
            must copy.
        blocking: For a copy, the pair of dims that cannot merge; None for a view.
        reason: A sentence with the numbers: why it is a view, or which dims block.
    """

    layout: Layout
    start_dim: int
    end_dim: int
    shape: tuple[int, ...]
    stride: tuple[int, ...] | None
    blocking: tuple[int, int] | None
    reason: str

    @property
    def is_view(self) -> bool:
        """True when the result shares the input's storage (no data is copied)."""
        return self.stride is not None

    @property
    def returns_input(self) -> bool:
        """True when torch hands back the input tensor itself (start_dim == end_dim)."""
        return self.layout.ndim > 0 and self.start_dim == self.end_dim

    @property
    def result(self) -> Layout:
        """The result's own layout: a view keeps the input's storage and offset; a copy
        is a fresh contiguous tensor at offset 0."""
        if self.stride is None:
            return Layout(self.shape, contiguous_strides(self.shape), 0)
        return Layout(self.shape, self.stride, self.layout.offset)

    def offsets(self) -> npt.NDArray[np.int64]:
        """For each result element in row-major order, the input storage index it comes
        from. Flatten never reorders elements, so this is the input's row-major order."""
        return self.layout.offsets()

    def _reads(self) -> str:
        """The first storage offsets read, without materialising all of them."""
        count = min(self.layout.numel, READS_SHOWN)
        shown = " ".join(str(self.layout.offset_of(self.layout.unravel(k))) for k in range(count))
        more = " ..." if self.layout.numel > count else ""
        noun = "element" if self.layout.numel == 1 else "elements"
        return f"{shown}{more} ({self.layout.numel} {noun})".lstrip()

    def __str__(self) -> str:
        verdict = f"view, stride {_fmt(self.stride)}" if self.stride is not None else "copy"
        rows = [
            ("input", str(self.layout)),
            ("result", f"shape {_fmt(self.shape)}, {verdict}"),
            ("reads", self._reads()),
            ("why", self.reason),
        ]
        lines = [f"flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"]
        for label, text in rows:
            head = f"  {label:<7}: "
            if len(head) + len(text) <= TEXT_WIDTH:
                lines.append(head + text)
                continue
            lines += textwrap.wrap(
                text,
                TEXT_WIDTH,
                initial_indent=head,
                subsequent_indent=" " * len(head),
                break_on_hyphens=False,
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        """The text picture, so a plan shows itself readably at a prompt."""
        return str(self)

    def _repr_html_(self) -> str | None:
        """Jupyter shows the plan's diagram (cells labelled by storage address) above its
        text (drawn by `flatviz.display`)."""
        return html(self)


def plan_flatten(layout: Layout, start_dim: object = 0, end_dim: object = -1) -> FlattenPlan:
    """Work out `torch.flatten` on `layout` (see `explain`)."""
    ndim = layout.ndim
    start = wrap_dim("start_dim", start_dim, ndim)
    end = wrap_dim("end_dim", end_dim, ndim)
    if start > end:
        raise ValueError(
            f"start_dim={start_dim} comes after end_dim={end_dim} "
            f"(dims {start} and {end} of a {ndim}-d tensor)"
        )

    def plan(
        shape: Sequence[int],
        stride: tuple[int, ...] | None,
        reason: str,
        blocking: tuple[int, int] | None = None,
    ) -> FlattenPlan:
        return FlattenPlan(layout, start, end, tuple(shape), stride, blocking, reason)

    if ndim == 0:
        return plan((1,), (1,), "a 0-d tensor becomes shape (1,), a view of its one element")
    if start == end:
        return plan(
            layout.shape,
            layout.stride,
            f"start_dim == end_dim == {start}: torch.flatten returns the input tensor itself",
        )

    span = layout.shape[start : end + 1]
    merged = math.prod(span)
    shape = (*layout.shape[:start], merged, *layout.shape[end + 1 :])
    stride = compute_stride(layout.shape, layout.stride, shape)
    dims = (
        f"dims {start}..{end} (sizes {_fmt(span)}, strides {_fmt(layout.stride[start : end + 1])})"
    )

    if layout.numel == 0:
        return plan(
            shape,
            stride,
            f"the tensor has no elements, so {dims} merge as a view with fresh row-major strides",
        )
    pairs = merge_pairs(layout, start, end)
    broken = [(i, j) for i, j in pairs if not merges(layout, i, j)]
    if stride is None:
        i, j = broken[0]
        st, sz = layout.stride, layout.shape
        return plan(
            shape,
            None,
            f"dims {i} and {j} cannot merge: stride[{i}] = {st[i]}, but size[{j}] * "
            f"stride[{j}] = {sz[j]} * {st[j]} = {sz[j] * st[j]}; "
            f"torch.flatten copies the data into a new contiguous tensor",
            (i, j),
        )
    if pairs:
        checks = ", ".join(
            f"stride[{i}] = {layout.stride[i]} = size[{j}] * stride[{j}]" for i, j in pairs
        )
        why = f"{dims} merge without a copy: {checks}"
    else:
        why = f"{dims} merge without a copy: at most one of them has size > 1"
    merged_stride = stride[start]
    return plan(shape, stride, f"{why}; the merged dim has stride {merged_stride}")
