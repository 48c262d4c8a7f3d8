"""figure_svg: one themed inline SVG with real text, the same bytes for the same figure."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

from doctools import figures
from doctools.figures import (
    DARK_BACKGROUND,
    DATA,
    INK,
    LIGHT_BACKGROUND,
    MUTED,
    ROLES,
    SITE_RC,
    contrast,
    figure_svg,
)

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def chart(width: float = 5.0, **text: object) -> Figure:
    """A small line chart drawn under SITE_RC, with a title, labels, a grid and a legend."""
    with matplotlib.rc_context(SITE_RC):
        fig = Figure(figsize=(width, 3), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [3, 1, 2], label="first")
        ax.plot([0, 1, 2], [1, 2, 3], label="second")
        ax.set_title("Loss & <accuracy>", **text)  # type: ignore[arg-type]
        ax.set_xlabel("epoch")
        ax.grid(True)
        ax.legend()
    return fig


def test_one_inline_svg_titled_with_the_alt_text() -> None:
    svg = figure_svg(chart(width=3.5), "Two lines: loss falls, accuracy rises")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert svg.count("<svg") == 1
    assert root.get("role") == "img"
    assert root.get("class") == figures.CSS_CLASS
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Two lines: loss falls, accuracy rises"
    assert list(root).index(title) == 0
    assert "<img" not in svg and "base64" not in svg and "<?xml" not in svg


def test_text_is_text() -> None:
    root = ET.fromstring(figure_svg(chart(), "a chart"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Loss & <accuracy>" in texts
    assert {"epoch", "first", "second"} <= set(texts)
    assert not any(root.iter(f"{SVG}image"))


def test_natural_size_in_css_px() -> None:
    root = ET.fromstring(figure_svg(chart(width=3.5), "a chart"))
    assert (root.get("width"), root.get("height")) == ("336", "288")  # 96 px per inch
    assert root.get("viewBox") == "0 0 252 216"  # points


def test_a_figure_wider_than_a_phone_is_also_drawn_for_one() -> None:
    svg = figure_svg(chart(width=5.0), "a chart")
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("480", "288")
    wide, narrow = root.findall(f"{SVG}svg")
    assert (wide.get("class"), wide.get("width"), wide.get("viewBox")) == (
        "fv-wide",
        "480",
        "0 0 360 216",
    )
    assert (narrow.get("class"), narrow.get("width"), narrow.get("height")) == (
        "fv-narrow",
        "358",
        "288",
    )

    # Laid out again rather than scaled: the same text sizes, the same title and labels
    # (the axis picks its own ticks for the width).
    def texts(part: ET.Element) -> dict[str, str]:
        return {"".join(t.itertext()).strip(): t.get("style", "") for t in part.iter(f"{SVG}text")}

    sizes = {k: re.findall(r"font-size: [\d.]+px", v) for k, v in texts(wide).items()}
    assert {k: re.findall(r"font-size: [\d.]+px", v) for k, v in texts(narrow).items()
            if k in sizes} == {k: v for k, v in sizes.items() if k in texts(narrow)}  # fmt: skip
    assert {"Loss & <accuracy>", "epoch", "first", "second"} <= texts(narrow).keys()
    assert narrow.get("viewBox") == f"0 0 {358 * 0.75:g} 216"
    # Each rendering clips and refers to its own ids.
    ids = re.findall(r'id="([^"]+)"', svg)
    assert len(ids) == len(set(ids))
    # The narrow one shows, at its size, in a container narrower than the wide one.
    style = root.find(f"{SVG}style[2]")
    assert style is not None and "@container (max-width:479.5px)" in (style.text or "")
    assert "width:358px!important" in (style.text or "")


def test_same_figure_same_bytes_in_another_process() -> None:
    here = figure_svg(chart(), "a chart")
    assert figure_svg(chart(), "a chart") == here
    code = textwrap.dedent(
        """
        import sys
        from doctools.tests.test_figures import chart
        from doctools.figures import figure_svg
        sys.stdout.write(figure_svg(chart(), "a chart"))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout == here


def test_two_figures_on_one_page_share_no_ids() -> None:
    first = set(re.findall(r'id="([^"]+)"', figure_svg(chart(), "first chart")))
    second = set(re.findall(r'id="([^"]+)"', figure_svg(chart(), "second chart")))
    assert first and second
    assert first.isdisjoint(second)


def test_colours_follow_the_theme_and_nothing_is_painted_behind() -> None:
    svg = figure_svg(chart(), "a chart")
    style_end = svg.index("</style>")
    body = svg[style_end:]
    assert re.findall(r"#[0-9a-fA-F]{6}\b", body) == []
    assert "var(--fv-ink)" in body and "var(--fv-c0)" in body and "var(--fv-c1)" in body
    style = svg[:style_end]
    # matplotlib's own `*{...}` rule would restyle the whole page once inlined.
    assert re.search(r"(?:^|[}>])\*\s*\{", style) is None
    for role in ROLES:
        assert f"{role.var}:{role.light}" in style
        assert f"{role.var}:{role.dark}" in style
    assert "[data-md-color-scheme=slate] .fv-figure{" in style
    assert "@media (prefers-color-scheme:dark)" in style


def test_page_code_sentinels_are_rewritten() -> None:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.text(0.5, 0.5, "note", color=MUTED, fontsize=9)
    ax.axhline(0.2, color=DATA[3])
    svg = figure_svg(fig, "a note")
    assert "fill: var(--fv-muted)" in svg and "stroke: var(--fv-c3)" in svg
    assert MUTED not in svg and DATA[3] not in svg


@pytest.mark.parametrize(
    ("role", "minimum"),
    [*((name, 4.5) for name in ("ink", "muted")), *((f"c{i}", 3.0) for i in range(len(DATA)))],
)
def test_palette_reads_on_both_themes(role: str, minimum: float) -> None:
    (found,) = [r for r in ROLES if r.name == role]
    assert contrast(found.light, LIGHT_BACKGROUND) >= minimum
    assert contrast(found.dark, DARK_BACKGROUND) >= minimum


def test_contrast_is_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == 1.0


def test_blank_alt_fails() -> None:
    with pytest.raises(ValueError, match="needs alt text"):
        figure_svg(chart(), "  ")


def test_too_wide_fails() -> None:
    with pytest.raises(ValueError, match="768 px wide, over 680"):
        figure_svg(chart(width=8), "a chart")


def test_small_text_fails() -> None:
    with pytest.raises(ValueError, match=r"text drawn at 10\.7 px, under 12"):
        figure_svg(chart(fontsize=8), "a chart")


def test_small_mathtext_fails() -> None:
    with matplotlib.rc_context(SITE_RC):
        fig = Figure(figsize=(3, 2), layout="constrained")
        fig.add_subplot().loglog([1, 1000], [1, 1000])  # ticks 10^0 ... with superscripts
    with pytest.raises(ValueError, match=r"text drawn at 8\.9 px"):
        figure_svg(fig, "log axes")


def test_mathtext_at_a_readable_size_passes() -> None:
    with matplotlib.rc_context(SITE_RC):
        fig = Figure(figsize=(3, 2), layout="constrained")
        fig.text(0.5, 0.5, r"$10^{3}$", fontsize=14)
    svg = figure_svg(fig, "a power")
    assert "<tspan" in svg and "var(--fv-ink)" in svg


def test_default_black_text_fails() -> None:
    fig = Figure(figsize=(3, 2))
    fig.text(0.5, 0.5, "black", fontsize=12)
    with pytest.raises(ValueError, match="drawn in black"):
        figure_svg(fig, "black text")


def test_unknown_sentinel_fails() -> None:
    fig = Figure(figsize=(3, 2))
    fig.text(0.5, 0.5, "odd", color="#fe00ff", fontsize=12)
    with pytest.raises(ValueError, match=r"\['#fe00ff'\] look like sentinels"):
        figure_svg(fig, "odd colour")


def test_ink_is_the_default_under_site_rc() -> None:
    with matplotlib.rc_context(SITE_RC):
        fig = Figure(figsize=(3, 2))
        fig.text(0.5, 0.5, "plain")
    assert 'style="font-size' in figure_svg(fig, "plain")
    assert INK not in figure_svg(fig, "plain")


HOOK_CHECK = """
import os, runpy, sys
{run}
import doctools
print(doctools.__file__)
print(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0])
"""


def test_the_mkdocs_hook_makes_doctools_importable(tmp_path: Path) -> None:
    """Without site-packages (no editable install) and outside the repo, only the hook helps."""
    env = {"PATH": "/usr/bin:/bin"}
    run = f"runpy.run_path({str(ROOT / 'doctools' / 'hooks.py')!r})"
    command = [sys.executable, "-S", "-c", HOOK_CHECK.format(run=run)]
    hooked = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert hooked.returncode == 0, hooked.stderr
    assert hooked.stdout.split() == [str(ROOT / "doctools" / "__init__.py"), str(ROOT)]
    command = [sys.executable, "-S", "-c", HOOK_CHECK.format(run="")]
    bare = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "No module named 'doctools'" in bare.stderr


def test_notebooks_get_the_svg_as_html() -> None:
    shown = figures.InlineFigure(chart(), " a chart ")
    assert shown._repr_html_() == figure_svg(chart(), "a chart")
    assert repr(shown) == "<figure: a chart>"
    with pytest.raises(ValueError, match="needs alt text"):
        figures.InlineFigure(chart(), "")
