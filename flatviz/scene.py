"""The flatten diagram as plain data: boxes, texts, lines and dots in px.

Everything a painter needs is decided here, so tests can check the picture without
pixels and a painter only paints. The picture teaches the rule: a dims panel with each
adjacent pair's check (the blocking pair outlined), the input with its axes, the storage
numbered in the order flatten reads it, a chart of address against read order (a view is
one straight run, a copy a sawtooth), and the result. Large tensors are elided the way
torch prints them, so the cost grows with the cells drawn, never with numel.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from flatviz.labels import Labeler
from flatviz.layout import Layout, ravel, unravel
from flatviz.notebook import html
from flatviz.palette import shade_of
from flatviz.plan import FlattenPlan, merge_pairs, merges
from flatviz.style import (
    CELL_H,
    CELL_PAD,
    CELL_W,
    CHAR_EM,
    MARGIN,
    MAX_ROW,
    MIN_WIDTH,
    SECTION_GAP,
    TEXT_COLUMN,
    TEXT_ROLES,
    text_width,
)

Index = tuple[int, ...]

#: Tensors with at most this many elements are drawn whole.
FULL_LIMIT = 64
#: At most this many boxes in the storage strip.
STORAGE_LIMIT = 40
#: At most this many reads in the read-order chart.
CHART_LIMIT = 48
#: Up to this many elements, irregularly overlapping reads are counted exactly.
COUNT_LIMIT = 4096
#: What a cell can show.
CELL_LABELS = ("address", "values")
#: Most element cells one grid may draw: eliding keeps a few per dim, so the count grows
#: exponentially with the number of dims, and a diagram must stay bounded in time.
MAX_CELLS = 4096


class Box(NamedTuple):
    """A rectangle; `shade` (storage-address colour) for cells, `label` centred in it."""

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
    """A point of the read-order chart, coloured like the storage cell it reads."""

    x: float
    y: float
    shade: int


@dataclass(frozen=True, repr=False)
class Scene:
    """The whole picture at its natural size in px, with a title and description for
    screen readers. Jupyter shows it as its SVG picture; its repr is one line."""

    width: float
    height: float
    boxes: tuple[Box, ...]
    texts: tuple[Text, ...]
    lines: tuple[Line, ...]
    dots: tuple[Dot, ...]
    title: str
    desc: str
    plan: FlattenPlan

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


def shown(size: int, edge: int, elide: bool) -> list[int | None]:
    """Indices drawn along a dim of `size`; None marks the elided middle."""
    if not elide or size <= 2 * edge + 1:
        return list(range(size))
    return [*range(edge), None, *range(size - edge, size)]


def baseline(top: float, role: str, height: float | None = None) -> float:
    """The baseline that centres a line of `role` text in a band of `height` at `top`."""
    size = TEXT_ROLES[role].size
    band = size * 1.5 if height is None else height
    return top + band / 2 + size * 0.35


@dataclass
class _Grid:
    """Drawn elements of one tensor relative to its corner: leading dims as labelled
    blocks, the last two as rows and columns (long rows wrap)."""

    slots: list[tuple[Index | None, float, float]]  # (index, or None for "…", x, y)
    texts: list[tuple[float, float, str]]  # block labels and ellipses: (x, y top, text)
    width: float
    height: float
    cell_w: float


def _grid(shape: Sequence[int], name: str, edge: int, elide: bool, cell_w: float) -> _Grid:
    ndim = len(shape)
    if ndim == 0:
        return _Grid([((), 0.0, 0.0)], [], cell_w, CELL_H, cell_w)
    if 0 in shape:
        return _Grid([], [], 0.0, 0.0, cell_w)
    rows = shown(shape[-2], edge, elide) if ndim >= 2 else [0]
    cols = shown(shape[-1], edge, elide)
    per_line = max(1, int(MAX_ROW // cell_w))
    lines_per_row = math.ceil(len(cols) / per_line)
    block_w = min(len(cols), per_line) * cell_w
    row_h = lines_per_row * CELL_H + (6.0 if lines_per_row > 1 else 0.0)
    lead = list(shape[:-2])
    label_h = 20.0 if lead else 0.0
    gap_x, gap_y = 18.0, 14.0

    # Leading dims become whole blocks, so they keep one block fewer at each end.
    lead_edge = max(1, edge - 1)
    block_cols: list[int | None] = shown(lead[-1], lead_edge, elide) if lead else [0]
    block_rows: list[Index | None] = []
    for combo in itertools.product(*(shown(s, lead_edge, elide) for s in lead[:-1])):
        if None in combo:
            if block_rows and block_rows[-1] is None:
                continue
            block_rows.append(None)
        else:
            block_rows.append(tuple(i for i in combo if i is not None))
    # Blocks of the last leading dim sit side by side, wrapping when they get too wide;
    # each is wide enough for its label.
    longest = ", ".join(str(size - 1) for size in lead)
    slot_w = max(block_w, text_width(f"{name}[{longest}]", "heading")) if lead else block_w
    per_band = max(1, int((MAX_ROW + gap_x) // (slot_w + gap_x)))
    bands = [block_cols[k : k + per_band] for k in range(0, len(block_cols), per_band)]

    slots: list[tuple[Index | None, float, float]] = []
    texts: list[tuple[float, float, str]] = []
    y = 0.0
    width = 0.0
    for brow, band in itertools.product(block_rows, bands):
        if brow is None:
            if band is bands[0]:
                texts.append((0.0, y, "\u2026"))
                y += CELL_H + gap_y
            continue
        x = 0.0
        for bcol in band:
            if bcol is None:
                texts.append((x, y + label_h, "\u2026"))
                x += CELL_W + gap_x
                continue
            prefix: Index = (*brow, bcol) if lead else ()
            if lead:
                texts.append((x, y, f"{name}[{', '.join(map(str, prefix))}]"))
            for r, row in enumerate(rows):
                for c, col in enumerate(cols):
                    line, pos = divmod(c, per_line)
                    cx, cy = x + pos * cell_w, y + label_h + r * row_h + line * CELL_H
                    if row is None or col is None:
                        slots.append((None, cx, cy))
                    else:
                        slots.append(((*prefix, row, col) if ndim >= 2 else (col,), cx, cy))
            x += slot_w + gap_x
        width = max(width, x - gap_x)
        y += label_h + row_h * len(rows) + gap_y
    return _Grid(slots, texts, width, y - gap_y, cell_w)


def cell_width(labels: Sequence[str]) -> float:
    """A cell width that fits the longest of `labels`."""
    return max([CELL_W, *(text_width(label, "cell") + CELL_PAD for label in labels)])


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


def _read_counts(layout: Layout) -> Callable[[int], int | None]:
    """Times each address is read by the whole tensor (None: too costly to know)."""
    uniform = _uniform_reads(layout)
    if uniform is not None:
        return lambda address: uniform
    if layout.numel > COUNT_LIMIT:
        return lambda address: None
    counts: dict[int, int] = {}
    for k in range(layout.numel):
        a = _address(layout, unravel(k, layout.shape))
        counts[a] = counts.get(a, 0) + 1
    return counts.get


def _strip_boxes(
    offset: int, addresses: Sequence[int], elide: bool, edge: int, storage_size: int | None
) -> list[tuple[str, str, int | None]]:
    """Boxes of the storage strip as (kind, label, address): the storage_offset prefix,
    read addresses, unread gaps, and compressed runs ("skip") when elided."""
    boxes: list[tuple[str, str, int | None]] = []
    if offset > 0:
        boxes.append(("prefix", f"0..{offset - 1}" if offset > 1 else "0", None))
    previous = offset - 1
    run: list[int] = []

    def flush() -> None:
        keep = [*run[:edge], None, *run[-edge:]] if elide and len(run) > 2 * edge + 1 else run
        boxes.extend(("skip", "\u2026", None) if a is None else ("cell", str(a), a) for a in keep)
        run.clear()

    for a in addresses:
        unread = a - previous - 1
        if unread > 0:
            flush()
            if unread <= 2 and not elide:
                boxes.extend(("gap", str(g), None) for g in range(previous + 1, a))
            else:
                boxes.append(("gap", f"+{unread}", None))
        run.append(a)
        previous = a
    flush()
    if storage_size is not None and storage_size > previous + 1:
        boxes.append(("gap", f"+{storage_size - previous - 1}", None))
    if len(boxes) > STORAGE_LIMIT:
        half = STORAGE_LIMIT // 2
        boxes = [*boxes[:half], ("skip", "\u2026", None), *boxes[-half:]]
    return boxes


def wrap(text: str, chars: int) -> list[str]:
    """`text` broken at spaces into lines of at most `chars` (a long word stands alone):
    textwrap's greedy rule, at a fraction of its cost on this hot path."""
    if len(text) <= chars:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > chars:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _address(layout: Layout, index: Index) -> int:
    """Storage address of an in-range `index` (`Layout.offset_of` without its checks)."""
    total: int = layout.offset + sum(map(operator.mul, index, layout.stride))
    return total


def _fmt(dims: Sequence[int]) -> str:
    return str(tuple(dims))


class _Builder:
    """Stacks the sections top to bottom, collecting primitives."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.y = MARGIN
        self.boxes: list[Box] = []
        self.texts: list[Text] = []
        self.lines: list[Line] = []
        self.dots: list[Dot] = []

    def line(self, text: str, role: str, x: float = MARGIN) -> None:
        """Text wrapped to the diagram's width, one line below another."""
        size = TEXT_ROLES[role].size
        chars = max(24, int((TEXT_COLUMN - (x - MARGIN)) / (size * CHAR_EM)))
        for part in wrap(text, chars):
            self.texts.append(Text(x, baseline(self.y, role), part, role))
            self.y += size * 1.5

    def gap(self, px: float = SECTION_GAP) -> None:
        self.y += px


def build_scene(
    plan: FlattenPlan,
    values: Labeler | None = None,
    *,
    name: str = "x",
    labels: str = "address",
    edge_items: int = 2,
    storage_size: int | None = None,
) -> Scene:
    """Lay out the diagram of `plan`.

    Args:
        plan: What flatten does (from `explain`).
        values: Reads the values of given elements; None when there are none (meta).
        name: What the input is called in every title and label.
        labels: What cells show: "address" (storage address) or "values".
        edge_items: Cells kept at each end of a dim when a tensor is elided.
        storage_size: The storage's size in elements, when known (marks unread storage).
    """
    if edge_items < 1:
        raise ValueError(f"edge_items must be >= 1, got {edge_items}")
    if labels not in CELL_LABELS:
        raise ValueError(f"labels must be one of {CELL_LABELS}, got {labels!r}")
    if labels == "values" and values is None:
        raise ValueError("labels='values' needs an array with values; this one has none (meta)")
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    layout = plan.layout
    elide = layout.numel > FULL_LIMIT
    grid_cells = math.prod(len(shown(size, edge_items, elide)) for size in layout.shape)
    if grid_cells > MAX_CELLS:
        raise ValueError(
            f"the diagram of a {layout.ndim}-d tensor would draw {grid_cells} cells, more than "
            f"{MAX_CELLS}: index, squeeze or flatten some dims first, or lower edge_items"
        )

    # Cells of the input and result grids, and the element each one reads.
    source_memo: dict[Index, Index] = {}

    def result_source(i: Index) -> Index:
        """The input element a result element reads (flatten keeps row-major order)."""
        if i not in source_memo:
            source_memo[i] = unravel(ravel(i, plan.shape), layout.shape) if layout.ndim else ()
        return source_memo[i]

    draft_in = _grid(layout.shape, name, edge_items, elide, CELL_W)
    draft_out = _grid(plan.shape, "result", edge_items, elide, CELL_W)
    drawn = [i for i, _, _ in draft_in.slots if i is not None]
    drawn_out = [result_source(i) for i, _, _ in draft_out.slots if i is not None]
    sources = list(dict.fromkeys(drawn + drawn_out))
    value_of = dict(zip(sources, values(sources), strict=True)) if values else {}
    address_of = {i: _address(layout, i) for i in sources}

    def label(i: Index) -> str:
        return value_of[i] if labels == "values" else str(address_of[i])

    cell_w = cell_width([label(i) for i in sources])
    if cell_w == CELL_W:
        grid_in, grid_out = draft_in, draft_out
    else:
        grid_in = _grid(layout.shape, name, edge_items, elide, cell_w)
        grid_out = _grid(plan.shape, "result", edge_items, elide, cell_w)

    # The reads, in flatten's order: the first few for the chart, the drawn ones for the strip.
    addresses = sorted(set(address_of[i] for i in drawn))
    lo, hi = (addresses[0], addresses[-1]) if addresses else (0, 0)
    first_read: dict[int, int] = {}
    for k, i in sorted((ravel(i, layout.shape), i) for i in drawn):
        first_read.setdefault(address_of[i], k)
    strip = _strip_boxes(layout.offset, addresses, elide, edge_items, storage_size)
    strip_w = [
        max(
            CELL_W,
            text_width(text, "cell") + CELL_PAD,
            text_width(f"{first_read[a] if a is not None else ''}+", "order") + CELL_PAD,
        )
        for _, text, a in strip
    ]

    dims = _dims_columns(layout)
    width = max(
        MIN_WIDTH,
        grid_in.width + 2 * MARGIN,
        grid_out.width + 2 * MARGIN,
        min(sum(strip_w), MAX_ROW) + 2 * MARGIN,
        sum(w for w, _ in dims) + 2 * MARGIN,
    )
    b = _Builder(width)

    verdict = "a view: the same memory" if plan.is_view else "a copy: new memory"
    if plan.returns_input:
        verdict = f"{name} itself"
    call = f"torch.flatten({name}, start_dim={plan.start_dim}, end_dim={plan.end_dim})"
    b.line(call, "title")
    b.line(f"\u2192 {verdict}", "title")
    b.gap(6)

    _dims_panel(b, plan, dims, name)
    b.gap()

    shades = {a: shade_of(a, lo, hi) for a in set(address_of.values())}

    def shade(i: Index) -> int:
        return shades[address_of[i]]

    def tip(section: str, grid_name: str, i: Index, source: Index) -> str:
        where = f"{grid_name}[{', '.join(map(str, i))}]" if i else grid_name
        value = f", value {value_of[source]}" if value_of else ""
        return f"{section}: {where}, address {address_of[source]}{value}"

    # The input.
    b.line(f"{name}: shape {_fmt(layout.shape)}, stride {_fmt(layout.stride)}", "heading")
    b.line(f"storage_offset {layout.offset}", "note")
    for axis in _axes(layout.shape, layout.stride, name):
        b.line(axis, "note")
    b.gap(6)
    _place_grid(
        b, "input", grid_in, lambda i: i, shade, label, lambda i, s: tip("input", name, i, s)
    )
    if 0 in layout.shape:
        b.line(f"no elements: shape {_fmt(layout.shape)} has a size-0 dim", "body")
    what = "storage addresses" if labels == "address" else "values"
    b.gap(6)
    b.line(f"cells show {what}; colour follows the storage address, dark = low", "note")
    b.gap()

    if layout.numel:
        _storage_panel(b, strip, strip_w, first_read, _read_counts(layout), lo, hi, name)
        b.gap()
        _chart_panel(b, layout, lo, hi)
        b.gap()

    # The result.
    result = plan.result
    b.line(f"result: shape {_fmt(plan.shape)}, stride {_fmt(result.stride)}", "heading")
    if plan.returns_input:
        b.line(f"torch.flatten returns {name} itself: nothing is merged", "body")
    elif plan.is_view:
        b.line(f"a view: the same storage as {name}, storage_offset {result.offset}", "body")
    else:
        b.line(
            f"a copy: new contiguous storage, read in order; each cell shows the "
            f"{name} {'address' if labels == 'address' else 'value'} it was copied from",
            "body",
        )
    for axis in _axes(plan.shape, result.stride, "result"):
        b.line(axis, "note")
    b.gap(6)
    _place_grid(
        b,
        "result",
        grid_out,
        result_source,
        shade,
        label,
        lambda i, s: tip("result", "result", i, s),
    )
    if 0 in plan.shape:
        b.line(f"no elements: shape {_fmt(plan.shape)}", "body")

    verdict_text = "a view" if plan.is_view else "a copy"
    return Scene(
        width,
        b.y + MARGIN,
        tuple(b.boxes),
        tuple(b.texts),
        tuple(b.lines),
        tuple(b.dots),
        f"{call}: {verdict_text}, result shape {_fmt(plan.shape)}",
        str(plan),
        plan,
    )


def _axes(shape: Sequence[int], stride: Sequence[int], name: str) -> list[str]:
    """Which way each dim runs in a grid, with its step in storage."""
    nd = len(shape)
    if nd == 0:
        return ["0-d: one element"]
    out = [f"\u2192 columns: dim {nd - 1}, {stride[-1]:+d} per step"]
    if nd >= 2:
        out.append(f"\u2193 rows: dim {nd - 2}, {stride[-2]:+d} per step")
    if nd >= 3:
        lead = ", ".join(f"dim {d} {stride[d]:+d}" for d in range(nd - 2))
        out.append(f"blocks {name}[{', '.join('ijklmn'[: nd - 2])}]: {lead} per step")
    return out


def _place_grid(
    b: _Builder,
    section: str,
    grid: _Grid,
    to_source: Callable[[Index], Index],
    shade: Callable[[Index], int],
    label: Callable[[Index], str],
    tip: Callable[[Index, Index], str],
) -> None:
    x0, y0 = MARGIN, b.y
    for x, y, text in grid.texts:
        role = "note" if text == "\u2026" else "heading"
        b.texts.append(Text(x0 + x, baseline(y0 + y, role, 20.0), text, role))
    for index, x, y in grid.slots:
        if index is None:
            b.boxes.append(Box(x0 + x, y0 + y, grid.cell_w, CELL_H, "gap", label="\u2026"))
            continue
        source = to_source(index)
        b.boxes.append(
            Box(
                x0 + x,
                y0 + y,
                grid.cell_w,
                CELL_H,
                "cell",
                shade(source),
                label(source),
                tip(index, source),
                section=section,
            )
        )
    b.y += grid.height


def _dims_columns(layout: Layout) -> list[tuple[float, int | None]]:
    """Widths of the dims table's columns: the row headers, then one per dim."""
    cols: list[tuple[float, int | None]] = [(text_width("stride", "body") + 16, None)]
    for d, (size, stride) in enumerate(zip(layout.shape, layout.stride, strict=True)):
        w = max(text_width(str(v), "body") for v in (size, stride, f"dim {d}")) + 18
        cols.append((max(w, 52.0), d))
    return cols


def _dims_panel(
    b: _Builder, plan: FlattenPlan, cols: list[tuple[float, int | None]], name: str
) -> None:
    """The rule, drawn: each dim's size and stride, a bracket over the flattened range,
    and each adjacent pair's check with its numbers, the blocking pair outlined."""
    layout = plan.layout
    b.line("the rule: dims i, j merge when stride[i] == size[j] * stride[j]", "heading")
    if layout.ndim == 0:
        b.line(f"{name} is 0-d: flatten gives shape (1,), a view of its one element", "body")
        return
    row_h = 22.0
    left = {d: MARGIN + sum(w for w, _ in cols[: k + 1]) for k, (_, d) in enumerate(cols[1:])}
    width_of = {d: w for w, d in cols[1:]}
    s, e = plan.start_dim, plan.end_dim
    top = b.y + 26.0  # room for the bracket above the table
    # The flattened range: a panel behind its columns and a bracket above it.
    x0, x1 = left[s], left[e] + width_of[e]
    b.boxes.append(Box(x0, top, x1 - x0, 3 * row_h, "panel"))
    b.lines.append(
        Line(
            ((x0 + 2, top - 4), (x0 + 2, top - 10), (x1 - 2, top - 10), (x1 - 2, top - 4)),
            "bracket",
        )
    )
    what = "flattened" if s != e else "start_dim == end_dim"
    b.texts.append(Text((x0 + x1) / 2, top - 15, what, "note", "middle"))
    blocking = plan.blocking
    if blocking is not None:
        i, j = blocking
        bx0, bx1 = left[i], left[j] + width_of[j]
        b.boxes.append(Box(bx0, top, bx1 - bx0, 3 * row_h, "bad"))
    headers = ("dim", "size", "stride")
    for r, head in enumerate(headers):
        b.texts.append(Text(MARGIN, baseline(top + r * row_h, "note", row_h), head, "note"))
    for d in range(layout.ndim):
        cx = left[d] + width_of[d] / 2
        column = (str(d), str(layout.shape[d]), str(layout.stride[d]))
        for r, text in enumerate(column):
            role = "heading" if r == 0 else "body"
            b.texts.append(Text(cx, baseline(top + r * row_h, role, row_h), text, role, "middle"))
    b.y = top + 3 * row_h
    pairs = merge_pairs(layout, s, e) if layout.numel and s != e else []
    # Each pair's check, drawn as a link under the table between the two dims.
    if pairs:
        b.y += 4
        link_y = b.y + 8
        for i, j in pairs:
            ok = merges(layout, i, j)
            xi, xj = left[i] + width_of[i] / 2, left[j] + width_of[j] / 2
            role = "bracket" if ok else "bad"
            b.lines.append(
                Line(((xi, link_y - 6), (xi, link_y), (xj, link_y), (xj, link_y - 6)), role)
            )
            mark = "\u2713" if ok else "\u2717"
            b.texts.append(Text((xi + xj) / 2, link_y + 16, mark, "ok" if ok else "bad", "middle"))
        b.y = link_y + 24
    b.gap(4)
    st, sz = layout.stride, layout.shape
    for i, j in pairs:
        if merges(layout, i, j):
            text = (
                f"\u2713 dims {i}, {j}: stride[{i}] = {st[i]} = size[{j}] * stride[{j}]"
                f" = {sz[j]} * {st[j]}"
            )
            b.line(text, "ok")
        else:
            text = (
                f"\u2717 dims {i}, {j}: stride[{i}] = {st[i]}, but size[{j}] * stride[{j}]"
                f" = {sz[j]} * {st[j]} = {sz[j] * st[j]}"
            )
            b.line(text + (": this pair blocks the merge" if (i, j) == blocking else ""), "bad")
    ones = [d for d in range(s, e + 1) if sz[d] == 1] if s != e else []
    if ones:
        b.line(f"size-1 dims never block: {', '.join(f'dim {d}' for d in ones)}", "note")
    if plan.returns_input:
        b.line(f"one dim only: nothing to merge, flatten returns {name} itself", "body")
    elif not layout.numel:
        b.line("no elements: any dims merge, as a view with fresh strides", "body")
    elif plan.is_view:
        merged = plan.result.stride[s]
        b.line(f"every pair merges: a view, the merged dim has stride {merged}", "ok")
    else:
        b.line("a pair does not merge: torch.flatten copies into new memory", "bad")


def _storage_panel(
    b: _Builder,
    strip: list[tuple[str, str, int | None]],
    widths: list[float],
    first_read: dict[int, int],
    counts: Callable[[int], int | None],
    lo: int,
    hi: int,
    name: str,
) -> None:
    """The storage in address order, each cell numbered with when flatten reads it."""
    b.line(f"memory: {name}'s storage in address order", "heading")
    b.line("under each cell: when flatten reads it (read 0 is first)", "note")
    b.gap(6)
    x = MARGIN
    row_h = CELL_H + 22.0
    orders: list[str] = []
    for (kind, text, address), w in zip(strip, widths, strict=True):
        if x + w > MARGIN + MAX_ROW:
            x = MARGIN
            b.y += row_h
        if kind == "cell" and address is not None:
            times = counts(address)
            more = f", read {times} times" if times and times > 1 else ""
            b.boxes.append(
                Box(
                    x,
                    b.y,
                    w,
                    CELL_H,
                    "cell",
                    shade_of(address, lo, hi),
                    text,
                    f"storage: address {address}, first read {first_read[address]}{more}",
                    section="storage",
                )
            )
            order = str(first_read[address]) + ("+" if times is None or times > 1 else "")
            orders.append(order)
            b.texts.append(Text(x + w / 2, b.y + CELL_H + 15, order, "order", "middle"))
        else:
            b.boxes.append(Box(x, b.y, w, CELL_H, "gap", label=text, dashed=kind == "gap"))
            if kind == "prefix":
                b.texts.append(Text(x + w / 2, b.y + CELL_H + 15, "offset", "note", "middle"))
        x += w
    b.y += row_h
    if any(kind == "gap" for kind, _, _ in strip):
        b.line("dashed: storage flatten never reads (+n: n addresses)", "note")
    if any(not text.isdigit() for text in orders):
        b.line("n+: read first at n, and again later", "note")


def _chart_panel(b: _Builder, layout: Layout, lo: int, hi: int) -> None:
    """Address against read order: one straight run is a view, a sawtooth a copy."""
    n = min(layout.numel, CHART_LIMIT)
    reads = [_address(layout, unravel(k, layout.shape)) for k in range(n)]
    b.line("read order: the address of each element flatten reads, in turn", "heading")
    more = f"the first {n} of {layout.numel} reads; " if n < layout.numel else ""
    b.line(f"{more}a straight run reads memory in order, a sawtooth jumps", "note")
    b.line("\u2191 address", "note")
    r_lo, r_hi = min(reads), max(reads)
    axis_w = max(text_width(str(v), "note") for v in (r_lo, r_hi)) + 10
    step = max(12.0, min(28.0, (MAX_ROW - axis_w) / max(n, 1)))
    height = 120.0
    label_points = step >= text_width(str(r_hi), "note")
    top = b.y + (18 if label_points else 4)
    x0 = MARGIN + axis_w

    def y_of(a: int) -> float:
        return top + height - (0.5 if r_hi == r_lo else (a - r_lo) / (r_hi - r_lo)) * height

    b.lines.append(
        Line(((x0, top - 4), (x0, top + height + 8), (x0 + step * n, top + height + 8)), "rule")
    )
    for value in {r_lo, r_hi}:
        b.texts.append(Text(x0 - 6, y_of(value) + 4, str(value), "note", "end"))
    points = tuple((x0 + step * (k + 0.5), y_of(a)) for k, a in enumerate(reads))
    if n > 1:
        b.lines.append(Line(points, "path"))
    for (px, py), a in zip(points, reads, strict=True):
        b.dots.append(Dot(px, py, shade_of(a, lo, hi)))
        if label_points:
            b.texts.append(Text(px, py - 8, str(a), "note", "middle"))
    b.y = top + height + 8
    b.texts.append(Text(x0, b.y + 16, "read 0 \u2192", "note"))
    b.y += 22
