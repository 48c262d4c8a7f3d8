"""The notebooks under docs/notebooks/ run top to bottom without an error and show their results.

mkdocs-jupyter executes them at every site build; these tests run them without mkdocs, the
same way (jupytext percent script -> notebook -> nbclient on the ``python3`` kernel), and
check what each one shows. Nothing here asserts on a timing.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import TOOL_ENV

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "docs" / "notebooks"


def run_notebook(name: str, tmp_path: Path) -> Any:
    """Execute docs/notebooks/<name> in a fresh kernel with cwd ``tmp_path``; any error in a
    cell raises (as mkdocs-jupyter's ``allow_errors: false`` does at build)."""
    nb = jupytext.read(NOTEBOOKS / name)
    wanted = {k: os.environ.get(k, v) for k, v in TOOL_ENV.items()}
    env = {**os.environ, **wanted}
    # A last cell checks that the kernel got that environment (outputs nothing).
    check = f"import os\nassert {{k: os.environ.get(k) for k in {sorted(wanted)!r}}} == {wanted!r}"
    nb.cells.append(nbformat.v4.new_code_cell(check))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute(env=env)
    return nb


def code_outputs(nb: Any) -> list[dict[str, Any]]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def stdout(nb: Any) -> str:
    return "".join(
        out["text"]
        for out in code_outputs(nb)
        if out["output_type"] == "stream" and out["name"] == "stdout"
    )


def inline_svgs(outputs: list[dict[str, Any]]) -> list[str]:
    """The themed inline SVG figures (HTML outputs), each checked to be one titled image
    with real text and no raster, base64 or PNG in it."""
    found = []
    for out in outputs:
        html = out.get("data", {}).get("text/html", "")
        if 'class="fv-figure' in html:
            # One figure: one <svg>, or one holding its desktop and phone renderings.
            assert html.startswith("<svg ") and html.count("<svg") in (1, 3), html[:200]
            assert 'role="img"' in html and re.search(r"<title>[^<]+</title>", html)
            assert "<text" in html and "base64" not in html
            found.append(html)
    return found


def title(nb: Any) -> str:
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    return first.source.splitlines()[0]


# Table rows shown by training.py: "| variant | 96.9% | 0.2% | 96.9%, 97.0%, 96.7% |".
ROW = re.compile(r"^\| ([^|]+?) \| ([\d.]+)% \| ([\d.]+)% \| ([^|]+) \|$", re.M)


def test_training(tmp_path: Path) -> None:
    nb = run_notebook("training.py", tmp_path)
    assert title(nb) == "# What a wrong flatten does to training"
    tables = [
        out["data"]["text/markdown"]
        for out in code_outputs(nb)
        if "text/markdown" in out.get("data", {})
    ]
    assert len(tables) == 1
    rows = {name: (float(mean), seeds) for name, mean, _, seeds in ROW.findall(tables[0])}
    assert set(rows) == {
        "correct",
        "batch mix (transpose)",
        "batch mix (reshape)",
        "NHWC",
        "port bug",
    }
    assert all(len(seeds.split(",")) >= 3 for _, seeds in rows.values())
    correct = rows["correct"][0]
    for wrong in ["batch mix (transpose)", "batch mix (reshape)", "port bug"]:
        assert correct > rows[wrong][0], (wrong, rows)
    # The page says a consistent NHWC flatten trains as well as the correct one.
    assert abs(rows["NHWC"][0] - correct) < 2.0, rows
    # The prose: the correct flatten reaches about 97 %, and the batch-mix and port bugs
    # stay at chance, about 10 %.
    assert 95.0 <= correct <= 99.0, rows
    for wrong in ["batch mix (transpose)", "batch mix (reshape)", "port bug"]:
        assert rows[wrong][0] <= 20.0, (wrong, rows)

    text = stdout(nb)
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied" in text
    assert "batch of 1 -> (10,)" in text
    assert "same values in every row: True" in text
    assert "C = 1, NHWC == NCHW: True" in text
    assert "batch of one, batch mix == correct: True" in text
    assert "precision" in text and "recall" in text
    # learning curves, confusion matrix; no PNG, no image/svg+xml (a base64 <img> on the site)
    assert len(inline_svgs(code_outputs(nb))) == 2
    assert all(
        not set(o.get("data", {})) & {"image/png", "image/svg+xml"} for o in code_outputs(nb)
    )


GPU_RECORD = ROOT / "benchmarks" / "results" / "gpu-copy-cost.json"


def largest(rows: list[dict[str, Any]], dtype: str) -> dict[str, Any]:
    """The record's largest tensor of ``dtype``."""
    return max((row for row in rows if row["dtype"] == dtype), key=lambda row: row["bytes"])


def test_copy_cost(tmp_path: Path) -> None:
    nb = run_notebook("copy-cost.py", tmp_path)
    assert title(nb) == "# What a copy costs"
    text = stdout(nb)
    assert re.search(r"^view +flatviz: view +shares memory: True$", text, re.M)
    assert re.search(r"^flatten copy +flatviz: copy +shares memory: False$", text, re.M)
    found = re.findall(r"^clone bandwidth at 256 MiB: ([\d.]+) GB/s$", text, re.M)
    assert len(found) == 1 and float(found[0]) > 0
    # Two tables (time, speed) with one row per size, 1 KiB to 256 MiB.
    sizes = re.findall(r"^ *(\d+ [KM]iB)(?: +[\d.]+){3,4}$", text, re.M)
    assert sizes == [f"{n} {u}" for u in ["KiB", "MiB"] for n in [1, 4, 16, 64, 256]] * 2
    # A new tensor's pages fault on first touch; copy_ and the view touch no new page.
    faults = dict(re.findall(r"^ *(view|flatten copy|clone|copy_) +(\d+) page faults$", text, re.M))
    assert len(faults) == 4, text
    assert min(int(faults["clone"]), int(faults["flatten copy"])) >= 10 * (
        max(int(faults["copy_"]), int(faults["view"])) + 1
    ), faults
    # The GPU part shows the recorded run, with its source beside it, and the numbers the
    # prose is about, as the record has them (computed here from the JSON itself).
    record = json.loads(GPU_RECORD.read_text())
    meta, rows = record["meta"], record["rows"]
    source = f"{meta['gpu']}, torch {meta['torch']}, CUDA {meta['cuda']}, measured {meta['date']}"
    assert source in text and f"by {meta['script']}: " in text
    for dtype in ("float32", "bfloat16"):
        row = largest(rows, dtype)
        copy, clone = row["flatten_copy_us"], row["clone_contig_us"]
        assert f"flatten copy {copy:.1f} us, clone {clone:.1f} us: {copy / clone:.1f}x" in text
        assert f": {clone / copy:.0%} of the clone's" in text
    head = next(r for r in rows if r["shape"] == [256, 2048, 7, 7] and r["dtype"] == "float32")
    assert re.search(rf"^flatten copy +{head['flatten_copy_us']:.1f} us$", text, re.M)
    assert "flatten(1) is a view: False" in text
    assert "102,760,448 bytes = 98 MiB" in text
    assert "after global pooling, flatten(1) is a view: True" in text
    # CPU curves, GPU measurements; no PNG, no image/svg+xml (a base64 <img> on the site)
    assert len(inline_svgs(code_outputs(nb))) == 2
    assert all(
        not set(o.get("data", {})) & {"image/png", "image/svg+xml"} for o in code_outputs(nb)
    )


def test_gpu_record_bears_out_the_copy_cost_prose() -> None:
    """What docs/notebooks/copy-cost.py says of the GPU in words holds for the record it
    reads, so a new recording that contradicts the words fails here."""
    rows = json.loads(GPU_RECORD.read_text())["rows"]
    itemsize = {"float32": 4, "bfloat16": 2}
    for row in rows:  # each size is the tensor's own
        assert row["bytes"] == math.prod(row["shape"]) * itemsize[row["dtype"]]
    small = [row for row in rows if row["bytes"] < 4e6]
    copy_small = [row["flatten_copy_us"] for row in small]
    # Below a few MB the size does not matter, and a copy costs more than a view.
    assert max(copy_small) < 2 * min(copy_small), copy_small
    assert statistics.median(copy_small) > statistics.median(r["flatten_view_us"] for r in small)
    f32, bf16 = largest(rows, "float32"), largest(rows, "bfloat16")
    share = {id(row): row["clone_contig_us"] / row["flatten_copy_us"] for row in rows}
    for row in (f32, bf16):
        assert row["bytes"] == 2**30
        assert row["flatten_copy_us"] > 10 * max(copy_small)  # above that, copies grow
        assert share[id(row)] < 0.5  # a fraction of a clone's speed ...
        assert share[id(row)] < min(share[id(r)] for r in small)  # ... smaller when larger
        assert abs(row["copy_into_us"] / row["flatten_copy_us"] - 1) < 0.1  # copy_ as slow
    assert share[id(bf16)] < share[id(f32)]  # bfloat16 fares worse
    per_element = [row["flatten_copy_us"] / math.prod(row["shape"]) for row in (f32, bf16)]
    assert 2 / 3 < per_element[0] / per_element[1] < 3 / 2  # about the same per element


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.name)
def test_every_notebook_is_tested(path: Path) -> None:
    assert f"test_{path.stem.replace('-', '_')}" in globals()
