"""DrQ's pixel encoder in channels_last: `conv.view(conv.size(0), -1)` has no view.

Sources: https://github.com/denisyarats/drq/pull/27 and
https://github.com/pytorch/benchmark/pull/1367 (with channels_last, `h = conv.view(
conv.size(0), -1)` raises `Cannot view a tensor with shape torch.Size([1, 32, 35, 35]) and
strides (39200, 1, 1120, 32) as a tensor with shape (1, 39200)!`; the fix is
`conv.reshape(conv.size(0), -1)`). Here the encoder is made channels_last (its weights, so
CPU convs return channels_last maps) by `make`, on a 21x21 image. A fix must keep
`conv.size(0)`: a reshape to a literal batch size only works at that batch size.
"""

from __future__ import annotations

import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, num_filters: int = 8, feature_dim: int = 16) -> None:
        super().__init__()
        self.convs = nn.ModuleList(
            [nn.Conv2d(3, num_filters, 3, stride=2), nn.Conv2d(num_filters, num_filters, 3)]
        )
        self.fc = nn.Linear(num_filters * 8 * 8, feature_dim)
        self.ln = nn.LayerNorm(feature_dim)

    def forward(self, obs):
        conv = obs
        for layer in self.convs:
            conv = torch.relu(layer(conv))
        h = conv.view(conv.size(0), -1)
        return self.ln(self.fc(h))


class FixedEncoder(nn.Module):
    def __init__(self, num_filters: int = 8, feature_dim: int = 16) -> None:
        super().__init__()
        self.convs = nn.ModuleList(
            [nn.Conv2d(3, num_filters, 3, stride=2), nn.Conv2d(num_filters, num_filters, 3)]
        )
        self.fc = nn.Linear(num_filters * 8 * 8, feature_dim)
        self.ln = nn.LayerNorm(feature_dim)

    def forward(self, obs):
        conv = obs
        for layer in self.convs:
            conv = torch.relu(layer(conv))
        return self.ln(self.fc(conv.reshape(conv.size(0), -1)))


def make() -> nn.Module:
    """The encoder as the benchmark runs it: in channels_last memory format."""
    return Encoder().to(memory_format=torch.channels_last)


def make_fixed() -> nn.Module:
    return FixedEncoder().to(memory_format=torch.channels_last)


ATTR = "make"
INPUTS = ((2, 3, 21, 21),)
FIXES = (make_fixed,)
EXPECTED = ({"kind": "not-viewable", "at": ("line:h = conv.view(conv.size(0), -1)",)},)
