"""The complete fix as a diff: applied with `git apply` to a copy of the model's file, the
model runs on CPU at two batch sizes with the batch in dim 0, and the doctor calls it
clean. Ground truth is torch running the patched file."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
import torch

import flatviz

HEADER = """\
import torch
import torch.nn.functional as F
from torch import nn

"""

#: Broken models, each with the input it gets and the number of edits its fix takes.
MODELS = {
    "batch-size-as-a-global": (
        """
        BATCH = 16


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(8 * 6 * 6, 10)

            def forward(self, x):
                x = F.relu(self.conv(x))
                x = x.view(BATCH, -1)
                return self.fc(x)
        """,
        (4, 3, 8, 8),
        1,
    ),
    "constructor-batch-size-unlike-the-input": (
        """
        class Net(nn.Module):
            def __init__(self, batch_size=64):
                super().__init__()
                self.batch_size = batch_size
                self.lstm = nn.LSTM(10, 20, batch_first=True)
                self.fc = nn.Linear(20, 2)

            def forward(self, x):
                out, _ = self.lstm(x)
                out = out.contiguous().view(self.batch_size, -1, 20)
                return self.fc(out[:, -1, :])
        """,
        (8, 5, 10),
        1,
    ),
    "view-then-linear": (
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, 5)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)
                self.fc2 = nn.Linear(120, 10)

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = x.view(-1, 16 * 5 * 5)
                return self.fc2(F.relu(self.fc1(x)))
        """,
        (8, 1, 28, 28),
        2,
    ),
    "channels-last-view": (
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(8 * 6 * 6, 10)

            def forward(self, x):
                x = F.relu(self.conv(x.contiguous(memory_format=torch.channels_last)))
                return self.fc(x.view(x.size(0), -1))
        """,
        (4, 3, 8, 8),
        1,
    ),
    "sequential-without-flatten": (
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
                self.pool = nn.AdaptiveAvgPool2d((2, 2))
                self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(2, 16), nn.Linear(16, 4))

            def forward(self, x):
                return self.classifier(self.pool(self.features(x)))
        """,
        (2, 3, 12, 12),
        2,
    ),
    "forward-without-flatten": (
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 4, 3)
                self.drop = nn.Dropout2d(0.25)
                self.fc = nn.Linear(4 * 6 * 6, 10)

            def forward(self, x):
                x = self.drop(F.relu(self.conv(x)))
                return self.fc(x)
        """,
        (3, 1, 8, 8),
        1,
    ),
    "batch-size-from-the-constructor": (
        """
        class Net(nn.Module):
            def __init__(self, batch_size=4):
                super().__init__()
                self.batch_size = batch_size
                self.gru = nn.GRU(8, 16, batch_first=True)
                self.fc = nn.Linear(16, 3)

            def forward(self, x):
                out, _ = self.gru(x)
                last = self.fc(out[:, -1])
                return last.view(self.batch_size, -1)
        """,
        (4, 5, 8),
        1,
    ),
}


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def keeps_the_batch(model: torch.nn.Module, shape: tuple[int, ...]) -> bool:
    """Torch's verdict: the model runs at the batch size and twice it and returns one row
    of scores per sample (every model here is a classifier)."""
    model.eval()
    for batch in (shape[0], 2 * shape[0]):
        with torch.no_grad():
            try:
                out = model(torch.randn(batch, *shape[1:]))
            except RuntimeError:
                return False
        if out.dim() != 2 or out.shape[0] != batch:
            return False
    return True


@pytest.mark.parametrize(("source", "shape", "edits"), MODELS.values(), ids=MODELS.keys())
def test_the_diff_applied_gives_a_model_that_keeps_the_batch_and_is_clean(
    tmp_path: Path, source: str, shape: tuple[int, ...], edits: int
) -> None:
    name = f"model_{tmp_path.name.replace('-', '_')}"
    (tmp_path / "before").mkdir()
    path = tmp_path / "before" / "model.py"
    path.write_text(HEADER + textwrap.dedent(source))
    broken = load(path, name).Net()
    assert not keeps_the_batch(broken, shape)  # torch: the model as written is broken
    report = flatviz.doctor(broken, torch.randn(shape))
    assert not report.ok and report.fixed, str(report)
    assert "raises" not in {f.kind for f in report.errors}, str(report)  # each one explained
    assert len(report.fixes) == edits and all(e.placed for e in report.fixes), report.fixes
    diff = report.diff(root=str(tmp_path / "before"))
    assert diff.startswith("--- a/model.py\n+++ b/model.py\n"), diff
    assert path.read_text() == HEADER + textwrap.dedent(source)  # nothing written
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "model.py").write_text(path.read_text())
    subprocess.run(["git", "apply", "-"], input=diff, text=True, cwd=tmp_path / "after", check=True)
    fixed = load(tmp_path / "after" / "model.py", f"{name}_fixed").Net()
    assert keeps_the_batch(fixed, shape), diff
    after = flatviz.doctor(fixed, torch.randn(shape))
    assert after.ok and not after.errors, f"{after}\n{diff}"


def test_an_edit_that_cannot_be_placed_is_listed_as_an_instruction() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Linear(6 * 6 * 4, 2))
    report = flatviz.doctor(model, torch.randn(2, 3, 8, 8))
    assert [f.kind for f in report.errors] == ["missing-flatten"]
    [edit] = report.fixes
    assert not edit.placed  # built in this test's call, not in a class or a file's Sequential
    assert report.diff() == f"# by hand, at 1: {edit.text}\n"
