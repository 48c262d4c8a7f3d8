"""Reading the target shape of a view or reshape, as torch resolves it."""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch

from flatviz.core.rule import ShapeError, infer_size
from flatviz.diagnosis.trace import Call


def shape_args(call: Call) -> tuple[int, ...] | None:
    """The target shape of a view/reshape call, however it was passed."""
    rest = list(call.args[1:]) or list(call.kwargs.values())
    if len(rest) == 1 and isinstance(rest[0], (tuple, list, torch.Size)):
        rest = list(rest[0])
    if not rest or not all(isinstance(r, int) for r in rest):
        return None
    return tuple(rest)


def resolve(shape: tuple[int, ...], numel: int) -> tuple[int, ...] | None:
    """`shape` with its -1 inferred from `numel` as torch's view does (the core's
    `infer_size`); None when torch could not resolve it."""
    try:
        return infer_size(shape, numel)
    except ShapeError:
        return None


def leading_merge(old: tuple[int, ...], new: tuple[int, ...]) -> int | None:
    """The last dim k when `new` is `old` with dims 0..k merged into one, else None."""
    for k in range(1, len(old)):
        if new == (math.prod(old[: k + 1]), *old[k + 1 :]):
            return k
    return None


def merged_groups(old: tuple[int, ...], new: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    """Ranges of old dims that a view to `new` merges (each as `(start, end)`)."""
    i = j = 0
    while i < len(old) and j < len(new):
        start, a, b = i, old[i], new[j]
        i, j = i + 1, j + 1
        while a != b:
            if a < b and i < len(old):
                a, i = a * old[i], i + 1
            elif j < len(new):
                b, j = b * new[j], j + 1
            else:
                return
        if i - 1 > start:
            yield start, i - 1
