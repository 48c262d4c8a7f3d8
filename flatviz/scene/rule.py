"""The title and the rule panel: each dim's size and stride, a bracket over the
flattened range, and each adjacent pair's check with its numbers, the blocking pair
outlined."""

from __future__ import annotations

from flatviz.core.layout import Layout
from flatviz.core.rule import merge_pairs, merges, pair_check
from flatviz.plan import FlattenPlan
from flatviz.scene.canvas import Canvas, baseline
from flatviz.scene.elements import Elements
from flatviz.scene.primitives import Box, Line, Panel, Text
from flatviz.style import COLUMN, text_width

#: Height of a row of the dims table, in px.
ROW_H = 22.0


def call(el: Elements) -> str:
    """The flatten call the diagram draws."""
    p = el.plan
    return f"torch.flatten({el.name}, start_dim={p.start_dim}, end_dim={p.end_dim})"


def title_panel(el: Elements, width: float = COLUMN, name: str = "title") -> Panel:
    """The call and its verdict, on the first two lines."""
    c = Canvas(name, width)
    verdict = "a view: the same memory" if el.plan.is_view else "a copy: new memory"
    if el.plan.returns_input:
        verdict = f"{el.name} itself"
    c.write(call(el), "title")
    c.write(f"\u2192 {verdict}", "title")
    return c.panel()


def _columns(layout: Layout) -> list[tuple[float, int | None]]:
    """Widths of the dims table's columns: the row headers, then one per dim."""
    cols: list[tuple[float, int | None]] = [(text_width("stride", "body") + 16, None)]
    for d, (size, stride) in enumerate(zip(layout.shape, layout.stride, strict=True)):
        w = max(text_width(str(v), "body") for v in (size, stride, f"dim {d}")) + 18
        cols.append((max(w, 52.0), d))
    return cols


def _table(c: Canvas, plan: FlattenPlan, left: dict[int, float], wide: dict[int, float]) -> None:
    """The dims table under a bracket over the flattened dims, the blocking pair boxed."""
    layout = plan.layout
    s, e = plan.start_dim, plan.end_dim
    top = c.y + 26.0  # room for the bracket above the table
    x0, x1 = left[s], left[e] + wide[e]
    c.boxes.append(Box(x0, top, x1 - x0, 3 * ROW_H, "panel"))
    bracket = ((x0 + 2, top - 4), (x0 + 2, top - 10), (x1 - 2, top - 10), (x1 - 2, top - 4))
    c.lines.append(Line(bracket, "bracket"))
    what = "flattened" if s != e else "start_dim == end_dim"
    c.texts.append(Text((x0 + x1) / 2, top - 15, what, "note", "middle"))
    if plan.blocking is not None:
        i, j = plan.blocking
        c.boxes.append(Box(left[i], top, left[j] + wide[j] - left[i], 3 * ROW_H, "bad"))
    for r, head in enumerate(("dim", "size", "stride")):
        c.texts.append(Text(0.0, baseline(top + r * ROW_H, "note", ROW_H), head, "note"))
    for d in range(layout.ndim):
        cx = left[d] + wide[d] / 2
        for r, text in enumerate((str(d), str(layout.shape[d]), str(layout.stride[d]))):
            role = "heading" if r == 0 else "body"
            c.texts.append(Text(cx, baseline(top + r * ROW_H, role, ROW_H), text, role, "middle"))
    c.y = top + 3 * ROW_H


def _links(c: Canvas, layout: Layout, pairs: list[tuple[int, int]], mid: dict[int, float]) -> None:
    """Each pair's check, drawn as a link under the table between the two dims."""
    c.y += 4
    link_y = c.y + 8
    for i, j in pairs:
        ok = merges(layout, i, j)
        xi, xj = mid[i], mid[j]
        points = ((xi, link_y - 6), (xi, link_y), (xj, link_y), (xj, link_y - 6))
        c.lines.append(Line(points, "bracket" if ok else "bad"))
        mark = "\u2713" if ok else "\u2717"
        c.texts.append(Text((xi + xj) / 2, link_y + 16, mark, "ok" if ok else "bad", "middle"))
    c.y = link_y + 24


def pair_sentence(layout: Layout, i: int, j: int, blocking: tuple[int, int] | None) -> str:
    """The check of dims i, j with its numbers, and whether this pair blocks the merge."""
    mark = "\u2713" if merges(layout, i, j) else "\u2717"
    blocks = ": this pair blocks the merge" if (i, j) == blocking else ""
    return f"{mark} dims {i}, {j}: {pair_check(layout, i, j)}{blocks}"


def _verdict(c: Canvas, plan: FlattenPlan, name: str) -> None:
    """The conclusion under the checks."""
    layout = plan.layout
    s, e = plan.start_dim, plan.end_dim
    ones = [d for d in range(s, e + 1) if layout.shape[d] == 1] if s != e else []
    if ones:
        c.write(f"size-1 dims never block: {', '.join(f'dim {d}' for d in ones)}", "note")
    if plan.returns_input:
        c.write(f"one dim only: nothing to merge, flatten returns {name} itself", "body")
    elif not layout.numel:
        c.write("no elements: any dims merge, as a view with fresh strides", "body")
    elif plan.is_view:
        c.write(f"all pairs merge: a view, merged stride {plan.result.stride[s]}", "ok")
    else:
        c.write("a pair does not merge: flatten copies", "bad")


def rule_panel(el: Elements, width: float = COLUMN) -> Panel:
    """The rule, drawn for this tensor, with each pair's check and the verdict."""
    plan, layout = el.plan, el.layout
    c = Canvas("rule", width)
    c.write("the rule: dims i, j merge when stride[i] == size[j] * stride[j]", "heading")
    if layout.ndim == 0:
        c.write(f"{el.name} is 0-d: flatten gives shape (1,), a view of its one element", "body")
        return c.panel()
    cols = _columns(layout)
    left = {d: sum(w for w, _ in cols[: k + 1]) for k, (_, d) in enumerate(cols[1:])}
    wide = {d: w for w, d in cols[1:] if d is not None}
    left_of = {d: x for d, x in left.items() if d is not None}
    _table(c, plan, left_of, wide)
    s, e = plan.start_dim, plan.end_dim
    pairs = merge_pairs(layout, s, e) if layout.numel and s != e else []
    if pairs:
        _links(c, layout, pairs, {d: left_of[d] + wide[d] / 2 for d in wide})
    c.gap(4)
    for i, j in pairs:
        c.write(pair_sentence(layout, i, j, plan.blocking), "ok" if merges(layout, i, j) else "bad")
    _verdict(c, plan, el.name)
    return c.panel()
