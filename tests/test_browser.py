"""The built site in a real browser: Debian's Chromium driven by Playwright.

Every page loads with no console error and no request to another host, every image loads
and has alt text, the dark toggle switches the diagrams, and search finds the view-or-copy
page. Screenshots of key pages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
KEY_PAGES = ["", "view-or-copy/", "gallery/", "flatviz-guide/", "notebooks/training/"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


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
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="networkidle")
    return page, errors, requests


def test_every_page_loads_cleanly(site: Path, base_url: str, browser: Browser) -> None:
    paths = pages_of(site)
    assert len(paths) >= 16
    problems = []
    for path in paths:
        page, errors, requests = open_page(browser, base_url + path)
        foreign = [u for u in requests if urlsplit(u).scheme in ("http", "https")
                   and urlsplit(u).hostname != "127.0.0.1"]  # fmt: skip
        images = page.eval_on_selector_all(
            "img",
            "imgs => imgs.map(i => [i.getAttribute('src').slice(0, 60), i.complete,"
            " i.naturalWidth, (i.getAttribute('alt') || '').trim().length])",
        )
        broken = [src for src, complete, width, _ in images if not (complete and width > 0)]
        no_alt = [src for src, _, _, alt in images if alt == 0]
        if errors or foreign or broken or no_alt:
            problems.append((path, errors, foreign, broken, no_alt))
        if path in KEY_PAGES:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        page.context.close()
    assert problems == []


def visible_diagram_themes(page: Page) -> set[str]:
    """Which variants (#only-light / #only-dark) of the diagrams are showing."""
    shown = page.eval_on_selector_all(
        "img[src$='#only-light'], img[src$='#only-dark']",
        "imgs => imgs.filter(i => i.offsetParent !== null).map(i => i.src.split('#').pop())",
    )
    return set(shown)


def test_dark_toggle_switches_the_diagrams(base_url: str, browser: Browser) -> None:
    page, errors, _ = open_page(browser, base_url + "view-or-copy/")
    assert visible_diagram_themes(page) == {"only-light"}
    page.click("label[title='Switch to dark mode']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert visible_diagram_themes(page) == {"only-dark"}
    page.screenshot(path=str(ARTIFACTS / "view-or-copy-dark.png"))
    page.click("label[title='Switch to light mode']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    assert visible_diagram_themes(page) == {"only-light"}
    assert errors == []


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
