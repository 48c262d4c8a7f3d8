"""Every figure on every page of the built site, measured in Chromium at a desktop's and a
phone's width (1280 and 390 px), in the light and the dark scheme.

Each figure's text renders at 12 px or more, and the page never scrolls sideways. Each
flatviz diagram's every text reads at 4.5:1 or better against what is drawn under it, as
the browser paints them. On the Learn pages, each 3-d diagram of up to 24 elements is at
most 720 px tall on the desktop and fits the phone's column without scrolling inside its
box. Hovering a grid cell lights the same element in every other panel. Screenshots go to
test-artifacts/screenshots/, measurements to test-artifacts/figures-*.json.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page

from tests.helpers.browser import ARTIFACTS, REPORTS

ROOT = Path(__file__).resolve().parents[2]
DARK_TOGGLE = "label.md-header__button[for='__palette_1']"
WIDTHS = (390, 1280)
SCHEMES = ("default", "slate")
#: The smallest a figure's text may render, in CSS px; 0.01 px of float slack.
MIN_TEXT_PX = 12.0
#: WCAG 2.2 AA for text.
MIN_CONTRAST = 4.5
#: The tallest a desktop diagram of a small 3-d tensor may be: one screen.
SCREEN_PX = 720.0
#: A 390 px phone's content column.
PHONE_COLUMN = 358.0


def pages_of(site: Path) -> list[str]:
    """The URL path of every page of the built site."""
    return sorted(
        "" if p.parent == site else f"{p.parent.relative_to(site).as_posix()}/"
        for p in site.rglob("index.html")
        if p.parent.name != "search"
    )


def learn_pages() -> set[str]:
    """The URL paths of the pages under Learn in mkdocs.yml's nav."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    (learn,) = [entry["Learn"] for entry in config["nav"] if "Learn" in entry]
    files = [next(iter(item.values())) for item in learn]
    return {re.sub(r"(index)?\.(md|py)$", "", f).rstrip("/") + "/" for f in files}


#: For each outermost figure <svg> of the article (icons marked aria-hidden aside): its
#: kind, rendered size, its box's widths, the input shape its <desc> names (flatviz), the
#: smallest rendered text (font size times the scale to screen px), and, for a flatviz
#: diagram, each text below 4.5:1 against the last shape painted under its middle, or the
#: page. Closed <details> and hidden tabs are opened first, so every figure is laid out.
MEASURE = """() => {
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
  const style = document.createElement('style');
  style.textContent = '.tabbed-content > .tabbed-block { display: block !important; }';
  document.head.append(style);
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => c.slice(0, 3).map(v => v / 255).map(
    v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
                            return (x + 0.05) / (y + 0.05); };
  const ground = node => { for (let n = node; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  const shown = n => n.getClientRects().length > 0;
  const svgs = [...document.querySelectorAll('article svg')].filter(
    s => !s.parentElement.closest('svg') && s.getAttribute('aria-hidden') !== 'true');
  const figures = svgs.map(svg => {
    const box = svg.closest('.fv-scroll') || svg.parentElement;
    const r = svg.getBoundingClientRect();
    const shape = (svg.querySelector('desc')?.textContent.match(/input\\s*: shape \\(([^)]*)\\)/)
                   || [null, null])[1];
    const out = {kind: svg.classList.contains('flatviz') ? 'flatviz' : 'figure',
                 title: (svg.querySelector('title')?.textContent || '').slice(0, 80),
                 shape, width: r.width, height: r.height, box_client: box.clientWidth,
                 box_scroll: box.scrollWidth, smallest: null, texts: 0, low: []};
    const page = ground(box);
    const painted = [];
    for (const n of svg.querySelectorAll('rect, circle, text, tspan')) {
      if (!shown(n)) continue;
      if (n.tagName !== 'text' && n.tagName !== 'tspan') {
        const fill = getComputedStyle(n).fill;
        if (fill.startsWith('rgb')) painted.push([n.getBoundingClientRect(), rgb(fill)]);
        continue;
      }
      if (n.tagName === 'text' && n.querySelector('tspan')) continue;
      const words = n.textContent.trim();
      if (!words) continue;
      const m = n.getScreenCTM();
      const scale = m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 0;
      const px = parseFloat(getComputedStyle(n).fontSize) * scale;
      out.texts += 1;
      if (!out.smallest || px < out.smallest.px) out.smallest = {words: words.slice(0, 40), px};
      if (out.kind !== 'flatviz') continue;
      const t = n.getBoundingClientRect(), x = t.x + t.width / 2, y = t.y + t.height / 2;
      const under = painted.filter(
        ([b]) => b.left <= x && x <= b.right && b.top <= y && y <= b.bottom);
      const back = under.length ? under[under.length - 1][1] : page;
      const k = ratio(rgb(getComputedStyle(n).fill), back);
      if (k < 4.5) out.low.push({words: words.slice(0, 40), ratio: Math.round(k * 100) / 100});
    }
    return out;
  });
  const root = document.documentElement;
  const base64 = [...document.querySelectorAll('img')].filter(
    i => /^data:image\\/svg\\+xml/i.test(i.getAttribute('src') || '')).length;
  return {figures, base64_svg_images: base64, scroll_width: root.scrollWidth,
          client_width: root.clientWidth};
}"""


def open_at(browser: Browser, url: str, width: int, scheme: str) -> Page:
    """`url` in a fresh context `width` px wide, switched to `scheme`."""
    context = browser.new_context(color_scheme="light", viewport={"width": width, "height": 900})
    page = context.new_page()
    # "load", not "networkidle": the explorer page goes on fetching Pyodide, and the
    # figures are in the HTML.
    page.goto(url, wait_until="load")
    if scheme == "slate":
        page.click(DARK_TOGGLE)
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert page.evaluate("document.body.dataset.mdColorScheme") == scheme
    return page


def small_3d(shape: str | None) -> bool:
    """Whether a flatviz diagram's input is 3-d with at most 24 elements."""
    dims = [int(d) for d in shape.split(",") if d.strip()] if shape else []
    return len(dims) == 3 and math.prod(dims) <= 24


def problems_of(found: dict[str, Any], width: int, learn: bool) -> list[str]:
    """What is wrong with a page's figures at this viewport width."""
    problems = []
    if found["base64_svg_images"]:
        problems.append(f"{found['base64_svg_images']} <img> with a base64 SVG")
    if found["scroll_width"] > found["client_width"]:
        problems.append(f"the page scrolls sideways: {found['scroll_width']} px")
    for k, f in enumerate(found["figures"]):
        name = f"figure {k} ({f['title'][:50]})"
        if not f["texts"]:
            problems.append(f"{name} has no <text>")
        elif f["smallest"]["px"] < MIN_TEXT_PX - 0.01:
            problems.append(f"{name}: {f['smallest']['words']!r} at {f['smallest']['px']:.1f} px")
        if f["low"]:
            problems.append(f"{name}: below {MIN_CONTRAST}:1: {f['low'][:3]}")
        if f["kind"] == "flatviz" and learn and small_3d(f["shape"]):
            if width == 1280 and f["height"] > SCREEN_PX:
                problems.append(f"{name} is {f['height']:.0f} px tall")
            if width == 390 and (f["box_scroll"] > f["box_client"] or f["width"] > PHONE_COLUMN):
                problems.append(f"{name} scrolls inside its box: {f['box_scroll']} px")
    return problems


def screenshot(page: Page, name: str) -> None:
    """Each figure's box alone (the sticky header hidden, so it covers none of it)."""
    page.add_style_tag(content=".md-header, .md-tabs { visibility: hidden; }")
    for k, figure in enumerate(
        page.query_selector_all("article svg.flatviz, article svg.fv-figure")
    ):
        box = figure.evaluate_handle("f => f.closest('.fv-scroll') || f").as_element()
        assert box is not None
        box.screenshot(path=str(ARTIFACTS / f"{name}-figure{k:02}.png"))


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_figures_are_readable_and_fit(
    site: Path, base_url: str, browser: Browser, width: int, scheme: str
) -> None:
    """Every page with a figure (an inline SVG, or a base64 SVG image that should be one)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    learn = learn_pages()
    report: dict[str, dict[str, Any]] = {}
    problems: dict[str, list[str]] = {}
    for path in pages_of(site):
        page = open_at(browser, base_url + path, width, scheme)
        found = dict(page.evaluate(MEASURE))
        if found["figures"] or found["base64_svg_images"]:
            report[path] = found
            problems[path] = problems_of(found, width, path in learn)
            screenshot(page, f"{path.strip('/').replace('/', '-') or 'home'}-{width}-{scheme}")
        page.context.close()
    (REPORTS / f"figures-{width}-{scheme}.json").write_text(json.dumps(report, indent=1) + "\n")
    assert len(report) >= 10, sorted(report)
    # The Learn pages' small 3-d diagrams exist, so their checks cannot pass empty.
    small = [f for path in learn if path in report for f in report[path]["figures"]
             if f["kind"] == "flatviz" and small_3d(f["shape"])]  # fmt: skip
    assert small, sorted(learn)
    assert {path: found for path, found in problems.items() if found} == {}


#: Hovers the middle of the figure's first input cell; returns the panels where the
#: highlight script put a badge, and the badges' words.
HOVER = """async (svg) => {
  svg.closest('details')?.setAttribute('open', '');
  const cell = [...svg.querySelectorAll('g.fv-c')].find(
    g => g.getClientRects().length && g.querySelector('title').textContent.startsWith('input:'));
  if (!cell) return null;
  cell.scrollIntoView({block: 'center'});
  const r = cell.getBoundingClientRect();
  return {x: r.x + r.width / 2, y: r.y + r.height / 2, key: cell.dataset.a};
}"""
LIT = """(svg) => [...svg.querySelectorAll('.fv-badge')].map(
  b => [b.parentNode.dataset.panel, b.querySelector('text').textContent])"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_hovering_a_cell_lights_the_element_in_every_panel(
    site: Path, base_url: str, browser: Browser, width: int, scheme: str
) -> None:
    """In every flatviz diagram, hovering the first input cell (read 0) puts a ring and
    "read 0" on that element in the input, the chart and the result, and a ring on its
    box in the storage strip."""
    missed = {}
    hovered = 0
    for path in pages_of(site):
        page = open_at(browser, base_url + path, width, scheme)
        for k, svg in enumerate(page.query_selector_all("article svg.flatviz")):
            where = svg.evaluate(HOVER)
            if where is None:
                continue  # no cell shown: an empty tensor, or a figure in a hidden tab
            page.mouse.move(where["x"], where["y"])
            lit = svg.evaluate(LIT)
            panels = {name.removesuffix("-row") for name, _ in lit}
            # An address read again (expand, overlaps) lights each of its reads.
            words = {w for name, w in lit if name != "storage"}
            if panels != {"input", "storage", "chart", "result"} or "read 0" not in words:
                missed[f"{path} figure {k}"] = lit
            if k == 0:
                page.add_style_tag(content=".md-header { visibility: hidden; }")
                stem = path.strip("/").replace("/", "-") or "home"
                box = svg.evaluate_handle("f => f.closest('.fv-scroll') || f").as_element()
                box.screenshot(path=str(ARTIFACTS / f"{stem}-{width}-{scheme}-hover.png"))
            hovered += 1
            page.mouse.move(0, 0)
        page.context.close()
    assert hovered >= 20
    assert missed == {}
