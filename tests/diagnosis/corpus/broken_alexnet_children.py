"""AlexNet rebuilt as `nn.Sequential(*model.children())`: the forward's flatten is lost.

Source: https://github.com/pytorch/pytorch/issues/15129 (a torchvision model turned into
`nn.Sequential(*list(model.children()))` raises `size mismatch, m1: [2048 x 1]`: the
`torch.flatten(x, 1)` of its `forward` is not a child, so it is gone). With AlexNet the
classifier starts with Dropout, so the 4-d map (B, 32, 6, 6) reaches Linear(1152, 256)
through a Dropout: torch raises `mat1 and mat2 shapes cannot be multiplied (384x6 and
1152x256)` at batch 2. Widths are narrowed; the layout is torchvision's.
"""

from __future__ import annotations

from torch import nn


def _features() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(16, 32, kernel_size=5, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(32, 32, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
    )  # fmt: skip


def _classifier() -> nn.Sequential:
    return nn.Sequential(
        nn.Dropout(p=0.5), nn.Linear(32 * 6 * 6, 256), nn.ReLU(inplace=True),
        nn.Dropout(p=0.5), nn.Linear(256, 256), nn.ReLU(inplace=True), nn.Linear(256, 10),
    )  # fmt: skip


class Net(nn.Module):
    """The reported pattern: the model's children in a Sequential."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(_features(), nn.AdaptiveAvgPool2d((6, 6)), _classifier())

    def forward(self, x):
        return self.net(x)


class Fixed(nn.Module):
    """The known-good fix: the flatten that AlexNet.forward does, as a layer."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            _features(), nn.AdaptiveAvgPool2d((6, 6)), nn.Flatten(), _classifier()
        )

    def forward(self, x):
        return self.net(x)


INPUTS = ((2, 3, 63, 63),)
FIXES = (Fixed,)
EXPECTED = (
    {"kind": "missing-flatten", "at": ("module:net.2.1", "module:net.2.0"), "numbers": (1152,)},
)
