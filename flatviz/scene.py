"""The flatten diagram as plain data: cells, texts and read-order hops with coordinates.

Everything a drawing backend needs is decided here, in units of one cell (y grows
downward), so tests can check the picture without pixels and a backend only paints.
Large tensors are elided the way torch prints them: a few edge items per dim, and
storage compressed to runs, so the cost grows with the cells drawn, never with numel.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flatviz.labels import Labeler
from flatviz.layout import Layout, ravel, unravel
from flatviz.plan import FlattenPlan

Index = tuple[int, ...]

#: Tensors with at most this many elements are drawn whole.
FULL_LIMIT = 64
#: At most this many cells in one row of a grid before it wraps.
WRAP = 24
#: At most this many cells in the storage strip.
STORAGE_LIMIT = 40
#: Rough characters of heading text per cell width, for wrapping.
CHARS_PER_UNIT = 4.2
#: Cell width per character of its label, in cells (labels are 7.5 pt, a cell 0.34 in).
CHAR_W = 0.2
#: The same for the small address notes in a cell's corner (4.5 pt).
NOTE_CHAR_W = 0.12
#: Up to this many elements, overlapping reads are counted exactly.
COUNT_LIMIT = 1 << 20
#: Most element cells one grid may draw: eliding keeps a few per dim, so the count grows
#: exponentially with the number of dims, and a diagram must stay bounded in time.
MAX_CELLS = 4096


@dataclass(frozen=True)
class Cell:
    """One box. `key` is the storage address it stands for (its colour), if any."""

    x: float
    y: float
    w: float
    h: float
    panel: str  # "input", "storage" or "result"
    kind: str  # "element", "gap", "prefix", "skip" or "ellipsis"
    label: str
    key: int | None = None
    note: str = ""  # small corner text: read count ("x3") or address ("@12")


@dataclass(frozen=True)
class Text:
    """A line of text; `role` sets its size and colour ("title", "reason", "heading",
    "block", "ellipsis")."""

    x: float
    y: float
    text: str
    role: str


@dataclass(frozen=True)
class Hop:
    """One step of flatten's read order: an arc above the storage strip from x0 to x1."""

    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class Scene:
    """The whole picture; `lo`/`hi` are the lowest and highest addresses drawn."""

    width: float
    height: float
    cells: tuple[Cell, ...]
    texts: tuple[Text, ...]
    hops: tuple[Hop, ...]
    lo: int
    hi: int
    plan: FlattenPlan

    def shade(self, key: int) -> float:
        """Where `key` lies between the lowest and highest address drawn, in [0, 1]."""
        return 0.5 if self.hi == self.lo else (key - self.lo) / (self.hi - self.lo)

    def cells_in(self, panel: str, kind: str = "element") -> list[Cell]:
        """The cells of one panel and kind, in drawing order."""
        return [c for c in self.cells if c.panel == panel and c.kind == kind]


def shown(size: int, edge: int, elide: bool) -> list[int | None]:
    """Indices drawn along a dim of `size`; None marks the elided middle."""
    if not elide or size <= 2 * edge + 1:
        return list(range(size))
    return [*range(edge), None, *range(size - edge, size)]


@dataclass
class _Grid:
    """Positions of one tensor's drawn elements: leading dims as labelled blocks, the
    last two dims as rows and columns (long rows wrap)."""

    slots: list[tuple[Index | None, float, float]]  # (index or None for an ellipsis, x, y)
    texts: list[Text]
    width: float
    height: float
    cell_w: float


def _grid(shape: Sequence[int], name: str, edge: int, elide: bool, cell_w: float = 1.0) -> _Grid:
    ndim = len(shape)
    if ndim == 0:
        return _Grid([((), 0.0, 0.0)], [], cell_w, 1.0, cell_w)
    if 0 in shape:
        note = Text(0, 0.5, f"no elements: shape {tuple(shape)} has a size-0 dim", "block")
        return _Grid([], [note], 8.0, 1.0, cell_w)
    rows = shown(shape[-2], edge, elide) if ndim >= 2 else [0]
    cols = shown(shape[-1], edge, elide)
    lines_per_row = max(1, math.ceil(len(cols) / WRAP))
    block_w = min(len(cols), WRAP) * cell_w if cols else 1.0
    row_h = lines_per_row + (0.3 if lines_per_row > 1 else 0.0)
    block_h = max(row_h * len(rows), 1.0)
    lead = list(shape[:-2])
    label_h = 0.9 if lead else 0.0

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

    slots: list[tuple[Index | None, float, float]] = []
    texts: list[Text] = []
    gap_x, gap_y = 0.8, 0.5
    y = 0.0
    width = 0.0
    for brow in block_rows:
        if brow is None:
            texts.append(Text(0.5, y + 0.5, "\u22ee", "ellipsis"))
            y += 1.0 + gap_y
            continue
        x = 0.0
        for bcol in block_cols:
            if bcol is None:
                texts.append(Text(x + 0.5, y + label_h + block_h / 2, "\u2026", "ellipsis"))
                x += 1.0 + gap_x
                continue
            prefix: Index = (*brow, bcol) if lead else ()
            if lead:
                texts.append(Text(x, y + 0.45, f"{name}[{', '.join(map(str, prefix))}]", "block"))
            for r, row in enumerate(rows):
                for c, col in enumerate(cols):
                    line, pos = divmod(c, WRAP)
                    cx, cy = x + pos * cell_w, y + label_h + r * row_h + line
                    if row is None or col is None:
                        slots.append((None, cx, cy))
                    else:
                        slots.append(((*prefix, row, col) if ndim >= 2 else (col,), cx, cy))
            x += block_w + gap_x
        width = max(width, x - gap_x)
        y += label_h + block_h + gap_y
    return _Grid(slots, texts, max(width, 1.0), y - gap_y, cell_w)


def cell_width(labels: Sequence[str], char_w: float = CHAR_W) -> float:
    """A cell width that fits the longest of `labels`, at least one cell."""
    return max([1.0, *(char_w * len(label) + 0.3 for label in labels)])


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


def _read_counts(layout: Layout, addresses: Sequence[int]) -> dict[int, int] | None:
    """Times each drawn address is read by the whole tensor, or None if too costly to know."""
    uniform = _uniform_reads(layout)
    if uniform is not None:
        return dict.fromkeys(addresses, uniform)
    if layout.numel > COUNT_LIMIT:
        return None
    counts = Counter(layout.offsets().tolist())
    return {a: counts[a] for a in addresses}


def _wrap(text: str, width: float) -> list[str]:
    return textwrap.wrap(text, max(30, int(width * CHARS_PER_UNIT))) or [""]


def build_scene(
    plan: FlattenPlan,
    labels: Labeler | None = None,
    *,
    edge_items: int = 2,
    storage_size: int | None = None,
    name: str = "x",
) -> Scene:
    """Lay out the diagram of `plan`: input, storage with read order, result, verdict.

    `labels` gives the value shown in each element cell; without it (meta tensors) a
    cell shows its row-major index. `storage_size`, when known, marks unread storage
    after the last element.
    """
    if edge_items < 1:
        raise ValueError(f"edge_items must be >= 1, got {edge_items}")
    layout = plan.layout
    elide = layout.numel > FULL_LIMIT
    grid_cells = math.prod(len(shown(size, edge_items, elide)) for size in layout.shape)
    if grid_cells > MAX_CELLS:
        raise ValueError(
            f"the diagram of a {layout.ndim}-d tensor would draw {grid_cells} cells, more than "
            f"{MAX_CELLS}: index, squeeze or flatten some dims first, or lower edge_items"
        )
    cells: list[Cell] = []
    texts: list[Text] = []
    y = 0.0

    def label_map(indices: list[Index]) -> dict[Index, str]:
        if labels is None:
            return {i: str(ravel(i, layout.shape)) for i in indices}
        return dict(zip(indices, labels(indices), strict=True))

    def layout_grid(
        shape: Sequence[int], grid_name: str, to_input: Callable[[Index], Index]
    ) -> tuple[_Grid, dict[Index, str]]:
        """Lay out a grid with cells wide enough for its value labels and address notes."""
        draft = _grid(shape, grid_name, edge_items, elide)
        sources = [to_input(i) for i, _, _ in draft.slots if i is not None]
        names = label_map(sources)
        notes = [f"@{layout.offset_of(i)}" for i in sources]
        w = max(cell_width(list(names.values())), cell_width(notes, NOTE_CHAR_W))
        return _grid(shape, grid_name, edge_items, elide, w), names

    def place(
        grid: _Grid, names: dict[Index, str], panel: str, to_input: Callable[[Index], Index]
    ) -> None:
        nonlocal y
        texts.extend(Text(t.x, t.y + y, t.text, t.role) for t in grid.texts)
        for index, x, dy in grid.slots:
            if index is None:
                cells.append(Cell(x, y + dy, grid.cell_w, 1, panel, "ellipsis", "\u2026"))
                continue
            source = to_input(index)
            address = layout.offset_of(source)
            label = names[source]
            note = "" if label == str(address) else f"@{address}"
            cells.append(Cell(x, y + dy, grid.cell_w, 1, panel, "element", label, address, note))
        y += grid.height

    verdict = "view" if plan.is_view else "copy"
    texts.append(
        Text(
            0,
            y + 0.6,
            f"torch.flatten({name}, start_dim={plan.start_dim}, "
            f"end_dim={plan.end_dim}) \u2192 {verdict}",
            "title",
        )
    )
    y += 1.4

    def identity(i: Index) -> Index:
        return i

    def result_source(i: Index) -> Index:
        return unravel(ravel(i, plan.shape), layout.shape) if layout.ndim else ()

    grid_in, names_in = layout_grid(layout.shape, name, identity)
    grid_out, names_out = layout_grid(plan.shape, "result", result_source)

    # Storage strip first in data terms: which addresses, in which boxes.
    drawn = [i for i, _, _ in grid_in.slots if i is not None]
    order = sorted(drawn, key=lambda i: ravel(i, layout.shape))
    addresses = sorted({layout.offset_of(i) for i in drawn})
    counts = _read_counts(layout, addresses) or {}
    strip = _storage_strip(layout.offset, addresses, elide, edge_items, storage_size)
    width = max(grid_in.width, grid_out.width, sum(w for _, w, _, _ in strip), 16.0)

    for line in _wrap(plan.reason, width):
        texts.append(Text(0, y + 0.4, line, "reason"))
        y += 0.7
    y += 0.5

    def heading(text: str) -> None:
        nonlocal y
        for line in _wrap(text, width):
            texts.append(Text(0, y + 0.5, line, "heading"))
            y += 0.75
        y += 0.25

    heading(
        f"input {name}: shape {layout.shape}, stride {layout.stride}, "
        f"storage_offset {layout.offset}"
    )
    place(grid_in, names_in, "input", identity)
    y += 0.8

    heading("storage in address order, with the path flatten reads it along")
    hop_room = 2.2
    y += hop_room
    centers: dict[int, float] = {}
    x = 0.0
    for kind, w, label, address in strip:
        if kind == "element" and address is not None:
            reads = counts.get(address, 1)
            note = f"x{reads}" if reads > 1 else ""
            cells.append(Cell(x, y, w, 1, "storage", "element", label, address, note))
            centers[address] = x + w / 2
        else:
            cells.append(Cell(x, y, w, 1, "storage", kind, label))
        x += w
    if not layout.numel:
        texts.append(Text(0, y + 0.5, "nothing is read", "block"))
    hops = []
    flats = [(ravel(i, layout.shape), layout.offset_of(i)) for i in order]
    for (f0, a0), (f1, a1) in itertools.pairwise(flats):
        if f1 == f0 + 1 and a0 != a1 and a0 in centers and a1 in centers:
            hops.append(Hop(centers[a0], centers[a1], y))
    y += 1.8

    result = plan.result
    if plan.returns_input:
        what = "the input tensor itself"
    elif plan.is_view:
        what = f"a view of the same storage, stride {result.stride}, storage_offset {result.offset}"
    else:
        what = f"a copy in new storage, stride {result.stride}"
    heading(f"result: shape {plan.shape}, {what}")
    place(grid_out, names_out, "result", result_source)

    keys = [c.key for c in cells if c.key is not None]
    return Scene(
        width,
        y,
        tuple(cells),
        tuple(texts),
        tuple(hops),
        min(keys, default=0),
        max(keys, default=0),
        plan,
    )


def _storage_strip(
    offset: int,
    addresses: Sequence[int],
    elide: bool,
    edge: int,
    storage_size: int | None,
) -> list[tuple[str, float, str, int | None]]:
    """Boxes of the storage strip as (kind, width, label, address): the storage_offset
    prefix, read addresses, unread gaps, and compressed runs ("skip") when elided."""
    boxes: list[tuple[str, float, str, int | None]] = []
    if offset > 0:
        label = f"0..{offset - 1}" if offset > 1 else "0"
        boxes.append(("prefix", max(2.0, cell_width([label])), label, None))
    previous = offset - 1
    run: list[int] = []

    def flush() -> None:
        keep = [*run[:edge], None, *run[-edge:]] if elide and len(run) > 2 * edge + 1 else list(run)
        for a in keep:
            if a is None:
                boxes.append(("skip", 1.5, "\u2026", None))
            else:
                boxes.append(("element", cell_width([str(a)]), str(a), a))
        run.clear()

    for a in addresses:
        unread = a - previous - 1
        if unread > 0:
            flush()
            if elide:
                boxes.append(("skip", max(1.5, cell_width([f"+{unread}"])), f"+{unread}", None))
            elif unread <= 3:
                boxes.extend(
                    ("gap", cell_width([str(g)]), str(g), None) for g in range(previous + 1, a)
                )
            else:
                boxes.append(("gap", cell_width([f"{unread} unread"]), f"{unread} unread", None))
        run.append(a)
        previous = a
    flush()
    if storage_size is not None and storage_size > previous + 1:
        label = f"+{storage_size - previous - 1} after"
        boxes.append(("gap", cell_width([label]), label, None))
    if len(boxes) > STORAGE_LIMIT:
        half = STORAGE_LIMIT // 2
        boxes = [*boxes[:half], ("skip", 1.5, "\u2026", None), *boxes[-half:]]
    return boxes
