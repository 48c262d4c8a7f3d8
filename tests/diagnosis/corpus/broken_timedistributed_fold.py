"""Keras' TimeDistributed written in PyTorch: batch and time folded, never unfolded.

Sources: https://github.com/allenai/deep_qa/pull/235 ("reshaping TimeDistributed output":
the wrapper must reshape its output back to (batch, time, ...)) and Keras' documentation of
the wrapper, https://keras.io/api/layers/recurrent_layers/time_distributed/ (a (32, 10, 16)
input gives a (32, 10, 8) output). Folding (batch, time) into one dim for the per-frame
encoder and returning that fold gives (batch*time, classes): at batch 2 with 3 frames torch
returns 6 rows. The fix unfolds with the input's own batch and time sizes.
"""

from __future__ import annotations

from torch import nn


class TimeDistributed(nn.Module):
    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, x):
        folded = x.contiguous().view(-1, *x.shape[2:])
        y = self.module(folded)
        return y


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
            nn.Linear(8 * 4 * 4, 5),
        )  # fmt: skip
        self.frames = TimeDistributed(encoder)

    def forward(self, clips):
        return self.frames(clips)


class FixedTimeDistributed(TimeDistributed):
    def forward(self, x):
        y = self.module(x.contiguous().view(-1, *x.shape[2:]))
        unfolded = y.view(x.size(0), x.size(1), *y.shape[1:])
        return unfolded


class Fixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
            nn.Linear(8 * 4 * 4, 5),
        )  # fmt: skip
        self.frames = FixedTimeDistributed(encoder)

    def forward(self, clips):
        return self.frames(clips)


INPUTS = ((2, 3, 1, 16, 16),)
FIXES = (Fixed,)
EXPECTED = (
    {
        "kind": "batch-changed",
        "at": ("line:folded = x.contiguous().view(-1, *x.shape[2:])", "line:return y"),
    },
)
