"""An actor network built for 30 observation features, given the environment's 44.

Source: https://github.com/Kim-Hammar/gym-idsgame/issues/10 (`RuntimeError: mat1 and mat2
shapes cannot be multiplied (1x44 and 30x64)`: the observation vector has 44 values, the
first Linear takes 30). torch raises the same at batch 1 here; the first layer needs 44.
"""

from __future__ import annotations

from torch import nn


class FNNActor(nn.Module):
    def __init__(self, input_dim: int = 30, output_dim: int = 5, hidden_dim: int = 64) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(input_dim, hidden_dim), nn.ReLU(),
            nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
            nn.Linear(hidden_dim, output_dim),
        )  # fmt: skip

    def forward(self, x):
        return self.layers(x).softmax(dim=-1)


class Fixed(FNNActor):
    def __init__(self) -> None:
        super().__init__(input_dim=44)


ATTR = "FNNActor"
INPUTS = ((1, 44),)
FIXES = (Fixed,)
EXPECTED = (
    {"kind": "in-features", "at": ("module:layers.0",), "numbers": (44,), "linear": ((44, 64),)},
)
