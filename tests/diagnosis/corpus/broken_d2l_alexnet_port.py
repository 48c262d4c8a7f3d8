"""d2l's AlexNet ported from Gluon layer for layer: Gluon's Dense flattens, Linear does not.

Source: https://github.com/d2l-ai/d2l-en/pull/310 ("nn.Flatten() line is missing"; the
answer: "Conv will be automatically flattened before passing into Dense" in Gluon). A
PyTorch port that swaps `Dense(4096)` for `nn.Linear(6400, 4096)` and keeps no Flatten gives
the last MaxPool2d's (N, 256, 5, 5) map to the Linear. Narrowed by 8: torch raises
`mat1 and mat2 shapes cannot be multiplied (320x5 and 800x128)` at batch 2.
"""

from __future__ import annotations

from torch import nn


def make() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 12, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(12, 32, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(32, 48, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(48, 48, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(48, 32, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Linear(800, 128), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(128, 10),
    )  # fmt: skip


def make_fixed() -> nn.Module:
    net = make()
    return nn.Sequential(*net[:13], nn.Flatten(), *net[13:])


ATTR = "make"
INPUTS = ((2, 1, 224, 224),)
FIXES = (make_fixed,)
EXPECTED = ({"kind": "missing-flatten", "at": ("module:13",), "numbers": (800,)},)
