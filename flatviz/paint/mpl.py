"""Paint a `Scene` with matplotlib, without pyplot's global state, for PNG, PDF and Jupyter.

One scene px is one point on a figure of the scene's size, so the proportions and text
sizes match the SVG painter's.
"""

from __future__ import annotations

from typing import Any

from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from flatviz.paint.svg import DOT_R
from flatviz.paint.svg import paint as paint_svg
from flatviz.palette import Theme, theme
from flatviz.scene import Box, Scene
from flatviz.style import BOX_ROLES, LINE_ROLES, MPL_FONT, TEXT_ROLES

#: Points per inch: a scene px is drawn as one point.
PT = 72.0
_ANCHOR = {"start": "left", "middle": "center", "end": "right"}


class FlattenFigure(Figure):
    """A matplotlib Figure that Jupyter and IPython show inline as the theme-following SVG
    (HTML holding the inline picture, as `flatviz.svg` shows), in that one format only."""

    scene: Scene

    def _repr_html_(self) -> str:
        return paint_svg(self.scene)

    def _ipython_display_(self) -> None:
        """Publish the HTML and the one-line text only: `%matplotlib inline` registers a
        PNG formatter for every Figure, which would store a second, larger copy."""
        from IPython.display import display

        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        display(bundle, raw=True)  # type: ignore[no-untyped-call]


def _boxes(ax: Any, boxes: list[Box], th: Theme) -> None:
    """All boxes as collections, one per look: one artist each, not one per cell."""
    cells = [b for b in boxes if b.role == "cell" and b.shade is not None]
    if cells:
        ax.add_collection(
            PatchCollection(
                [Rectangle((b.x, b.y), b.w, b.h) for b in cells],
                facecolors=[th.shades[b.shade] for b in cells if b.shade is not None],
                edgecolors=th.roles["background"],
                linewidths=1.5 * 72 / PT,
            )
        )
    for dashed in (False, True):
        plain = [b for b in boxes if b.role != "cell" and b.dashed is dashed]
        if plain:
            ax.add_collection(
                PatchCollection(
                    [Rectangle((b.x, b.y), b.w, b.h) for b in plain],
                    facecolors=[th.roles[BOX_ROLES[b.role][0]] for b in plain],
                    edgecolors=[th.roles[BOX_ROLES[b.role][1]] for b in plain],
                    linewidths=1.0,
                    linestyles="--" if dashed else "-",
                )
            )


def _text(ax: Any, x: float, y: float, text: str, role: str, colour: str, anchor: str) -> None:
    style = TEXT_ROLES[role]
    ax.text(
        x,
        y,
        text,
        ha=_ANCHOR[anchor],
        va="baseline",
        color=colour,
        fontsize=style.size,
        fontweight="bold" if style.bold else "normal",
        family=MPL_FONT,
    )


def paint(scene: Scene, theme_name: str = "light") -> FlattenFigure:
    """Paint `scene` on a new `FlattenFigure` in the named theme ("light" or "dark")."""
    th = theme(theme_name)
    fig = FlattenFigure(
        figsize=(scene.width / PT, scene.height / PT), facecolor=th.roles["background"]
    )
    fig.scene = scene
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    _boxes(ax, list(scene.boxes), th)
    for box in scene.boxes:
        if not box.label:
            continue
        if box.role == "cell" and box.shade is not None:
            y = box.y + box.h / 2 + TEXT_ROLES["cell"].size * 0.35
            _text(ax, box.x + box.w / 2, y, box.label, "cell", th.ink(box.shade), "middle")
        else:
            y = box.y + box.h / 2 + TEXT_ROLES["note"].size * 0.35
            _text(ax, box.x + box.w / 2, y, box.label, "note", th.roles["muted"], "middle")
    for line in scene.lines:
        colour, width = LINE_ROLES[line.role]
        xs, ys = zip(*line.points, strict=True)
        ax.plot(xs, ys, color=th.roles[colour], linewidth=width, solid_joinstyle="round")
    if scene.dots:
        ax.add_collection(
            PatchCollection(
                [Circle((d.x, d.y), DOT_R) for d in scene.dots],
                facecolors=[th.shades[d.shade] for d in scene.dots],
                edgecolors=th.roles["background"],
                linewidths=1.0,
            )
        )
    for t in scene.texts:
        _text(ax, t.x, t.y, t.text, t.role, th.roles[TEXT_ROLES[t.role].colour], t.anchor)
    return fig
