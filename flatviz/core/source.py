"""What a picture needs from an array: its layout, a reader of its values, its storage size."""

from __future__ import annotations

from typing import NamedTuple

from flatviz.core.cells import ValueReader
from flatviz.core.layout import Layout


class Source(NamedTuple):
    """An array as flatviz reads it.

    Attributes:
        layout: Where each element lives in storage.
        values: Reads the cell text of given elements; None when there are no values
            (a `meta` tensor, a bare `Layout`).
        storage_size: The storage's size in elements, when known (marks unread storage).
    """

    layout: Layout
    values: ValueReader | None
    storage_size: int | None
