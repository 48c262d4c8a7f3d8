"""The input panel: the tensor's shape and strides, the way each dim runs, and its
elements as a grid of cells."""

from __future__ import annotations

from flatviz.core.text import tuple_text
from flatviz.scene.canvas import Canvas
from flatviz.scene.elements import Elements
from flatviz.scene.grid import axes, draw_grid, grid
from flatviz.scene.numbers import compact
from flatviz.scene.primitives import Panel
from flatviz.style import COLUMN


def input_panel(el: Elements, width: float = COLUMN) -> Panel:
    """The input tensor, each cell coloured by when flatten reads it."""
    layout = el.layout
    c = Canvas("input", width)
    c.write(
        f"{el.name}: shape {tuple_text(layout.shape)}, stride {tuple_text(layout.stride)}",
        "heading",
    )
    c.write(f"storage_offset {layout.offset}", "note")
    for axis in axes(layout.shape, layout.stride, el.name):
        c.write(axis, "note")
    c.gap(6)
    g = grid(layout.shape, el.name, el.edge, el.elide, el.cell_w, width)
    draw_grid(c, g, lambda i, x, y: el.cell("input", i, x, y))
    if 0 in layout.shape:
        c.write(f"no elements: shape {tuple_text(layout.shape)} has a size-0 dim", "body")
    return c.panel()


def legend_panel(el: Elements, width: float = COLUMN) -> Panel:
    """What the cells show and what their colour means, for every panel."""
    c = Canvas("legend", width)
    what = "storage addresses" if el.cell_text == "address" else "values"
    c.write(f"cells show {what}; colour follows the read order, dark = first", "note")
    rounded = [a for a in el.addresses.values() if compact(a).startswith("\u2248")]
    if el.cell_text == "address" and rounded:
        c.write("\u2248: rounded; hover a cell for its exact address", "note")
    return c.panel()
