"""The flatten diagram as plain data: boxes, texts, lines and dots in px, in panels.

Everything a painter needs is decided here, so tests can check the picture without
pixels and a painter only paints. The picture teaches the rule: a rule panel with each
adjacent pair's check (the blocking pair outlined), the input with its axes, the storage
numbered in the order flatten reads it, a chart of address against read order (a view is
one straight run, a copy a sawtooth), and the result. Every element is coloured by its
read order and keyed by its storage address in every panel, so a painter can link them.
The layout step places the panels for a target width: two columns on a desktop, one on
a phone. Large tensors are elided the way torch prints them, so the cost grows with the
cells drawn, never with numel.
"""

from flatviz.scene.build import MIN_WIDTH, build_scene
from flatviz.scene.chart import CHART_LIMIT, chart_reads, first_break
from flatviz.scene.elements import FULL_LIMIT, MAX_CELLS
from flatviz.scene.grid import shown
from flatviz.scene.numbers import compact
from flatviz.scene.primitives import Box, Dot, Line, Panel, Placement, Scene, Text
from flatviz.scene.storage import STORAGE_LIMIT

__all__ = [
    "CHART_LIMIT",
    "FULL_LIMIT",
    "MAX_CELLS",
    "MIN_WIDTH",
    "STORAGE_LIMIT",
    "Box",
    "Dot",
    "Line",
    "Panel",
    "Placement",
    "Scene",
    "Text",
    "build_scene",
    "chart_reads",
    "compact",
    "first_break",
    "shown",
]
