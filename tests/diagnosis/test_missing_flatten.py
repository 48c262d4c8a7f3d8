"""A Linear applied to a conv feature map is a missing flatten, whatever sits between the
last conv and the Linear; a Linear on (B, T, D) in a sequence model is not a bug."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

import flatviz


def features() -> list[nn.Module]:
    """A small conv stack: (B, 3, 16, 16) -> (B, 8, 7, 7)."""
    return [nn.Conv2d(3, 8, 3), nn.ReLU(), nn.MaxPool2d(2)]


#: What sits between the last conv and the Linear, and each sample's features after it.
BETWEEN = {
    "dropout": (lambda: [nn.Dropout()], 8 * 7 * 7),
    "dropout2d": (lambda: [nn.Dropout2d()], 8 * 7 * 7),
    "adaptive-pool-6": (lambda: [nn.AdaptiveAvgPool2d((6, 6))], 8 * 6 * 6),
    "adaptive-pool-1-dropout": (lambda: [nn.AdaptiveAvgPool2d(1), nn.Dropout(0.2)], 8),
    "batchnorm-gelu": (lambda: [nn.BatchNorm2d(8), nn.GELU()], 8 * 7 * 7),
}


@pytest.mark.parametrize("between", BETWEEN.values(), ids=BETWEEN.keys())
@pytest.mark.parametrize("in_features", ["right", "width"])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_a_linear_after_the_last_conv_with_layers_between_is_a_missing_flatten(
    between: tuple[Callable[[], list[nn.Module]], int], in_features: str, mode: str
) -> None:
    make, flat = between
    x = torch.randn(2, 3, 16, 16)
    width = nn.Sequential(*features(), *make())(x).shape[-1]
    n = flat if in_features == "right" else width  # "width" runs, silently wrong
    model = nn.Sequential(*features(), *make(), nn.Linear(n, 10)).train(mode == "train")
    report = flatviz.doctor(model, x)
    [error] = report.errors
    assert error.kind == "missing-flatten", str(report)
    assert error.where == str(len(features()) + len(make()))
    assert f"which gives (2, {flat})" in error.fix
    assert ("nn.Linear" in error.fix) == (n != flat)
    fixed = nn.Sequential(*features(), *make(), nn.Flatten(), nn.Linear(flat, 10)).eval()
    assert fixed(x).shape == (2, 10)  # torch: the fix runs and keeps the batch
    assert flatviz.doctor(fixed, x).ok


class AlexNetHead(nn.Module):
    """torchvision's AlexNet with its torch.flatten forgotten: avgpool, then a classifier
    that starts with Dropout. in_features set to the width, the fix a user might copy."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU())
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(), nn.Linear(in_features, 64), nn.ReLU(), nn.Linear(64, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.avgpool(self.features(x)))


@pytest.mark.parametrize("in_features", [16 * 6 * 6, 6])
def test_alexnet_without_its_flatten_is_a_missing_flatten_even_when_it_runs(
    in_features: int,
) -> None:
    x = torch.randn(2, 3, 24, 24)
    model = AlexNetHead(in_features)
    if in_features == 6:
        assert model(x).shape == (2, 16, 6, 10)  # runs: one "sample" per channel and row
    report = flatviz.doctor(model, x)
    [error] = report.errors
    assert (error.kind, error.where) == ("missing-flatten", "classifier.1"), str(report)
    assert "which gives (2, 576)" in error.fix


class SequenceModel(nn.Module):
    """Token embeddings (B, T, D), a conv1d over time, and per-token Linears: sound."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, 32)
        self.conv = nn.Conv1d(32, 32, 3, padding=1)
        self.norm = nn.LayerNorm(32)
        self.proj = nn.Linear(32, 64)
        self.head = nn.Linear(64, 100)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens)
        h = h + self.conv(h.transpose(1, 2)).transpose(1, 2)
        return self.head(torch.relu(self.proj(self.norm(h))))


class ConvNeXtBlock(nn.Module):
    """A depthwise conv, then channels last (permute) and pointwise Linears: sound."""

    def __init__(self, dim: int = 16) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim)
        self.pw = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.pw(self.norm(self.dwconv(x).permute(0, 2, 3, 1)))
        return x + y.permute(0, 3, 1, 2)


@pytest.mark.parametrize(
    ("model", "x"),
    [
        (SequenceModel(), torch.randint(100, (2, 12))),
        (ConvNeXtBlock(), torch.randn(2, 16, 8, 8)),
    ],
    ids=["sequence", "convnext"],
)
def test_linears_on_sequences_and_channels_last_maps_are_not_flagged(
    model: nn.Module, x: torch.Tensor
) -> None:
    assert model(x).shape[0] == 2
    report = flatviz.doctor(model, x)
    assert report.ok and not report.findings, str(report)
