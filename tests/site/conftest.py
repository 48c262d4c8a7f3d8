"""Fixtures of the site tests: the docs site, built once per session, served on 127.0.0.1,
Debian's Chromium driven by Playwright, and the URL path of every page. Every test in this
folder is marked ``site``."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of tests/site/ ``site``, so `make check` can leave them out. On
    pytest-xdist workers the site is built by the first test that asks for it while the
    others wait, so one site test goes first (its worker builds the site while the other
    workers run the tests that need none) and the rest go last."""
    site = [item for item in items if HERE in item.path.resolve().parents]
    for item in site:
        item.add_marker(pytest.mark.site)
    chosen = set(map(id, site))
    others = [item for item in items if id(item) not in chosen]
    items[:] = site[:1] + others + site[1:]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``mkdocs build --strict`` makes it (notebooks executed), in a temp dir, or
    in $FLATVIZ_TEST_SITE (`make test` sets it, so its second pytest run reuses the site):
    built once, by whichever pytest-xdist worker asks first (the others wait)."""
    given = os.environ.get("FLATVIZ_TEST_SITE")
    shared = tmp_path_factory.getbasetemp()
    if given:
        shared = Path(given)
        shared.mkdir(parents=True, exist_ok=True)
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    out, done = shared / "site", shared / "site.built"
    with FileLock(str(shared / "site.lock")):
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            run = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            assert run.returncode == 0, run.stderr[-5000:]
            done.touch()
    return out


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
    """Debian's Chromium, headless, for the tests of one module."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def pages(site: Path) -> list[str]:
    """The URL path of every page of the built site."""
    return sorted(
        "" if p.parent == site else f"{p.parent.relative_to(site).as_posix()}/"
        for p in site.rglob("index.html")
        if p.parent.name != "search"
    )
