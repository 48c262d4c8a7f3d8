"""A VGG whose forward lost `torch.flatten(x, 1)`: the 7x7 pooled map goes to the classifier.

Source: https://github.com/udacity/deep-learning-v2-pytorch/issues/396 (one 400x444 image
into VGG raised `mat1 and mat2 shapes cannot be multiplied (3584x7 and 25088x4096)`:
3584 = 512 * 7 rows of 7, the (1, 512, 7, 7) map of AdaptiveAvgPool2d((7, 7)) unflattened).
A narrower VGG here: torch raises `(112x7 and 784x64)` for one 100x111 image.
"""

from __future__ import annotations

import torch
from torch import nn


class VGG(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
        )  # fmt: skip
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(16 * 7 * 7, 64), nn.ReLU(True), nn.Dropout(), nn.Linear(64, 10)
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = self.classifier(x)
        return x


class Fixed(VGG):
    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


ATTR = "VGG"
INPUTS = ((1, 3, 100, 111),)
FIXES = (Fixed,)
EXPECTED = ({"kind": "missing-flatten", "at": ("module:classifier.0",), "numbers": (784,)},)
