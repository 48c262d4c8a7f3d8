"""The docs site builds with ``mkdocs build --strict`` and asks no other host for anything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

# Attributes that make a browser fetch something (links a reader may click are fine, and so
# is the canonical URL that mkdocs names from site_url: a browser fetches nothing there).
FETCHING = re.compile(
    r'<(?:script|img|link|iframe|source)\b(?![^>]*\brel="canonical")[^>]*\b(?:src|href)="(//|https?://)'
)


DOCS = Path(__file__).resolve().parents[2] / "docs"


def page_of(source: Path) -> str:
    """Where mkdocs writes the page for a docs source file (directory URLs)."""
    relative = source.relative_to(DOCS).with_suffix("")
    return "index.html" if relative.name == "index" else f"{relative.as_posix()}/index.html"


def test_every_page_is_built(site: Path) -> None:
    sources = [*DOCS.rglob("*.md"), *DOCS.glob("notebooks/*.py")]
    assert len(sources) >= 16
    for source in sources:
        assert (site / page_of(source)).is_file(), source
    assert "channels_last: only H and W merge" in (site / "view-or-copy/index.html").read_text()


def test_pages_are_reproducible(site: Path, tmp_path: Path) -> None:
    """A second build gives the same bytes for every page built from Markdown (notebooks
    are skipped: they are re-executed, and the copy-cost one measures time)."""
    again = tmp_path / "again"
    env = {**os.environ, "MKDOCS_JUPYTER_EXECUTE": "false"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(again)],
        cwd=DOCS.parent, env=env, capture_output=True, check=True,
    )  # fmt: skip
    pages = [page_of(p) for p in DOCS.rglob("*.md")]
    assert pages
    for page in pages:
        assert (site / page).read_bytes() == (again / page).read_bytes(), page


def test_no_page_fetches_from_another_host(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert pages
    offenders = {str(p.relative_to(site)): FETCHING.findall(p.read_text()) for p in pages}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert "fonts.googleapis.com" not in "".join(p.read_text() for p in pages)
