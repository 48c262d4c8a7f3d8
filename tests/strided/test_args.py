"""flatviz.strided.args: arguments refused as torch's binding refuses them, same class and
the same first words, each checked against torch itself."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

from flatviz.strided import Strided, arange
from tests.helpers.ops import first_line

BIG = 2**63

CASES: list[tuple[Callable[[torch.Tensor], object], Callable[[Strided], object], str]] = [
    (lambda x: x[::0], lambda x: x[::0], "slice step cannot be zero"),
    (lambda x: x[::-1], lambda x: x[::-1], "step must be greater than zero"),
    (lambda x: x.narrow(0, BIG, 1), lambda x: x.narrow(0, BIG, 1), "Overflow when unpacking"),
    (lambda x: x.view((2, BIG)), lambda x: x.view((2, BIG)), "failed to unpack the object"),
    (lambda x: x.transpose(True, 0), lambda x: x.transpose(True, 0), "must be int, not bool"),
    (lambda x: x[1.5], lambda x: x[1.5], "only integers, slices"),
]


@pytest.mark.parametrize(("torch_call", "ours", "words"), CASES, ids=[c[2] for c in CASES])
def test_bad_arguments_are_refused_as_torch_refuses_them(
    torch_call: Callable[[torch.Tensor], object], ours: Callable[[Strided], object], words: str
) -> None:
    with pytest.raises(Exception) as theirs:
        torch_call(torch.arange(6).reshape(2, 3))
    with pytest.raises(type(theirs.value)) as refused:
        ours(arange(2, 3))
    assert words in first_line(theirs.value)
    assert words in str(refused.value)
