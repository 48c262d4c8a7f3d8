"""Sizes and text roles of the diagram, shared by every painter so they cannot drift.

Scene coordinates are CSS pixels at the diagram's natural size; painters draw them 1:1
(the SVG) or as points on a figure of the same size (matplotlib), so no text is ever
smaller than `MIN_FONT`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The diagram's font: monospaced, so the layout can measure text without a font engine.
FONT_FAMILY = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace"
#: The same face for matplotlib, which ships DejaVu Sans Mono.
MPL_FONT = "DejaVu Sans Mono"
#: Advance of one monospaced character, in ems (DejaVu Sans Mono and its peers: 0.6).
CHAR_EM = 0.602
#: The smallest text the diagram uses, in px.
MIN_FONT = 12.0

#: Cell height and the narrowest cell, in px: room for a two-digit label, and a target
#: a finger can tap (WCAG 2.2 asks 24 px).
CELL_H = 28.0
CELL_W = 27.0
#: Padding inside a cell around its label, in px.
CELL_PAD = 8.0
#: Blank border around the whole picture, in px: the page's column has its own margin,
#: and a phone's picture then fits a box inside an admonition (332 px).
MARGIN = 2.0
#: Space between panels, across and down, in px.
GAP = 20.0
#: A panel's width, in px: text wraps and grids break their rows here. One column fits a
#: 390 px phone's 358 px content column; two side by side fill a desktop's.
COLUMN = 328.0
#: The widths the diagram is laid out for by default: mkdocs-material's content column
#: at a 1280 px window (two columns of panels), and at a 390 px phone (one column).
WIDE = 688.0
NARROW = 358.0
#: Height of the read-order chart's plot area, in px.
CHART_H = 88.0


@dataclass(frozen=True)
class TextRole:
    """How one kind of text looks: size in px, weight, and its colour role."""

    size: float
    bold: bool
    colour: str


#: Every kind of text in a scene.
TEXT_ROLES: dict[str, TextRole] = {
    "title": TextRole(13.5, True, "ink"),
    "heading": TextRole(13.0, True, "ink"),
    "body": TextRole(13.0, False, "ink"),
    "note": TextRole(12.0, False, "muted"),
    "cell": TextRole(13.0, False, "ink"),  # painted in the ink of its cell's shade
    "order": TextRole(12.0, False, "path"),
    "ok": TextRole(13.0, False, "good"),
    "bad": TextRole(13.0, True, "bad"),
}

#: Box roles: fill and stroke colour roles ("shade" fills by storage address).
BOX_ROLES: dict[str, tuple[str, str]] = {
    "cell": ("shade", "background"),
    "gap": ("gap", "edge"),
    "panel": ("panel", "panel"),
    "bad": ("bad-fill", "bad"),
}

#: Line roles: stroke colour role and width in px.
LINE_ROLES: dict[str, tuple[str, float]] = {
    "rule": ("edge", 1.0),
    "bracket": ("ink", 1.5),
    "path": ("path", 2.0),
    "bad": ("bad", 2.0),
}


def text_width(text: str, role: str) -> float:
    """Width of `text` in px when set in `role`'s size."""
    return len(text) * TEXT_ROLES[role].size * CHAR_EM
