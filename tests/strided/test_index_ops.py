"""flatviz.strided.index_ops against torch: ints, slices, None and `...` in an index; an
index with two `...` is refused, as NumPy refuses it, where torch's answer is undefined."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings

from flatviz.expr import ExpressionError, evaluate
from flatviz.strided import arange
from tests.helpers.examples import examples
from tests.helpers.ops import INDEX_OPS, SHAPE_OPS, Flattened, flattened
from tests.helpers.oracle import check_case

OPS = {**INDEX_OPS, "unsqueeze": SHAPE_OPS["unsqueeze"]}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flattened(OPS))
def test_index_chains_match_torch(drawn: Flattened) -> None:
    check_case(*drawn)


def test_two_ellipses_are_refused_as_numpy_refuses_them() -> None:
    with pytest.raises(IndexError) as numpy_says:
        np.empty((0, 0))[..., ..., :]
    with pytest.raises(ExpressionError) as ours:
        evaluate("empty(0, 0)[..., ..., :]")
    assert str(numpy_says.value) in str(ours.value)
    with pytest.raises(IndexError, match=r"single ellipsis"):
        arange(2, 3)[..., ...]


def test_torchs_answer_to_two_ellipses_depends_on_the_device() -> None:
    """Why flatviz does not follow torch here: the same index is refused on meta and
    taken on cpu (torch reads a size past the last dim). If this test fails, torch has
    settled on one answer, and flatviz can follow it."""
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.empty(0, 0, device="meta")[..., ..., :]
    assert torch.empty(0, 0)[..., ..., :].shape == (0, 0)


def test_one_ellipsis_is_torchs() -> None:
    want = torch.arange(24).reshape(2, 3, 4)[1, ..., None, 1:]
    got = arange(2, 3, 4)[1, ..., None, 1:]
    assert (got.shape, got.stride(), got.storage_offset()) == (
        tuple(want.shape),
        want.stride(),
        want.storage_offset(),
    )
