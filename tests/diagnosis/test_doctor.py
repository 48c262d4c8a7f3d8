"""The shape doctor on real broken models, one per finding kind, and on sound controls.

Ground truth is torch: each quoted error is the one the model raises when run for real
on CPU, each fix is checked by running the fixed model, and each control runs cleanly.
"""

from __future__ import annotations

import copy
import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import flatviz
from flatviz.cli import main
from flatviz.diagnosis import Report, engine
from flatviz.diagnosis.devices import device_layout


def lenet(flatten: nn.Module, in_features: int = 16 * 5 * 5) -> nn.Sequential:
    """LeNet for 3x32x32 images with the flatten (and first in_features) given."""
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        flatten, nn.Linear(in_features, 120), nn.ReLU(), nn.Linear(120, 10),
    )  # fmt: skip


def torch_error(model: nn.Module, x: torch.Tensor) -> str:
    """The first line of the error the model raises on CPU for real."""
    with pytest.raises(RuntimeError) as info:
        model(x)
    return str(info.value).splitlines()[0]


def only(report: Report, kind: str) -> flatviz.diagnosis.Finding:
    """The one finding of `kind`, after checking the report has no other error."""
    errors = report.errors
    assert [f.kind for f in errors] == [kind], str(report)
    return errors[0]


def line_of(obj: object, text: str) -> int:
    """The file line of the first source line of `obj` containing `text`."""
    lines, start = inspect.getsourcelines(obj)  # type: ignore[arg-type]
    return start + next(i for i, line in enumerate(lines) if text in line)


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
    line = line_of(FlattensAll.forward, "torch.flatten")
    assert finding.where == f"FlattensAll.forward (test_doctor.py:{line})"
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
    line = line_of(WrongView.forward, ".view(")
    assert finding.where == f"WrongView.forward (test_doctor.py:{line})"
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


# in-features, missing-flatten ---------------------------------------------------------


def test_in_features_names_the_number_that_arrives() -> None:
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(64, 10))
    x = torch.randn(8, 784)
    report = flatviz.doctor(model, x)
    finding = only(report, "in-features")
    assert finding.where == "2"
    assert report.error == torch_error(model, x)
    assert report.error.startswith("mat1 and mat2 shapes cannot be multiplied")
    arrives = model[:2](x).shape[1]
    assert finding.fix == f"nn.Linear({arrives}, 10), or nn.LazyLinear(10)"
    fixed = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(arrives, 10))
    assert flatviz.doctor(fixed, x).ok


def test_meta_words_the_error_otherwise_and_the_report_quotes_the_cpu() -> None:
    model = nn.Sequential(nn.Linear(784, 128), nn.Linear(64, 10))
    with pytest.raises(RuntimeError) as meta:
        model.to("meta")(torch.empty(8, 784, device="meta"))
    report = flatviz.doctor(model, torch.empty(8, 784, device="meta"), device="cpu")
    cpu = torch_error(nn.Sequential(nn.Linear(784, 128), nn.Linear(64, 10)), torch.randn(8, 784))
    assert report.error == cpu != str(meta.value).splitlines()[0]


def test_a_linear_on_a_conv_activation_is_a_missing_flatten() -> None:
    model, x = lenet(nn.Identity()), torch.randn(8, 3, 32, 32)
    report = flatviz.doctor(model, x)
    finding = only(report, "missing-flatten")
    assert finding.where == "7"
    assert report.error == torch_error(model, x)
    assert finding.fix == "add nn.Flatten() before it, which gives (8, 400)"
    assert model[:6](x).flatten(1).shape == (8, 400)
    assert flatviz.doctor(lenet(nn.Flatten()), x).ok


def test_missing_flatten_gives_in_features_when_it_differs() -> None:
    model, x = lenet(nn.Identity(), in_features=5), torch.randn(2, 3, 32, 32)
    assert model(x).shape == (2, 16, 5, 10)  # runs: Linear mixes only the last dim
    finding = only(flatviz.doctor(model, x), "missing-flatten")
    assert finding.fix == "add nn.Flatten() before it, which gives (2, 400) and nn.Linear(400, 120)"


# unbatched-input ----------------------------------------------------------------------


def test_an_image_without_its_batch_dim_is_unbatched_input() -> None:
    model, x = lenet(nn.Flatten()), torch.randn(3, 32, 32)
    report = flatviz.doctor(model, x)
    finding = only(report, "unbatched-input")
    assert finding.where == "0"
    assert finding.fix == "model(x.unsqueeze(0)), whose shape is (1, 3, 32, 32)"
    assert report.error == torch_error(model, x)
    assert model(x.unsqueeze(0)).shape == (1, 10)


def test_a_vector_without_its_batch_dim_is_unbatched_input() -> None:
    model = nn.Sequential(nn.Linear(784, 10))
    finding = only(flatviz.doctor(model, torch.randn(784)), "unbatched-input")
    assert finding.fix == "model(x.unsqueeze(0)), whose shape is (1, 784)"


# not-viewable -------------------------------------------------------------------------


class Attention(nn.Module):
    """Multi-head self-attention that views the transposed heads back (no view exists)."""

    def __init__(self, dim: int = 64, heads: int = 4) -> None:
        super().__init__()
        self.heads = heads
        self.qkv, self.out = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        qkv = self.qkv(x).view(b, t, 3, self.heads, d // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        y = self.attend(q, k, v)
        y = y.transpose(1, 2).view(b, t, d)
        return self.out(y)

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        weights = (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1)
        return weights @ v


class FusedAttention(Attention):
    """The same with torch's fused kernel, whose output layout on CPU follows q's."""

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v)


def test_view_after_transpose_is_not_viewable_with_the_blocking_dims() -> None:
    x = torch.randn(2, 10, 64)
    report = flatviz.doctor(Attention(), x)
    finding = only(report, "not-viewable")
    line = line_of(Attention.forward, ".transpose(1, 2)")
    assert finding.where == f"Attention.forward (test_doctor.py:{line})"
    assert report.error == torch_error(Attention(), x)
    y = torch.randn(2, 4, 10, 16).transpose(1, 2)
    plan = flatviz.explain(y, 2, 3)
    assert plan.blocking == (2, 3) and f"Dims {plan.blocking[0]} and {plan.blocking[1]}" in (
        finding.message
    )
    assert finding.fix.startswith(
        "y.transpose(1, 2).reshape(b, t, d), which copies 5120 bytes per batch"
    )
    assert y.reshape(2, 10, 64).nbytes == 5120


def test_a_view_after_fused_attention_is_only_a_warning_since_cpu_may_allow_it() -> None:
    x = torch.randn(2, 10, 64)
    assert FusedAttention()(x).shape == (2, 10, 64)  # CPU's kernel makes the view possible
    report = flatviz.doctor(FusedAttention(), x)
    assert report.ok and report.error is None
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("not-viewable", "warning")
    assert "scaled_dot_product_attention" in warning.message


class ViewHead(nn.Module):
    """A classifier head that flattens with `x.view(x.size(0), -1)`."""

    def __init__(self, features: int = 64 * 7 * 7) -> None:
        super().__init__()
        self.fc = nn.Linear(features, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.view(x.size(0), -1))


@pytest.mark.parametrize(
    "x",
    [
        torch.randn(8, 64, 7, 7).contiguous(memory_format=torch.channels_last),
        torch.randn(8, 7, 64, 7).transpose(1, 2),
    ],
    ids=["channels_last", "transposed"],
)
def test_view_with_minus_one_on_a_layout_without_a_view_is_not_viewable(x: torch.Tensor) -> None:
    report = flatviz.doctor(ViewHead(), x)
    finding = only(report, "not-viewable")
    assert report.error == torch_error(ViewHead(), x)
    blocking = flatviz.explain(x, 1, 3).blocking
    assert blocking is not None
    assert f"Dims {blocking[0]} and {blocking[1]} cannot merge" in finding.message
    assert f"has none for {tuple(x.reshape(8, -1).shape)}" in finding.message
    assert finding.fix == (
        f"x.reshape(x.size(0), -1), which copies {x.nbytes} bytes per batch, or "
        f"x.contiguous().view(x.size(0), -1)"
    )
    assert x.reshape(8, -1).shape == x.contiguous().view(8, -1).shape == (8, 3136)


class ConvViewNet(nn.Module):
    """A conv, then a head that flattens with `x.view(x.size(0), -1)`."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8 * 6 * 6, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv(x))
        return self.fc(x.view(x.size(0), -1))


def test_a_conv_keeps_a_channels_last_input_layout_as_on_cpu_so_the_view_fails() -> None:
    model, x = ConvViewNet(), torch.randn(2, 3, 8, 8)
    assert model(x).shape == (2, 10)
    assert flatviz.doctor(model, x).ok  # the control: contiguous, the view works
    x = x.contiguous(memory_format=torch.channels_last)
    report = flatviz.doctor(model, x)
    finding = only(report, "not-viewable")
    assert report.error == torch_error(model, x)
    strides = F.relu(model.conv(x)).stride()  # what the view sees on CPU
    assert f"with strides {strides}" in finding.message
    assert "come from Conv2d at conv, which keeps the channels_last" in finding.message


CL, CL3D = torch.channels_last, torch.channels_last_3d


@pytest.mark.parametrize(
    ("conv", "x", "weight"),
    [
        (F.conv2d, torch.zeros(2, 3, 8, 8).to(memory_format=CL), None),
        (F.conv2d, torch.zeros(2, 3, 8, 8), CL),
        (F.conv2d, torch.zeros(2, 3, 8, 8), None),
        (F.conv3d, torch.zeros(2, 3, 4, 8, 8).to(memory_format=CL3D), None),
        (F.conv3d, torch.zeros(2, 3, 4, 8, 8), None),
        (F.conv_transpose2d, torch.zeros(2, 3, 8, 8).to(memory_format=CL), None),
        (F.conv_transpose2d, torch.zeros(2, 3, 8, 8), CL),
        (F.conv_transpose3d, torch.zeros(2, 3, 4, 8, 8).to(memory_format=CL3D), None),
    ],
    ids=[
        *("input-cl", "weight-cl", "contiguous", "3d-input-cl", "3d-contiguous"),
        *("transpose-input-cl", "transpose-weight-cl", "transpose-3d-input-cl"),
    ],
)
def test_meta_conv_outputs_get_the_strides_cpu_gives_them(
    conv: Any, x: torch.Tensor, weight: torch.memory_format | None
) -> None:
    w = torch.zeros(3, 3, *([3] * (x.dim() - 2)))  # square: a conv and a transposed conv
    if weight is not None:
        w = w.contiguous(memory_format=weight)
    xm, wm = x.to("meta"), w.to("meta")
    assert device_layout(conv, (xm, wm), {}, conv(xm, wm)).stride() == conv(x, w).stride()


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
def test_meta_padding_gets_the_strides_cpu_gives_it(mode: str) -> None:
    x = torch.zeros(2, 3, 8, 8).to(memory_format=CL)
    xm = x.to("meta")
    meta = device_layout(
        F.pad, (xm, (1, 1, 1, 1)), {"mode": mode}, F.pad(xm, (1, 1, 1, 1), mode=mode)
    )
    assert meta.stride() == F.pad(x, (1, 1, 1, 1), mode=mode).stride()


def test_an_empty_batch_is_diagnosed_and_says_so() -> None:
    model, x = nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), torch.zeros(0, 4)
    assert model(x).shape == (0, 2)
    report = flatviz.doctor(model, x)
    assert report.ok and report.batch_sizes == (0, 2), str(report)
    [note] = report.findings
    assert (note.kind, note.severity) == ("empty-batch", "note")
    assert "batch size 2" in note.message


def test_an_empty_batch_quotes_the_error_torch_raises_on_it() -> None:
    x = torch.zeros(0, 64, 7, 7)
    assert ViewHead()(torch.zeros(1, 64, 7, 7)).shape == (1, 10)  # one sample works
    report = flatviz.doctor(ViewHead(), x)
    assert report.error == torch_error(ViewHead(), x)
    assert [f.kind for f in report.errors] == ["raises"]


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


# copy notes ---------------------------------------------------------------------------


class ChannelsLastHead(nn.Module):
    """Permutes to channels-last before flattening: the flatten copies."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8 * 8 * 3, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(x.permute(0, 2, 3, 1), 1))


def test_a_flatten_that_copies_is_a_note_with_its_bytes() -> None:
    x = torch.randn(4, 3, 8, 8)
    y = x.permute(0, 2, 3, 1)
    flat = torch.flatten(y, 1)
    assert flat.data_ptr() != y.data_ptr()  # torch copied
    report = flatviz.doctor(ChannelsLastHead(), x)
    assert report.ok
    [note] = report.findings
    assert (note.kind, note.severity) == ("copy", "note")
    assert f"{flat.nbytes} bytes per batch ({flat.nbytes // 4} per sample)" in note.message
    row = next(line for line in str(report).splitlines() if "torch.flatten(x, 1)" in line)
    assert row.split()[-2:] == ["copy", "copy"]  # the layout column and the finding


# controls -----------------------------------------------------------------------------


class Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.down(x))


class ResNetLike(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.layers = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def test_a_resnet_like_cnn_is_clean_and_left_unchanged() -> None:
    model = ResNetLike()
    before = copy.deepcopy(model.state_dict())
    params = {n: p for n, p in model.named_parameters()}
    report = flatviz.doctor(model, torch.randn(8, 3, 32, 32))
    assert report.ok and not report.findings, str(report)
    assert model.training
    assert {n: p for n, p in model.named_parameters()} == params  # the same objects
    after = model.state_dict()
    assert after.keys() == before.keys()
    assert all(torch.equal(after[k], before[k]) for k in before)  # running stats too
    assert all(p.device.type == "cpu" and p.grad is None for p in model.parameters())
    assert model(torch.randn(8, 3, 32, 32)).shape == (8, 10)


def test_eval_mode_and_devices_survive_a_failing_model() -> None:
    model = lenet(nn.Flatten(start_dim=0)).eval()
    weight = model[7].weight
    flatviz.doctor(model, torch.randn(8, 3, 32, 32))
    assert not any(m.training for m in model.modules())
    assert model[7].weight is weight and weight.device.type == "cpu"


def test_a_model_with_a_billion_parameters_on_meta_takes_little_memory() -> None:
    script = textwrap.dedent(
        """
        import json, re, sys, torch
        from torch import nn
        import flatviz
        with torch.device("meta"):
            model = nn.Sequential(nn.Linear(32768, 32768), nn.ReLU(), nn.Linear(32768, 10))
        params = sum(p.numel() for p in model.parameters())
        report = flatviz.doctor(model, torch.empty(64, 32768, device="meta"))
        # VmHWM is this process's own peak: ru_maxrss would also count the parent's
        # memory, which Linux carries over into a child started with vfork and exec.
        status = open("/proc/self/status").read()
        peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
        json.dump({"params": params, "ok": report.ok, "findings": len(report.findings),
                   "peak_mb": peak}, sys.stdout)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    assert got["params"] > 10**9
    assert got["ok"] and got["findings"] == 0
    assert got["peak_mb"] < 700, got  # the weights alone would take 4 GB


def test_bad_arguments_raise_type_errors() -> None:
    with pytest.raises(TypeError, match=r"must be a torch\.nn\.Module"):
        flatviz.doctor(lambda x: x, torch.zeros(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a tensor, a tuple of tensors"):
        flatviz.doctor(nn.Linear(2, 2), [1, 2])


def test_the_report_renders_as_html_for_jupyter() -> None:
    report = flatviz.doctor(lenet(nn.Identity()), torch.randn(2, 3, 32, 32))
    page = report._repr_html_()
    errors = {f.seq for f in report.errors}
    assert page.count("<tr class='error'>") == len([r for r in report.rows if r.seq in errors])
    assert page.count("<tr>") == len(report.rows) + 1 - page.count("<tr class='error'>")
    assert "missing-flatten" in page and "&quot;" not in report.errors[0].fix


# the command --------------------------------------------------------------------------

NET = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(0), nn.Linear(16 * 15 * 15, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def fixed():
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10))


def language_model():
    return nn.Sequential(nn.Embedding(100, 8), nn.Flatten(), nn.Linear(8 * 12, 100))


answer = 42
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding net.py and a package pkg/models.py, as the current directory."""
    (tmp_path / "net.py").write_text(NET)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "models.py").write_text(NET)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("net", "pkg", "pkg.models"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return tmp_path


def test_the_command_exits_1_on_errors_and_0_when_clean(project: Path) -> None:
    flatviz_bin = Path(sys.executable).with_name("flatviz")
    run = subprocess.run(
        [flatviz_bin, "doctor", "net.py:Net", "--input", "8,3,32,32"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "error batch-mixing at classifier.0" in run.stdout
    real = torch_error(
        nn.Sequential(
            nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(0), nn.Linear(3600, 10)
        ),
        torch.randn(8, 3, 32, 32),
    )
    assert real in " ".join(run.stdout.split())
    assert run.stderr == ""
    assert main(["doctor", "net:fixed", "--input", "8,3,32,32"]) == 0
    assert main(["doctor", "pkg/models.py:fixed", "--input", "8,3,32,32"]) == 0
    assert main(["doctor", "pkg.models:Net", "--input", "8,3,32,32"]) == 1
    assert main(["doctor", "net.py:language_model", "--input", "4,12", "--dtype", "int64"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope:Net"], "no module named 'nope'"),
        (["nope.py:Net"], "no such file: 'nope.py'"),
        (["net.py:Nope"], "'net.py:Nope': 'net' has no attribute 'Nope'"),
        (["net.py:answer"], "'net.py:answer' is int, not a model"),
        (["net.py"], "expected MODULE:ATTR, e.g. net.py:Net, got 'net.py'"),
        (["net.py:Net", "--input", "8,x"], "expected positive integers as a shape"),
        (["net.py:Net", "--input", "8,0"], "got '8,0'"),
        (["net.py:Net", "--input", "8,3", "--dtype", "int8"], "argument --dtype: invalid choice"),
    ],
)
def test_bad_usage_exits_2_with_one_error_line(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    if "--input" not in args:
        args = [*args, "--input", "8,3,32,32"]
    with pytest.raises(SystemExit) as exit_:
        main(["doctor", *args])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("flatviz: error: ")
    assert message in err


def test_a_module_that_fails_to_import_is_one_error_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "broken.py").write_text("import torch\nraise ValueError('no GPU here')\n")
    with pytest.raises(SystemExit):
        main(["doctor", "broken.py:Net", "--input", "1"])
    err = capsys.readouterr().err
    assert err == "flatviz: error: cannot import 'broken.py': ValueError: no GPU here\n"


def test_import_flatviz_does_not_import_torch() -> None:
    code = "import sys, flatviz; print('torch' in sys.modules, callable(flatviz.doctor))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True"]


# ops without a meta kernel ------------------------------------------------------------


@torch.library.custom_op("flatviz_test::halve", mutates_args=())
def halve(x: torch.Tensor) -> torch.Tensor:
    """A custom op with a CPU kernel and no meta (fake) kernel."""
    return x / 2


class Halves(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(features, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(halve(x))


def test_an_op_without_a_meta_kernel_runs_on_cpu_zeros_when_small_and_says_so() -> None:
    with pytest.raises(RuntimeError, match="no fake impl"):
        halve(torch.empty(2, device="meta"))  # torch has no meta kernel for it
    report = flatviz.doctor(Halves(16), torch.randn(4, 16))
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("no-meta-kernel", "warning")
    assert "ran it on CPU zeros of the same shapes (256 bytes)" in warning.message
    assert report.rows[-1].shapes == "(4, 16) → (4, 2)"  # the run went on past it


def test_an_op_without_a_meta_kernel_is_run_on_cpu_when_the_model_fits() -> None:
    report = flatviz.doctor(Halves(2**22), torch.empty(8, 2**22, device="meta"))
    assert report.ok and report.device == "cpu", str(report)
    assert report.batch_sizes == (2, 4)
    assert [f.kind for f in report.findings] == ["cpu-run"]


def test_an_op_without_a_meta_kernel_cannot_be_checked_when_too_big_for_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "memory_limit", lambda: 2**20)
    report = flatviz.doctor(Halves(2**22), torch.empty(8, 2**22, device="meta"))
    assert not report.ok and not report.checked and not report.errors, str(report)
    [unchecked] = [f for f in report.findings if f.kind == "cannot-check"]
    assert "more than the 1048576 a CPU run may use" in unchecked.message


class TinyLM(nn.Module):
    """A language model head that returns its logits flattened for cross_entropy."""

    def __init__(self, vocab: int = 50, dim: int = 16) -> None:
        super().__init__()
        self.embed, self.head = nn.Embedding(vocab, dim), nn.Linear(dim, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        logits = self.head(self.embed(tokens))
        return logits.view(-1, logits.size(-1))


def test_logits_flattened_for_a_loss_are_only_a_warning() -> None:
    tokens = torch.randint(50, (4, 7))
    logits = TinyLM()(tokens)
    assert logits.shape == (28, 50)
    F.cross_entropy(logits, torch.randint(50, (28,)))  # the rows are meant: torch takes them
    report = flatviz.doctor(TinyLM(), tokens)
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("batch-changed", "warning")
    assert "returns 28 rows (28, 50)" in warning.message


class Gram(nn.Module):
    """Feature covariance over the batch: contracts the batch on purpose."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z.T @ z / z.shape[0]


def test_contracting_the_batch_without_a_flatten_is_only_a_warning() -> None:
    assert Gram()(torch.randn(8, 5)).shape == Gram()(torch.randn(16, 5)).shape == (5, 5)
    report = flatviz.doctor(Gram(), torch.randn(8, 5))
    assert report.ok
    [warning] = report.findings
    assert (warning.kind, warning.severity) == ("batch-mixing", "warning")
    line = line_of(Gram.forward, "z.T @ z")
    assert warning.where == f"Gram.forward (test_doctor.py:{line})"


class SelfAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.att = nn.MultiheadAttention(32, 4, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.att(x, x, x)[0]


def test_calls_made_by_torchs_own_layers_belong_to_the_layer() -> None:
    report = flatviz.doctor(SelfAttention(), torch.randn(2, 5, 32))
    assert report.ok, str(report)
    inside = {row.where for row in report.rows if row.op.startswith("x.transpose")}
    assert inside == {"att"}  # MultiheadAttention's code transposes, not this file
