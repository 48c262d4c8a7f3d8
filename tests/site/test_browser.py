"""The built site in a real browser: Debian's Chromium driven by Playwright.

Search finds the view-or-copy page and every error message. Copy buttons copy code that
runs, and glossary terms show their definitions on hover. The dark toggle recolours the
inline figures; the gallery page weighs at most 400 KB. Each page's own checks (a clean
load, axe-core, its figures) are in test_every_page.py. Screenshots go to
test-artifacts/screenshots/, measurements to test-artifacts/*.json.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.helpers.browser import REPORTS, watch

# The palette toggles, by the palette each one switches to (mkdocs.yml: 0 light, 1 dark). Their
# "Switch to ..." titles become tooltips (content.tooltips), so the title is no selector.
DARK_TOGGLE = "label.md-header__button[for='__palette_1']"
LIGHT_TOGGLE = "label.md-header__button[for='__palette_0']"


def pages_of(site: Path) -> list[str]:
    """The URL path of every page of the built site."""
    return sorted(
        "" if p.parent == site else f"{p.parent.relative_to(site).as_posix()}/"
        for p in site.rglob("index.html")
        if p.parent.name != "search"
    )


def open_page(browser: Browser, url: str) -> tuple[Page, list[str], list[str]]:
    """Load ``url`` in a fresh light-mode context; return the page, the console errors and
    uncaught exceptions, and every requested URL."""
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, requests = watch(page)
    page.goto(url, wait_until="networkidle")
    return page, errors, requests


# The ink of the Keras page's figure labels ("NCHW"), from doctools.figures' roles.
INK_RGB = {"default": "rgb(31, 35, 40)", "slate": "rgb(230, 237, 243)"}


def label_ink(page: Page) -> str:
    """The rendered fill of the figure's "NCHW" label."""
    return str(
        page.eval_on_selector_all(
            "svg.fv-figure text",
            "ts => getComputedStyle(ts.find(t => t.textContent.trim() === 'NCHW')).fill",
        )
    )


def test_dark_toggle_recolours_the_figures(base_url: str, browser: Browser) -> None:
    page, errors, _ = open_page(browser, base_url + "keras/")
    # The figure is an image to assistive technology, named by its <title>.
    named = page.get_by_role("img", name=re.compile(r"^The image flattened from NCHW"))
    assert named.count() == 1
    assert label_ink(page) == INK_RGB["default"]
    page.click(DARK_TOGGLE)
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert label_ink(page) == INK_RGB["slate"]
    page.click(LIGHT_TOGGLE)
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    assert label_ink(page) == INK_RGB["default"]
    assert errors == []


def test_figures_follow_the_readers_dark_preference(base_url: str, browser: Browser) -> None:
    """A reader whose system is dark gets material's slate scheme, and the figures with it."""
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "keras/", wait_until="networkidle")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert label_ink(page) == INK_RGB["slate"]
    context.close()


#: The gallery page's budget: its HTML with everything it embeds.
GALLERY_BUDGET = 400_000


def test_gallery_page_weight(site: Path, base_url: str, browser: Browser) -> None:
    """The gallery's HTML plus every same-origin file it loads outside material's shared
    theme files (/assets/, the search index), which every page shares and caches."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(base_url + "gallery/", wait_until="networkidle")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_load_state("networkidle")
    loaded = {r.url: len(r.body()) for r in responses if r.url.startswith(base_url)}
    context.close()
    theme = {
        u: n for u, n in loaded.items() if urlsplit(u).path.startswith(("/assets/", "/search/"))
    }
    own = {u.removeprefix(base_url) or "/": n for u, n in loaded.items() if u not in theme}
    site_files = [p for p in site.rglob("*") if p.is_file()]
    report = {
        "gallery_own_bytes": sum(own.values()),
        "gallery_own_files": own,
        "gallery_with_theme_bytes": sum(loaded.values()),
        "site_bytes": sum(p.stat().st_size for p in site_files),
        "pages": {
            str(p.relative_to(site)): p.stat().st_size for p in sorted(site.rglob("index.html"))
        },
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "page-weight.json").write_text(json.dumps(report, indent=1) + "\n")
    assert "gallery/" in own
    assert report["gallery_own_bytes"] <= GALLERY_BUDGET, own


def test_search_for_stride_finds_view_or_copy(base_url: str, browser: Browser) -> None:
    page, errors, _ = open_page(browser, base_url)
    page.click("input.md-search__input")
    page.keyboard.type("stride")
    page.wait_for_selector(".md-search-result__item")
    links = page.eval_on_selector_all(
        ".md-search-result__item a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert any("view-or-copy/" in link for link in links), links
    assert errors == []


DOCS = Path(__file__).resolve().parents[2] / "docs"
GLOSSARY = Path(__file__).resolve().parents[2] / "includes" / "glossary.md"
PROMPTS = re.compile(r"^(>>>|\.\.\.)( |$)", re.MULTILINE)
DOCTEST_MARKUP = ("<BLANKLINE>", "# doctest:")
ERROR_LINE = re.compile(r"^(?:RuntimeError|ValueError|IndexError|TypeError): .+$", re.MULTILINE)
#: The messages issue 11 asks the errors page to decode, as a learner would paste them.
REQUIRED_MESSAGES = [
    "mat1 and mat2 shapes cannot be multiplied (1040x26",
    "shape '[-1, 400]' is invalid for input of size",
    "Expected input batch_size (16) to match target batch_size (4).",
    "cannot reshape tensor of 0 elements into shape [0, -1]",
    "a view of a leaf Variable that requires grad is being used in an in-place operation.",
    "view size is not compatible with input tensor's size and stride",
    "Dimension out of range",
]


def copy_each(page: Page, selector: str = "div.language-pycon") -> list[tuple[str, str]]:
    """Click the copy button of every code block ``selector`` finds; return each block's
    visible text with what its copy button put on the clipboard. Answers folded into
    ``???`` blocks are opened first, as a reader would; blocks in a tab not shown are left."""
    page.eval_on_selector_all("details", "folds => folds.forEach(d => { d.open = true })")
    blocks = page.locator(selector)
    found = []
    for index in range(blocks.count()):
        block = blocks.nth(index)
        if not block.is_visible():
            continue
        block.scroll_into_view_if_needed()
        block.hover()
        page.evaluate("navigator.clipboard.writeText('')")
        block.locator("button[data-md-type='copy']").click()
        found.append((block.inner_text(), page.evaluate("navigator.clipboard.readText()")))
    return found


@pytest.mark.parametrize(
    ("path", "run"),
    [("", True), ("errors/", True), ("practice/", True), ("keras/", False), ("evaluation/", False)],
)
def test_copy_buttons_copy_runnable_code(
    base_url: str, browser: Browser, path: str, run: bool
) -> None:
    """A console block's copy button copies its code alone: no prompt, no output, no doctest
    markup. On the pages marked ``run``, the copied blocks run in order, in one namespace,
    and a block raises exactly when the page shows a traceback, with the message shown."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + path, wait_until="networkidle")
    blocks = copy_each(page)
    assert blocks
    namespace: dict[str, object] = {}
    for shown, copied in blocks:
        assert copied.strip(), shown
        assert not PROMPTS.search(copied), copied
        assert not any(markup in copied or markup in shown for markup in DOCTEST_MARKUP), shown
        assert shown.lstrip().startswith(">>>"), shown
        code = compile(copied, f"copied from {path or 'home'}", "exec")
        if not run:
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(code, namespace)
            except Exception as error:  # the page shows this error: it must be the same one
                assert f"{type(error).__name__}: {error}" in shown, copied
            else:
                assert "Traceback (most recent call last)" not in shown, copied
    context.close()


def error_messages() -> list[str]:
    """Every error message the errors page shows, as torch printed it when sybil ran it."""
    return ERROR_LINE.findall((DOCS / "errors.md").read_text())


def test_errors_page_decodes_every_message_of_the_issue() -> None:
    messages = error_messages()
    assert all(any(want in m for m in messages) for want in REQUIRED_MESSAGES), messages
    assert len([m for m in messages if "mat1 and mat2" in m]) >= 3


def with_other_numbers(message: str) -> str:
    """The message as a learner with other shapes would get it."""
    return re.sub(r"\d+", lambda number: str(int(number[0]) * 3 + 7), message)


@pytest.mark.parametrize("numbers", ["as on the page", "the learner's own"])
def test_search_finds_every_error_message(base_url: str, browser: Browser, numbers: str) -> None:
    """Paste each message into material's search box: the first result is the errors page."""
    missed = {}
    for message in error_messages():
        query = message if numbers == "as on the page" else with_other_numbers(message)
        page, errors, _ = open_page(browser, base_url)
        page.click("input.md-search__input")
        page.keyboard.insert_text(query)
        page.keyboard.press("End")
        page.wait_for_selector(".md-search-result__item")
        links = page.eval_on_selector_all(
            ".md-search-result__item a", "links => links.map(a => a.getAttribute('href'))"
        )
        if "errors/" not in links[0] or errors:
            missed[query] = (links[:3], errors)
        page.context.close()
    assert missed == {}


def glossary() -> dict[str, str]:
    """The glossary's terms and definitions (``*[term]: definition`` lines)."""
    entries = re.findall(r"^\*\[(.+?)\]: (.+)$", GLOSSARY.read_text(), flags=re.MULTILINE)
    return dict(entries)


def test_glossary_terms_show_their_definition_on_hover(
    site: Path, base_url: str, browser: Browser
) -> None:
    terms = glossary()
    required = {"stride", "storage", "offset", "view", "contiguous", "meta", "channels_last"}
    assert required <= set(terms)
    for term in sorted(required):
        where = next(
            (
                p
                for p in pages_of(site)
                if f">{term}</abbr>" in (site / p / "index.html").read_text()
            ),
            None,
        )
        assert where is not None, f"no page uses {term!r} in prose"
        page, errors, _ = open_page(browser, base_url + where)
        abbr = page.locator("article abbr", has_text=re.compile(f"^{re.escape(term)}$")).first
        abbr.scroll_into_view_if_needed()
        abbr.hover()
        tooltip = page.locator(".md-tooltip2--active")
        tooltip.wait_for()
        assert tooltip.inner_text().strip() == terms[term], (term, where)
        assert errors == []
        page.context.close()


def test_notebook_headings_in_search_results_have_no_pilcrow(
    base_url: str, browser: Browser
) -> None:
    page, errors, _ = open_page(browser, base_url)
    page.click("input.md-search__input")
    page.keyboard.type("flatten variants")
    page.wait_for_selector(".md-search-result__item")
    titles = page.eval_on_selector_all(
        ".md-search-result__item a[href*='notebooks/training/']",
        "links => links.map(a => a.querySelector('h1, h2').innerText)",
    )
    assert "The flatten variants" in titles, titles
    assert not any("¶" in title for title in titles), titles
    assert errors == []


def test_shell_copy_buttons_copy_the_commands(base_url: str, browser: Browser) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "cli/", wait_until="networkidle")
    sessions = copy_each(page, "div.language-console")
    assert len(sessions) >= 5
    for shown, commands in sessions:
        lines = commands.splitlines()
        assert lines == [line[2:] for line in shown.splitlines() if line.startswith("$ ")]
        assert all(line.startswith("flatviz") for line in lines), commands
    context.close()
