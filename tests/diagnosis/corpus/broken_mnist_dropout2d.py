"""The PyTorch MNIST example without its flatten: Dropout2d's 4-d output reaches fc1.

Sources: https://github.com/facebookresearch/CrypTen/issues/487 (the tutorial's CNN raises
`mat1 and mat2 shapes cannot be multiplied (7680x12 and 9216x128)`; the fix adds
`x.view(x.size(0), -1)` between `dropout1` and `fc1`) and
https://github.com/pytorch/examples/pull/833 (the MNIST example's first dropout, before
the flatten, is Dropout2d; the second, after it, became plain Dropout).
At batch 10 torch raises exactly the reported `(7680x12 and 9216x128)`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


class Fixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.fc2(self.dropout2(x))
        return F.log_softmax(x, dim=1)


INPUTS = ((10, 1, 28, 28),)
CLI_INPUTS = ("10x1x28x28",)
FIXES = (Fixed,)
EXPECTED = (
    {"kind": "missing-flatten", "at": ("module:fc1", "line:x = self.fc1(x)"), "numbers": (9216,)},
)
