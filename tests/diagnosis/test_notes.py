"""Notes made at one place are one note with a count: a copy inside a loop over blocks
is reported once (swin_t would get 37 copy notes, maxvit_t 60)."""

from __future__ import annotations

import torch
from torch import nn

import flatviz


class Blocks(nn.Module):
    """Each block permutes to channels last and flattens: a copy, at one source line."""

    def __init__(self, blocks: int = 5) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(4, 4, 3, padding=1) for _ in range(blocks))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            y = conv(x).permute(0, 2, 3, 1).flatten(1)
            x = x + y.view(x.shape[0], x.shape[2], x.shape[3], x.shape[1]).permute(0, 3, 1, 2)
        return x.mean((2, 3))


def test_copies_at_one_line_are_one_note_with_their_count_and_bytes() -> None:
    x = torch.randn(2, 4, 6, 6)
    y = x.permute(0, 2, 3, 1)
    flat = y.flatten(1)
    assert flat.data_ptr() != y.data_ptr()  # torch copies, once per block
    report = flatviz.doctor(Blocks(5), x)
    assert report.ok, str(report)
    [note] = [f for f in report.findings if f.kind == "copy"]
    assert note.numbers["calls"] == 5
    assert note.numbers["total_bytes"] == 5 * flat.nbytes
    assert f"(5 calls here, {5 * flat.nbytes} bytes in all;" in note.message


def test_a_copy_whose_size_does_not_grow_with_the_batch_is_not_counted_per_sample() -> None:
    class Mask(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            grid = torch.zeros(3, 4, device=x.device).t().reshape(12)
            return x + grid

    report = flatviz.doctor(Mask(), torch.randn(2, 12))
    [note] = report.findings
    assert "48 bytes, whatever the batch size" in note.message
