"""LeNet sized for 32x32 images run on 28x28 MNIST: `view(-1, 16 * 5 * 5)`, then fc1.

Sources: https://github.com/ShusenTang/Dive-into-DL-PyTorch/issues/159 and
https://github.com/ShusenTang/Dive-into-DL-PyTorch/pull/61 (readers "fix" 16*4*4 to 16*5*5:
the book's input is 28x28, where the last map is 16x4x4 = 256 per image, not 400). With
16*5*5 in both places, torch raises `shape '[-1, 400]' is invalid for input of size 2048`
at batch 8. Fixing only the view leaves fc1 = Linear(400, 120), which raises next: the
complete fix is two edits.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Fixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


INPUTS = ((8, 1, 28, 28),)
CLI_INPUTS = ("(8,1,28,28)",)
FIXES = (Fixed,)
EXPECTED = (
    {
        "kind": "batch-changed",
        "at": ("line:x = x.view(-1, 16 * 5 * 5)",),
        "numbers": (256,),
        "linear": ((256, 120),),
    },
)
