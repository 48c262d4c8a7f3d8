"""Where the browser tests leave their screenshots and reports (CI keeps test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARTIFACTS = REPORTS / "screenshots"
