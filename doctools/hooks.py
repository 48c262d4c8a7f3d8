"""mkdocs hooks (``hooks:`` in mkdocs.yml): make ``doctools`` importable by page code, and
put each inline figure in a box of its own that scrolls sideways when it is wider than the
column.

markdown-exec runs page code inside the mkdocs process, whose ``sys.path`` need not hold the
repository root; notebook kernels are child processes, so they get it through PYTHONPATH.
markdown-exec writes an ``html="true"`` fence's output straight into the article, with no
element around it that CSS could let scroll; ``wrap_figures`` adds one.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = str(Path(__file__).resolve().parent.parent)

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
_paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
if ROOT not in _paths:
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [ROOT, *_paths] if p)

#: Classes of the figures to wrap: flatviz diagrams and doctools.figures output.
FIGURE_CLASSES = ("flatviz", "fv-figure")
SCROLL_BOX = '<div class="fv-scroll" tabindex="0">'

_SVG_TAG = re.compile(r"<(/?)svg\b[^>]*>")
_CLASS = re.compile(r'\bclass="([^"]*)"')


def _is_figure(tag: str) -> bool:
    found = _CLASS.search(tag)
    return found is not None and any(c in found.group(1).split() for c in FIGURE_CLASSES)


def wrap_figures(html: str) -> str:
    """``html`` with every outermost figure ``<svg>`` put in a scroll box (once: a figure
    already directly in one is left alone)."""
    parts: list[str] = []
    done = 0
    depth = 0
    start = -1
    for tag in _SVG_TAG.finditer(html):
        closing = tag.group(1) == "/"
        if not closing and depth == 0:
            start = tag.start() if _is_figure(tag.group(0)) else -1
        if not closing and not tag.group(0).endswith("/>"):
            depth += 1
        elif closing:
            depth -= 1
            if depth == 0 and start >= 0:
                if not html[:start].rstrip().endswith(SCROLL_BOX):
                    parts += [html[done:start], SCROLL_BOX, html[start : tag.end()], "</div>"]
                    done = tag.end()
                start = -1
    return "".join(parts) + html[done:]


def on_page_content(html: str, **_: Any) -> str:
    """mkdocs event: the page's HTML, figures wrapped."""
    return wrap_figures(html)
