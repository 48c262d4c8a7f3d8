"""A Keras CNN ported by hand: permuted to Keras' (H, W, C) order, then `.view`: no view.

Sources: https://github.com/gzuidhof/nn-transfer/issues/16 ("the view in pytorch and
flatten in keras work differently": Keras' Flatten runs over channels-last maps) and
https://github.com/gzuidhof/nn-transfer/issues/11. To use Keras weights the port permutes
to (N, H, W, C) before flattening, and the `.view` it keeps then raises `view size is not
compatible with input tensor's size and stride`. The fix flattens the permuted map
(reshape or flatten(1)), keeping Keras' feature order.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.dense1 = nn.Linear(5 * 5 * 16, 32)
        self.dense2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.permute(0, 2, 3, 1)
        x = x.view(x.size(0), -1)
        return self.dense2(F.relu(self.dense1(x)))


class Fixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.dense1 = nn.Linear(5 * 5 * 16, 32)
        self.dense2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.permute(0, 2, 3, 1).reshape(x.size(0), -1)
        return self.dense2(F.relu(self.dense1(x)))


INPUTS = ((4, 1, 28, 28),)
FIXES = (Fixed,)
EXPECTED = ({"kind": "not-viewable", "at": ("line:x = x.view(x.size(0), -1)",)},)
