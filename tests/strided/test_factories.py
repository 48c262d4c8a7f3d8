"""flatviz.strided.factories: `arange` and `empty` refuse what torch refuses, at once, and
a shape no tensor can have is refused even where torch lets it through."""

from __future__ import annotations

import pytest
import torch

from flatviz.expr import ExpressionError, evaluate
from tests.helpers.ops import first_line


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("empty(1000000000000000000000000000000)", lambda: torch.empty(10**30, device="meta")),
        ("empty(10000000000, 10000000000)", lambda: torch.empty(10**10, 10**10, device="meta")),
        ("arange(2)[100000000000000000000]", lambda: torch.arange(2)[10**20]),
        ("arange(1).expand(4000000000, 4000000000, 4000000000)",
         lambda: torch.arange(1).expand(4 * 10**9, 4 * 10**9, 4 * 10**9)),
    ],
)  # fmt: skip
def test_sizes_beyond_int64_are_refused_as_torch_refuses(text: str, call: object) -> None:
    with pytest.raises(Exception) as torch_err:
        call()  # type: ignore[operator]
    with pytest.raises(ExpressionError) as ours:
        evaluate(text)
    assert first_line(torch_err.value) in str(ours.value)


def test_a_negative_size_torch_lets_through_on_an_empty_tensor_is_refused() -> None:
    made = torch.arange(0).expand(-2, 0)  # torch's quirk: a shape no tensor can have
    assert made.shape[0] < 0
    with pytest.raises(RuntimeError) as nonempty:
        torch.arange(3).expand(-2, 3)
    with pytest.raises(ExpressionError) as refused:
        evaluate("arange(0).expand(-2, 0)")
    assert first_line(nonempty.value) in str(refused.value)
