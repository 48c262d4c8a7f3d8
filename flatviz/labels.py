"""Where the cell text helpers were: they live in `flatviz.core.cells` now.

scene.py (being split into a package by the figures work) still imports `Labeler` from
here; this module goes when it imports `ValueReader` from `flatviz.core.cells`.
"""

from flatviz.core.cells import ValueReader as Labeler
from flatviz.core.cells import format_value

__all__ = ["Labeler", "format_value"]
