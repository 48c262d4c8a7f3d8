"""The diagram as data, checked against torch without pixels: cells, reads, the rule."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from flatviz.core.cells import format_value
from flatviz.external import source_of
from flatviz.plan import plan_flatten
from flatviz.scene import CHART_LIMIT, FULL_LIMIT, Box, Scene, build_scene, compact
from tests.helpers.strategies import derived_layouts, dims, layouts
from tests.helpers.torch_truth import make_tensor


def scene_of(x: torch.Tensor, start_dim: int = 0, end_dim: int = -1, **kw: object) -> Scene:
    source = source_of(x)
    plan = plan_flatten(source.layout, start_dim, end_dim)
    return build_scene(plan, source.values, storage_size=source.storage_size, **kw)  # type: ignore[arg-type]


def labels(scene: Scene, section: str) -> list[str]:
    return [c.label for c in scene.cells(section)]


def strip(scene: Scene) -> list[Box]:
    """The storage cells of the strip broken into rows (the phone's), which shows all."""
    (panel,) = [p for p in scene.panels if p.name == "storage"]
    return [b for b in panel.boxes if b.role == "cell"]


def texts(scene: Scene, role: str) -> list[str]:
    return [t.text for t in scene.texts if t.role == role]


def storage_positions(x: torch.Tensor) -> list[int]:
    """The storage index of every element of x in row-major order, read by torch itself."""
    base = torch.arange(x.untyped_storage().nbytes() // x.element_size())
    return base.as_strided(x.shape, x.stride(), x.storage_offset()).reshape(-1).tolist()


def torch_copies(x: torch.Tensor, start: int, end: int = -1) -> bool:
    """Whether torch.flatten copies: its result shares no storage with x."""
    out = torch.flatten(x, start, end)
    return x.numel() > 0 and out.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()


CASES = {
    "contiguous": (lambda: torch.arange(24).reshape(2, 3, 4), 1),
    "transpose": (lambda: torch.arange(24).reshape(2, 3, 4).transpose(1, 2), 1),
    "channels_last": (
        lambda: torch.arange(24).reshape(2, 3, 2, 2).contiguous(memory_format=torch.channels_last),
        1,
    ),
    "step slice": (lambda: torch.arange(40).reshape(5, 8)[1:, ::3], 0),
    "expand": (lambda: torch.arange(3).expand(4, 3), 0),
    "overlap": (lambda: torch.arange(12).as_strided((4, 3), (2, 1), 1), 0),
    "unfold": (lambda: (torch.arange(10) * 10).unfold(0, 4, 3), 0),
    "diagonal": (lambda: torch.arange(16.0).reshape(4, 4).diagonal(), 0),
    "0-d": (lambda: torch.tensor(7.5), 0),
}


@pytest.mark.parametrize("case", CASES)
def test_cells_show_what_torch_reads(case: str) -> None:
    make, start = CASES[case]
    x = make()
    positions = storage_positions(x)
    flat = torch.flatten(x, start)
    values = scene_of(x, start, cell_text="values")
    assert labels(values, "input") == [format_value(v) for v in x.reshape(-1).tolist()]
    assert labels(values, "result") == [format_value(v) for v in flat.reshape(-1).tolist()]
    scene = scene_of(x, start)
    assert labels(scene, "input") == [str(a) for a in positions]
    assert labels(scene, "result") == [str(a) for a in positions]
    # The storage strip: each address read once, in address order, numbered with the
    # first time flatten reads it; "+" where it is read again.
    reads = Counter(positions)
    assert [b.label for b in strip(scene)] == [str(a) for a in sorted(reads)]
    first = {a: positions.index(a) for a in reads}
    assert [b.order for b in strip(scene)] == [
        f"{first[a]}{'+' if reads[a] > 1 else ''}" for a in sorted(reads)
    ]
    # Each cell is keyed by its address and numbered with its read, in every panel.
    assert [(b.key, b.order) for b in scene.cells("input")] == [
        (a, str(k)) for k, a in enumerate(positions)
    ]
    assert [(b.key, b.order) for b in scene.cells("result")] == [
        (a, str(k)) for k, a in enumerate(positions)
    ]


@pytest.mark.parametrize("case", CASES)
def test_the_rule_marks_a_pair_exactly_when_torch_copies(case: str) -> None:
    make, start = CASES[case]
    x = make()
    scene = scene_of(x, start)
    copies = torch_copies(x, start)
    assert any(t.startswith("\u2717") for t in texts(scene, "bad")) == copies
    outlined = [b for b in scene.boxes if b.role == "bad"]
    assert len(outlined) == (1 if copies else 0)
    assert scene.title.endswith(
        f"a {'copy' if copies else 'view'}, result shape {tuple(torch.flatten(x, start).shape)}"
    )


def test_the_blocking_pair_is_named_with_its_numbers() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    bad = " ".join(texts(scene_of(x, 1), "bad"))
    assert (
        "\u2717 dims 1, 2: stride[1] = 1, but size[2] * stride[2] = 3 * 4 = 12: this pair "
        "blocks the merge"
    ) in bad
    ok = " ".join(texts(scene_of(torch.arange(24).reshape(2, 3, 4), 0), "ok"))
    assert "\u2713 dims 0, 1: stride[0] = 12 = size[1] * stride[1] = 3 * 4" in ok


@pytest.mark.parametrize("case", CASES)
def test_the_chart_plots_torchs_read_order(case: str) -> None:
    make, start = CASES[case]
    x = make()
    scene = scene_of(x, start)
    positions = storage_positions(x)[:CHART_LIMIT]
    assert [(d.order, d.key) for d in scene.dots] == [(str(k), a) for k, a in enumerate(positions)]
    # Higher addresses sit higher (smaller y); reads run left to right.
    assert [d.x for d in scene.dots] == sorted(d.x for d in scene.dots)
    pairs = list(zip(positions, scene.dots, strict=True))
    for (a, d), (b, e) in itertools.pairwise(pairs):
        assert (a < b) == (d.y > e.y) and (a == b) == (d.y == e.y)


def first_jump(positions: list[int]) -> int | None:
    """The first read whose step differs from the first step, found by walking torch's
    own read order."""
    steps = [b - a for a, b in itertools.pairwise(positions)]
    return next((k + 1 for k, step in enumerate(steps) if step != steps[0]), None)


LONG = {
    "transposed rows": lambda: torch.arange(600).reshape(3, 40, 5).transpose(1, 2),
    "channels_last": lambda: (
        torch.arange(2 * 8 * 6 * 6)
        .reshape(2, 8, 6, 6)
        .contiguous(memory_format=torch.channels_last)
    ),
    "sliced columns": lambda: torch.arange(50 * 60).reshape(50, 60)[:, :40],
    "expand": lambda: torch.arange(30).expand(4, 30),
}


@pytest.mark.parametrize("case", LONG)
def test_a_shortened_chart_keeps_the_first_jump(case: str) -> None:
    """Read order and addresses from torch: the chart plots reads 0 on and the reads
    around the first jump, so a copy never plots as one straight run."""
    x = LONG[case]()
    positions = storage_positions(x)
    jump = first_jump(positions)
    assert jump is not None and jump > CHART_LIMIT  # the cases need their jump kept
    dots = scene_of(x, 0).dots
    reads = [int(d.order) for d in dots]
    assert reads[0] == 0 and {jump - 1, jump} <= set(reads)
    assert [d.key for d in dots] == [positions[k] for k in reads]
    assert torch_copies(x, 0)  # each copies, and its chart shows the jump
    run = [(b.key - a.key) / (int(b.order) - int(a.order)) for a, b in itertools.pairwise(dots)]
    assert len(set(run)) > 1


def test_the_chart_of_a_huge_permuted_meta_tensor_jumps() -> None:
    """(10^6)^3 elements, permuted: the first jump is at read 10^12 (dims 1 and 2
    merge, dims 0 and 1 do not), and the chart plots it with its addresses."""
    x = torch.empty(10**6, 10**6, 10**6, device="meta").permute(2, 0, 1)
    stride, n = x.stride(), 10**6
    dots = scene_of(x, 0).dots

    def address(k: int) -> int:
        i, rest = divmod(k, n * n)
        j, m = divmod(rest, n)
        return i * stride[0] + j * stride[1] + m * stride[2]

    reads = [*range(CHART_LIMIT // 2), *range(n * n - 7, n * n + 7)]
    assert [d.key for d in dots] == [address(k) for k in reads]
    assert [d.order for d in dots] == [compact(k) for k in reads]
    assert dots[CHART_LIMIT // 2 + 6].y < dots[CHART_LIMIT // 2 + 7].y  # down at the jump


def test_names_label_every_title_and_block() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    scene = scene_of(x, 1, name="t")
    assert scene.title.startswith("torch.flatten(t, start_dim=1, end_dim=2)")
    assert texts(scene, "title") == [
        "torch.flatten(t, start_dim=1, end_dim=2)",
        "\u2192 a copy: new memory",
    ]
    headings = texts(scene, "heading")
    assert "t: shape (2, 4, 3), stride (12, 1, 4)" in headings
    assert [h for h in headings if h.startswith(("t[", "x["))] == ["t[0]", "t[1]"]
    assert all(not t.startswith("x") for t in (*texts(scene, "body"), *texts(scene, "note")))


def test_axes_say_which_way_each_dim_runs_and_its_step() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    notes = texts(scene_of(x, 1), "note")
    assert "\u2192 columns: dim 2, +4 per step" in notes
    assert "\u2193 rows: dim 1, +1 per step" in notes
    assert "blocks x[i]: dim 0 +12 per step" in notes


def test_storage_offset_prefix_gaps_and_tail() -> None:
    base = torch.arange(30)
    x = base.as_strided((2, 3), (7, 2), 4)  # reads 4 6 8 11 13 15 of 30
    scene = scene_of(x)
    read = sorted(set(storage_positions(x)))
    gaps = [b.label for b in scene.boxes if b.role == "gap" and b.label]
    unread = [a for a in range(read[0], read[-1]) if a not in read]
    runs: list[list[int]] = []
    for a in unread:
        if runs and runs[-1][-1] == a - 1:
            runs[-1].append(a)
        else:
            runs.append([a])
    inside = [
        str(a) if len(r) <= 2 else f"+{len(r)}" for r in runs for a in r[: 2 if len(r) <= 2 else 1]
    ]
    assert gaps == [f"0..{read[0] - 1}", *inside, f"+{30 - read[-1] - 1}"]


def test_zero_d_and_empty() -> None:
    zero_d = scene_of(torch.tensor(3))
    assert [len(zero_d.cells(p)) for p in ("input", "storage", "result")] == [1, 1, 1]
    empty = scene_of(torch.empty(0, 3, 4).transpose(1, 2), 1)
    assert [b for b in empty.boxes if b.role == "cell"] == []
    assert "no elements: shape (0, 4, 3) has a size-0 dim" in " ".join(texts(empty, "body"))
    assert empty.plan.is_view


def test_meta_has_addresses_but_no_values() -> None:
    x = torch.empty(2, 3, device="meta").t()
    assert labels(scene_of(x), "input") == [
        str(a) for a in storage_positions(torch.empty(2, 3).t())
    ]
    with pytest.raises(ValueError, match="cell_text='values' needs an array with values"):
        scene_of(x, cell_text="values")


def test_large_tensors_elide_like_torch_printing() -> None:
    small = scene_of(torch.arange(FULL_LIMIT).reshape(8, 8))
    assert len(small.cells("input")) == FULL_LIMIT
    values = torch.arange(32 * 3 * 28 * 28).reshape(32, 3, 28, 28)
    big = scene_of(values, 1, cell_text="values")
    # Last two dims keep 2 + 2 of 28; dim 1 (3) is whole; dim 0 keeps 1 + 1 of 32.
    assert len(big.cells("input")) == 2 * 3 * 4 * 4
    assert labels(big, "input")[:4] == [str(v) for v in values[0, 0, 0, [0, 1, 26, 27]].tolist()]
    assert labels(big, "input")[-1] == str(values[-1, -1, -1, -1].item())


def test_cells_drawn_do_not_grow_with_numel() -> None:
    shapes = [(32, 3, 28, 28), (32, 3, 224, 224), (1024, 3, 1024, 1024), (10**6, 10**6, 1, 1)]
    scenes = [scene_of(torch.empty(s, device="meta").transpose(1, 3), 1) for s in shapes]
    sizes = [len(s.boxes) + len(s.texts) for s in scenes]
    assert max(sizes) < 600
    assert len({len(s.cells("input")) for s in scenes[:3]}) == 1


def test_repeated_reads_beyond_the_exact_limit_are_known_for_expand() -> None:
    x = torch.arange(1000).expand(2000, 1000)  # 2e6 elements, each address read 2000 times
    assert all(t.endswith("+") for t in texts(scene_of(x), "order"))


def test_bad_options_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="edge_items must be >= 1, got 0"):
        scene_of(torch.arange(100), edge_items=0)
    with pytest.raises(ValueError, match=r"cell_text must be one of \('address', 'values'\)"):
        scene_of(torch.arange(3), cell_text="value")
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        scene_of(torch.arange(3), name="")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_layouts_draw_what_torch_reads(data: st.DataObject) -> None:
    layout = data.draw(st.one_of(layouts(), derived_layouts()))
    start, end = data.draw(dims(layout))
    x = make_tensor(layout)
    try:
        torch.flatten(x, start, end)
    except (IndexError, RuntimeError):
        return
    scene = scene_of(x, start, end)
    flat = [str(v) for v in x.reshape(-1).tolist()]  # values are storage positions
    if layout.numel <= FULL_LIMIT:
        assert labels(scene, "input") == flat
        assert labels(scene, "result") == flat
    else:
        assert set(labels(scene, "input")) <= set(flat)
    assert any(t.startswith("\u2717") for t in texts(scene, "bad")) == torch_copies(x, start, end)


def test_five_dims_draw_as_a_grid_of_blocks() -> None:
    x = torch.arange(2 * 2 * 2 * 2 * 3).reshape(2, 2, 2, 2, 3).permute(0, 1, 2, 4, 3)
    scene = scene_of(x, 2)
    blocks = [t for t in texts(scene, "heading") if t.startswith("x[")]
    assert blocks == [f"x[{a}, {b}, {c}]" for a in range(2) for b in range(2) for c in range(2)]
    assert labels(scene, "input") == [str(v) for v in x.reshape(-1).tolist()]


def test_dims_longer_than_a_machine_size_draw() -> None:
    """A dim of 2**70 elements: nothing takes the len() of its range, which overflows a
    C ssize_t (at 2**31 in the explorer's 32-bit Pyodide, at 2**63 here)."""
    from flatviz.core.layout import Layout

    n = 2**70
    scene = build_scene(plan_flatten(Layout((n, 3), (3, 1)), 0))
    assert [b.label for b in scene.cells("input")][:3] == ["0", "1", "2"]
    assert len(scene.cells("result")) == 4  # 2 at each end of the 3 * 2**70 reads
