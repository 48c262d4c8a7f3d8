"""Where `Layout` was: it lives in `flatviz.core.layout` now.

scene.py (being split into a package by the figures work) still imports these names from
here; this module goes when it imports them from `flatviz.core.layout`.
"""

from flatviz.core.layout import Layout, ravel, unravel

__all__ = ["Layout", "ravel", "unravel"]
