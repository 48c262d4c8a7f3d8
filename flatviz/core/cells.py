"""What a cell of the diagram shows: the mode (`cell_text`) and how a value is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: What cells can show: each element's storage address, or its value.
CELL_TEXT = ("address", "values")

#: Reads the values of the given elements (multi-indices into the array), as cell text.
ValueReader = Callable[[Sequence[tuple[int, ...]]], Sequence[str]]


def check_cell_text(cell_text: str, values: ValueReader | None) -> None:
    """Refuse a mode that is not in `CELL_TEXT`, or `values` for an array without any."""
    if cell_text not in CELL_TEXT:
        raise ValueError(f"cell_text must be one of {CELL_TEXT}, got {cell_text!r}")
    if cell_text == "values" and values is None:
        raise ValueError("cell_text='values' needs an array with values; this one has none (meta)")


def format_value(v: object) -> str:
    """A short cell text for one value: ints whole, floats to 3 significant digits."""
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, complex):
        return f"{v.real:.2g}{v.imag:+.2g}j"
    return str(v)
