"""A BiLSTM fault classifier: the LSTM's output, permuted to batch first, then `.view`.

Source: https://github.com/ZhaoZhibin/DL-based-Intelligent-Diagnosis-Benchmark/issues/19
(`bilstm_out = bilstm_out.view(bilstm_out.size(0), -1)` raises `view size is not compatible
with input tensor's size and stride`; `.contiguous().view(...)` fixed it). The LSTM here is
sequence-first, so its output is permuted to (batch, time, 2*hidden) before the view.
"""

from __future__ import annotations

from torch import nn


class BiLSTM1d(nn.Module):
    def __init__(self, in_channel: int = 1, hidden: int = 8, steps: int = 16) -> None:
        super().__init__()
        self.bilstm = nn.LSTM(in_channel, hidden, bidirectional=True)
        self.fc = nn.Linear(steps * 2 * hidden, 4)

    def forward(self, x):
        x = x.permute(2, 0, 1)
        bilstm_out, _ = self.bilstm(x)
        bilstm_out = bilstm_out.permute(1, 0, 2)
        bilstm_out = bilstm_out.view(bilstm_out.size(0), -1)
        return self.fc(bilstm_out)


class Fixed(BiLSTM1d):
    def forward(self, x):
        bilstm_out, _ = self.bilstm(x.permute(2, 0, 1))
        bilstm_out = bilstm_out.permute(1, 0, 2)
        return self.fc(bilstm_out.contiguous().view(bilstm_out.size(0), -1))


ATTR = "BiLSTM1d"
INPUTS = ((3, 1, 16),)
CLI_INPUTS = ("3x1x16",)
FIXES = (Fixed,)
EXPECTED = (
    {
        "kind": "not-viewable",
        "at": ("line:bilstm_out = bilstm_out.view(bilstm_out.size(0), -1)",),
    },
)
