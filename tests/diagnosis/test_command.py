"""`flatviz doctor` on the command line: the input forms, several and keyword inputs,
`--json` against its published schema, `--diff`, and the exit status of a model that
cannot be checked (3) or built on meta (built on CPU instead)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import torch

from flatviz.cli import main
from flatviz.cli.doctor import InputSpec, parse_input
from flatviz.diagnosis import engine

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "doctor.schema.json").read_text())

MODELS = """\
import torch
import torch.nn.functional as F
from torch import nn


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = nn.Linear(12, 4)
        self.meta = nn.Linear(3, 4)

    def forward(self, x, extra):
        return self.image(x.flatten(1)) + self.meta(extra)


class Tokens(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, 8)
        self.head = nn.Linear(8, 2)

    def forward(self, input_ids, attention_mask):
        h = self.embed(input_ids) * attention_mask.unsqueeze(-1)
        return self.head(h.mean(1))


class Padded(Tokens):
    def forward(self, input_ids, attention_mask=None):
        if 0 in input_ids[:, [-1, 0]]:  # a padding check, as transformers does
            pass
        return super().forward(input_ids, torch.ones_like(input_ids))


class Widths(nn.Module):
    def __init__(self):
        super().__init__()
        width = int(torch.tensor([3.0, 5.0]).sum().item())  # values while building
        self.fc = nn.Linear(4, width)

    def forward(self, x):
        return self.fc(x)


class Flat(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 10)

    def forward(self, x):
        return self.fc(F.relu(self.conv(x)).view(-1, 4 * 6 * 6 // 2))
"""


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """models.py in a fresh current directory."""
    (tmp_path / "models.py").write_text(MODELS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "models", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "text", ["8,3,32,32", "(8,3,32,32)", "8x3x32x32", "(8, 3, 32, 32)", "[8,3,32,32]"]
)
def test_a_shape_reads_the_same_in_each_form(text: str) -> None:
    assert parse_input(text) == InputSpec(None, (8, 3, 32, 32), None)


def test_a_keyword_input_with_its_dtype() -> None:
    assert parse_input("input_ids=2,16:int64") == InputSpec("input_ids", (2, 16), "int64")
    assert parse_input("(8,):float16") == InputSpec(None, (8,), "float16")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8,x", "expected positive integers as a shape"),
        ("8,0", "got '8,0'"),
        ("2,16:int8", "unknown dtype 'int8'"),
        ("1ids=2,16", "expected a keyword before '='"),
    ],
)
def test_bad_input_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse_input(text)


def test_several_positional_inputs(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor", "models.py:TwoInputs", "--input", "4x3x2x2", "--input", "4,3"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "on inputs (4, 3, 2, 2), (4, 3)" in out


def test_keyword_inputs(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--input", "input_ids=2,7:int64", "--input", "attention_mask=2,7:int64"]
    assert main(["doctor", "models.py:Tokens", *args]) == 0, capsys.readouterr().out


def test_a_keyword_given_twice_is_a_usage_error(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["doctor", "models.py:Tokens", "--input", "a=2,7", "--input", "a=2,7"])
    assert stop.value.code == 2
    assert capsys.readouterr().err == "flatviz: error: a keyword input is given twice: a\n"


def test_a_value_check_meta_cannot_run_is_run_on_cpu(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(RuntimeError, match="meta"):  # torch: meta cannot answer `0 in ids`
        bool(0 in torch.zeros(2, 2, dtype=torch.int64, device="meta"))
    args = ["--input", "input_ids=2,7:int64"]
    code = main(["doctor", "models.py:Padded", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ran on CPU at batch sizes 2 and 4" in out and "note cpu-run" in out


def test_a_model_that_cannot_be_checked_exits_3(
    models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "memory_limit", lambda: 16)
    code = main(["doctor", "models.py:Padded", "--input", "input_ids=2,7:int64"])
    out = capsys.readouterr().out
    assert code == 3, out
    assert "cannot check" in out and "0 errors" in out


def test_a_model_built_from_tensor_values_is_built_on_cpu(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(RuntimeError), torch.device("meta"):  # torch: no values on meta
        int(torch.tensor([3.0, 5.0]).sum().item())
    assert main(["doctor", "models.py:Widths", "--input", "2,4"]) == 0, capsys.readouterr()


def test_json_is_valid_against_the_schema_with_numbers_as_numbers(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert main(["doctor", "models.py:Flat", "--input", "2,3,8,8", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    [finding] = data["findings"]
    assert finding["kind"] == "batch-changed" and finding["severity"] == "error"
    per_sample = torch.zeros(2, 4, 6, 6).flatten(1).shape[1]
    assert finding["numbers"]["features"] == per_sample  # a number, not text
    assert data["ok"] is False and data["counts"]["error"] == 1
    assert data["fixed"] is True
    assert [e["new"] for e in data["fixes"]] == ["F.relu(self.conv(x)).flatten(1)"]
    assert (
        data["fixes"][0]["span"][0]
        == MODELS.splitlines().index(
            "        return self.fc(F.relu(self.conv(x)).view(-1, 4 * 6 * 6 // 2))"
        )
        + 1
    )
    two = ["--input", "4,3,2,2", "--input", "4,3", "--json"]
    assert main(["doctor", "models.py:TwoInputs", *two]) == 0
    clean = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(SCHEMA).validate(clean)
    assert clean["ok"] is True and clean["fixed"] is None


def test_diff_prints_only_the_patch_and_writes_nothing(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (models / "models.py").read_text()
    assert main(["doctor", "models.py:Flat", "--input", "2,3,8,8", "--diff"]) == 1
    diff = capsys.readouterr().out
    assert diff.startswith("--- a/models.py\n+++ b/models.py\n@@ ")
    assert (models / "models.py").read_text() == before
    subprocess.run(["git", "apply", "-"], input=diff, text=True, cwd=models, check=True)
    sys.modules.pop("models", None)
    assert main(["doctor", "models.py:Flat", "--input", "2,3,8,8"]) == 0, capsys.readouterr().out
