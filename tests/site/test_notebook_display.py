"""What each flatviz object shows in a real Jupyter kernel: the picture, in one format.

The cells run in a fresh ``python3`` kernel (nbclient), and the test reads the mime types of
the outputs they store, as a notebook file would keep them.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
import torch
from nbclient import NotebookClient

import flatviz

SETUP = """\
import torch, flatviz
from torch import nn
x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.Flatten(start_dim=0), nn.Linear(16 * 30 * 30, 10))
"""
CELLS = {
    "svg": "flatviz.svg(x, start_dim=1)",
    "explain": "flatviz.explain(x, start_dim=1)",
    "diagram": "flatviz.diagram(x, start_dim=1)",
    "doctor": "flatviz.doctor(model, torch.randn(8, 3, 32, 32))",
    "draw": "flatviz.draw(x, start_dim=1)",
    # The inline backend registers a PNG formatter for every matplotlib Figure.
    "draw inline": "%matplotlib inline\nimport matplotlib.pyplot as plt\nflatviz.draw(x, 1)",
    "display draw": "from IPython.display import display\ndisplay(flatviz.draw(x, 1))",
}
X = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """For each cell of CELLS, the data of its one output (mime type -> content)."""
    cells = [nbformat.v4.new_code_cell(SETUP)]
    cells += [nbformat.v4.new_code_cell(code) for code in CELLS.values()]
    nb = nbformat.v4.new_notebook(cells=cells)
    where = tmp_path_factory.mktemp("notebook")
    client = NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(where)}}
    )
    client.execute()
    assert nb.cells[0].outputs == []
    found = {}
    for name, cell in zip(CELLS, nb.cells[1:], strict=True):
        assert [o.output_type for o in cell.outputs] in (["execute_result"], ["display_data"])
        found[name] = dict(cell.outputs[0].data)
    return found


def test_svg_shows_as_the_picture_with_one_line_of_text(shown: dict[str, Any]) -> None:
    data = shown["svg"]
    assert set(data) == {"text/html", "text/plain"}
    assert data["text/html"] == flatviz.svg(X, start_dim=1)
    assert data["text/plain"].startswith("<SVG: torch.flatten(x, start_dim=1, end_dim=2): a copy")
    assert "\n" not in data["text/plain"] and len(data["text/plain"]) < 200


def test_a_plan_shows_its_picture_and_its_text(shown: dict[str, Any]) -> None:
    data = shown["explain"]
    plan = flatviz.explain(X, start_dim=1)
    assert set(data) == {"text/html", "text/plain"}
    assert data["text/plain"] == str(plan)
    picture = flatviz.svg(plan.layout, 1)  # a plan knows addresses, not values
    assert data["text/html"].count("<svg") == 1 and picture in data["text/html"]
    assert "<pre>flatten(start_dim=1, end_dim=2)\n  input  : shape (2, 4, 3)" in data["text/html"]


def test_a_scene_shows_as_its_picture_not_its_fields(shown: dict[str, Any]) -> None:
    data = shown["diagram"]
    assert set(data) == {"text/html", "text/plain"}
    assert data["text/html"] == flatviz.svg(X, start_dim=1)
    assert data["text/plain"].startswith("<Scene ") and len(data["text/plain"]) < 200


def test_the_doctor_report_shows_as_html(shown: dict[str, Any]) -> None:
    data = shown["doctor"]
    assert "text/html" in data
    assert "batch-mixing" in data["text/html"]


@pytest.mark.parametrize("cell", ["draw", "draw inline", "display draw"])
def test_a_figure_stores_one_picture(shown: dict[str, Any], cell: str) -> None:
    data = shown[cell]
    assert set(data) == {"text/html", "text/plain"}, cell
    assert data["text/html"] == flatviz.svg(X, start_dim=1)
    stored = sum(len(v) for v in data.values())
    assert stored < 40_000, stored  # a PNG beside it was ~370 KB
