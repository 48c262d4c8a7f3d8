"""Build the scene: the elements once, each panel once, and a placement per width."""

from __future__ import annotations

from flatviz.core.cells import ValueReader
from flatviz.core.text import tuple_text
from flatviz.plan import FlattenPlan
from flatviz.scene.chart import chart_panel
from flatviz.scene.elements import Elements, elements
from flatviz.scene.input import input_panel, legend_panel
from flatviz.scene.layout import place
from flatviz.scene.primitives import Panel, Placement, Scene
from flatviz.scene.result import result_panel
from flatviz.scene.rule import call, rule_panel, title_panel
from flatviz.scene.storage import Slot, one_row, storage_panel, strip
from flatviz.style import COLUMN, GAP, MARGIN, NARROW, WIDE

#: The narrowest target width, in px.
MIN_WIDTH = 240.0
#: The panels in reading order: the order painters draw them and keys move through them.
ORDER = (
    "title",
    "title-row",
    "rule",
    "input",
    "legend",
    "storage",
    "storage-row",
    "chart",
    "result",
)


def build_scene(
    plan: FlattenPlan,
    values: ValueReader | None = None,
    *,
    name: str = "x",
    cell_text: str = "address",
    edge_items: int = 2,
    storage_size: int | None = None,
    width: float | None = None,
) -> Scene:
    """Lay out the diagram of `plan`.

    Args:
        plan: What flatten does (from `explain`).
        values: Reads the values of given elements; None when there are none (meta).
        name: What the input is called in every title and label.
        cell_text: What cells show: "address" (storage address) or "values".
        edge_items: Cells kept at each end of a dim when a tensor is elided.
        storage_size: The storage's size in elements, when known (marks unread storage).
        width: The page width to lay out for, in px; None lays it out twice, for a
            desktop's content column (688 px) and a phone's (358 px).
    """
    if width is not None and not width >= MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH:g} px, got {width!r}")
    el = elements(
        plan,
        values,
        name=name,
        cell_text=cell_text,
        edge_items=edge_items,
        storage_size=storage_size,
    )
    column = min(COLUMN, (width or WIDE) - 2 * MARGIN)
    slots = strip(el) if el.layout.numel else []
    builders = (
        title_panel, rule_panel, input_panel, legend_panel,
        *([chart_panel] if slots else []), result_panel,
    )  # fmt: skip
    shared = {p.name: p for p in (build(el, column) for build in builders)}
    panels = dict(shared)
    placements: list[Placement] = []
    for target in (WIDE, NARROW) if width is None else (width,):
        chosen = dict(shared)
        for own in _rows(el, slots, target, column):
            key = "storage" if own.name.startswith("storage") else own.name
            chosen[key] = panels.setdefault(own.name, own)
        placement = place(chosen, target, column)
        if placement not in placements:
            placements.append(placement)
    verdict = "a view" if plan.is_view else "a copy"
    title = f"{call(el)}: {verdict}, result shape {tuple_text(plan.shape)}"
    used = {name for placement in placements for name, _, _ in placement.spots}
    order = sorted((panels[n] for n in used), key=lambda p: ORDER.index(p.name))
    return Scene(tuple(order), tuple(placements), title, str(plan), plan)


def _rows(el: Elements, slots: list[Slot], target: float, column: float) -> list[Panel]:
    """The panels that may take a row of their own, for a page `target` px wide: where
    two columns fit, the title may span the row, and the storage strip stays in one row
    with its middle elided; else the strip keeps to a column, broken into rows."""
    room = target - 2 * MARGIN
    store = [storage_panel(el, slots, column, "storage")] if slots else []
    if room < 2 * column + GAP:
        return store
    title = title_panel(el, room, "title-row")
    if slots:
        row = one_row(slots, room)
        if sum(s.width for s in row) > column:
            store = [storage_panel(el, row, room, "storage-row")]
    return [title, *store]
