"""The public picture functions: array -> layout -> plan -> scene, then a painter at the
edge. Each is `flatviz.render.render` read one way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flatviz.optional import require
from flatviz.render import Options, render

if TYPE_CHECKING:
    from flatviz.display import SVG
    from flatviz.paint.mpl import FlattenFigure
    from flatviz.scene import Scene


def diagram(
    x: object,
    start_dim: int = 0,
    end_dim: int = -1,
    *,
    name: str = "x",
    cell_text: str = "address",
    edge_items: int = 2,
    width: float | None = None,
) -> Scene:
    """The picture of `torch.flatten(x, start_dim, end_dim)` as plain data, for any painter.

    Args:
        x: A torch tensor, a numpy array or a `Layout`, as for `explain`.
        start_dim: The first dim to flatten.
        end_dim: The last dim to flatten.
        name: What `x` is called in every title and label.
        cell_text: What cells show: `"address"` (storage address) or `"values"`.
        edge_items: Cells kept at each end of a dim when a tensor of more than 64
            elements is elided, so the picture costs the same for any size.
        width: The page width to lay the panels out for, in px. None (the default) lays
            them out for a desktop's content column (688 px: two columns of panels) and
            for a phone's (358 px: one column); the SVG switches between the two.
    """
    return render(x, start_dim, end_dim, Options(name, cell_text, edge_items, width)).scene


def svg(
    x: object,
    start_dim: int = 0,
    end_dim: int = -1,
    *,
    name: str = "x",
    cell_text: str = "address",
    edge_items: int = 2,
    width: float | None = None,
) -> SVG:
    """The diagram of `torch.flatten(x, start_dim, end_dim)` as SVG text, in pure Python.

    Real `<text>`, a `<title>` and `<desc>` for screen readers, a tooltip per cell, and
    colours that follow the page's light or dark scheme. The same input gives the same
    bytes; `flatviz EXPR -o out.svg` writes exactly these. The result is a `str` that
    Jupyter shows as the picture. Arguments as for `diagram`.

    Examples:
        >>> from flatviz import Layout
        >>> print(svg(Layout((2, 4, 3), (12, 1, 4)), start_dim=1, name="t").splitlines()[1])
        <title>torch.flatten(t, start_dim=1, end_dim=2): a copy, result shape (2, 12)</title>
    """
    return render(x, start_dim, end_dim, Options(name, cell_text, edge_items, width)).svg


def draw(
    x: object,
    start_dim: int = 0,
    end_dim: int = -1,
    *,
    theme: str = "light",
    name: str = "x",
    cell_text: str = "address",
    edge_items: int = 2,
    width: float | None = None,
) -> FlattenFigure:
    """The same diagram as a matplotlib Figure (made without pyplot) in one theme, for
    PNG and PDF files (`flatviz.save`) and Jupyter, laid out for `width` (None: a
    desktop's 688 px). Other arguments as for `diagram`. Needs matplotlib
    (`pip install 'flatviz[png]'`); an ImportError says so without it."""
    require("matplotlib", "flatviz.draw")
    from flatviz.paint.mpl import paint

    scene = render(x, start_dim, end_dim, Options(name, cell_text, edge_items, width)).scene
    return paint(scene, theme)
