"""A VGG-style MNIST net whose classifier was sized for 32x32 inputs.

Sources: https://github.com/securefederatedai/openfederatedlearning/issues/226 and
https://github.com/pytorch/pytorch/issues/67956 (four conv blocks with 2x2 pooling, then
`nn.Linear(2048, 4096)`: on 28x28 MNIST the last map is 512x1x1, and torch raised
`mat1 and mat2 shapes cannot be multiplied (128x512 and 2048x4096)`). Narrowed here by 8:
torch raises `(4x64 and 256x128)` at batch 4; the first Linear needs 64 inputs.
"""

from __future__ import annotations

from torch import nn


def block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.MaxPool2d(2, 2),
    )  # fmt: skip


class Net(nn.Module):
    def __init__(self, in_features: int = 256) -> None:
        super().__init__()
        self.block_1 = block(1, 8)
        self.block_2 = block(8, 16)
        self.block_3 = block(16, 32)
        self.block_4 = block(32, 64)
        self.classifier = nn.Sequential(
            nn.Linear(in_features, 128), nn.ReLU(True), nn.Dropout(p=0.65), nn.Linear(128, 10)
        )

    def forward(self, x):
        x = self.block_1(x)
        x = self.block_2(x)
        x = self.block_3(x)
        x = self.block_4(x)
        x = x.view(x.size(0), -1)
        return self.classifier(x)


class Fixed(Net):
    def __init__(self) -> None:
        super().__init__(in_features=64)


INPUTS = ((4, 1, 28, 28),)
FIXES = (Fixed,)
EXPECTED = (
    {
        "kind": "in-features",
        "at": ("module:classifier.0",),
        "numbers": (64,),
        "linear": ((64, 128),),
    },
)
