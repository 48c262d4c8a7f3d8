"""The diagram as data, checked against torch without pixels: which cells, labels, order."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import flatviz
from flatviz.external import source_of
from flatviz.labels import format_value
from flatviz.plan import plan_flatten
from flatviz.scene import FULL_LIMIT, Scene, build_scene
from tests.test_explain import derived_layouts, dims, layouts
from tests.torch_truth import make_tensor


def scene_of(x: torch.Tensor, start_dim: int = 0, end_dim: int = -1, **kw: int) -> Scene:
    source = source_of(x)
    plan = plan_flatten(source.layout, start_dim, end_dim)
    return build_scene(plan, source.labels, storage_size=source.storage_size, **kw)


def labels(scene: Scene, panel: str) -> list[str]:
    return [c.label for c in scene.cells_in(panel)]


def storage_positions(x: torch.Tensor) -> list[int]:
    """The storage index of every element of x in row-major order, read by torch itself."""
    base = torch.arange(x.untyped_storage().nbytes() // x.element_size())
    return base.as_strided(x.shape, x.stride(), x.storage_offset()).reshape(-1).tolist()


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
    scene = scene_of(x, start)
    flat = torch.flatten(x, start)
    assert labels(scene, "input") == [format_value(v) for v in x.reshape(-1).tolist()]
    assert labels(scene, "result") == [format_value(v) for v in flat.reshape(-1).tolist()]
    # Input and result cells are coloured by the storage element they read.
    positions = storage_positions(x)
    assert [c.key for c in scene.cells_in("input")] == positions
    assert [c.key for c in scene.cells_in("result")] == positions
    # The storage strip holds each element read once, in address order, with its read count.
    reads = Counter(positions)
    strip = scene.cells_in("storage")
    assert [c.key for c in strip] == sorted(reads)
    assert {c.key: c.note for c in strip} == {
        a: (f"x{n}" if n > 1 else "") for a, n in reads.items()
    }
    assert scene.plan.is_view == flatviz.explain(x, start).is_view


def test_the_72_cell_case_and_its_read_path() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    scene = scene_of(x, 1)
    assert len([c for c in scene.cells if c.kind == "element"]) == 72
    centers = {c.key: c.x + c.w / 2 for c in scene.cells_in("storage")}
    path = [(h.x0, h.x1) for h in scene.hops]
    order = storage_positions(x)
    assert path == [(centers[a], centers[b]) for a, b in itertools.pairwise(order)]
    # Non-contiguous: the path jumps; contiguous: every hop goes to the next cell.
    assert max(abs(b - a) for a, b in path) > 1
    contiguous = scene_of(torch.arange(24).reshape(2, 3, 4), 1)
    assert {round(h.x1 - h.x0, 6) for h in contiguous.hops} == {1.0}


def test_title_and_headings_carry_the_verdict() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    texts = [t.text for t in scene_of(x, 1).texts]
    assert texts[0] == "torch.flatten(x, start_dim=1, end_dim=2) \u2192 copy"
    assert "input x: shape (2, 4, 3), stride (12, 1, 4), storage_offset 0" in texts
    assert "result: shape (2, 12), a copy in new storage, stride (12, 1)" in texts


def test_storage_offset_prefix_gaps_and_tail() -> None:
    base = torch.arange(30)
    x = base.as_strided((2, 3), (7, 2), 4)  # reads 4 6 8 11 13 15 of 30
    scene = scene_of(x)
    kinds = [(c.kind, c.label) for c in scene.cells if c.panel == "storage"]
    read = set(storage_positions(x))
    assert kinds[0] == ("prefix", "0..3")
    gaps = [label for kind, label in kinds if kind == "gap"]
    unread_inside = [a for a in range(min(read), max(read)) if a not in read]
    assert gaps == [*map(str, unread_inside), "+14 after"]


def test_zero_d_and_empty() -> None:
    zero_d = scene_of(torch.tensor(3))
    assert [len(zero_d.cells_in(p)) for p in ("input", "storage", "result")] == [1, 1, 1]
    empty = scene_of(torch.empty(0, 3, 4).transpose(1, 2), 1)
    assert [c for c in empty.cells if c.kind == "element"] == []
    assert "no elements: shape (0, 4, 3) has a size-0 dim" in [t.text for t in empty.texts]
    assert empty.plan.is_view


def test_meta_cells_show_their_index_and_address() -> None:
    x = torch.empty(2, 3, device="meta").t()
    scene = scene_of(x)
    assert labels(scene, "input") == ["0", "1", "2", "3", "4", "5"]
    addresses = storage_positions(torch.empty(2, 3).t())  # the same layout on cpu
    assert [c.key for c in scene.cells_in("input")] == addresses
    assert [c.note for c in scene.cells_in("input")] == [
        "" if i == a else f"@{a}" for i, a in enumerate(addresses)
    ]


def test_large_tensors_elide_like_torch_printing() -> None:
    small = scene_of(torch.arange(FULL_LIMIT).reshape(8, 8))
    assert len(small.cells_in("input")) == FULL_LIMIT
    big = scene_of(torch.arange(32 * 3 * 28 * 28).reshape(32, 3, 28, 28), 1)
    inputs = big.cells_in("input")
    # Last two dims keep 2 + 2 of 28; dim 1 (3) is whole; dim 0 keeps 1 + 1 of 32.
    assert len(inputs) == 2 * 3 * 4 * 4
    assert len(big.cells_in("input", "ellipsis")) == 2 * 3 * (5 * 5 - 4 * 4)
    values = torch.arange(32 * 3 * 28 * 28).reshape(32, 3, 28, 28)
    assert labels(big, "input")[:4] == [str(v) for v in values[0, 0, 0, [0, 1, 26, 27]].tolist()]
    assert labels(big, "input")[-1] == str(values[-1, -1, -1, -1].item())


def test_cells_drawn_do_not_grow_with_numel() -> None:
    shapes = [(32, 3, 28, 28), (32, 3, 224, 224), (1024, 3, 1024, 1024)]
    scenes = [scene_of(torch.empty(s, device="meta").transpose(1, 3), 1) for s in shapes]
    assert len({len(s.cells) for s in scenes}) == 1
    assert len(scenes[0].cells) < 300


def test_overlap_counts_beyond_the_exact_limit_are_uniform_for_expand() -> None:
    x = torch.arange(1000).expand(2000, 1000)  # 2e6 elements, each address read 2000 times
    notes = {c.note for c in scene_of(x).cells_in("storage")}
    assert notes == {"x2000"}


def test_edge_items_must_be_positive() -> None:
    with pytest.raises(ValueError, match="edge_items must be >= 1, got 0"):
        scene_of(torch.arange(100), edge_items=0)


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
    flat = x.reshape(-1).tolist()  # values are storage positions
    drawn = scene.cells_in("input")
    if layout.numel <= FULL_LIMIT:
        assert [c.key for c in drawn] == flat
        assert [c.key for c in scene.cells_in("result")] == flat
    else:
        assert set(c.key for c in drawn) <= set(flat)
    assert all(c.label == str(c.key) for c in drawn)


def test_five_dims_draw_as_a_grid_of_blocks() -> None:
    x = torch.arange(2 * 2 * 2 * 2 * 3).reshape(2, 2, 2, 2, 3).permute(0, 1, 2, 4, 3)
    scene = scene_of(x, 2)
    blocks = [t.text for t in scene.texts if t.role == "block" and t.text.startswith("x[")]
    assert blocks == [f"x[{a}, {b}, {c}]" for a in range(2) for b in range(2) for c in range(2)]
    assert [c.key for c in scene.cells_in("input")] == x.reshape(-1).tolist()
