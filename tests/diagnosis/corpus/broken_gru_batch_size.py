"""A bidirectional GRU: a `view` of a transposed state, then `view(self.batch_size, -1)`.

Sources: https://github.com/slydg/GRU_to_predict_timeseries/issues/2 (`outSeq1.view(
args.batch_size, -1)` raises `view size is not compatible with input tensor's size and
stride`) and https://github.com/gsp-27/pytorch_Squeezenet/issues/2 (`scores.view(
args.batch_size, args.num_classes)` raises `shape '[64, 10]' is invalid for input of size
160` on the last, smaller batch). Here torch first raises the view error at the final state
(transposed to batch first); replacing that view alone leaves `logits.view(self.batch_size,
-1)`, which at batch 8 silently returns 4 rows: both lines need the batch from the input.
"""

from __future__ import annotations

from torch import nn


class Net(nn.Module):
    def __init__(self, batch_size: int = 4, n_features: int = 8, hidden: int = 16) -> None:
        super().__init__()
        self.batch_size = batch_size
        self.gru = nn.GRU(n_features, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        _, h = self.gru(x.transpose(0, 1))
        h = h.transpose(0, 1).view(x.size(0), -1)
        logits = self.fc(h)
        return logits.view(self.batch_size, -1)


class Fixed(nn.Module):
    def __init__(self, n_features: int = 8, hidden: int = 16) -> None:
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        _, h = self.gru(x.transpose(0, 1))
        h = h.transpose(0, 1).reshape(x.size(0), -1)
        return self.fc(h).view(x.size(0), -1)


INPUTS = ((4, 5, 8),)
FIXES = (Fixed,)
EXPECTED = (
    {"kind": "not-viewable", "at": ("line:h = h.transpose(0, 1).view(x.size(0), -1)",)},
    {"kind": "batch-changed", "at": ("line:return logits.view(self.batch_size, -1)",)},
)
