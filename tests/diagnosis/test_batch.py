"""batch-mixing and batch-changed: a flatten or view that merges the batch into the features
or turns the samples into other rows; also on an empty batch. Ground truth: torch runs or
raises the same way on CPU."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import flatviz
from tests.helpers.doctor import at_line, lenet, only, torch_error

# batch-mixing -------------------------------------------------------------------------


@pytest.mark.parametrize("flatten", [nn.Flatten(start_dim=0), nn.Flatten(0, 2)])
def test_flatten_from_dim_0_mixes_the_batch_and_the_error_is_torchs(flatten: nn.Module) -> None:
    model, x = lenet(flatten), torch.randn(8, 3, 32, 32)
    report = flatviz.doctor(model, x)
    finding = only(report, "batch-mixing")
    assert finding.where == "6"
    assert finding.fix.startswith("nn.Flatten(start_dim=1)")
    assert report.error == torch_error(model, x)
    assert report.error in finding.message
    assert not report.ok


def test_flatten_from_dim_0_is_caught_at_batch_size_1_where_it_runs() -> None:
    model = lenet(nn.Flatten(start_dim=0))
    assert model(torch.randn(1, 3, 32, 32)).shape == (10,)  # runs, silently
    torch_error(model, torch.randn(2, 3, 32, 32))  # and breaks at batch size 2
    report = flatviz.doctor(model, torch.randn(1, 3, 32, 32))
    finding = only(report, "batch-mixing")
    assert "at batch size 2 its 800 inputs hold 2 samples" in finding.message
    assert report.error is None


class FlattensAll(nn.Module):
    """torch.flatten with its start_dim=0 default, called inside forward."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8 * 30 * 30, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(F.relu(self.conv(x)))
        return self.fc(x)


def test_torch_flatten_default_in_forward_is_named_by_its_source_line() -> None:
    x = torch.randn(4, 3, 32, 32)
    report = flatviz.doctor(FlattensAll(), x)
    finding = only(report, "batch-mixing")
    assert finding.where == f"FlattensAll.forward ({at_line(FlattensAll.forward, 'torch.flatten')})"
    assert finding.fix == "torch.flatten(F.relu(self.conv(x)), 1), which gives (4, 7200)"
    assert report.error == torch_error(FlattensAll(), x)


class TimeDistributed(nn.Module):
    """A conv over every frame: batch and time merged, then split back (sound)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 8 * 8, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t = x.shape[:2]
        y = self.conv(x.flatten(0, 1))
        y = self.fc(y.flatten(1))
        return y.view(b, t, -1)


def test_merging_batch_with_time_and_splitting_back_is_sound() -> None:
    x = torch.randn(2, 5, 1, 8, 8)
    assert TimeDistributed()(x).shape == (2, 5, 16)
    report = flatviz.doctor(TimeDistributed(), x)
    assert report.ok and not report.findings, str(report)


# batch-changed ------------------------------------------------------------------------


class WrongView(nn.Module):
    """LeNet written for 28x28 images (16*4*4 features) fed 32x32 ones (16*5*5)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(3, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2 = nn.Linear(16 * 4 * 4, 120), nn.Linear(120, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 4 * 4)
        return self.fc2(F.relu(self.fc1(x)))


def test_view_minus_one_with_a_wrong_width_silently_changes_the_batch() -> None:
    x = torch.randn(16, 3, 32, 32)
    out = WrongView()(x)
    assert out.shape[0] != 16  # torch runs it, with the wrong number of rows
    report = flatviz.doctor(WrongView(), x)
    finding = only(report, "batch-changed")
    assert finding.where == f"WrongView.forward ({at_line(WrongView.forward, '.view(')})"
    assert f"into {out.shape[0]} rows" in finding.message
    per_sample = torch.flatten(lenet(nn.Identity())[:6](x), 1).shape[1]
    # the flatten changes what reaches fc1, so its in_features are part of the same fix
    assert finding.fix == (
        f"x.flatten(1), which gives (16, {per_sample}), and nn.Linear({per_sample}, 120) at fc1"
    )
    assert [e.new for e in report.fixes] == ["x.flatten(1)", f"nn.Linear({per_sample}, 120)"]


def test_view_minus_one_that_does_not_divide_is_batch_changed_with_torchs_error() -> None:
    x = torch.randn(8, 3, 32, 32)
    report = flatviz.doctor(WrongView(), x)
    finding = only(report, "batch-changed")
    assert report.error == torch_error(WrongView(), x)
    assert report.error in finding.message


def test_an_empty_batch_is_diagnosed_and_says_so() -> None:
    model, x = nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), torch.zeros(0, 4)
    assert model(x).shape == (0, 2)
    report = flatviz.doctor(model, x)
    assert report.ok and report.batch_sizes == (0, 2), str(report)
    [note] = report.findings
    assert (note.kind, note.severity) == ("empty-batch", "note")
    assert "batch size 2" in note.message


def test_an_empty_batch_still_finds_a_flatten_that_mixes_the_batch() -> None:
    model, x = lenet(nn.Flatten(start_dim=0)), torch.zeros(0, 3, 32, 32)
    report = flatviz.doctor(model, x)
    finding = only(report, "batch-mixing")
    assert finding.where == "6" and finding.fix.startswith("nn.Flatten(start_dim=1)")
    assert report.error == torch_error(model, x)
    assert lenet(nn.Flatten(start_dim=1))(x).shape == (0, 10)
    assert "at batch size 2 its 800 inputs hold 2 samples of 400 features" in finding.message
    assert finding.fix == "nn.Flatten(start_dim=1), which gives (0, 400)"


class RowsOf200(nn.Module):
    """`x.view(-1, 200)` on 400 features per sample: twice as many rows as samples."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(200, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.view(-1, 200))


def test_an_empty_batch_still_finds_a_changed_batch_and_counts_it_with_samples() -> None:
    x = torch.zeros(0, 16, 5, 5)
    assert RowsOf200()(x).shape == (0, 10)  # silent on an empty batch
    finding = only(flatviz.doctor(RowsOf200(), x), "batch-changed")
    two = torch.zeros(2, 16, 5, 5)
    rows = two.view(-1, 200).shape
    assert "at batch size 2, x.view(-1, 200) turns a batch of 2 samples" in finding.message
    assert f"into {rows[0]} rows {tuple(rows)}" in finding.message


def test_an_empty_batch_that_hides_an_error_says_what_a_batch_with_samples_raises() -> None:
    x = torch.zeros(0, 3, 32, 32)
    assert WrongView()(x).shape == (0, 10)  # silent on an empty batch
    report = flatviz.doctor(WrongView(), x)
    [note] = report.findings
    assert note.kind == "empty-batch"
    assert torch_error(WrongView(), torch.zeros(2, 3, 32, 32)) in note.message


class Hidden(nn.Module):
    """An RNN's first state made by viewing the batch into dim 1: `x.view(1, B, H)`,
    whose first size is the same number at any batch size, and sound."""

    def __init__(self) -> None:
        super().__init__()
        self.init = nn.Linear(6, 8)
        self.gru = nn.GRU(4, 8, batch_first=True)

    def forward(self, seq: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        h0 = self.init(context).view(1, context.shape[0], 8)
        return self.gru(seq, h0)[0][:, -1]


def test_a_view_that_moves_the_batch_to_dim_1_is_not_a_batch_written_as_a_number() -> None:
    seq, context = torch.randn(3, 5, 4), torch.randn(3, 6)
    assert Hidden()(seq, context).shape == (3, 8)
    assert Hidden()(torch.randn(6, 5, 4), torch.randn(6, 6)).shape == (6, 8)
    report = flatviz.doctor(Hidden(), (seq, context))
    assert report.ok and not report.findings, str(report)


class Doubled(nn.Module):
    """Builds its output from sizes, not from a view of the input: two rows per sample."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(800, 800)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.zeros(x.shape[0] * 2, 400, device=x.device)
        return out + self.fc(x.flatten(1)).sum() * 0


def test_an_output_whose_dim_0_is_not_the_batch_is_an_error_even_untraced() -> None:
    assert Doubled()(torch.randn(1, 2, 20, 20)).shape == (2, 400)  # torch: 2 rows for 1
    report = flatviz.doctor(Doubled(), torch.randn(1, 2, 20, 20))
    [error] = report.errors
    assert (error.kind, error.where) == ("batch-changed", "output"), str(report)
    assert "returns (2, 400) at batch size 1 and (4, 400) at batch size 2" in error.message
    assert "dim 0 holds 2 rows per sample" in error.message
