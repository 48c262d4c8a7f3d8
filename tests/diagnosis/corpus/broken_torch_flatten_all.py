"""AlexNet's forward with `torch.flatten(x)`: fine for one image, the batch mixed for more.

Source: https://github.com/pytorch/vision/issues/7323 (fed one unbatched image, AlexNet
raised `mat1 and mat2 shapes cannot be multiplied (256x36 and 9216x4096)`; the reporter's
"success code" replaced `torch.flatten(x, 1)` with `torch.flatten(x)`, which flattens the
batch dim too). With a batch of 1 it runs; at batch 2 torch raises `(1x2304 and 1152x256)`.
"""

from __future__ import annotations

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(16, 32, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )  # fmt: skip
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.5), nn.Linear(32 * 6 * 6, 256), nn.ReLU(inplace=True),
            nn.Linear(256, 10),
        )  # fmt: skip

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x)
        return self.classifier(x)


class Fixed(Net):
    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


INPUTS = ((1, 3, 63, 63),)
FIXES = (Fixed,)
EXPECTED = ({"kind": "batch-mixing", "at": ("line:x = torch.flatten(x)",), "numbers": (1152,)},)
