"""A strided layout: shape, element strides and storage offset, in pure Python.

This is the model every other part of flatviz reads. It imports neither torch nor
matplotlib, so the flatten rule can be reasoned about (and tested) on its own.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flatviz.optional import require

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def _ints(name: str, values: Iterable[object]) -> tuple[int, ...]:
    """Turn `values` into a tuple of ints, refusing bools, floats and strings."""
    out = []
    for v in values:
        if isinstance(v, bool) or not hasattr(v, "__index__"):
            raise TypeError(f"{name} must hold integers, got {v!r} of type {type(v).__name__}")
        out.append(operator.index(v))
    return tuple(out)


def ravel(index: Sequence[int], shape: Sequence[int]) -> int:
    """The row-major position of `index` in a tensor of `shape`."""
    flat = 0
    for i, size in zip(index, shape, strict=True):
        flat = flat * size + i
    return flat


def unravel(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    """The multi-index of the `flat`-th element of a tensor of `shape`, in row-major order."""
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return tuple(reversed(index))


@dataclass(frozen=True, init=False)
class Layout:
    """Where each element of a strided tensor lives in its storage.

    Element `(i0, i1, ...)` is read from storage index
    `offset + i0 * stride[0] + i1 * stride[1] + ...`; strides count elements, not bytes.

    Attributes:
        shape: Size of each dim.
        stride: Step in storage elements for each dim.
        offset: Storage index of element `(0, 0, ...)`.

    Examples:
        >>> Layout((2, 3), (3, 1)).offset_of((1, 2))
        5
    """

    shape: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int = 0

    def __init__(self, shape: Sequence[int], stride: Sequence[int], offset: int = 0) -> None:
        shape_t = _ints("shape", shape)
        stride_t = _ints("stride", stride)
        (offset_i,) = _ints("offset", (offset,))
        if len(shape_t) != len(stride_t):
            raise ValueError(
                f"shape {shape_t} has {len(shape_t)} dims but stride {stride_t} has {len(stride_t)}"
            )
        if any(s < 0 for s in shape_t):
            raise ValueError(f"shape {shape_t} has a negative size")
        if offset_i < 0:
            raise ValueError(f"offset must be >= 0, got {offset_i}")
        object.__setattr__(self, "shape", shape_t)
        object.__setattr__(self, "stride", stride_t)
        object.__setattr__(self, "offset", offset_i)

    @property
    def ndim(self) -> int:
        """Number of dims."""
        return len(self.shape)

    @property
    def numel(self) -> int:
        """Number of elements (the product of the shape; 1 for 0-d)."""
        return math.prod(self.shape)

    def offset_of(self, index: Sequence[int]) -> int:
        """Storage index of the element at `index` (one int per dim)."""
        if len(index) != self.ndim:
            raise IndexError(f"index {tuple(index)} has {len(index)} entries for {self.ndim} dims")
        for i, size in zip(index, self.shape, strict=True):
            if not 0 <= i < size:
                raise IndexError(f"index {tuple(index)} is out of range for shape {self.shape}")
        return self.offset + sum(i * s for i, s in zip(index, self.stride, strict=True))

    def unravel(self, flat: int) -> tuple[int, ...]:
        """The multi-index of the `flat`-th element in row-major order."""
        if not 0 <= flat < self.numel:
            raise IndexError(f"flat index {flat} is out of range for {self.numel} elements")
        return unravel(flat, self.shape)

    def offsets(self) -> npt.NDArray[np.int64]:
        """Storage index of every element in row-major order, as a 1-d int64 numpy array.

        Built by broadcasting one `arange * stride` per dim, so it costs numpy time per
        element, not Python time. Needs numpy (an ImportError says so without it).
        """
        require("numpy", "Layout.offsets()")
        import numpy as np

        total = np.array(self.offset, dtype=np.int64)
        for size, stride in zip(self.shape, self.stride, strict=True):
            total = np.add.outer(total, np.arange(size, dtype=np.int64) * stride)
        return total.reshape(-1)

    def __str__(self) -> str:
        return f"shape {self.shape}, stride {self.stride}, offset {self.offset}"
