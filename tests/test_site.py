"""The docs site builds with ``mkdocs build --strict`` and asks no other host for anything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Attributes that make a browser fetch something (links a reader may click are fine).
FETCHING = re.compile(r'<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="(//|https?://)')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return out


def test_every_page_is_built(site: Path) -> None:
    for page in ["index.html", "view-or-copy/index.html"]:
        assert (site / page).is_file(), page
    assert "channels_last: only H and W merge" in (site / "view-or-copy/index.html").read_text()


def test_no_page_fetches_from_another_host(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert pages
    offenders = {str(p.relative_to(site)): FETCHING.findall(p.read_text()) for p in pages}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert "fonts.googleapis.com" not in "".join(p.read_text() for p in pages)
