"""squeeze-batch: `x.squeeze()` with no dim removes the batch dim too at batch size 1.
Ground truth: torch's squeeze on the same shapes, and the fixed model run at 1 and 2."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import flatviz


class Head(nn.Module):
    """Global pooling, then `squeeze()` to drop the 1x1 map, as many classifiers do."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.pool(self.conv(x)).squeeze())


class Fixed(Head):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.pool(self.conv(x)).flatten(1))


def test_at_batch_size_1_squeeze_drops_the_batch_and_it_is_an_error() -> None:
    x = torch.randn(1, 3, 8, 8)
    assert Head()(x).shape == (2,)  # torch: the batch dim is gone
    assert Head()(torch.randn(2, 3, 8, 8)).shape == (2, 2)
    report = flatviz.doctor(Head(), x)
    [error] = report.errors
    assert error.kind == "squeeze-batch" and error.numbers == {"dims": (2, 3)}
    assert error.fix == "self.pool(self.conv(x)).flatten(1)"
    assert "(1, 8, 1, 1) becomes (8,), not (1, 8)" in error.message
    assert report.fixed
    for batch in (1, 2):  # the fix, run by torch, keeps the batch
        assert Fixed()(torch.randn(batch, 3, 8, 8)).shape == (batch, 2)
    assert flatviz.doctor(Fixed(), x).ok


def test_at_a_larger_batch_it_is_a_warning() -> None:
    report = flatviz.doctor(Head(), torch.randn(4, 3, 8, 8))
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("squeeze-batch", "warning")


class Frames(nn.Module):
    """(B, 1, T, 1) features squeezed to (B, T): the dims to keep are not trailing."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(1, keepdim=True).squeeze()


def test_dims_that_are_not_all_trailing_are_squeezed_by_name() -> None:
    x = torch.randn(1, 3, 5, 1)
    assert Frames()(x).shape == (5,)  # torch drops the batch too
    [error] = flatviz.doctor(Frames(), x).errors
    assert error.fix == "x.mean(1, keepdim=True).squeeze((1, 3))"
    assert x.mean(1, keepdim=True).squeeze((1, 3)).shape == (1, 5)


@pytest.mark.parametrize("dims", [(-1,), (2, 3)])
def test_a_squeeze_of_named_dims_is_not_flagged(dims: tuple[int, ...]) -> None:
    class Named(Head):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.pool(self.conv(x))
            return self.fc(y.squeeze(-1).squeeze(-1) if dims == (-1,) else y.squeeze(dims))

    report = flatviz.doctor(Named(), torch.randn(1, 3, 8, 8))
    assert report.ok and not report.findings, str(report)
