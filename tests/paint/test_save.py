"""`flatviz.save` takes a tensor, an array, a Layout, a Scene or a Figure, writes the bytes
the painters make, never a half-written file, and SVG without matplotlib."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import flatviz
from flatviz.files import render_bytes
from flatviz.paint.svg import paint

TRANSPOSE = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
ROOT = Path(__file__).resolve().parents[2]


def test_a_tensor_saves_as_its_diagram_in_each_format(tmp_path: Path) -> None:
    svg = flatviz.save(TRANSPOSE, tmp_path / "t.svg", start_dim=1, name="t", cell_text="values")
    assert svg.read_text() == flatviz.svg(TRANSPOSE, 1, name="t", cell_text="values")
    for fmt in ("png", "pdf"):
        path = flatviz.save(TRANSPOSE, tmp_path / f"t.{fmt}", 1, theme="dark", edge_items=3)
        figure = flatviz.draw(TRANSPOSE, 1, theme="dark", edge_items=3)
        assert path.read_bytes() == render_bytes(figure, fmt)
        assert path.read_bytes()[:4] == {"png": b"\x89PNG", "pdf": b"%PDF"}[fmt]


def test_arrays_layouts_and_scenes_save_too(tmp_path: Path) -> None:
    a = np.arange(12).reshape(3, 4)[:, ::2]
    assert flatviz.save(a, tmp_path / "a.svg").read_text() == flatviz.svg(a)
    layout = flatviz.Layout((2, 4, 3), (12, 1, 4))
    path = flatviz.save(layout, tmp_path / "l.svg", end_dim=1)
    assert path.read_text() == flatviz.svg(layout, 0, 1)
    scene = flatviz.diagram(TRANSPOSE, 1)
    assert flatviz.save(scene, tmp_path / "s.svg").read_text() == paint(scene)
    png = flatviz.save(scene, tmp_path / "s.png", theme="dark").read_bytes()
    assert png == render_bytes(flatviz.draw(TRANSPOSE, 1, theme="dark"), "png")


def test_a_drawn_diagram_refuses_drawing_options(tmp_path: Path) -> None:
    fig = flatviz.draw(TRANSPOSE, 1)
    with pytest.raises(ValueError, match=r"^start_dim cannot change a FlattenFigure, which is"):
        flatviz.save(fig, tmp_path / "f.svg", start_dim=1)
    with pytest.raises(ValueError, match=r"^name, theme cannot change a FlattenFigure"):
        flatviz.save(fig, tmp_path / "f.png", name="t", theme="dark")
    with pytest.raises(ValueError, match=r"^cell_text cannot change a Scene"):
        flatviz.save(flatviz.diagram(TRANSPOSE), tmp_path / "s.svg", cell_text="values")
    assert list(tmp_path.iterdir()) == []


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(IndexError, match="start_dim=3 is out of range"):
        flatviz.save(TRANSPOSE, tmp_path / "t.svg", start_dim=3)
    with pytest.raises(ValueError, match="cannot tell the format"):
        flatviz.save(TRANSPOSE, tmp_path / "t.jpg")
    with pytest.raises(TypeError, match=r"got builtins\.list"):
        flatviz.save([1, 2], tmp_path / "t.png")
    target = tmp_path / "t.svg"
    target.mkdir()  # a directory where the file should go: the rename fails
    with pytest.raises(OSError):
        flatviz.save(TRANSPOSE, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.svg"]
    assert list(target.iterdir()) == []


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter that imports this checkout's flatviz."""
    env_path = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", env_path + code], cwd=cwd, capture_output=True, text=True
    )


def test_svg_needs_no_matplotlib_and_png_says_how_to_get_it(tmp_path: Path) -> None:
    # A None in sys.modules makes `import matplotlib` fail as if it were not installed.
    code = """
sys.modules["matplotlib"] = None
import flatviz
flatviz.save(flatviz.Layout((2, 3), (1, 2)), "x.svg")
print(open("x.svg").read() == flatviz.svg(flatviz.Layout((2, 3), (1, 2))))
try:
    flatviz.save(flatviz.Layout((2, 3), (1, 2)), "x.png")
except ImportError as err:
    print(type(err).__name__, err)
import os
print(sorted(os.listdir(".")))
"""
    run = _python(code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "True",
        "MissingDependency PNG output needs matplotlib: pip install 'flatviz[png]'",
        "['x.svg']",
    ]
