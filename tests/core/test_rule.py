"""flatviz.core.rule: the chunk test of compute_stride and the pair test agree on every
flatten, the blocking sentence carries the numbers, and -1 inference is torch's."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from flatviz.core.layout import Layout
from flatviz.core.rule import (
    ShapeError,
    blocking_pair,
    blocking_sentence,
    compute_stride,
    infer_size,
)
from tests.helpers.examples import examples
from tests.helpers.strategies import derived_layouts, layouts


@st.composite
def flatten_ranges(draw: st.DrawFn) -> tuple[Layout, int, int]:
    layout = draw(st.one_of(layouts(), derived_layouts()).filter(lambda lay: lay.ndim > 0))
    start = draw(st.integers(0, layout.ndim - 1))
    return layout, start, draw(st.integers(start, layout.ndim - 1))


@settings(max_examples=examples(500), deadline=None)
@given(flatten_ranges())
def test_the_chunk_test_and_the_pair_test_agree(drawn: tuple[Layout, int, int]) -> None:
    layout, start, end = drawn
    merged = math.prod(layout.shape[start : end + 1])
    shape = (*layout.shape[:start], merged, *layout.shape[end + 1 :])
    chunks_allow = compute_stride(layout.shape, layout.stride, shape) is not None
    pairs_allow = blocking_pair(layout, start, end) is None
    assert chunks_allow == pairs_allow or layout.numel == 0


def test_the_blocking_sentence_has_the_numbers() -> None:
    layout = Layout((2, 4, 3), (12, 1, 4))
    assert blocking_pair(layout, 1, 2) == (1, 2)
    assert blocking_pair(layout, 0, 2) == (0, 1)
    assert blocking_sentence(layout, 1, 2) == (
        "dims 1 and 2 cannot merge: stride[1] = 1, but size[2] * stride[2] = 3 * 4 = 12"
    )


@pytest.mark.parametrize(
    ("shape", "numel"),
    [((2, -1), 12), ((-1,), 0), ((0, -1), 0), ((-1, -1), 6), ((5, -1), 12), ((-2, 3), 6),
     ((2, 3), 6), ((4, 2), 6), ((3, 0, -1), 0)],
)  # fmt: skip
def test_minus_one_is_inferred_as_torch_infers_it(shape: tuple[int, ...], numel: int) -> None:
    try:
        want: tuple[int, ...] | str = tuple(torch.empty(numel, device="meta").view(shape).shape)
    except RuntimeError as err:
        want = str(err).splitlines()[0]
    try:
        got: tuple[int, ...] | str = infer_size(shape, numel)
    except ShapeError as err:
        got = str(err)
    assert got == want
