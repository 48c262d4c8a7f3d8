"""The painters: SVG text and matplotlib figures from one scene, files, notebooks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import torch

import flatviz
from flatviz.cli import main
from flatviz.files import render_bytes
from flatviz.paint.svg import STYLESHEET
from flatviz.style import MIN_FONT

SVG = "{http://www.w3.org/2000/svg}"
TRANSPOSE = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)


def svg_texts(svg: str, role: str = "", wide: bool = True) -> list[str]:
    """The strings of an SVG's `<text>` elements, all or those of one role (class); with
    `wide`, only those of the desktop placement (not in a phone-only group)."""
    root = ET.fromstring(svg)
    groups = [g for g in root if g.tag == f"{SVG}g"]
    if wide:
        groups = [g for g in groups if "fv-no" not in g.get("class", "").split()]
    return [
        t.text or ""
        for g in groups
        for t in g.iter(f"{SVG}text")
        if f"fv-{role}" in t.get("class", "").split() or not role
    ]


def test_svg_is_real_text_with_title_desc_and_tooltips() -> None:
    svg = flatviz.svg(TRANSPOSE, start_dim=1, name="t")
    root = ET.fromstring(svg)
    # A figure, not an image: its cells inside take the focus.
    assert root.get("role") == "figure" and root.get("class") == "flatviz fv-w680"
    assert root.findtext(f"{SVG}title") == (
        "torch.flatten(t, start_dim=1, end_dim=2): a copy, result shape (2, 12)"
    )
    assert root.findtext(f"{SVG}desc") == str(flatviz.explain(TRANSPOSE, 1))
    texts = svg_texts(svg, "title")
    assert texts == ["torch.flatten(t, start_dim=1, end_dim=2)", "\u2192 a copy: new memory"]
    # One tooltip per element cell, naming its index, its read, its address and its value.
    tips = [g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g")]
    positions = TRANSPOSE.reshape(-1).tolist()  # arange storage: value == address
    inputs = [t for t in tips if t and t.startswith("input:")]
    assert inputs[:4] == [
        f"input: t[0, {i}, {j}], read {k}, address {a}, value {a}"
        for k, ((i, j), a) in enumerate(
            zip([(0, 0), (0, 1), (0, 2), (1, 0)], positions[:4], strict=True)
        )
    ]
    assert len(inputs) == 24 and len([t for t in tips if t and t.startswith("result:")]) == 24


def test_no_text_below_the_minimum_size() -> None:
    sizes = dict(re.findall(r"\.fv-([\w-]+)\{font-size:([\d.]+)px", STYLESHEET))
    sizes["c"] = re.findall(r"\.fv-c text\{font-size:([\d.]+)px", STYLESHEET)[0]
    sizes["badge"] = re.findall(r"\.fv-badge text\{[^}]*font-size:([\d.]+)px", STYLESHEET)[0]
    assert float(sizes["badge"]) >= MIN_FONT  # the highlight script's read labels
    root = ET.fromstring(flatviz.svg(TRANSPOSE, start_dim=1))
    parent = {child: g for g in root.iter(f"{SVG}g") for child in g}
    for text in root.iter(f"{SVG}text"):
        classes = [*text.get("class", "").split(), *parent[text].get("class", "").split()]
        (role,) = [c[3:] for c in classes if c[3:] in sizes]
        assert float(sizes[role]) >= MIN_FONT, text.text


def test_one_svg_follows_both_schemes() -> None:
    assert "@media (prefers-color-scheme:dark){svg.flatviz{" in STYLESHEET
    assert "[data-md-color-scheme=slate] svg.flatviz{" in STYLESHEET
    assert "[data-md-color-scheme=default] svg.flatviz{" in STYLESHEET
    svg = flatviz.svg(TRANSPOSE, start_dim=1)
    assert 'fill="#' not in svg and "base64" not in svg  # colours come from the stylesheet


def test_svg_path_imports_neither_torch_nor_matplotlib() -> None:
    code = (
        "import sys, tempfile, flatviz, flatviz.cli\n"
        "s = flatviz.svg(flatviz.Layout((2, 4, 3), (12, 1, 4)), 1)\n"
        "p = flatviz.explain(flatviz.Layout((2, 4, 3), (12, 1, 4)), 1)\n"
        "with tempfile.TemporaryDirectory() as where:\n"
        "    flatviz.cli.main(['arange(2, 3, 4).mT', '-o', where + '/x.svg'])\n"
        "print(sorted(m for m in ('torch', 'matplotlib', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


_CHILD = """
import sys, torch, flatviz
from flatviz.files import render_bytes
x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
sys.stdout.write(flatviz.svg(x, 1).encode().hex() + "\\n")
for theme in ("light", "dark"):
    fig = flatviz.draw(x, start_dim=1, theme=theme)
    for fmt in ("png", "pdf"):
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
    assert len(runs[0]) == 5
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 5  # light and dark differ, and so do the formats


def test_both_painters_draw_the_same_text() -> None:
    for theme in ("light", "dark"):
        fig = flatviz.draw(TRANSPOSE, start_dim=1, theme=theme, name="t")
        drawn = sorted(t.get_text() for t in fig.axes[0].texts)
        assert drawn == sorted(svg_texts(flatviz.svg(TRANSPOSE, start_dim=1, name="t")))
        # cells' labels are box labels, drawn once each
        assert len(drawn) == len(fig.scene.texts) + len([b for b in fig.scene.boxes if b.label])


def test_draw_returns_a_figure_outside_pyplot() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = flatviz.draw(TRANSPOSE, 1)
    assert plt.get_fignums() == before
    assert fig.scene.plan.is_view is False


def test_cli_svg_is_flatviz_svg(tmp_path: Path) -> None:
    out = tmp_path / "x.svg"
    assert main(["arange(2, 3, 4).transpose(1, 2)", "-s", "1", "-n", "t", "-o", str(out)]) == 0
    assert out.read_text() == flatviz.svg(TRANSPOSE, 1, name="t")


def test_cli_width_lays_the_diagram_out_once(tmp_path: Path) -> None:
    out = tmp_path / "x.svg"
    assert (
        main(["arange(2, 3, 4).transpose(1, 2)", "-s", "1", "--width", "358", "-o", str(out)]) == 0
    )
    assert out.read_text() == flatviz.svg(TRANSPOSE, 1, width=358)
    assert "@container" not in out.read_text()
    png = tmp_path / "x.png"
    assert (
        main(["arange(2, 3, 4).transpose(1, 2)", "-s", "1", "--width", "500", "-o", str(png)]) == 0
    )
    assert png.read_bytes() == render_bytes(flatviz.draw(TRANSPOSE, 1, width=500), "png")


def test_save_writes_the_format_its_suffix_names(tmp_path: Path) -> None:
    fig = flatviz.draw(torch.arange(6).reshape(2, 3).t())
    magic = {"png": b"\x89PNG", "pdf": b"%PDF"}
    for fmt, head in magic.items():
        path = flatviz.save(fig, tmp_path / f"d.{fmt.upper()}")
        assert path.read_bytes().startswith(head)
        assert path.read_bytes() == render_bytes(fig, fmt)
    svg = flatviz.save(fig, tmp_path / "d.svg").read_text()
    assert svg == flatviz.svg(torch.arange(6).reshape(2, 3).t())


def test_save_refuses_unknown_suffix_and_writes_nothing(tmp_path: Path) -> None:
    fig = flatviz.draw(torch.arange(3))
    with pytest.raises(
        ValueError, match=r"cannot tell the format of .*d\.jpg.*\.svg, \.png or \.pdf"
    ):
        flatviz.save(fig, tmp_path / "d.jpg")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    fig = flatviz.draw(torch.arange(3))
    target = tmp_path / "d.png"
    target.mkdir()  # a directory where the file should go: os.replace must fail
    with pytest.raises(OSError):
        flatviz.save(fig, target)
    assert [p.name for p in tmp_path.iterdir()] == ["d.png"]
    assert list(target.iterdir()) == []


def test_bad_theme_and_dims_are_clear_errors() -> None:
    with pytest.raises(
        ValueError, match=r"unknown theme 'sepia': expected one of \['dark', 'light'\]"
    ):
        flatviz.draw(torch.arange(3), theme="sepia")
    with pytest.raises(IndexError, match="start_dim=2 is out of range for a 1-d tensor"):
        flatviz.svg(torch.arange(3), 2)
    with pytest.raises(TypeError, match=r"got builtins\.list"):
        flatviz.svg([1, 2, 3])


@pytest.mark.parametrize("func", ["svg", "draw", "diagram"])
def test_a_misspelt_option_is_named(func: str) -> None:
    with pytest.raises(
        TypeError, match=rf"^{func}\(\) got an unexpected keyword argument 'labels'$"
    ):
        getattr(flatviz, func)(torch.arange(3), labels="values")


def test_numpy_arrays_draw_too() -> None:
    import numpy as np

    for a in (np.arange(12).reshape(3, 4)[:, ::2], np.arange(12).reshape(3, 4)[:, 1:3]):
        t = torch.from_numpy(a)
        verdict = "a view" if torch.flatten(t)._base is t else "a copy"
        texts = svg_texts(flatviz.svg(a), "title")
        assert texts[0] == "torch.flatten(x, start_dim=0, end_dim=1)"
        assert texts[1].startswith(f"\u2192 {verdict}:")


def test_notebook_display() -> None:
    """What Jupyter gets from each object: the inline SVG as HTML and one line of text; the
    real kernel's outputs are checked in tests/site/test_notebook_display.py."""
    from IPython.core.formatters import DisplayFormatter

    formatter = DisplayFormatter()
    x = torch.arange(6).reshape(2, 3).t()
    svg = flatviz.svg(x)
    data, _ = formatter.format(svg)
    assert data == {
        "text/html": svg,
        "text/plain": f"<SVG: torch.flatten(x, start_dim=0, end_dim=1): a copy, result shape "
        f"(6,) ({len(svg):,} characters)>",
    }
    assert isinstance(svg, str) and svg + "" == str(svg) and repr(svg) == repr(str(svg))
    scene = flatviz.diagram(x)
    data, _ = formatter.format(scene)
    assert data["text/html"] == svg and data["text/plain"].startswith(f"<Scene {scene.width:g}x")
    assert len(data["text/plain"]) < 200 and "\n" not in data["text/plain"]
    plan = flatviz.explain(x)
    data, _ = formatter.format(plan)
    assert data["text/plain"] == str(plan)
    picture = flatviz.svg(flatviz.Layout((3, 2), (1, 3)))  # the plan knows no values
    assert data["text/html"].startswith(f'<div class="flatviz-plan">\n{picture}<pre>flatten(')
    assert flatviz.draw(x)._repr_html_() == svg
