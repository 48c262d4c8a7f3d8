"""The result panel: the flattened tensor, each cell showing the input element it views
or was copied from."""

from __future__ import annotations

from flatviz.core.text import tuple_text
from flatviz.scene.canvas import Canvas
from flatviz.scene.elements import Elements
from flatviz.scene.grid import axes, draw_grid, grid
from flatviz.scene.primitives import Panel
from flatviz.style import COLUMN


def result_panel(el: Elements, width: float = COLUMN) -> Panel:
    """The result, in the same colours as the input cells it reads."""
    plan = el.plan
    result = plan.result
    c = Canvas("result", width)
    c.write(
        f"result: shape {tuple_text(plan.shape)}, stride {tuple_text(result.stride)}", "heading"
    )
    if plan.returns_input:
        c.write(f"torch.flatten returns {el.name} itself: nothing is merged", "body")
    elif plan.is_view:
        c.write(f"a view: the same storage as {el.name}, storage_offset {result.offset}", "body")
    else:
        what = "address" if el.cell_text == "address" else "value"
        shows = f"each cell shows the {el.name} {what} it was copied from"
        c.write(f"a copy: new storage; {shows}", "body")
    for axis in axes(plan.shape, result.stride, "result"):
        c.write(axis, "note")
    c.gap(6)
    g = grid(plan.shape, "result", el.edge, el.elide, el.cell_w, width)
    draw_grid(c, g, lambda i, x, y: el.cell("result", i, x, y))
    if 0 in plan.shape:
        c.write(f"no elements: shape {tuple_text(plan.shape)}", "body")
    return c.panel()
