"""The storage panel: memory in address order, one box per address read, each numbered
with when flatten first reads it and coloured like that read's cells. On a wide page it
stays one row and elides its middle; on a narrow one it breaks into rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flatviz.core.layout import Layout, address, unravel
from flatviz.core.text import keep_edges
from flatviz.scene.canvas import Canvas
from flatviz.scene.elements import Elements
from flatviz.scene.numbers import compact
from flatviz.scene.primitives import Box, Panel, Text
from flatviz.style import CELL_H, CELL_PAD, CELL_W, text_width

#: At most this many boxes in the storage strip.
STORAGE_LIMIT = 40
#: Up to this many elements, irregularly overlapping reads are counted exactly.
COUNT_LIMIT = 4096
#: Height of a row of the strip: the boxes and the read numbers under them.
ROW_H = CELL_H + 22.0


class Slot(NamedTuple):
    """One box of the strip: `kind` is "cell" (an address read), "gap" (unread),
    "prefix" (before the storage offset) or "skip" (left out)."""

    kind: str
    label: str
    address: int | None
    width: float
    order: str = ""
    tip: str = ""
    read: int = 0  # the first read of a "cell"


def _uniform_reads(layout: Layout) -> int | None:
    """How many times each read address is read, when that is the same for all of them
    (no overlap apart from stride-0 dims); None when dims overlap irregularly."""
    repeat = 1
    dims = []
    for size, stride in zip(layout.shape, layout.stride, strict=True):
        if size == 1:
            continue
        if stride == 0:
            repeat *= size
        else:
            dims.append((abs(stride), size))
    extent = 1
    for stride, size in sorted(dims):
        if stride < extent:
            return None
        extent = stride * (size - 1) + extent
    return repeat


def read_counts(layout: Layout) -> Callable[[int], int | None]:
    """Times each address is read by the whole tensor (None: too costly to know)."""
    uniform = _uniform_reads(layout)
    if uniform is not None:
        return lambda address: uniform
    if layout.numel > COUNT_LIMIT:
        return lambda address: None
    counts: dict[int, int] = {}
    for k in range(layout.numel):
        a = address(layout, unravel(k, layout.shape))
        counts[a] = counts.get(a, 0) + 1
    return counts.get


def _runs(el: Elements, addresses: list[int]) -> list[tuple[str, str, int | None]]:
    """(kind, label, address) of the strip from the offset prefix to the tail, unread
    gaps counted, long runs elided when the tensor is."""
    boxes: list[tuple[str, str, int | None]] = []
    offset = el.layout.offset
    if offset > 0:
        boxes.append(("prefix", f"0..{compact(offset - 1)}" if offset > 1 else "0", None))
    previous = offset - 1
    run: list[int] = []
    edge, elide = el.edge, el.elide

    def flush() -> None:
        keep = keep_edges(run, edge) if elide else list(run)
        boxes.extend(("skip", "\u2026", None) if a is None else ("cell", "", a) for a in keep)
        run.clear()

    for a in addresses:
        unread = a - previous - 1
        if unread > 0:
            flush()
            if unread <= 2 and not elide:
                boxes.extend(("gap", str(g), None) for g in range(previous + 1, a))
            else:
                boxes.append(("gap", f"+{compact(unread)}", None))
        run.append(a)
        previous = a
    flush()
    size = el.storage_size
    if size is not None and size > previous + 1:
        boxes.append(("gap", f"+{compact(size - previous - 1)}", None))
    return boxes


def strip(el: Elements) -> list[Slot]:
    """The strip's boxes, at most STORAGE_LIMIT, each as wide as its label needs."""
    layout = el.layout
    first: dict[int, int] = {}
    for i in el.inputs:
        first.setdefault(el.addresses[i], el.read(i))
    counts = read_counts(layout)
    boxes = _runs(el, sorted(first))
    if len(boxes) > STORAGE_LIMIT:
        kept = keep_edges(boxes, STORAGE_LIMIT // 2)
        boxes = [("skip", "\u2026", None) if b is None else b for b in kept]
    slots = []
    for kind, label, a in boxes:
        order = tip = ""
        if a is not None:
            label, times = compact(a), counts(a)
            again = times is None or times > 1
            order = compact(first[a]) + ("+" if again else "")
            more = f", read {times} times" if times and times > 1 else ""
            tip = f"storage: address {a}, first read {first[a]}{more}"
        under = text_width("offset", "note") if kind == "prefix" else text_width(order, "order")
        w = max(CELL_W, text_width(label, "cell") + CELL_PAD, under + CELL_PAD)
        slots.append(Slot(kind, label, a, w, order, tip, first.get(a, 0) if a is not None else 0))
    return slots


def one_row(slots: list[Slot], room: float) -> list[Slot]:
    """`slots` in one row of `room` px: the middle elided when they do not fit."""
    if sum(s.width for s in slots) <= room:
        return slots
    room -= CELL_W
    head: list[Slot] = []
    tail: list[Slot] = []
    left, right = 0, len(slots) - 1
    while left <= right:
        from_head = len(head) <= len(tail)
        take = slots[left] if from_head else slots[right]
        if take.width > room:
            break
        room -= take.width
        if from_head:
            head.append(take)
            left += 1
        else:
            tail.append(take)
            right -= 1
    return [*head, Slot("skip", "\u2026", None, CELL_W), *reversed(tail)]


def _draw(c: Canvas, el: Elements, s: Slot, x: float) -> None:
    """One box of the strip at (x, c.y), with its read number or "offset" under it."""
    under = c.y + CELL_H + 15
    if s.kind == "cell" and s.address is not None:
        shade = el.shade(s.read)
        box = Box(x, c.y, s.width, CELL_H, "cell", shade, s.label, s.tip, section="storage")
        c.boxes.append(box._replace(key=s.address, order=s.order))
        c.texts.append(Text(x + s.width / 2, under, s.order, "order", "middle"))
        return
    c.boxes.append(Box(x, c.y, s.width, CELL_H, "gap", label=s.label, dashed=s.kind == "gap"))
    if s.kind == "prefix":
        c.texts.append(Text(x + s.width / 2, under, "offset", "note", "middle"))


def storage_panel(el: Elements, slots: list[Slot], width: float, name: str) -> Panel:
    """The strip of `slots` (already fitted, or wrapped here at `width`) with its titles."""
    c = Canvas(name, width)
    c.write(f"memory: {el.name}'s storage in address order", "heading")
    c.write("under each cell: when flatten reads it (read 0 is first)", "note")
    c.gap(6)
    x = 0.0
    for s in slots:
        if x + s.width > width and x > 0:
            x = 0.0
            c.y += ROW_H
        _draw(c, el, s, x)
        x += s.width
    c.y += ROW_H
    if any(s.kind == "gap" for s in slots):
        c.write("dashed: storage flatten never reads (+n: n addresses)", "note")
    if any(s.order.endswith("+") for s in slots):
        c.write("n+: read first at n, and again later", "note")
    return c.panel()
