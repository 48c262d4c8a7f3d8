"""A Lua Torch model converted to PyTorch, whose `nn.View(-1)` became `x.view(-1)`.

Source: https://github.com/clcarwin/convert_torch_to_pytorch/pull/1 ("The older version
produced a flattened version of the input tensor including batch dimension":
`Lambda(lambda x,s=torch.Size([-1]): x.view(s))` gave batch_size*512*7*7 values, where
`x.view(x.size(0),-1)` gives batch_size x 512*7*7). The converter's next Lambda turns a
1-d input into one row, so a batch of 1 runs; at batch 2 torch raises `mat1 and mat2 shapes
cannot be multiplied (1x1600 and 800x64)`. The Lambda classes are the converter's.
"""

from __future__ import annotations

import torch
from torch import nn


class LambdaBase(nn.Sequential):
    def __init__(self, fn, *args):
        super().__init__(*args)
        self.lambda_func = fn

    def forward_prepare(self, input):
        output = []
        for module in self._modules.values():
            output.append(module(input))
        return output if output else input


class Lambda(LambdaBase):
    def forward(self, input):
        return self.lambda_func(self.forward_prepare(input))


def make() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, (3, 3), (1, 1), (1, 1)), nn.ReLU(), nn.MaxPool2d((2, 2), (2, 2)),
        nn.Conv2d(16, 32, (3, 3), (1, 1), (1, 1)), nn.ReLU(), nn.MaxPool2d((2, 2), (2, 2)),
        Lambda(lambda x, s=torch.Size([-1]): x.view(s)),  # noqa: B008 (the converter's code)
        nn.Sequential(
            Lambda(lambda x: x.view(1, -1) if len(x.size()) == 1 else x),
            nn.Linear(800, 64),
        ),
        nn.ReLU(),
        nn.Linear(64, 10),
    )  # fmt: skip


def make_fixed() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, (3, 3), (1, 1), (1, 1)), nn.ReLU(), nn.MaxPool2d((2, 2), (2, 2)),
        nn.Conv2d(16, 32, (3, 3), (1, 1), (1, 1)), nn.ReLU(), nn.MaxPool2d((2, 2), (2, 2)),
        nn.Flatten(),
        nn.Linear(32 * 5 * 5, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )  # fmt: skip


ATTR = "make"
INPUTS = ((2, 3, 20, 20),)
FIXES = (make_fixed,)
EXPECTED = (
    {
        "kind": "batch-mixing",
        "at": ("line:Lambda(lambda x, s=torch.Size([-1]): x.view(s)),",),
        "numbers": (800,),
    },
)
