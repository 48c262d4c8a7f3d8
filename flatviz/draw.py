"""Paint a `Scene` with matplotlib, without pyplot's global state."""

from __future__ import annotations

import io
from typing import Any

from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from flatviz.external import source_of
from flatviz.palette import Theme, fill, ink_on, theme
from flatviz.plan import plan_flatten
from flatviz.scene import Cell, Scene, build_scene

#: Inches per cell.
UNIT = 0.34
#: Blank border around the picture, in cells.
MARGIN = 0.6

_TEXT_STYLE: dict[str, dict[str, Any]] = {
    "title": {"fontsize": 12, "fontweight": "bold"},
    "reason": {"fontsize": 8.5},
    "heading": {"fontsize": 9.5, "fontweight": "bold"},
    "block": {"fontsize": 8},
    "ellipsis": {"fontsize": 11, "ha": "center"},
}


class FlattenFigure(Figure):
    """A matplotlib Figure that also shows itself inline in Jupyter and IPython."""

    scene: Scene

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=144, metadata={"Software": None})
        return buffer.getvalue()


def _paint_cells(ax: Any, cells: list[Cell], colours: list[str], **style: Any) -> None:
    """All boxes of one look as one collection: one artist, not one per cell."""
    if not cells:
        return
    boxes = [Rectangle((c.x, c.y), c.w, c.h) for c in cells]
    ax.add_collection(PatchCollection(boxes, facecolors=colours, **style))


def render(scene: Scene, theme_name: str = "light") -> FlattenFigure:
    """Paint `scene` on a new `FlattenFigure` in the named theme."""
    th: Theme = theme(theme_name)
    width, height = scene.width + 2 * MARGIN, scene.height + 2 * MARGIN
    fig = FlattenFigure(figsize=(width * UNIT, height * UNIT), facecolor=th.background)
    fig.scene = scene
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(-MARGIN, scene.width + MARGIN)
    ax.set_ylim(scene.height + MARGIN, -MARGIN)

    elements = [c for c in scene.cells if c.kind == "element"]
    fills = [fill(scene.shade(c.key)) for c in elements if c.key is not None]
    _paint_cells(ax, elements, fills, edgecolors=th.background, linewidths=1.0)
    gaps = [c for c in scene.cells if c.kind == "gap"]
    _paint_cells(
        ax, gaps, [th.gap] * len(gaps), edgecolors=th.edge, linewidths=0.6, linestyles="--"
    )
    prefix = [c for c in scene.cells if c.kind == "prefix"]
    _paint_cells(ax, prefix, [th.gap] * len(prefix), edgecolors=th.edge, linewidths=0.6)

    for cell, colour in zip(elements, fills, strict=True):
        ink = ink_on(colour)
        cx, cy = cell.x + cell.w / 2, cell.y + cell.h / 2
        ax.text(cx, cy + 0.05, cell.label, ha="center", va="center", color=ink, fontsize=7.5)
        if cell.note:
            ax.text(
                cell.x + cell.w - 0.07,
                cell.y + 0.07,
                cell.note,
                ha="right",
                va="top",
                color=ink,
                fontsize=4.5,
            )
    for cell in scene.cells:
        if cell.kind in ("gap", "prefix", "skip", "ellipsis"):
            ax.text(
                cell.x + cell.w / 2,
                cell.y + cell.h / 2,
                cell.label,
                ha="center",
                va="center",
                color=th.muted if cell.kind != "prefix" else th.text,
                fontsize=7.5 if cell.kind == "ellipsis" else 6,
            )
        if cell.kind == "prefix":
            ax.text(
                cell.x + cell.w / 2,
                cell.y - 0.15,
                "storage_offset",
                ha="center",
                va="bottom",
                color=th.muted,
                fontsize=5.5,
            )

    if scene.hops:
        vertices: list[tuple[float, float]] = []
        codes: list[Any] = []
        for hop in scene.hops:
            lift = min(2.0, 0.35 + 0.12 * abs(hop.x1 - hop.x0))
            vertices += [
                (hop.x0, hop.y),
                ((hop.x0 + hop.x1) / 2, hop.y - 2 * lift),
                (hop.x1, hop.y),
            ]
            codes += [Path.MOVETO, Path.CURVE3, Path.CURVE3]
        ax.add_patch(PathPatch(Path(vertices, codes), fill=False, edgecolor=th.path, linewidth=1.0))
        ax.plot(
            [h.x1 for h in scene.hops],
            [h.y - 0.08 for h in scene.hops],
            linestyle="none",
            marker="v",
            markersize=3,
            color=th.path,
        )

    for t in scene.texts:
        style: dict[str, Any] = {"ha": "left", "va": "center", **_TEXT_STYLE[t.role]}
        colour = th.muted if t.role in ("reason", "block", "ellipsis") else th.text
        ax.text(t.x, t.y, t.text, color=colour, **style)
    return fig


def draw(
    x: object,
    start_dim: int = 0,
    end_dim: int = -1,
    *,
    theme: str = "light",
    edge_items: int = 2,
    name: str = "x",
) -> FlattenFigure:
    """Draw `torch.flatten(x, start_dim, end_dim)`: the input, its storage in address
    order with the path flatten reads, and the result with the view-or-copy verdict.

    Cells are coloured by storage address and labelled with their values (their row-major
    index on `meta`).

    Args:
        x: A torch tensor, a numpy array or a `Layout`, as for `explain`.
        start_dim: The first dim to flatten.
        end_dim: The last dim to flatten.
        theme: `"light"` or `"dark"`, to match the page or notebook it goes on.
        edge_items: Cells kept at each end of a dim when a tensor of more than 64
            elements is elided, so drawing costs the same for any size.
        name: What the input is called in the titles.

    Returns:
        A matplotlib Figure made without pyplot, shown inline in Jupyter; write it with
        `flatviz.save`.
    """
    source = source_of(x)
    plan = plan_flatten(source.layout, start_dim, end_dim)
    scene = build_scene(
        plan, source.labels, edge_items=edge_items, storage_size=source.storage_size, name=name
    )
    return render(scene, theme)
