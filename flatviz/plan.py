"""The flatten plan: what `torch.flatten` does to a layout, worked out from metadata alone.

The rule mirrors ATen: `flatten` wraps its dims, returns the input itself when
`start_dim == end_dim`, reshapes a 0-d tensor to `(1,)`, and otherwise calls
`reshape`, which is a view exactly when `at::detail::computeStride`
(aten/src/ATen/TensorUtils.cpp) finds strides for the new shape, and a copy otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from flatviz.core.layout import Layout, contiguous_strides, read_order
from flatviz.core.rule import (
    blocking_pair,
    blocking_sentence,
    compute_stride,
    merge_pairs,
    merges,
    wrap_dim,
)
from flatviz.core.text import TEXT_WIDTH, tuple_text, wrap
from flatviz.notebook import html
from flatviz.optional import require

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# The rule's names stay importable from here for the modules that still read them from
# the plan (scene.py, diagnosis/): their home is flatviz.core.
__all__ = [
    "TEXT_WIDTH",
    "FlattenPlan",
    "compute_stride",
    "contiguous_strides",
    "merge_pairs",
    "merges",
    "plan_flatten",
]

#: How many storage offsets `str(plan)` lists before eliding the rest.
READS_SHOWN = 12


class FlattenPlan(NamedTuple):
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
        from. Flatten never reorders elements, so this is the input's row-major order.

        A 1-d int64 numpy array, built by broadcasting one `arange * stride` per dim, so
        it costs numpy time per element, not Python time. Needs numpy (an ImportError
        says so without it).
        """
        require("numpy", "FlattenPlan.offsets()")
        import numpy as np

        total = np.array(self.layout.offset, dtype=np.int64)
        for size, stride in zip(self.layout.shape, self.layout.stride, strict=True):
            total = np.add.outer(total, np.arange(size, dtype=np.int64) * stride)
        return total.reshape(-1)

    def _reads(self) -> str:
        """The first storage offsets read, without materialising all of them."""
        reads = read_order(self.layout, READS_SHOWN)
        shown = " ".join(map(str, reads))
        more = " ..." if self.layout.numel > len(reads) else ""
        noun = "element" if self.layout.numel == 1 else "elements"
        return f"{shown}{more} ({self.layout.numel} {noun})".lstrip()

    def __str__(self) -> str:
        verdict = f"view, stride {tuple_text(self.stride)}" if self.stride is not None else "copy"
        rows = [
            ("input", str(self.layout)),
            ("result", f"shape {tuple_text(self.shape)}, {verdict}"),
            ("reads", self._reads()),
            ("why", self.reason),
        ]
        lines = [f"flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"]
        for label, text in rows:
            head = f"  {label:<7}: "
            lines += wrap(text, TEXT_WIDTH, head, " " * len(head))
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
    shape = (*layout.shape[:start], math.prod(span), *layout.shape[end + 1 :])
    stride = compute_stride(layout.shape, layout.stride, shape)
    blocking = blocking_pair(layout, start, end) if layout.numel else None
    # compute_stride and the pair test agree on a flatten (flatviz/core/rule.py says why).
    assert (stride is None) == (blocking is not None), (layout, start, end)
    return plan(shape, stride, _reason(layout, start, end, stride, blocking), blocking)


def _reason(
    layout: Layout,
    start: int,
    end: int,
    stride: tuple[int, ...] | None,
    blocking: tuple[int, int] | None,
) -> str:
    """Why flattening dims `start..end` (at least two) is a view or a copy, with numbers."""
    strides = layout.stride[start : end + 1]
    sizes = layout.shape[start : end + 1]
    dims = f"dims {start}..{end} (sizes {tuple_text(sizes)}, strides {tuple_text(strides)})"
    if layout.numel == 0:
        return f"the tensor has no elements, so {dims} merge as a view with fresh row-major strides"
    if blocking is not None:
        return (
            f"{blocking_sentence(layout, *blocking)}; "
            f"torch.flatten copies the data into a new contiguous tensor"
        )
    assert stride is not None
    pairs = merge_pairs(layout, start, end)
    checks = ", ".join(
        f"stride[{i}] = {layout.stride[i]} = size[{j}] * stride[{j}]" for i, j in pairs
    )
    why = checks or "at most one of them has size > 1"
    return f"{dims} merge without a copy: {why}; the merged dim has stride {stride[start]}"
