"""`flatviz EXPR --json`: the plan as data, valid against the schema the docs publish, and
true to what torch.flatten does on the same tensor."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from flatviz.cli import main
from flatviz.core.layout import Layout
from tests.helpers.torch_truth import make_tensor, storage_len, torch_flatten

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "flatten.schema.json").read_text())

# (shape, stride, offset, start_dim, end_dim): views, copies, size-1 and size-0 dims,
# broadcast (stride 0), an offset, channels_last, start == end and a 0-d tensor.
CASES = [
    ((2, 3, 4), (12, 4, 1), 0, 0, -1),
    ((2, 4, 3), (12, 1, 4), 0, 1, 2),
    ((2, 3, 4), (12, 4, 1), 4, 1, 2),
    ((3, 1, 4), (4, 99, 1), 0, 0, 2),
    ((2, 3, 4, 5), (60, 1, 15, 3), 0, 1, -1),
    ((2, 3, 4, 5), (60, 1, 15, 3), 0, 2, 3),
    ((4, 3), (0, 1), 0, 0, 1),
    ((3, 4), (1, 0), 0, 0, 1),
    ((2, 0, 3), (3, 3, 1), 0, 0, 2),
    ((2, 3, 4), (12, 4, 1), 0, 1, 1),
    ((4, 6), (6, 2), 1, 0, 1),
    ((), (), 5, 0, -1),
]


def run_json(expression: str, *options: str, capsys: pytest.CaptureFixture[str]) -> Any:
    assert main([expression, "--json", *options]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    return data


def expression(layout: Layout) -> str:
    """The command's expression for a tensor of `layout` over arange storage (each value is
    its storage index)."""
    shape, stride, offset = layout.shape, layout.stride, layout.offset
    return f"arange({storage_len(layout)}).as_strided({shape}, {stride}, {offset})"


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("case", CASES, ids=[str(c) for c in CASES])
def test_json_says_what_torch_does(
    case: tuple[Any, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    shape, stride, offset, start, end = case
    layout = Layout(shape, stride, offset)
    data = run_json(expression(layout), "-s", str(start), "-e", str(end), capsys=capsys)
    x = make_tensor(layout)
    truth = torch_flatten(x, start, end)
    assert data["input"] == {"shape": list(shape), "stride": list(stride), "offset": offset}
    assert data["verdict"] == ("view" if truth.is_view else "copy")
    assert data["returns_input"] is truth.is_input
    assert data["result"]["shape"] == list(truth.shape)
    if truth.is_view and truth.values:  # torch picks any stride for an empty result
        assert data["result"]["stride"] == list(truth.stride)
        assert data["result"]["offset"] == truth.offset
    assert data["reads"] == {"numel": math.prod(shape), "offsets": truth.values, "complete": True}
    for pair in data["pairs"]:
        i, j = pair["dims"]
        assert (pair["outer_stride"], pair["inner_size"], pair["inner_stride"]) == (
            stride[i],
            shape[j],
            stride[j],
        )
        assert all(shape[k] == 1 for k in range(i + 1, j))  # adjacent but for size-1 dims
        assert pair["merges"] is torch_flatten(x, i, j).is_view
    if not math.prod(shape):
        assert data["pairs"] == []  # torch views an empty tensor without a check
    if data["verdict"] == "copy":
        first = next(p for p in data["pairs"] if not p["merges"])
        assert data["blocking"] == first["dims"]
    else:
        assert data["blocking"] is None


def test_a_huge_tensor_lists_its_first_reads(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json("empty(1000000, 1000000, 3).transpose(0, 1)", "-s", "1", capsys=capsys)
    assert data["input"]["stride"] == [3, 3_000_000, 1]
    assert data["reads"]["numel"] == 3 * 10**12 and data["reads"]["complete"] is False
    offsets = data["reads"]["offsets"]
    assert len(offsets) == 4096
    # By the definition of strides, read k is element (0, k // 3, k % 3) while k < 3e6.
    assert offsets == [3_000_000 * (k // 3) + k % 3 for k in range(4096)]


def test_json_and_output_are_exclusive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["arange(4)", "--json", "-o", str(tmp_path / "x.svg")])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "flatviz: error: argument -o/--output: not allowed with argument --json\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_cli_page_shows_the_schema() -> None:
    page = (ROOT / "docs" / "cli.md").read_text()
    assert '--8<-- "docs/schemas/flatten.schema.json"' in page


def test_a_reader_that_stops_early_ends_it_quietly() -> None:
    """`flatviz EXPR --json | head -1`: the closed pipe is no error line and no traceback."""
    launcher = [sys.executable, "-m", "flatviz", "empty(1000, 1000).t()", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        launcher, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the first byte
        assert proc.wait(timeout=60) == 1
        assert proc.stderr.read() == b""
