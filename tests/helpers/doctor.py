"""Shared by the doctor's tests: a LeNet with a chosen flatten, torch's own error, the one
error of a report, and the place of a line of a test's model as the doctor names it."""

from __future__ import annotations

import inspect
import os

import pytest
import torch
from torch import nn

from flatviz.diagnosis import Finding, Report


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


def only(report: Report, kind: str) -> Finding:
    """The one finding of `kind`, after checking the report has no other error."""
    errors = report.errors
    assert [f.kind for f in errors] == [kind], str(report)
    return errors[0]


def at_line(obj: object, text: str) -> str:
    """`file.py:line` of the first source line of `obj` containing `text`."""
    lines, start = inspect.getsourcelines(obj)  # type: ignore[arg-type]
    line = start + next(i for i, line in enumerate(lines) if text in line)
    return f"{os.path.basename(inspect.getsourcefile(obj) or '')}:{line}"  # type: ignore[arg-type]
