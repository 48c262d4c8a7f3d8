"""The layout step: panels placed for a target width. Rows of columns of stacked panels,
left to right; a row whose columns do not fit side by side is stacked instead, so the
same panels make two columns on a desktop and one on a phone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flatviz.scene.primitives import Panel, Placement
from flatviz.style import GAP, MARGIN

#: The picture, as rows of columns of panels: the rule beside the input, the storage in
#: one row, the chart beside the result. Missing panels (an empty tensor has no storage)
#: are left out.
ROWS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("title",),),
    (("rule",), ("input",)),
    (("storage",),),
    (("chart",), ("result",)),
)


def _columns(row: Sequence[Sequence[str]], panels: Mapping[str, Panel]) -> list[list[Panel]]:
    """The panels of one row, as columns; empty columns left out."""
    columns = [[panels[name] for name in names if name in panels] for names in row]
    return [stack for stack in columns if stack]


def _rows(panels: Mapping[str, Panel], room: float, least: float) -> list[list[list[Panel]]]:
    """ROWS with its panels, a row whose columns (each at least `least` px wide) do not
    fit in `room` px stacked as one row per column."""
    rows: list[list[list[Panel]]] = []
    for row in ROWS:
        columns = _columns(row, panels)
        needed = sum(max(least, *(p.width for p in c)) for c in columns) + GAP * (len(columns) - 1)
        if len(columns) < 2 or needed <= room:
            rows.append(columns)
        else:
            rows.extend([stack] for stack in columns)
    return rows


def place(panels: Mapping[str, Panel], width: float, column: float) -> Placement:
    """Where each of `panels` goes in a picture at most `width` px wide (when they fit);
    side by side, columns are at least `column` px wide, so they line up from row to row."""
    spots: list[tuple[str, float, float]] = []
    y = right = MARGIN
    for columns in _rows(panels, width - 2 * MARGIN, column):
        x = MARGIN
        bottom = y
        for stack in columns:
            top = y
            for panel in stack:
                spots.append((panel.name, x, top))
                top += panel.height + GAP
            bottom = max(bottom, top - GAP)
            least = column if len(columns) > 1 else 0.0
            x += max(least, *(p.width for p in stack)) + GAP
        right = max(right, x - GAP)
        y = bottom + GAP
    return Placement(right + MARGIN, y - GAP + MARGIN, tuple(spots))
