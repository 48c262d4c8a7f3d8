"""The layout step: panels placed for a desktop's content column (688 px) and a phone's
(358 px), checked on every 3-d flatten of up to 24 elements."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flatviz.core.layout import Layout
from flatviz.plan import contiguous_strides, plan_flatten
from flatviz.scene import Box, Scene, Text, build_scene
from flatviz.style import MARGIN, NARROW, TEXT_ROLES, WIDE, text_width

#: The tallest a desktop figure may be: it fits one 1280 x 800 screen with room to spare.
SCREEN = 720.0


def small_3d() -> list[tuple[Layout, int, int]]:
    """Every 3-d tensor of at most 24 elements with each dim at least 2, in each order of
    its dims (views and copies alike), with every start_dim < end_dim."""
    cases = []
    for shape in itertools.product(range(2, 13), repeat=3):
        if shape[0] * shape[1] * shape[2] > 24:
            continue
        base = contiguous_strides(shape)
        for order in itertools.permutations(range(3)):
            layout = Layout([shape[d] for d in order], [base[d] for d in order])
            cases += [(layout, s, e) for s, e in ((0, 1), (0, 2), (1, 2))]
    return cases


CASES = small_3d()


def text_box(t: Text) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a line of text."""
    size = TEXT_ROLES[t.role].size
    w = text_width(t.text, t.role)
    left = t.x - (w / 2 if t.anchor == "middle" else w if t.anchor == "end" else 0.0)
    return left, t.y - size * 0.8, left + w, t.y + size * 0.25


def box_of(b: Box) -> tuple[float, float, float, float]:
    return b.x, b.y, b.x + b.w, b.y + b.h


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def test_the_cases_are_many() -> None:
    assert len(CASES) == 22 * 6 * 3


def test_every_small_3d_flatten_fits_a_desktop_screen_and_a_phone() -> None:
    too_big = []
    for layout, s, e in CASES:
        scene = build_scene(plan_flatten(layout, s, e))
        wide, phone = scene.placements
        if not (wide.width <= WIDE and wide.height <= SCREEN and phone.width <= NARROW):
            too_big.append((layout.shape, layout.stride, s, e, wide, phone.width))
    assert too_big == []


def problems(scene: Scene) -> list[str]:
    """What overlaps or sticks out, in each placement."""
    found = []
    for k, placement in enumerate(scene.placements):
        panels = scene.placed(k)
        frames = [
            (x, y, x + p.width, y + p.height)
            for p, (_, x, y) in zip(panels, placement.spots, strict=True)
        ]
        texts = [text_box(t) for p in panels for t in p.texts]
        cells = [box_of(b) for p in panels for b in p.boxes if b.role in ("cell", "gap")]
        if any(overlap(a, b) for a, b in itertools.combinations(frames, 2)):
            found.append(f"placement {k}: panels overlap")
        if any(overlap(a, b) for a, b in itertools.combinations(texts, 2)):
            found.append(f"placement {k}: texts overlap")
        if any(overlap(t, c) for t in texts for c in cells):
            found.append(f"placement {k}: a text overlaps a cell")
        for left, top, right, bottom in [*texts, *cells]:
            if not (left >= 0 and right <= placement.width and top >= 0):
                found.append(f"placement {k}: something sticks out")
            if bottom > placement.height:
                found.append(f"placement {k}: something sticks out below")
    return sorted(set(found))


def test_nothing_overlaps_and_everything_is_inside() -> None:
    """Panels never overlap; no text runs into another or into a cell; everything lies
    inside the picture, in both placements."""
    found = {}
    for layout, s, e in CASES:
        bad = problems(build_scene(plan_flatten(layout, s, e)))
        if bad:
            found[(layout.shape, layout.stride, s, e)] = bad
    assert found == {}


def test_a_desktop_strip_is_one_row_that_elides_its_middle() -> None:
    """36 addresses with gaps between them: the phone's strip shows them all in rows;
    the desktop's keeps one row, its head and tail, with one elided box between."""
    scene = build_scene(plan_flatten(Layout((6, 6), (1, 12)), 0))
    panels = {p.name: p for p in scene.panels}
    rows = [b for b in panels["storage"].boxes]
    row = [b for b in panels["storage-row"].boxes]
    assert len({b.y for b in row}) == 1 and len({b.y for b in rows}) > 1
    assert sum(b.w for b in row) <= WIDE - 2 * MARGIN
    labels = [b.label for b in rows]
    kept = [b.label for b in row]
    cut = kept.index("\u2026")
    assert (
        kept[:cut] == labels[:cut]
        and kept[cut + 1 :] == labels[len(labels) - len(kept) + cut + 1 :]
    )
    assert {name for name, _, _ in scene.placements[0].spots} >= {"storage-row"}
    assert {name for name, _, _ in scene.placements[1].spots} >= {"storage"}


def test_one_width_gives_one_placement() -> None:
    plan = plan_flatten(Layout((2, 4, 3), (12, 1, 4)), 1)
    for width in (300, 358, 688, 1000):
        scene = build_scene(plan, width=width)
        assert len(scene.placements) == 1 and scene.width <= width
    assert build_scene(plan, width=1000).height == build_scene(plan, width=688).height
    with pytest.raises(ValueError, match="width must be at least 240 px, got 100"):
        build_scene(plan, width=100)


@st.composite
def flattens(draw: st.DrawFn) -> tuple[Layout, int, int]:
    """Random strided layouts of 0 to 5 dims (overlapping, expanded and offset ones come
    up), with a start_dim <= end_dim."""
    ndim = draw(st.integers(0, 5))
    shape = draw(st.lists(st.integers(0, 9), min_size=ndim, max_size=ndim))
    stride = draw(st.lists(st.integers(0, 60), min_size=ndim, max_size=ndim))
    start = draw(st.integers(0, max(ndim - 1, 0)))
    end = draw(st.integers(start, max(ndim - 1, 0)))
    return Layout(shape, stride, draw(st.integers(0, 9))), start, end


@settings(max_examples=80, deadline=None)
@given(flattens())
def test_random_layouts_overlap_nowhere(case: tuple[Layout, int, int]) -> None:
    layout, s, e = case
    assert problems(build_scene(plan_flatten(layout, s, e))) == []
