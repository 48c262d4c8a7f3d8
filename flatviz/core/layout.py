"""A strided layout: shape, element strides and storage offset, and element addresses.

This is the model every other part of flatviz reads. Element `(i0, i1, ...)` lives at
address `offset + i0 * stride[0] + i1 * stride[1] + ...` of its storage.

The core's records are NamedTuples rather than dataclasses: `dataclasses` imports
`inspect`, which would cost a text answer a tenth of its time.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from typing import NamedTuple

Index = tuple[int, ...]


def as_int(value: object, what: str) -> int:
    """`value` as an int, refusing bools, floats and strings with `what` (e.g. "start_dim
    must be an int") followed by what it got."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{what}, got {value!r} of type {type(value).__name__}")
    return operator.index(value)


def _ints(name: str, values: Iterable[object]) -> tuple[int, ...]:
    return tuple(as_int(v, f"{name} must hold integers") for v in values)


def ravel(index: Sequence[int], shape: Sequence[int]) -> int:
    """The row-major position of `index` in a tensor of `shape`."""
    flat = 0
    for i, size in zip(index, shape, strict=True):
        flat = flat * size + i
    return flat


def unravel(flat: int, shape: Sequence[int]) -> Index:
    """The multi-index of the `flat`-th element of a tensor of `shape`, in row-major order."""
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return tuple(reversed(index))


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Row-major strides for `shape`, counting size-0 dims as 1 as torch does."""
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


class _LayoutFields(NamedTuple):
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int


class Layout(_LayoutFields):
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

    __slots__ = ()

    def __new__(cls, shape: Sequence[int], stride: Sequence[int], offset: int = 0) -> Layout:
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
        return super().__new__(cls, shape_t, stride_t, offset_i)

    @property
    def ndim(self) -> int:
        """Number of dims."""
        return len(self.shape)

    @property
    def numel(self) -> int:
        """Number of elements (the product of the shape; 1 for 0-d)."""
        return math.prod(self.shape)

    def offset_of(self, index: Sequence[int]) -> int:
        """Storage index of the element at `index` (one int per dim), checked."""
        if len(index) != self.ndim:
            raise IndexError(f"index {tuple(index)} has {len(index)} entries for {self.ndim} dims")
        for i, size in zip(index, self.shape, strict=True):
            if not 0 <= i < size:
                raise IndexError(f"index {tuple(index)} is out of range for shape {self.shape}")
        return address(self, index)

    def unravel(self, flat: int) -> Index:
        """The multi-index of the `flat`-th element in row-major order."""
        if not 0 <= flat < self.numel:
            raise IndexError(f"flat index {flat} is out of range for {self.numel} elements")
        return unravel(flat, self.shape)

    def __str__(self) -> str:
        return f"shape {self.shape}, stride {self.stride}, offset {self.offset}"


def address(layout: Layout, index: Sequence[int]) -> int:
    """Storage address of an in-range `index`, unchecked (`Layout.offset_of` checks), for
    code that reads many addresses of indices it made itself.

    Examples:
        >>> address(Layout((2, 3), (1, 2), 4), (1, 2))
        9
    """
    total: int = layout.offset + sum(map(operator.mul, index, layout.stride))
    return total


def read_order(layout: Layout, count: int) -> list[int]:
    """The addresses of the first `count` elements in row-major order (flatten's reads)."""
    return [address(layout, unravel(k, layout.shape)) for k in range(min(count, layout.numel))]
