"""Where the browser tests leave their screenshots and reports (CI keeps test-artifacts/),
and what a page says while it is tested."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPORTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARTIFACTS = REPORTS / "screenshots"


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Lists that fill as `page` logs an error or throws, and with every URL it asks for."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    return errors, requests
