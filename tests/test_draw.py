"""The figure and its files: content, byte-for-byte determinism, atomic writes, notebooks."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from matplotlib.figure import Figure

import flatviz
from flatviz.files import render_bytes

ROOT = Path(__file__).resolve().parent.parent


def svg_texts(fig: Figure) -> list[str]:
    """The strings matplotlib drew, in order (it keeps each one as a comment beside the
    glyph paths)."""
    return re.findall(r"<!-- (.*?) -->", flatviz.to_svg(fig))


def test_draw_returns_a_figure_outside_pyplot() -> None:
    import matplotlib.pyplot as plt

    fig = flatviz.draw(torch.arange(6).reshape(2, 3))
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []


def test_svg_carries_labels_and_verdict() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    texts = svg_texts(flatviz.draw(x, start_dim=1))
    assert "torch.flatten(x, start_dim=1, end_dim=2) \u2192 copy" in texts
    assert (
        "dims 1 and 2 cannot merge: stride[1] = 1, but size[2] * stride[2] = 3 * 4 = 12;"
        in " ".join(texts)
    )
    cell_labels = [t for t in texts if t.isdigit()]
    expected = [
        *map(str, x.reshape(-1).tolist()),  # input, row-major
        *map(str, range(24)),  # storage, address order
        *map(str, torch.flatten(x, 1).reshape(-1).tolist()),  # result
    ]
    assert cell_labels == expected


def test_view_figure_names_its_strides() -> None:
    texts = svg_texts(flatviz.draw(torch.arange(24).reshape(2, 3, 4), start_dim=1))
    assert "torch.flatten(x, start_dim=1, end_dim=2) \u2192 view" in texts
    stride = torch.flatten(torch.arange(24).reshape(2, 3, 4), 1).stride()
    assert (
        f"result: shape (2, 12), a view of the same storage, stride {stride}, storage_offset 0"
        in texts
    )


_CHILD = """
import sys, torch, flatviz
from flatviz.files import render_bytes
x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
for theme in ("light", "dark"):
    fig = flatviz.draw(x, start_dim=1, theme=theme)
    for fmt in ("svg", "png", "pdf"):
        sys.stdout.write(render_bytes(fig, fmt).hex() + "\\n")
"""


def test_files_are_identical_across_processes(tmp_path: Path) -> None:
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLCONFIGDIR": str(tmp_path / seed)}
        out = subprocess.run(
            [sys.executable, "-c", _CHILD], capture_output=True, text=True, env=env, check=True
        )
        runs.append(out.stdout.split())
    assert len(runs[0]) == 6
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 6  # light and dark differ, and so do the formats


def test_save_writes_the_format_its_suffix_names(tmp_path: Path) -> None:
    fig = flatviz.draw(torch.arange(6).reshape(2, 3).t())
    magic = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}
    for fmt, head in magic.items():
        path = flatviz.save(fig, tmp_path / f"d.{fmt.upper()}")
        assert path.read_bytes().startswith(head)
        assert path.read_bytes() == render_bytes(fig, fmt)


def test_save_refuses_unknown_suffix_and_writes_nothing(tmp_path: Path) -> None:
    fig = flatviz.draw(torch.arange(3))
    with pytest.raises(
        ValueError, match=r"cannot tell the format of .*d\.jpg.*\.svg, \.png or \.pdf"
    ):
        flatviz.save(fig, tmp_path / "d.jpg")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    fig = flatviz.draw(torch.arange(3))
    target = tmp_path / "d.svg"
    target.mkdir()  # a directory where the file should go: os.replace must fail
    with pytest.raises(OSError):
        flatviz.save(fig, target)
    assert [p.name for p in tmp_path.iterdir()] == ["d.svg"]
    assert list(target.iterdir()) == []


def test_bad_theme_and_dims_are_clear_errors() -> None:
    with pytest.raises(
        ValueError, match=r"unknown theme 'sepia': expected one of \['dark', 'light'\]"
    ):
        flatviz.draw(torch.arange(3), theme="sepia")
    with pytest.raises(IndexError, match="start_dim=2 is out of range for a 1-d tensor"):
        flatviz.draw(torch.arange(3), 2)
    with pytest.raises(TypeError, match=r"got builtins\.list"):
        flatviz.draw([1, 2, 3])


def test_numpy_arrays_draw_too() -> None:
    import numpy as np

    for a in (np.arange(12).reshape(3, 4)[:, ::2], np.arange(12).reshape(3, 4)[:, 1:3]):
        t = torch.from_numpy(a)
        verdict = "view" if torch.flatten(t)._base is t else "copy"
        texts = svg_texts(flatviz.draw(a))
        assert f"torch.flatten(x, start_dim=0, end_dim=1) \u2192 {verdict}" in texts


def test_notebook_display() -> None:
    from IPython.core.formatters import DisplayFormatter

    formatter = DisplayFormatter()
    fig = flatviz.draw(torch.arange(6).reshape(2, 3).t())
    data, _ = formatter.format(fig)
    assert data["image/png"].startswith(b"\x89PNG")
    plan = flatviz.explain(torch.arange(6).reshape(2, 3).t())
    data, _ = formatter.format(plan)
    assert data["text/plain"] == str(plan)


def test_html_has_a_light_and_a_dark_image_with_alt() -> None:
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    page = flatviz.html(x, start_dim=1)
    sources = re.findall(r'src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+#(only-\w+)"', page)
    assert sources == ["only-light", "only-dark"]
    alts = re.findall(r'alt="([^"]+)"', page)
    assert len(alts) == 2
    assert alts[0].endswith("the result has shape (2, 12) and is a copy")
    assert (
        hashlib.sha256(page.encode()).digest()
        == hashlib.sha256(flatviz.html(x, start_dim=1).encode()).digest()
    )
