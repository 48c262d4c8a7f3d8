"""Arguments as torch's Python binding parses them, refused with torch's words.

An `int` argument is an int64 (not a bool, not a float), an `int[]` a tuple or list of
them (or, first in a call, several ints), a dim is wrapped as `maybe_wrap_dim` wraps it,
and a slice is unpacked as CPython's `PySlice_Unpack` unpacks it for torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from flatviz.core.rule import wrap_dim

#: Largest int64: torch stores sizes, strides, offsets and byte counts in int64.
INT64_MAX = 2**63 - 1

#: The memory formats `contiguous` takes, by the name torch gives them.
MEMORY_FORMATS = ("contiguous_format", "channels_last", "channels_last_3d")


class MemoryFormat(NamedTuple):
    """One of torch's memory formats, named as in `torch.channels_last`."""

    name: str

    def __repr__(self) -> str:
        return f"torch.{self.name}"


def type_name(value: object) -> str:
    """The type of `value` as torch names it in an argument error."""
    if isinstance(value, MemoryFormat):
        return "torch.memory_format"
    return "NoneType" if value is None else type(value).__name__


def int_arg(op: str, name: str, value: object) -> int:
    """An int64 argument, refused as torch's argument parser refuses anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type_name(value)}")
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    return value


def int_list(op: str, name: str, value: object) -> tuple[int, ...]:
    """A list of int64s (a tuple or list), as torch's `int[]` arguments take."""
    if not isinstance(value, tuple | list):
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type_name(value)}")
    out = []
    for pos, v in enumerate(value, 1):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(
                f"{op}(): argument '{name}' must be tuple of ints, but found element of "
                f"type {type_name(v)}"
            )
        if not -INT64_MAX - 1 <= v <= INT64_MAX:
            raise TypeError(
                f"{op}(): argument '{name}' failed to unpack the object at pos {pos} with error "
                f'"Overflow when unpacking long long"'
            )
        out.append(v)
    return tuple(out)


def varargs(op: str, name: str, values: tuple[object, ...]) -> tuple[int, ...]:
    """torch's `int[]` first argument: either several ints or one tuple or list."""
    if len(values) == 1 and isinstance(values[0], tuple | list):
        return int_list(op, name, values[0])
    return int_list(op, name, values)


def dim_arg(dim: object, ndim: int, op: str = "dim") -> int:
    """A dim wrapped as `maybe_wrap_dim` does (a 0-d tensor takes -1 and 0)."""
    d = int_arg(op, "dim", dim)
    try:
        return wrap_dim(op, d, ndim)
    except IndexError:
        span = max(ndim, 1)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], "
            f"but got {d})"
        ) from None


def check_numel(shape: Sequence[int]) -> None:
    """torch refuses a shape whose element count does not fit in int64."""
    if any(s < 0 for s in shape) or math.prod(shape) > INT64_MAX:
        raise RuntimeError("numel: integer multiplication overflow")


def slice_bounds(item: slice) -> tuple[int, int, int]:
    """A slice's start, stop and step as CPython's `PySlice_Unpack` gives them to torch
    (clamped to the platform's ssize_t), then refused unless the step is positive."""
    ssize_max = 2**63 - 1
    parts = []
    for part in (item.start, item.stop, item.step):
        if part is not None and (isinstance(part, bool) or not isinstance(part, int)):
            raise TypeError("slice indices must be integers or None or have an __index__ method")
        parts.append(part)
    start, stop, step = parts
    step = 1 if step is None else max(min(step, ssize_max), -ssize_max)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    start = (0 if step > 0 else ssize_max) if start is None else start
    stop = (ssize_max if step > 0 else -ssize_max - 1) if stop is None else stop
    start = max(min(start, ssize_max), -ssize_max - 1)
    stop = max(min(stop, ssize_max), -ssize_max - 1)
    if step <= 0:
        raise ValueError("step must be greater than zero")
    return start, stop, step
