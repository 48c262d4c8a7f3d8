"""A ResNet as `nn.Sequential(*children)`: AdaptiveAvgPool2d's (N, C, 1, 1) reaches `fc`.

Sources: https://github.com/pytorch/pytorch/issues/15129 (ResNet-101 converted to
nn.Sequential raises `size mismatch, m1: [2048 x 1], m2: [2048 x 1000]`) and
https://github.com/wqshmzh/CANet-CZSL/issues/7 (`mat1 and mat2 shapes cannot be multiplied
(1048576x1 and 512x512)`: the features were (N, 512, 1, 1), not (N, 512)). Here a small
ResNet with torchvision's child names: torch raises `(64x1 and 32x10)` at batch 2.
"""

from __future__ import annotations

from collections import OrderedDict

from torch import nn


class Block(nn.Module):
    """torchvision's BasicBlock, without downsampling."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + x)


def _children(flatten: bool) -> OrderedDict[str, nn.Module]:
    layers: OrderedDict[str, nn.Module] = OrderedDict(
        conv1=nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False),
        bn1=nn.BatchNorm2d(16),
        relu=nn.ReLU(inplace=True),
        maxpool=nn.MaxPool2d(3, stride=2, padding=1),
        layer1=Block(16),
        layer2=nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1), Block(32)),
        avgpool=nn.AdaptiveAvgPool2d((1, 1)),
    )
    if flatten:
        layers["flatten"] = nn.Flatten(1)
    layers["fc"] = nn.Linear(32, 10)
    return layers


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.resnet = nn.Sequential(_children(flatten=False))

    def forward(self, x):
        return self.resnet(x)


class Fixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.resnet = nn.Sequential(_children(flatten=True))

    def forward(self, x):
        return self.resnet(x)


INPUTS = ((2, 3, 64, 64),)
FIXES = (Fixed,)
EXPECTED = ({"kind": "missing-flatten", "at": ("module:resnet.fc",), "numbers": (32,)},)
