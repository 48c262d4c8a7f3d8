"""Pytest wiring: every fenced block of the docs and README, and every docstring doctest, runs."""

from pathlib import Path

from tests.docfences import docstring_sybil, markdown_sybil

ROOT = str(Path(__file__).parent)

pytest_collect_file = (
    markdown_sybil(ROOT, ["docs/**/*.md", "README.md"]) + docstring_sybil(ROOT, ["flatviz/**/*.py"])
).pytest()
