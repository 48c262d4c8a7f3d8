"""One check for every oracle test of flatviz.strided: an expression against torch."""

from __future__ import annotations

import pytest
import torch

from flatviz.explain import explain
from flatviz.expr import ExpressionError, evaluate
from flatviz.strided import Strided
from tests.helpers.ops import Case, NegativeSize, TwoEllipses, first_line
from tests.helpers.torch_truth import torch_flatten


def assert_same(got: Strided, want: torch.Tensor) -> None:
    """`got` has torch's shape, strides, offset, device kind, storage size and values."""
    assert got.shape == tuple(want.shape)
    assert got.stride() == want.stride()
    assert got.storage_offset() == want.storage_offset()
    assert got.is_meta == (want.device.type == "meta")
    assert got.storage.size == want.untyped_storage().nbytes() // want.element_size()
    if not got.is_meta:
        assert got.tolist() == want.tolist()


def check_refusal(text: str, want: BaseException) -> None:
    """flatviz refuses `text` on one line, with torch's first line where torch's own
    refusal is defined and worded the same (not for a TypeError of Python's own making)."""
    with pytest.raises(ExpressionError) as refused:
        evaluate(text)
        pytest.fail(f"{text} gave a tensor, torch: {want!r}")
    message = str(refused.value)
    assert "\n" not in message
    if isinstance(want, TwoEllipses):
        assert "an index can only have a single ellipsis ('...')" in message
    elif not isinstance(want, UserWarning | NegativeSize | TypeError):
        assert first_line(want).replace("TensorBase.", "") in message, (message, want)


def check_case(case: Case, start_dim: int, end_dim: int) -> None:
    """The expression gives torch's tensor or torch's refusal, and its flatten from
    `start_dim` to `end_dim` gives torch's verdict."""
    text, want = case
    if isinstance(want, BaseException):
        check_refusal(text, want)
        return
    got = evaluate(text)
    assert_same(got, want)
    try:
        truth = torch_flatten(want, start_dim, end_dim)
    except (RuntimeError, IndexError):
        with pytest.raises((ValueError, IndexError)):
            explain(got, start_dim, end_dim)
        return
    plan = explain(got, start_dim, end_dim)
    assert plan.shape == truth.shape
    assert plan.is_view == truth.is_view
    if plan.is_view:
        assert plan.result.stride == truth.stride
        assert plan.result.offset == truth.offset
