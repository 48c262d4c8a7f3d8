"""Where meta cannot run a model (code that reads values), the doctor runs it on CPU at
small batch sizes: a limit of the tool is not a bug of the model, and a real bug after
the limit is still found. Ground truth: torch on meta refuses, torch on CPU runs."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import flatviz
from flatviz.diagnosis import engine


class Autocast(nn.Module):
    """A rotary-style block that runs under an autocast for its input's device."""

    def __init__(self, fc_in: int = 16) -> None:
        super().__init__()
        self.fc = nn.Linear(fc_in, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(device_type=x.device.type, enabled=False):
            y = x.float().cos()
        return self.fc(y)


class ReadsValues(nn.Module):
    """Checks a value of its input, then flattens with a wrong width."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(12, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.abs().max().item() > 1e6:
            raise ValueError("input out of range")
        return self.fc(x.view(-1, 12))


def test_an_autocast_for_the_inputs_device_runs_on_cpu() -> None:
    with pytest.raises(RuntimeError):  # torch: no autocast for meta
        Autocast()(torch.empty(2, 16, device="meta"))
    assert Autocast()(torch.randn(2, 16)).shape == (2, 4)
    report = flatviz.doctor(Autocast(), torch.randn(2, 16))
    assert report.ok and report.device == "cpu", str(report)
    [note] = report.findings
    assert note.kind == "cpu-run" and "batch sizes 2 and 4" in note.message


def test_a_bug_after_a_value_check_is_found_by_the_cpu_run() -> None:
    x = torch.randn(8, 3, 5)  # 15 values a sample: rows of 12 fit 8 samples, not 2
    with pytest.raises(RuntimeError, match="meta"):
        ReadsValues()(x.to("meta"))
    with pytest.raises(RuntimeError) as cpu:
        ReadsValues()(torch.randn(2, 3, 5))  # the CPU run's batch size
    report = flatviz.doctor(ReadsValues(), x)
    assert report.device == "cpu"
    [error] = report.errors
    assert error.kind == "batch-changed" and error.fix.startswith("x.flatten(1)")
    assert report.error == str(cpu.value).splitlines()[0]


def test_the_cpu_run_leaves_the_model_untouched() -> None:
    model = nn.Sequential(nn.BatchNorm1d(16), Autocast())  # running stats in train mode
    before = {k: v.clone() for k, v in model.state_dict().items()}
    report = flatviz.doctor(model, torch.randn(4, 16))
    assert report.device == "cpu" and model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_a_meta_model_too_big_for_a_cpu_run_cannot_be_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "memory_limit", lambda: 64)
    with torch.device("meta"):
        model = Autocast()
    report = flatviz.doctor(model, torch.empty(2, 16, device="meta"))
    assert not report.checked and not report.ok and not report.errors, str(report)
    assert "cannot check the model" in str(report)
