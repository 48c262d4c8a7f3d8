"""Every text of every figure on the site, and of many more, reads at 4.5:1 or better
against what it is drawn on, in the light and the dark theme (WCAG 2.2 AA)."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import textwrap
from pathlib import Path
from unittest import mock

import pytest
import torch

import flatviz
from flatviz.palette import THEMES, Theme, contrast
from flatviz.scene import Box, Scene, Text
from flatviz.style import BOX_ROLES, TEXT_ROLES, text_width

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: A page's figure code: a markdown-exec fence, indented or not.
FENCE = re.compile(r'^( *)```python exec="on"[^\n]*\n(.*?)^\1```', re.M | re.S)
AA = 4.5


def figures_of(code: str, where: str) -> list[Scene]:
    """The scenes a page's figure code draws: it runs with `flatviz.svg` recording."""
    drawn: list[Scene] = []

    def record(*args: object, **kwargs: object) -> str:
        drawn.append(flatviz.diagram(*args, **kwargs))  # type: ignore[arg-type]
        return ""

    with mock.patch.object(flatviz, "svg", record), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(textwrap.dedent(code), where, "exec"), {})
    return drawn


def page_figures() -> list[tuple[str, Scene]]:
    """The scene of every `flatviz.svg(...)` the docs pages draw."""
    return [
        (page.name, scene)
        for page in sorted(DOCS.glob("*.md"))
        for _, code in FENCE.findall(page.read_text())
        if "flatviz.svg(" in code
        for scene in figures_of(code, str(page))
    ]


def fill_of(box: Box, th: Theme) -> str:
    fill = BOX_ROLES[box.role][0]
    return th.shades[box.shade] if fill == "shade" and box.shade is not None else th.roles[fill]


def under(t: Text, boxes: list[Box]) -> Box | None:
    """The box last drawn under the middle of text `t`, if any."""
    w = text_width(t.text, t.role)
    left = t.x - (w / 2 if t.anchor == "middle" else w if t.anchor == "end" else 0.0)
    x, y = left + w / 2, t.y - TEXT_ROLES[t.role].size * 0.35
    inside = [b for b in boxes if b.x <= x <= b.x + b.w and b.y <= y <= b.y + b.h]
    return inside[-1] if inside else None


def low_contrast(scene: Scene) -> list[tuple[str, str, float]]:
    """(theme, text, ratio) of every text below AA, in every placement."""
    low = []
    for th in THEMES.values():
        for k in range(len(scene.placements)):
            panels = scene.placed(k)
            boxes = [b for p in panels for b in p.boxes]
            for t in (t for p in panels for t in p.texts):
                box = under(t, boxes)
                ground = th.roles["background"] if box is None else fill_of(box, th)
                ink = th.roles[TEXT_ROLES[t.role].colour]
                low.append((th.name, t.text, contrast(ink, ground)))
            for b in boxes:
                if b.label:
                    ink = th.ink(b.shade) if b.shade is not None else th.roles["muted"]
                    low.append((th.name, b.label, contrast(ink, fill_of(b, th))))
    return [item for item in low if item[2] < AA]


PAGES = page_figures()


def test_the_pages_have_figures() -> None:
    assert len(PAGES) >= 20
    assert {"view-or-copy.md", "shapes.md", "gallery.md", "errors.md"} <= {p for p, _ in PAGES}


@pytest.mark.parametrize(("page", "scene"), PAGES, ids=[f"{p}:{s.title[:40]}" for p, s in PAGES])
def test_every_text_of_every_page_figure_reads(page: str, scene: Scene) -> None:
    assert low_contrast(scene) == []


MORE = {
    "huge meta": (torch.empty(10**6, 10**6, 10**6, device="meta").permute(2, 0, 1), 0),
    "values": (torch.arange(24.0).reshape(2, 3, 4).transpose(1, 2) / 7, 1),
    "offset and gaps": (torch.arange(60).as_strided((2, 3), (7, 2), 4), 0),
    "expand": (torch.arange(1000).expand(20, 1000), 0),
    "empty": (torch.empty(0, 3, 4), 1),
    "0-d": (torch.tensor(2.5), 0),
}


@pytest.mark.parametrize("case", MORE)
def test_every_text_of_other_figures_reads(case: str) -> None:
    x, start = MORE[case]
    cell_text = "values" if case == "values" else "address"
    assert low_contrast(flatviz.diagram(x, start, cell_text=cell_text)) == []


def test_the_highlight_labels_read() -> None:
    """The highlight script's read labels: the background colour on an ink pill."""
    for th in THEMES.values():
        assert contrast(th.roles["background"], th.roles["ink"]) >= AA


def test_cell_ink_reads_on_every_shade_in_both_themes() -> None:
    for th in THEMES.values():
        assert min(contrast(th.ink(k), shade) for k, shade in enumerate(th.shades)) >= AA


def test_shades_read_in_order_without_hue() -> None:
    """The read-order shades get lighter at every step in both themes, so the order reads
    in lightness alone: with any colour-vision deficiency, and in greyscale."""
    from flatviz.palette import luminance

    for th in THEMES.values():
        light = [luminance(shade) for shade in th.shades]
        assert all(a < b for a, b in itertools.pairwise(light)), th.name
