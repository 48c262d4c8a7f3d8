"""What the diagram draws, worked out once for every panel and width: the elements the
grids show, with their storage addresses, read orders, cell texts, colours and tooltips."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flatviz.core.cells import ValueReader, check_cell_text
from flatviz.core.layout import Layout, address, ravel, unravel
from flatviz.palette import shade_of
from flatviz.plan import FlattenPlan
from flatviz.scene.grid import Index, cell_width, drawn, shown
from flatviz.scene.numbers import compact
from flatviz.scene.primitives import Box
from flatviz.style import CELL_H

#: Tensors with at most this many elements are drawn whole.
FULL_LIMIT = 64
#: Most element cells one grid may draw: eliding keeps a few per dim, so the count grows
#: exponentially with the number of dims, and a diagram must stay bounded in time.
MAX_CELLS = 4096


@dataclass
class Elements:
    """The drawn elements of one flatten: the input's, and the input elements the
    result's drawn cells copy or view."""

    plan: FlattenPlan
    name: str
    cell_text: str
    edge: int
    storage_size: int | None
    values: dict[Index, str]
    addresses: dict[Index, int]
    inputs: list[Index] = field(default_factory=list)  # drawn input elements, in read order
    cell_w: float = 0.0
    _sources: dict[Index, Index] = field(default_factory=dict)

    @property
    def layout(self) -> Layout:
        return self.plan.layout

    @property
    def elide(self) -> bool:
        return self.layout.numel > FULL_LIMIT

    def source(self, i: Index) -> Index:
        """The input element result element `i` reads (flatten keeps row-major order)."""
        if i not in self._sources:
            layout = self.layout
            self._sources[i] = (
                unravel(ravel(i, self.plan.shape), layout.shape) if layout.ndim else ()
            )
        return self._sources[i]

    def read(self, source: Index) -> int:
        """When flatten reads input element `source` (read 0 is first)."""
        return ravel(source, self.layout.shape)

    def shade(self, read: int) -> int:
        return shade_of(read, self.layout.numel)

    def label(self, source: Index) -> str:
        """What the cell of input element `source` shows."""
        if self.cell_text == "values":
            return self.values[source]
        return compact(self.addresses[source])

    def cell(self, section: str, index: Index, x: float, y: float) -> Box:
        """The cell of element `index` of the input or the result, at (x, y)."""
        source = index if section == "input" else self.source(index)
        grid_name = self.name if section == "input" else "result"
        where = f"{grid_name}[{', '.join(map(str, index))}]" if index else grid_name
        read = self.read(source)
        value = f", value {self.values[source]}" if self.values else ""
        a = self.addresses[source]
        return Box(
            x, y, self.cell_w, CELL_H, "cell", self.shade(read), self.label(source),
            f"{section}: {where}, read {read}, address {a}{value}",
            section=section, key=a, order=compact(read),
        )  # fmt: skip


def _check(
    plan: FlattenPlan, values: ValueReader | None, name: str, cell_text: str, edge: int
) -> None:
    """Raise ValueError for options no diagram can be drawn with."""
    check_cell_text(cell_text, values)
    if edge < 1:
        raise ValueError(f"edge_items must be >= 1, got {edge}")
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    layout = plan.layout
    elide = layout.numel > FULL_LIMIT
    cells = math.prod(len(shown(size, edge, elide)) for size in layout.shape)
    if cells > MAX_CELLS:
        raise ValueError(
            f"the diagram of a {layout.ndim}-d tensor would draw {cells} cells, more than "
            f"{MAX_CELLS}: index, squeeze or flatten some dims first, or lower edge_items"
        )


def elements(
    plan: FlattenPlan,
    values: ValueReader | None,
    *,
    name: str,
    cell_text: str,
    edge_items: int,
    storage_size: int | None,
) -> Elements:
    """The elements the diagram of `plan` draws (arguments as for `build_scene`)."""
    _check(plan, values, name, cell_text, edge_items)
    layout = plan.layout
    el = Elements(plan, name, cell_text, edge_items, storage_size, {}, {})
    el.inputs = list(drawn(layout.shape, edge_items, el.elide))
    results = [el.source(i) for i in drawn(plan.shape, edge_items, el.elide)]
    sources = list(dict.fromkeys(el.inputs + results))
    if values is not None:
        el.values = dict(zip(sources, values(sources), strict=True))
    el.addresses = {i: address(layout, i) for i in sources}
    el.cell_w = cell_width([el.label(i) for i in sources])
    return el
