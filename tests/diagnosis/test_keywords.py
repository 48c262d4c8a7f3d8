"""Calls whose arguments come by keyword: the doctor reads them as torch does, and no
keyword name (`out` included) collides with the doctor's own parameters."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import flatviz


class Normalized(nn.Module):
    """A projection head that L2-normalizes its output, as SwinV2's attention does."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(16, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.fc(x), dim=-1)


def test_f_normalize_which_passes_out_none_by_keyword_is_diagnosed_clean() -> None:
    x = torch.randn(4, 16)
    assert Normalized()(x).shape == (4, 8)
    report = flatviz.doctor(Normalized(), x)
    assert report.ok and report.error is None and not report.findings, str(report)


class OutKeyword(nn.Module):
    """Calls ops with keywords named like the doctor's own parameters."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.add(x, x, out=None)
        return torch.flatten(input=y, start_dim=1)


def test_keywords_named_out_or_input_reach_the_op_unchanged() -> None:
    x = torch.randn(2, 3, 4)
    assert OutKeyword()(x).shape == (2, 12)
    report = flatviz.doctor(OutKeyword(), x)
    assert report.ok and not report.findings, str(report)
    assert any(row.op.startswith("torch.flatten") and row.layout == "view" for row in report.rows)


class KeywordLinear(nn.Module):
    """`F.linear(input=..., weight=...)` with a weight of the wrong in_features."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(10, 64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(input=x, weight=self.weight)


def test_a_linear_called_with_keywords_still_gets_its_in_features_checked() -> None:
    x = torch.randn(8, 128)
    try:
        KeywordLinear()(x)
    except RuntimeError as err:
        real = str(err).splitlines()[0]
    report = flatviz.doctor(KeywordLinear(), x)
    [error] = report.errors
    assert error.kind == "in-features", str(report)
    assert "in_features=64, but (8, 128) arrives" in error.message
    assert report.error == real


class KeywordFlatten(nn.Module):
    """`torch.flatten(input=x)`: start_dim 0 by default, merging the batch."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(12, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(input=x))


def test_a_flatten_called_by_keyword_is_found_merging_the_batch() -> None:
    report = flatviz.doctor(KeywordFlatten(), torch.randn(4, 3, 4))
    assert [f.kind for f in report.errors] == ["batch-mixing"], str(report)
