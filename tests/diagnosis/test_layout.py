"""not-viewable and copy notes: views that have no strides, and flattens that copy; the
strides meta gives convs and padding are checked against the CPU's."""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import flatviz
from flatviz.diagnosis.devices import device_layout
from tests.helpers.doctor import at_line, only, torch_error

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
    assert finding.where == f"Attention.forward ({at_line(Attention.forward, '.transpose(1, 2)')})"
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


def test_an_empty_batch_quotes_the_error_torch_raises_on_it() -> None:
    x = torch.zeros(0, 64, 7, 7)
    assert ViewHead()(torch.zeros(1, 64, 7, 7)).shape == (1, 10)  # one sample works
    report = flatviz.doctor(ViewHead(), x)
    assert report.error == torch_error(ViewHead(), x)
    assert [f.kind for f in report.errors] == ["raises"]
