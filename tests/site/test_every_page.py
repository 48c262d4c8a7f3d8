"""Every page of the built site, at a desktop's and a phone's width (1280 and 390 px), in
the light and the dark scheme, each visited once per width and scheme
(tests/helpers/survey.py) and then checked four ways:

- The page loads cleanly: no console error, no request to another host, every image
  loaded and described, no doctest markup shown.
- axe-core finds no WCAG 2.2 AA violation (its findings go to test-artifacts/axe-*.json);
  the explorer page is checked once its live diagram is up.
- Each figure's text renders at 12 px or more, and the page never scrolls sideways. Each
  flatviz diagram's every text reads at 4.5:1 or better against what is drawn under it, as
  the browser paints them. On the Learn pages, each 3-d diagram of up to 24 elements is at
  most 720 px tall on the desktop and fits the phone's column without scrolling inside its
  box, as every chart does (measurements go to test-artifacts/figures-*.json, screenshots to
  test-artifacts/screenshots/).
- Hovering a grid cell lights the same element in every other panel.

One test a width and scheme makes the visit and then all four checks, and fails listing
every problem of each.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser

from tests.helpers.browser import REPORTS
from tests.helpers.survey import SCHEMES, pinned_axe, survey

ROOT = Path(__file__).resolve().parents[2]
#: The smallest a figure's text may render, in CSS px; 0.01 px of float slack.
MIN_TEXT_PX = 12.0
#: WCAG 2.2 AA for text.
MIN_CONTRAST = 4.5
#: The tallest a desktop diagram of a small 3-d tensor may be: one screen.
SCREEN_PX = 720.0
#: A 390 px phone's content column.
PHONE_COLUMN = 358.0
Surveyed = dict[str, dict[str, Any]]


def learn_pages() -> set[str]:
    """The URL paths of the pages under Learn in mkdocs.yml's nav."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    (learn,) = [entry["Learn"] for entry in config["nav"] if "Learn" in entry]
    files = [next(iter(item.values())) for item in learn]
    return {re.sub(r"(index)?\.(md|py)$", "", f).rstrip("/") + "/" for f in files}


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
        if f["kind"] == "figure" and width == 390 and f["box_scroll"] > f["box_client"]:
            problems.append(f"{name} scrolls inside its box: {f['box_scroll']} px")
        if f["kind"] == "flatviz" and learn and small_3d(f["shape"]):
            if width == 1280 and f["height"] > SCREEN_PX:
                problems.append(f"{name} is {f['height']:.0f} px tall")
            if width == 390 and (f["box_scroll"] > f["box_client"] or f["width"] > PHONE_COLUMN):
                problems.append(f"{name} scrolls inside its box: {f['box_scroll']} px")
    return problems


def load_problems(surveyed: Surveyed) -> dict[str, dict[str, list[str]]]:
    """Per page: console errors or uncaught exceptions and requests to another host while
    it was checked, images that did not load or lack alt text, doctest markup shown."""
    kinds = ("errors", "foreign", "broken_images", "images_without_alt", "doctest_markup")
    problems = {
        path: {kind: seen[kind] for kind in kinds if seen[kind]} for path, seen in surveyed.items()
    }
    return {path: found for path, found in problems.items() if found}


def axe_problems(surveyed: Surveyed, width: int, scheme: str) -> dict[str, list[str]]:
    """Per page, the WCAG 2.2 AA rules axe-core finds violated (the details go to
    test-artifacts/axe-SCHEME-WIDTH.json)."""
    found = {}
    for path, seen in surveyed.items():
        result = seen["axe"]
        assert result["version"] == pinned_axe()
        # The contrast rule ran on real text: a page where it finds nothing to check
        # would pass vacuously.
        assert "color-contrast" in result["passed"] or result["violations"], path
        if result["violations"]:
            found[path or "/"] = result["violations"]
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"axe-{scheme}-{width}.json").write_text(json.dumps(found, indent=1) + "\n")
    return {path: [v["rule"] for v in rules] for path, rules in found.items()}


def figure_problems(surveyed: Surveyed, width: int, scheme: str) -> dict[str, list[str]]:
    """Per page with a figure (an inline SVG, or a base64 SVG image that should be one),
    what is wrong with its figures (the measures go to test-artifacts/figures-*.json)."""
    learn = learn_pages()
    report = {}
    for path, seen in surveyed.items():
        found = seen["measured"]
        if found["figures"] or found["base64_svg_images"]:
            report[path] = found
    (REPORTS / f"figures-{width}-{scheme}.json").write_text(json.dumps(report, indent=1) + "\n")
    assert len(report) >= 10, sorted(report)
    # The Learn pages' small 3-d diagrams exist, so their checks cannot pass empty.
    small = [f for path in learn if path in report for f in report[path]["figures"]
             if f["kind"] == "flatviz" and small_3d(f["shape"])]  # fmt: skip
    assert small, sorted(learn)
    problems = {path: problems_of(found, width, path in learn) for path, found in report.items()}
    return {path: found for path, found in problems.items() if found}


def hover_problems(surveyed: Surveyed) -> dict[str, list[list[str]]]:
    """The diagrams where hovering the first input cell (read 0) did not put a ring and
    "read 0" on that element in the input, the chart and the result, and a ring on its box
    in the storage strip: what lit up instead."""
    missed = {}
    hovered = 0
    for path, seen in surveyed.items():
        for each in seen["hovered"]:
            lit = each["lit"]
            if lit is None:
                continue  # no cell shown: an empty tensor, or a figure in a hidden tab
            panels = {name.removesuffix("-row") for name, _ in lit}
            # An address read again (expand, overlaps) lights each of its reads.
            words = {w for name, w in lit if name != "storage"}
            if panels != {"input", "storage", "chart", "result"} or "read 0" not in words:
                missed[f"{path} figure {each['figure']}"] = lit
            hovered += 1
    assert hovered >= 20
    return missed


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@pytest.mark.parametrize("width", [1280, 390])
def test_every_page(
    browser: Browser, base_url: str, pages: list[str], width: int, scheme: str
) -> None:
    assert len(pages) >= 16
    surveyed = survey(browser, base_url, pages, width, scheme)
    schemes = {path: seen["scheme"] for path, seen in surveyed.items()}
    assert set(schemes.values()) == {SCHEMES[scheme]}, schemes
    found = {
        "loads": load_problems(surveyed),
        "axe": axe_problems(surveyed, width, scheme),
        "figures": figure_problems(surveyed, width, scheme),
        "hover": hover_problems(surveyed),
    }
    assert {check: problems for check, problems in found.items() if problems} == {}
