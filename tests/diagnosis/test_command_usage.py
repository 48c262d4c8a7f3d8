"""`flatviz doctor`'s exit status and its one-line usage errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from flatviz.cli import main
from tests.helpers.doctor import torch_error

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
