"""The layout step: panels placed for a target width. Rows of columns of stacked panels,
left to right; a row whose columns do not fit side by side is stacked instead, so the
same panels make two columns on a desktop and one on a phone. Of the arrangements that
fit, the shortest wins, and the legend goes where a column has room to spare."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flatviz.scene.primitives import Panel, Placement
from flatviz.style import GAP, MARGIN

Rows = tuple[tuple[tuple[str, ...], ...], ...]

#: The arrangements, as rows of columns of panel names: the title across the top or
#: above the rule, the rule beside the input, the storage in a row of its own, the chart
#: beside the result. Missing panels (an empty tensor has no storage) are left out.
ARRANGEMENTS: tuple[Rows, ...] = (
    (
        (("title-row",),),
        (("rule",), ("input",)),
        (("storage",),),
        (("chart",), ("result",)),
    ),
    (
        (("title", "rule"), ("input",)),
        (("storage",),),
        (("chart",), ("result",)),
    ),
)
#: Placed in the first column with room for it, else under the input.
LEGEND = "legend"


def _rows(
    rows: Rows, panels: Mapping[str, Panel], room: float, least: float
) -> list[list[list[Panel]]]:
    """`rows` with its panels; a row whose columns (each at least `least` px wide) do not
    fit in `room` px becomes one row per column."""
    out: list[list[list[Panel]]] = []
    for row in rows:
        columns = [[panels[n] for n in names if n in panels] for names in row]
        columns = [stack for stack in columns if stack]
        if not columns:
            continue
        needed = sum(max(least, *(p.width for p in c)) for c in columns) + GAP * (len(columns) - 1)
        if len(columns) < 2 or needed <= room:
            out.append(columns)
        else:
            out.extend([stack] for stack in columns)
    return out


def _stack_h(stack: Sequence[Panel]) -> float:
    return sum(p.height for p in stack) + GAP * (len(stack) - 1)


def _add_legend(rows: list[list[list[Panel]]], legend: Panel) -> None:
    """Put `legend` at the foot of the first column whose row leaves it room, else of the
    column holding the input."""
    for columns in rows:
        tallest = max(_stack_h(stack) for stack in columns)
        for stack in columns:
            if len(columns) > 1 and _stack_h(stack) + GAP + legend.height <= tallest:
                stack.append(legend)
                return
    for columns in rows:
        for stack in columns:
            if any(p.name == "input" for p in stack):
                stack.append(legend)
                return


def _spots(rows: list[list[list[Panel]]], column: float) -> Placement:
    """The placement of `rows`: columns side by side at least `column` px wide, so they
    line up from row to row."""
    spots: list[tuple[str, float, float]] = []
    y = right = MARGIN
    for columns in rows:
        x = MARGIN
        for stack in columns:
            top = y
            for panel in stack:
                spots.append((panel.name, x, top))
                top += panel.height + GAP
            least = column if len(columns) > 1 else 0.0
            x += max(least, *(p.width for p in stack)) + GAP
        right = max(right, x - GAP)
        y += max(_stack_h(stack) for stack in columns) + GAP
    return Placement(right + MARGIN, y - GAP + MARGIN, tuple(spots))


def place(panels: Mapping[str, Panel], width: float, column: float) -> Placement:
    """The shortest placement of `panels` in a picture at most `width` px wide (when
    they fit), in columns at least `column` px wide."""
    best: Placement | None = None
    for arrangement in ARRANGEMENTS:
        if not any(name in panels for name in arrangement[0][0]):
            continue  # no title of this arrangement's kind
        rows = _rows(arrangement, panels, width - 2 * MARGIN, column)
        if LEGEND in panels:
            _add_legend(rows, panels[LEGEND])
        placement = _spots(rows, column)
        if best is None or placement.height < best.height:
            best = placement
    assert best is not None
    return best
