"""The picture's primitives in px: boxes, texts, lines and dots, gathered in panels, and
the placements that put the panels on a page of a given width."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

from flatviz.notebook import html
from flatviz.plan import FlattenPlan


class Box(NamedTuple):
    """A rectangle with `label` centred in it. An element cell also carries its colour
    (`shade`, by read order), its tooltip, and what links it to the same element in the
    other panels: its storage address (`key`) and when flatten reads it (`order`)."""

    x: float
    y: float
    w: float
    h: float
    role: str  # a style.BOX_ROLES key
    shade: int | None = None
    label: str = ""
    tip: str = ""  # tooltip: index, address, value
    dashed: bool = False
    section: str = ""  # "input", "storage" or "result" for element cells
    key: int | None = None  # storage address of the element
    order: str = ""  # read order, e.g. "5", or "5+" when the address is read again


class Text(NamedTuple):
    """One line of text; `y` is its baseline, `anchor` is "start", "middle" or "end"."""

    x: float
    y: float
    text: str
    role: str  # a style.TEXT_ROLES key
    anchor: str = "start"


class Line(NamedTuple):
    """A polyline."""

    points: tuple[tuple[float, float], ...]
    role: str  # a style.LINE_ROLES key


class Dot(NamedTuple):
    """A point of the read-order chart: the `read`-th read, at storage address `key`,
    coloured by its read order like the cells of the same element."""

    x: float
    y: float
    shade: int
    key: int = 0
    order: str = ""
    tip: str = ""


@dataclass(frozen=True)
class Panel:
    """One part of the picture (the rule, the input, the storage, the chart or the
    result), drawn relative to its own top-left corner."""

    name: str
    width: float
    height: float
    boxes: tuple[Box, ...]
    texts: tuple[Text, ...]
    lines: tuple[Line, ...]
    dots: tuple[Dot, ...]


@dataclass(frozen=True)
class Placement:
    """Where each shown panel's corner goes on a picture of `width` x `height` px."""

    width: float
    height: float
    spots: tuple[tuple[str, float, float], ...]  # (panel name, x, y)


@dataclass(frozen=True, repr=False)
class Scene:
    """The whole picture: its panels, placed for the widest target (`placements[0]`) and,
    when it differs, for a phone (`placements[1]`), with a title and description for
    screen readers. `boxes`, `texts`, `lines` and `dots` are the first placement's, in px
    from the picture's corner. Jupyter shows it as its SVG picture; its repr is one line."""

    panels: tuple[Panel, ...]
    placements: tuple[Placement, ...]
    title: str
    desc: str
    plan: FlattenPlan
    boxes: tuple[Box, ...] = field(init=False, compare=False)
    texts: tuple[Text, ...] = field(init=False, compare=False)
    lines: tuple[Line, ...] = field(init=False, compare=False)
    dots: tuple[Dot, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        placed = self.placed(0)
        for kind in ("boxes", "texts", "lines", "dots"):
            joined = tuple(chain.from_iterable(getattr(p, kind) for p in placed))
            object.__setattr__(self, kind, joined)

    @property
    def width(self) -> float:
        return self.placements[0].width

    @property
    def height(self) -> float:
        return self.placements[0].height

    def placed(self, index: int = 0) -> list[Panel]:
        """The panels of placement `index`, moved to their spots."""
        by_name = {p.name: p for p in self.panels}
        return [moved(by_name[name], x, y) for name, x, y in self.placements[index].spots]

    def cells(self, section: str) -> list[Box]:
        """The element cells of one section ("input", "storage" or "result"), in order."""
        return [b for b in self.boxes if b.role == "cell" and b.section == section]

    def __repr__(self) -> str:
        counts = (
            f"{len(self.boxes)} boxes, {len(self.texts)} texts, {len(self.lines)} lines, "
            f"{len(self.dots)} dots"
        )
        return f"<Scene {self.width:g}x{self.height:g} px, {counts}: {self.title}>"

    def _repr_html_(self) -> str | None:
        return html(self)  # the SVG, drawn by the painter (flatviz.display registers it)


def moved(panel: Panel, dx: float, dy: float) -> Panel:
    """`panel` with every primitive moved by (dx, dy)."""
    return Panel(
        panel.name,
        panel.width,
        panel.height,
        tuple(b._replace(x=b.x + dx, y=b.y + dy) for b in panel.boxes),
        tuple(t._replace(x=t.x + dx, y=t.y + dy) for t in panel.texts),
        tuple(
            line._replace(points=tuple((x + dx, y + dy) for x, y in line.points))
            for line in panel.lines
        ),
        tuple(d._replace(x=d.x + dx, y=d.y + dy) for d in panel.dots),
    )
