"""Read a numpy array's layout, converting numpy's byte strides to element strides.

Numpy allows negative strides (`a[::-1]`); the storage offset is then counted from the
lowest address of the buffer that owns the data, so every element's index stays >= 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from flatviz.core.cells import ValueReader, format_value
from flatviz.core.layout import Layout


def _owner(a: np.ndarray) -> np.ndarray:
    """The outermost ndarray in the `.base` chain: the one whose buffer `a` points into."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def layout_from_array(a: np.ndarray) -> Layout:
    """The `Layout` of a numpy array, in elements of `a.dtype`."""
    item = a.itemsize
    if item == 0:
        raise ValueError(f"cannot express strides in elements of a zero-size dtype {a.dtype}")
    strides = []
    for d, step in enumerate(a.strides):
        if step % item:
            raise ValueError(
                f"byte stride {step} of dim {d} is not a multiple of the item size {item} "
                f"({a.dtype}), so it has no element stride"
            )
        strides.append(step // item)
    start = np.lib.array_utils.byte_bounds(_owner(a))[0]
    gap = a.__array_interface__["data"][0] - start
    if gap % item:
        raise ValueError(f"array data starts {gap} bytes into its buffer, not a whole element")
    return Layout(a.shape, strides, gap // item)


def value_reader(a: np.ndarray) -> ValueReader:
    """Reads the cell text of just the elements asked for, with torch's formatting."""

    def read(indices: Sequence[tuple[int, ...]]) -> list[str]:
        if a.ndim == 0:
            return [format_value(a.item())] * len(indices)
        picked = a[tuple(np.array(indices, dtype=np.intp).reshape(-1, a.ndim).T)]
        return [format_value(v) for v in picked.tolist()]

    return read
