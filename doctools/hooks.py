"""mkdocs hooks (``hooks:`` in mkdocs.yml): make ``doctools`` importable by page code, and
put each inline figure in a box of its own that scrolls sideways when it is wider than the
column, named after the figure's title.

markdown-exec runs page code inside the mkdocs process, whose ``sys.path`` need not hold the
repository root; notebook kernels are child processes, so they get it through PYTHONPATH.
markdown-exec writes an ``html="true"`` fence's output straight into the article, with no
element around it that CSS could let scroll; ``wrap_figures`` adds one. The box is focusable
(so the keyboard can scroll it) and named; javascripts/a11y.js takes the focus back from any
box that has nothing to scroll, and gives it to notebook code cells that do.
"""

from __future__ import annotations

import html as markup
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
#: A scroll box's opening tag; the explorer's script writes the same one (docs/explorer/).
SCROLL_BOX = '<div class="fv-scroll" role="group" tabindex="0" aria-label="{label}">'

_SVG_TAG = re.compile(r"<(/?)svg\b[^>]*>")
_CLASS = re.compile(r'\bclass="([^"]*)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_BOXED = re.compile(r'<div class="fv-scroll"[^>]*>\s*$')


def scroll_box(svg: str) -> str:
    """The opening tag of the scroll box for ``svg``, named by the figure's first title."""
    title = _TITLE.search(svg)
    label = " ".join(markup.unescape(title.group(1)).split()) if title else "Figure"
    return SCROLL_BOX.format(label=markup.escape(label, quote=True))


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
                if not _BOXED.search(html, done, start):
                    figure = html[start : tag.end()]
                    parts += [html[done:start], scroll_box(figure), figure, "</div>"]
                    done = tag.end()
                start = -1
    return "".join(parts) + html[done:]


def on_page_content(html: str, **_: Any) -> str:
    """mkdocs event: the page's HTML, figures wrapped."""
    return wrap_figures(html)
