"""AlexNet given one image without its batch dim: the channels become the batch.

Source: https://github.com/pytorch/vision/issues/7323 (`model.forward(image)` on a (3, 224,
224) image: the convs accept it as unbatched, `torch.flatten(x, 1)` then flattens (256, 6,
6) into 256 rows of 36, and torch raises `mat1 and mat2 shapes cannot be multiplied (256x36
and 9216x4096)`). Narrowed here: `(32x36 and 1152x256)`. The fix is at the call, not in the
model: `model(image.unsqueeze(0))`.
"""

from __future__ import annotations

import torch
from torch import nn


class AlexNet(nn.Module):
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
        x = torch.flatten(x, 1)
        return self.classifier(x)


ATTR = "AlexNet"
INPUTS = ((3, 63, 63),)
UNBATCHED = True
FIXES = (AlexNet,)
EXPECTED = ({"kind": "unbatched-input", "at": ("module:features.0",), "words": ("unsqueeze(0)",)},)
