"""Where a tensor's drawn elements go: leading dims as labelled blocks, the last two as
rows and columns, long rows broken to the panel's width, large dims elided the way torch
prints them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from flatviz.core.text import keep_edges
from flatviz.scene.canvas import Canvas, baseline
from flatviz.scene.primitives import Box, Text
from flatviz.style import CELL_H, CELL_PAD, CELL_W, text_width

Index = tuple[int, ...]

#: Space between blocks, across and down, in px.
BLOCK_GAP_X, BLOCK_GAP_Y = 18.0, 14.0
#: Height of a block's label, in px.
LABEL_H = 20.0
#: Longest name a block's label repeats, in characters.
LABEL_NAME = 8
#: Most tiles one block's rows are cut into, and the least height that is worth it.
MAX_FOLDS = 6
FOLD_SAVING = 2 * CELL_H


def shown(size: int, edge: int, elide: bool) -> list[int | None]:
    """Indices drawn along a dim of `size`; None marks the elided middle."""
    return keep_edges(range(size), edge) if elide else list(range(size))


def _axes(shape: Sequence[int], edge: int, elide: bool) -> list[list[int | None]]:
    """The indices drawn along each dim: leading dims become whole blocks, so they keep
    one block fewer at each end."""
    lead_edge = max(1, edge - 1)
    return [shown(s, lead_edge, elide) for s in shape[:-2]] + [
        shown(s, edge, elide) for s in shape[-2:]
    ]


def drawn(shape: Sequence[int], edge: int, elide: bool) -> Iterator[Index]:
    """Every index a grid of `shape` gives a cell, in row-major order."""
    for combo in itertools.product(*_axes(shape, edge, elide)):
        if None not in combo:
            yield tuple(i for i in combo if i is not None)


def cell_width(labels: Sequence[str]) -> float:
    """A cell width that fits the longest of `labels`."""
    return max([CELL_W, *(text_width(label, "cell") + CELL_PAD for label in labels)])


@dataclass
class Grid:
    """Drawn elements of one tensor relative to its corner."""

    slots: list[tuple[Index | None, float, float]]  # (index, or None for "…", x, y)
    texts: list[tuple[float, float, str]]  # block labels and ellipses: (x, y top, text)
    width: float
    height: float
    cell_w: float


def _block_rows(lead: Sequence[int], edge: int, elide: bool) -> list[Index | None]:
    """Index prefixes of the rows of blocks (all leading dims but the last), None for an
    elided run."""
    rows: list[Index | None] = []
    for combo in itertools.product(*(shown(s, edge, elide) for s in lead[:-1])):
        if None in combo:
            if not (rows and rows[-1] is None):
                rows.append(None)
        else:
            rows.append(tuple(i for i in combo if i is not None))
    return rows


class _Tile(NamedTuple):
    """A block of cells: the rows `rows` of the block at `prefix` (None: an elided block)."""

    prefix: Index | None
    rows: list[int | None]
    label: str


def _tiles(
    shape: Sequence[int],
    name: str,
    band: Index,
    cols: list[int | None],
    parts: list[list[int | None]],
) -> list[_Tile]:
    """The tiles of one row of blocks: each block of the last leading dim, cut into `parts`
    of its rows (labelled with their slice when there is more than one). A long name is
    left out of the labels (`[0]`), so it does not widen every block."""
    name = name if len(name) <= LABEL_NAME else ""
    tiles = []
    for bcol in cols if len(shape) > 2 else [0]:
        if bcol is None:
            tiles.append(_Tile(None, [], "\u2026"))
            continue
        prefix: Index = (*band, bcol) if len(shape) > 2 else ()
        for part in parts:
            where = [*map(str, prefix)]
            if len(parts) > 1:
                first, last = part[0], part[-1]
                where.append(f"{first}:{(last or 0) + 1}")
            tiles.append(_Tile(prefix, part, f"{name}[{', '.join(where)}]" if where else ""))
    return tiles


def _lay(
    shape: Sequence[int], name: str, edge: int, elide: bool, cell_w: float, width: float, folds: int
) -> Grid | None:
    """The grid with each block's rows cut into `folds` tiles side by side (None when it
    has too few rows to cut)."""
    ndim = len(shape)
    *lead_axes, rows, cols = _axes((1, *shape) if ndim == 1 else shape, edge, elide)
    if folds > 1 and (None in rows or folds > len(rows)):
        return None
    size = math.ceil(len(rows) / folds)
    parts = [rows[k : k + size] for k in range(0, len(rows), size)]
    per_line = max(1, int(width // cell_w))
    lines_per_row = math.ceil(len(cols) / per_line)
    row_h = lines_per_row * CELL_H + (6.0 if lines_per_row > 1 else 0.0)
    lead = list(shape[:-2])
    block_rows = _block_rows(lead, max(1, edge - 1), elide) if lead else [()]
    label_h = LABEL_H if lead or len(parts) > 1 else 0.0
    out = Grid([], [], 0.0, 0.0, cell_w)
    y = 0.0
    for brow in block_rows:
        if brow is None:
            out.texts.append((0.0, y, "\u2026"))
            y += CELL_H + BLOCK_GAP_Y
            continue
        tiles = _tiles(shape, name, brow, lead_axes[-1] if lead else [0], parts)
        slot_w = max(
            min(len(cols), per_line) * cell_w, *(text_width(t.label, "heading") for t in tiles)
        )
        per_band = max(1, int((width + BLOCK_GAP_X) // (slot_w + BLOCK_GAP_X)))
        for k in range(0, len(tiles), per_band):
            band = tiles[k : k + per_band]
            if all(tile.prefix is None for tile in band):  # an elided run of blocks alone
                out.texts.append((0.0, y, "\u2026"))
                y += CELL_H + BLOCK_GAP_Y
                continue
            x = 0.0
            for tile in band:
                _place(out, tile, x, y, label_h, row_h, cols, per_line, ndim)
                x += (slot_w if tile.prefix is not None else CELL_W) + BLOCK_GAP_X
            out.width = max(out.width, x - BLOCK_GAP_X)
            y += label_h + row_h * size + BLOCK_GAP_Y
    out.height = y - BLOCK_GAP_Y
    return out


def _place(
    out: Grid, tile: _Tile, x: float, y: float, label_h: float, row_h: float,
    cols: list[int | None], per_line: int, ndim: int,
) -> None:  # fmt: skip
    """The tile's label and cells with their top-left corner at (x, y)."""
    if tile.prefix is None:
        out.texts.append((x, y + label_h, tile.label))
        return
    if tile.label:
        out.texts.append((x, y, tile.label))
    for r, c in itertools.product(range(len(tile.rows)), range(len(cols))):
        line, pos = divmod(c, per_line)
        cx, cy = x + pos * out.cell_w, y + label_h + r * row_h + line * CELL_H
        row, col = tile.rows[r], cols[c]
        index = None if row is None or col is None else (*tile.prefix, row, col)
        out.slots.append((index[1:] if index and ndim == 1 else index, cx, cy))


def grid(
    shape: Sequence[int], name: str, edge: int, elide: bool, cell_w: float, width: float
) -> Grid:
    """The slots of a tensor of `shape` whose blocks and rows break at `width` px: tall
    blocks are cut into tiles side by side when that saves height."""
    if len(shape) == 0:
        return Grid([((), 0.0, 0.0)], [], cell_w, CELL_H, cell_w)
    if 0 in shape:
        return Grid([], [], 0.0, 0.0, cell_w)
    whole = _lay(shape, name, edge, elide, cell_w, width, 1)
    assert whole is not None
    best = whole
    for folds in range(2, MAX_FOLDS + 1):
        folded = _lay(shape, name, edge, elide, cell_w, width, folds)
        if folded is None:
            break
        if folded.height < best.height and folded.width <= width:
            best = folded
    return best if best.height <= whole.height - FOLD_SAVING else whole


def draw_grid(c: Canvas, g: Grid, cell: Callable[[Index, float, float], Box]) -> None:
    """Draw `g` at the canvas's current height: block labels, `cell(index, x, y)` for
    each element, and a gap box for each elided slot."""
    top = c.y
    for x, y, text in g.texts:
        role = "note" if text == "\u2026" else "heading"
        c.texts.append(Text(x, baseline(top + y, role, LABEL_H), text, role))
    for index, x, y in g.slots:
        if index is None:
            c.boxes.append(Box(x, top + y, g.cell_w, CELL_H, "gap", label="\u2026"))
        else:
            c.boxes.append(cell(index, x, top + y))
    c.y += g.height


def axes(shape: Sequence[int], stride: Sequence[int], name: str) -> list[str]:
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
