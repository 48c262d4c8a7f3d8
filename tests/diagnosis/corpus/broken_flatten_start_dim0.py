"""`nn.Flatten(start_dim=0)` in a Sequential, written after `torch.flatten`'s default.

Source: https://stackoverflow.com/questions/67460123/understanding-torch-nn-flatten
(`torch.flatten` flattens every dim by default, `nn.Flatten` keeps dim 0: start_dim=1).
Starting at 0 flattens the batch into one vector: torch raises `mat1 and mat2 shapes cannot
be multiplied (1x1600 and 400x120)` at batch 4.
"""

from __future__ import annotations

from torch import nn


def lenet(flatten: nn.Module) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        flatten, nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 10),
    )  # fmt: skip


def make() -> nn.Module:
    return lenet(nn.Flatten(start_dim=0))


def make_fixed() -> nn.Module:
    return lenet(nn.Flatten(start_dim=1))


ATTR = "make"
INPUTS = ((4, 3, 32, 32),)
FIXES = (make_fixed,)
EXPECTED = (
    {
        "kind": "batch-mixing",
        "at": ("module:6", "line:return lenet(nn.Flatten(start_dim=0))"),
        "numbers": (400,),
    },
)
