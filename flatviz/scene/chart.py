"""The read-order chart: the address of each read, in turn. One straight run reads memory
in order; a sawtooth jumps. A long chart keeps its head and the first jump, so a copy
never plots as a straight line."""

from __future__ import annotations

from flatviz.core.layout import Layout, address, unravel
from flatviz.scene.canvas import Canvas
from flatviz.scene.elements import Elements
from flatviz.scene.numbers import compact
from flatviz.scene.primitives import Dot, Line, Panel, Text
from flatviz.style import CHART_H, COLUMN, text_width

#: At most this many reads in the chart: about 10 px each in a column.
CHART_LIMIT = 28


def first_break(layout: Layout) -> int | None:
    """The first read whose step through memory differs from the one before it (read k
    steps from read k - 1), or None when every read steps alike: walking out from the
    innermost dim, the first dim that does not merge with the dims inside it."""
    dims = [(size, stride) for size, stride in zip(layout.shape, layout.stride, strict=True)]
    dims = [d for d in dims if d[0] > 1]
    if not dims:
        return None
    size, stride = dims[-1]
    run = size
    for outer_size, outer_stride in reversed(dims[:-1]):
        if outer_stride != size * stride:
            return run
        size, stride = outer_size, outer_stride
        run *= outer_size
    return None


def chart_reads(layout: Layout) -> list[int | None]:
    """The reads the chart plots, None where it skips some: all of them, or the first
    CHART_LIMIT, or a head and the reads around the first break when that comes later."""
    n = layout.numel
    if n <= CHART_LIMIT:
        return list(range(n))
    jump = first_break(layout)
    if jump is None or jump + 4 <= CHART_LIMIT:
        return list(range(CHART_LIMIT))
    half = CHART_LIMIT // 2
    return [*range(half), None, *range(jump - half // 2, min(n, jump + half - half // 2))]


def _heading(c: Canvas, el: Elements, reads: list[int | None]) -> None:
    n = compact(el.layout.numel)
    c.write("read order: address (\u2191) of each read (\u2192)", "heading")
    if None in reads:
        head, jump = reads.index(None), compact(first_break(el.layout) or 0)
        c.write(
            f"the first {head} reads, and those around the first jump: read {jump} of {n}", "note"
        )
    elif len(reads) < el.layout.numel:
        c.write(f"the first {len(reads)} of {n} reads", "note")
    c.write("straight: in memory order; sawtooth: jumps", "note")


def chart_panel(el: Elements, width: float = COLUMN) -> Panel:
    """Address against read order for the reads `chart_reads` picks."""
    layout = el.layout
    reads = chart_reads(layout)
    at = {k: address(layout, unravel(k, layout.shape)) for k in reads if k is not None}
    c = Canvas("chart", width)
    _heading(c, el, reads)
    lo, hi = min(at.values()), max(at.values())
    axis_w = max(text_width(compact(v), "note") for v in (lo, hi)) + 10
    step = max(8.0, min(28.0, (width - axis_w - 6) / len(reads)))
    label_points = step >= max(text_width(compact(a), "note") for a in at.values()) + 2
    top = c.y + (18 if label_points else 6)
    x0 = axis_w

    def y_of(a: int) -> float:
        return top + CHART_H - (0.5 if hi == lo else (a - lo) / (hi - lo)) * CHART_H

    right = x0 + step * len(reads)
    c.lines.append(
        Line(((x0, top - 4), (x0, top + CHART_H + 8), (right, top + CHART_H + 8)), "rule")
    )
    for value in {lo, hi}:
        c.texts.append(Text(x0 - 6, y_of(value) + 4, compact(value), "note", "end"))
    runs: list[list[tuple[float, float]]] = [[]]
    for slot, k in enumerate(reads):
        px = x0 + step * (slot + 0.5)
        if k is None:
            runs.append([])
            c.texts.append(Text(px, top + CHART_H + 12, "\u2026", "note", "middle"))
            continue
        a = at[k]
        py = y_of(a)
        runs[-1].append((px, py))
        tip = f"read {k}: address {a}"
        c.dots.append(Dot(px, py, el.shade(k), a, compact(k), tip))
        if label_points:
            c.texts.append(Text(px, py - 8, compact(a), "note", "middle"))
    c.lines.extend(Line(tuple(run), "path") for run in runs if len(run) > 1)
    c.y = top + CHART_H + 8
    c.texts.append(Text(x0, c.y + 16, "read 0 \u2192", "note"))
    if None in reads:
        slot = reads.index(None) + 1
        later = f"read {compact(reads[slot] or 0)} \u2192"
        c.texts.append(Text(x0 + step * slot, c.y + 16, later, "note"))
    c.y += 22
    return c.panel()
