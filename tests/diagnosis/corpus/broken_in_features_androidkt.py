"""An MNIST CNN whose output layer was given 1050 inputs; the flattened map has 32*7*7.

Source: https://androidkt.com/fix-runtimeerror-mat1-and-mat2-shapes-cannot-be-multiplied/
(`self.out = nn.Linear(1050, 10)` after `x.view(x.size(0), -1)` of a (batch, 32, 7, 7)
map: torch raises `mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)` at
batch 2, as reported). The model returns `(output, x)`, as the tutorial's does.
"""

from __future__ import annotations

from torch import nn


class CNN(nn.Module):
    def __init__(self, in_features: int = 1050) -> None:
        super().__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=16, kernel_size=5, stride=1, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),
        )
        self.conv2 = nn.Sequential(nn.Conv2d(16, 32, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
        self.out = nn.Linear(in_features, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = x.view(x.size(0), -1)
        output = self.out(x)
        return output, x


class Fixed(CNN):
    def __init__(self) -> None:
        super().__init__(in_features=32 * 7 * 7)


ATTR = "CNN"
INPUTS = ((2, 1, 28, 28),)
FIXES = (Fixed,)
EXPECTED = (
    {"kind": "in-features", "at": ("module:out",), "numbers": (1568,), "linear": ((1568, 10),)},
)
