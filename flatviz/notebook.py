"""Jupyter display for the inner layers' objects, drawn by the outer layers.

A plan or a scene shows itself as its picture, but the painters that draw it import the
modules that define them, so those modules cannot import a painter back: `flatviz.display`
(loaded by `import flatviz`) registers here how each type is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: How each type is shown as HTML, by the module that can draw it.
HTML: dict[type, Callable[[Any], str]] = {}


def html(obj: object) -> str | None:
    """`obj` as HTML for Jupyter, or None (Jupyter then shows its text) when no drawing is
    registered for its type."""
    draw = HTML.get(type(obj))
    return None if draw is None else draw(obj)
