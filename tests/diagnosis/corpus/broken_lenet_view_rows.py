"""LeNet with 3x3 kernels on CIFAR-10: `view(-1, k*k*16)` makes 4 rows per image, silently.

Source: https://datascience.stackexchange.com/questions/89103/understanding-the-last-two-linear-transformations-in-lenet-5
(kernel_size 5 swapped for 3: the map before the classifier is 16x6x6 = 576 per image, but
`x.view(-1, kernel_size * kernel_size * 16)` asks for rows of 144, so each image becomes 4
rows and fc1 = Linear(144, 120) runs on them; the poster "added 4" to both sizes). torch runs
it: a batch of 1 returns (4, 10). The fix keeps the batch in the view and gives fc1 576.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self, kernel_size: int = 3) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.conv1 = nn.Conv2d(3, 6, kernel_size)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size)
        self.fc1 = nn.Linear(kernel_size * kernel_size * 16, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, self.kernel_size * self.kernel_size * 16)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Fixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


INPUTS = ((1, 3, 32, 32),)
FIXES = (Fixed,)
EXPECTED = (
    {
        "kind": "batch-changed",
        "at": ("line:x = x.view(-1, self.kernel_size * self.kernel_size * 16)",),
        "numbers": (576,),
        "linear": ((576, 120),),
    },
)
