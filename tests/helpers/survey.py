"""One visit to every page of the built site at one width and colour scheme, for the
checks of tests/site/test_every_page.py: axe-core's findings, each figure measured, and
the linked highlight of each flatviz diagram hovered; screenshots of each figure go to
test-artifacts/screenshots/.

One tab goes from page to page, so each page is loaded once per width and scheme, not
once per check (axe first, on the page as it loads; then the measures, which open closed
<details> and hidden tabs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

from tests.helpers.browser import ARTIFACTS, watch

ROOT = Path(__file__).resolve().parents[2]
#: axe-core, the npm package pinned in package-lock.json (`npm ci` puts it in node_modules),
#: injected from that file so the check asks no other host for anything.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's tags for the WCAG 2.0, 2.1 and 2.2 A and AA success criteria.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Material's name for each colour scheme the reader's system may prefer.
SCHEMES = {"light": "default", "dark": "slate"}
#: The pages shot whole, for a reviewer's look at each width and scheme.
KEY_PAGES = ["", "errors/", "view-or-copy/", "gallery/", "flatviz-guide/", "notebooks/training/"]
#: Doctest markup that must never reach the reader.
DOCTEST_MARKUP = ("<BLANKLINE>", "# doctest:")
#: Each image's source, whether it loaded, and the length of its alt text.
IMAGES = """imgs => imgs.map(i => [(i.getAttribute('src') || '').slice(0, 60),
  i.complete && i.naturalWidth > 0, (i.getAttribute('alt') || '').trim().length])"""
#: A flatviz diagram of the page; the figures of the site's own charts.
FIGURES = "article svg.flatviz, article svg.fv-figure"

#: Runs axe on the page, after two frames (the page's scripts settle their layout first).
#: Each violation: the rule, and per element its selector and what axe says is wrong.
RUN = """async (tags) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {
    version: axe.version,
    passed: result.passes.map((rule) => rule.id),
    violations: result.violations.map((rule) => ({
      rule: rule.id,
      nodes: rule.nodes.map((node) => [node.target.join(' '), node.failureSummary]),
    })),
  };
}"""


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


def pinned_axe() -> str:
    """The axe-core version package-lock.json pins."""
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"]["node_modules/axe-core"]["version"])


def hover_each(page: Page, stem: str) -> list[dict[str, Any]]:
    """Hover the first input cell of each flatviz diagram: what lit up where (None for a
    diagram that shows no cell); the first diagram's box is screenshotted while lit."""
    found = []
    for k, svg in enumerate(page.query_selector_all("article svg.flatviz")):
        where = svg.evaluate(HOVER)
        if where is None:
            found.append({"figure": k, "lit": None})
            continue
        page.mouse.move(where["x"], where["y"])
        found.append({"figure": k, "lit": svg.evaluate(LIT)})
        if k == 0:
            box = svg.evaluate_handle("f => f.closest('.fv-scroll') || f").as_element()
            assert box is not None
            box.screenshot(path=str(ARTIFACTS / f"{stem}-hover.png"))
        page.mouse.move(0, 0)
    return found


def screenshot_each(page: Page, stem: str) -> None:
    """Each figure's box alone."""
    for k, figure in enumerate(page.query_selector_all(FIGURES)):
        box = figure.evaluate_handle("f => f.closest('.fv-scroll') || f").as_element()
        assert box is not None
        box.screenshot(path=str(ARTIFACTS / f"{stem}-figure{k:02}.png"))


def loaded(page: Page, path: str, stem: str) -> dict[str, Any]:
    """How the page loaded: its images (each loaded, with alt text), any doctest markup it
    shows; a key page is shot whole."""
    images = page.eval_on_selector_all("img", IMAGES)
    shown = page.inner_text("body")
    if path in KEY_PAGES:
        page.screenshot(path=str(ARTIFACTS / f"{stem}-page.png"), full_page=True)
    return {
        "broken_images": [src for src, ok, _ in images if not ok],
        "images_without_alt": [src for src, _, alt in images if alt == 0],
        "doctest_markup": [m for m in DOCTEST_MARKUP if m in shown],
    }


def visit(page: Page, base_url: str, path: str, scheme: str) -> dict[str, Any]:
    """One page: how it loaded, axe's result, its figures measured and screenshotted, and
    each diagram hovered."""
    page.goto(base_url + path, wait_until="load")
    if path == "explorer/":
        page.wait_for_selector("form[data-flatviz-state='live']", timeout=60_000)
    shown_scheme = page.evaluate("document.body.dataset.mdColorScheme")
    width = page.viewport_size["width"] if page.viewport_size else 0
    stem = f"{path.strip('/').replace('/', '-') or 'home'}-{width}-{scheme}"
    load = loaded(page, path, stem)
    page.add_script_tag(path=str(AXE))
    axe = page.evaluate(RUN, TAGS)
    measured = dict(page.evaluate(MEASURE))
    # The sticky header would cover the top of a figure scrolled under it.
    page.add_style_tag(content=".md-header, .md-tabs { visibility: hidden; }")
    screenshot_each(page, stem)
    hovered = hover_each(page, stem)
    return load | {"scheme": shown_scheme, "axe": axe, "measured": measured, "hovered": hovered}


def survey(
    browser: Browser, base_url: str, paths: list[str], width: int, scheme: str
) -> dict[str, dict[str, Any]]:
    """Every page of `paths` visited once in one tab `width` px wide, the system preferring
    the `scheme` ("light" or "dark"): `{path: visit's result}`."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        color_scheme=scheme,  # type: ignore[arg-type]
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    errors, requests = watch(page)
    found = {}
    try:
        for path in paths:
            seen = visit(page, base_url, path, scheme)
            foreign = [u for u in requests if urlsplit(u).scheme in ("http", "https")
                       and urlsplit(u).hostname != "127.0.0.1"]  # fmt: skip
            found[path] = seen | {"errors": list(errors), "foreign": foreign}
            errors.clear()
            requests.clear()
    finally:
        context.close()
    return found
