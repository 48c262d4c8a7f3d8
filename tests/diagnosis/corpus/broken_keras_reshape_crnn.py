"""A Keras CRNN ported by hand: Keras' `Reshape` leaves out the batch dim, `reshape` does not.

Source: Keras' documentation of Reshape, https://keras.io/api/layers/reshaping_layers/reshape/
("target_shape: Target shape. Tuple of integers, does not include the samples dimension
(batch size)"). A CRNN's `Permute((2, 1, 3))` then `Reshape((-1, C * H))` ported as
`x.reshape(-1, C * H)` folds the batch into the time steps: the LSTM then reads one 2-d
(unbatched) sequence through every sample in turn, and the model returns (batch*width,
classes). torch runs it: batch 2 gives 16 rows. The fix keeps the batch as dim 0.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn


class CRNN(nn.Module):
    def __init__(self, hidden: int = 16, classes: int = 6) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.lstm = nn.LSTM(16 * 4, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.permute(0, 3, 1, 2)
        x = x.reshape(-1, 16 * 4)
        x, _ = self.lstm(x)
        return self.fc(x)


class Fixed(CRNN):
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.permute(0, 3, 1, 2).reshape(x.size(0), x.size(3), -1)
        x, _ = self.lstm(x)
        return self.fc(x)


ATTR = "CRNN"
INPUTS = ((2, 1, 16, 32),)
FIXES = (Fixed,)
EXPECTED = ({"kind": ("batch-changed", "batch-mixing"), "at": ("line:x = x.reshape(-1, 16 * 4)",)},)
