"""A squeeze-and-excitation block left at `planes` after its convs were widened to 2*planes.

Source: https://github.com/miraclewkf/SENet-PyTorch/issues/1 (the block's convs changed to
`planes * 2`; the SE layers kept `planes`, and `out = self.fc1(out)` raised). torch raises
`mat1 and mat2 shapes cannot be multiplied (2x32 and 16x4)` at fc1. Giving fc1 32 inputs is
not enough: fc2 still returns 16 values per image, and the next view,
`w.view(out.size(0), out.size(1), 1, 1)`, raises. The complete fix sizes both layers.
"""

from __future__ import annotations

from torch import nn


class SEBasicBlock(nn.Module):
    def __init__(self, inplanes: int, planes: int, reduction: int = 4) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes * 2, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes * 2)
        self.conv2 = nn.Conv2d(planes * 2, planes * 2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes * 2)
        self.relu = nn.ReLU(inplace=True)
        self.global_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(planes, planes // reduction)
        self.fc2 = nn.Linear(planes // reduction, planes)
        self.sigmoid = nn.Sigmoid()
        self.shortcut = nn.Conv2d(inplanes, planes * 2, 1, bias=False)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        w = self.global_pool(out)
        w = w.view(w.size(0), -1)
        w = self.relu(self.fc1(w))
        w = self.sigmoid(self.fc2(w))
        w = w.view(out.size(0), out.size(1), 1, 1)
        return self.relu(out * w + self.shortcut(x))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = SEBasicBlock(16, 16)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.fc(self.pool(x).flatten(1))


class FixedBlock(nn.Module):
    """The block with its SE layers sized for the 2*planes channels they see."""

    def __init__(self, inplanes: int, planes: int, hidden: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes * 2, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes * 2)
        self.conv2 = nn.Conv2d(planes * 2, planes * 2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes * 2)
        self.relu = nn.ReLU(inplace=True)
        self.global_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(planes * 2, hidden)
        self.fc2 = nn.Linear(hidden, planes * 2)
        self.sigmoid = nn.Sigmoid()
        self.shortcut = nn.Conv2d(inplanes, planes * 2, 1, bias=False)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        w = self.global_pool(out).flatten(1)
        w = self.sigmoid(self.fc2(self.relu(self.fc1(w))))
        return self.relu(out * w.view(out.size(0), out.size(1), 1, 1) + self.shortcut(x))


class Fixed(nn.Module):
    """The minimal fix: fc1 takes 32 inputs, fc2 returns 32; the 4 hidden units stay."""

    hidden = 4

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = FixedBlock(16, 16, self.hidden)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.fc(self.pool(x).flatten(1))


class FixedWider(Fixed):
    """The same fix made through `planes`: 32 // 4 = 8 hidden units."""

    hidden = 8


INPUTS = ((2, 3, 16, 16),)
FIXES = (Fixed, FixedWider)
EXPECTED = (
    {"kind": "in-features", "at": ("module:block.fc1",), "numbers": (32,)},
    {
        "kind": None,
        "at": ("module:block.fc2", "line:w = w.view(out.size(0), out.size(1), 1, 1)"),
        "numbers": (32,),
    },
)
