"""How flatviz's results show themselves in Jupyter: as the diagram, inline, in one format.

Each offers `text/html` holding the inline SVG, which follows the notebook's light or dark
scheme and which mkdocs-jupyter keeps inline, and never a PNG copy beside it; its
`text/plain` is one short line, so a notebook stores the picture once.
"""

from __future__ import annotations

import html
import re
from typing import Any

from flatviz.notebook import HTML
from flatviz.paint.svg import paint
from flatviz.plan import FlattenPlan
from flatviz.scene import Scene, build_scene

_TITLE = re.compile(r"<title>([^<]*)</title>")


class SVG(str):
    """SVG text that is still a `str` (write it, compare it, slice it), and that Jupyter
    shows as its picture, with a one-line summary as its plain text."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(summary(self))


def summary(svg: str) -> str:
    """One line for an SVG diagram: its title and size, e.g. for IPython's plain text.

    Examples:
        >>> summary('<svg width="3" height="2">\\n<title>a &amp; b</title>\\n</svg>\\n')
        '<SVG: a & b (59 characters)>'
    """
    found = _TITLE.search(svg)
    title = html.unescape(found.group(1)) if found else "no title"
    return f"<SVG: {title} ({len(svg):,} characters)>"


def plan_html(plan: FlattenPlan) -> str:
    """A plan's diagram (cells labelled by storage address, the input called `x`) above its
    text, for Jupyter."""
    picture = paint(build_scene(plan))
    text = html.escape(str(plan))
    return f'<div class="flatviz-plan">\n{picture}<pre>{text}</pre>\n</div>'


HTML[FlattenPlan] = plan_html
HTML[Scene] = paint
