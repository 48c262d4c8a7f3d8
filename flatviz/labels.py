"""Cell labels: how a value is written in a cell, and the type of a value reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: Reads the labels of the given elements (multi-indices into the array).
Labeler = Callable[[Sequence[tuple[int, ...]]], Sequence[str]]


def format_value(v: object) -> str:
    """A short cell label for one element: ints whole, floats to 3 significant digits."""
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, complex):
        return f"{v.real:.2g}{v.imag:+.2g}j"
    return str(v)
