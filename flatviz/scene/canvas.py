"""A panel under construction: text written top to bottom within the panel's width,
and the boxes, lines and dots drawn beside it."""

from __future__ import annotations

from flatviz.core.text import wrap
from flatviz.scene.primitives import Box, Dot, Line, Panel, Text
from flatviz.style import CHAR_EM, COLUMN, TEXT_ROLES, text_width


def baseline(top: float, role: str, height: float | None = None) -> float:
    """The baseline that centres a line of `role` text in a band of `height` at `top`."""
    size = TEXT_ROLES[role].size
    band = size * 1.5 if height is None else height
    return top + band / 2 + size * 0.35


def _right(t: Text) -> float:
    """Where a text ends on the right."""
    w = text_width(t.text, t.role)
    return t.x + (w if t.anchor == "start" else w / 2 if t.anchor == "middle" else 0.0)


class Canvas:
    """Collects one panel's primitives; `y` is where the next text goes."""

    def __init__(self, name: str, width: float = COLUMN) -> None:
        self.name = name
        self.width = width
        self.y = 0.0
        self.boxes: list[Box] = []
        self.texts: list[Text] = []
        self.lines: list[Line] = []
        self.dots: list[Dot] = []

    def write(self, text: str, role: str, x: float = 0.0) -> None:
        """Add `text` below what is there, wrapped to the panel's width."""
        size = TEXT_ROLES[role].size
        chars = max(16, int((self.width - x) / (size * CHAR_EM)))
        for part in wrap(text, chars):
            self.texts.append(Text(x, baseline(self.y, role), part, role))
            self.y += size * 1.5

    def gap(self, px: float) -> None:
        """Leave `px` of blank space before the next text."""
        self.y += px

    def panel(self) -> Panel:
        """The finished panel, as wide as what it draws and as tall as `y`."""
        right = [
            *(b.x + b.w for b in self.boxes),
            *(_right(t) for t in self.texts),
            *(x for line in self.lines for x, _ in line.points),
            *(d.x + 5 for d in self.dots),
        ]
        return Panel(
            self.name,
            max(right, default=0.0),
            self.y,
            tuple(self.boxes),
            tuple(self.texts),
            tuple(self.lines),
            tuple(self.dots),
        )
