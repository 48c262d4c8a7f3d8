"""The public picture functions: array -> layout -> plan -> scene, then a painter at the
edge. Each is `flatviz.render.render` read one way; their keyword arguments are the fields
of `flatviz.render.Options` (`name`, `cell_text`, `edge_items`, `width`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flatviz.optional import require
from flatviz.render import options_of, render

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from flatviz.display import SVG
    from flatviz.paint.mpl import FlattenFigure
    from flatviz.render import PictureOptions
    from flatviz.scene import Scene


def diagram(
    x: object, start_dim: int = 0, end_dim: int = -1, **options: Unpack[PictureOptions]
) -> Scene:
    """The picture of `torch.flatten(x, start_dim, end_dim)` as plain data, for any painter.

    Args:
        x: A torch tensor, a numpy array or a `Layout`, as for `explain`.
        start_dim: The first dim to flatten.
        end_dim: The last dim to flatten.
        **options: How to draw it, by keyword:

            - `name`: what `x` is called in every title and label (default `"x"`);
            - `cell_text`: what cells show, `"address"` (storage address, the default) or
              `"values"`;
            - `edge_items`: cells kept at each end of a dim when a tensor of more than 64
              elements is elided, so the picture costs the same for any size (default 2);
            - `width`: the page width to lay the panels out for, in px. None (the default)
              lays them out for a desktop's content column (688 px: two columns of
              panels) and for a phone's (358 px: one column); the SVG switches between
              the two.
    """
    return render(x, start_dim, end_dim, options_of("diagram", dict(options))).scene


def svg(x: object, start_dim: int = 0, end_dim: int = -1, **options: Unpack[PictureOptions]) -> SVG:
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
    return render(x, start_dim, end_dim, options_of("svg", dict(options))).svg


def draw(
    x: object,
    start_dim: int = 0,
    end_dim: int = -1,
    *,
    theme: str = "light",
    **options: Unpack[PictureOptions],
) -> FlattenFigure:
    """The same diagram as a matplotlib Figure (made without pyplot) in one theme, for
    PNG and PDF files (`flatviz.save`) and Jupyter, laid out for `width` (None: a
    desktop's 688 px). Other arguments as for `diagram`. Needs matplotlib
    (`pip install 'flatviz[png]'`); an ImportError says so without it."""
    require("matplotlib", "flatviz.draw")
    from flatviz.paint.mpl import paint

    scene = render(x, start_dim, end_dim, options_of("draw", dict(options))).scene
    return paint(scene, theme)
