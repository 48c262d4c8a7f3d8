"""Read a torch tensor's layout: sizes, element strides and storage offset.

Reads metadata only, so it works on any device (`meta` included) at a cost that does
not depend on the number of elements.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from flatviz.core.cells import ValueReader, format_value
from flatviz.core.layout import Layout, address

#: Storages up to this many elements are read whole (one `tolist`), larger ones gathered.
SMALL_STORAGE = 4096


def layout_from_tensor(t: torch.Tensor) -> Layout:
    """The `Layout` of a strided tensor; sparse, nested and quantized tensors are
    refused with a ValueError naming their layout, since they have no single stride."""
    if t.is_nested:
        raise ValueError(
            f"flatviz needs a strided tensor, got a nested tensor with layout {t.layout} "
            f"(its components have no single shape and stride)"
        )
    if t.layout != torch.strided:
        raise ValueError(
            f"flatviz needs a strided tensor, got a sparse tensor with layout {t.layout}"
        )
    if t.is_quantized:
        raise ValueError(
            f"flatviz needs a plain strided tensor, got a quantized tensor ({t.dtype}, "
            f"qscheme {t.qscheme()})"
        )
    return Layout(tuple(t.shape), t.stride(), int(t.storage_offset()))


def value_reader(t: torch.Tensor) -> ValueReader | None:
    """Reads the cell text of just the elements asked for, whatever numel is; None for
    meta tensors, which have no values."""
    if t.device.type == "meta":
        return None

    def read(indices: Sequence[tuple[int, ...]]) -> list[str]:
        if not indices:
            return []
        if t.dim() == 0:
            return [format_value(t.item())] * len(indices)
        layout = layout_from_tensor(t)
        addresses = [address(layout, i) for i in indices]
        size = storage_elements(t)
        storage = t.detach().as_strided((size,), (1,), 0)  # the whole storage, flat
        if size <= SMALL_STORAGE:
            values = storage.tolist()
            return [format_value(values[a]) for a in addresses]
        picked = storage[torch.tensor(addresses, dtype=torch.long, device=t.device)]
        return [format_value(v) for v in picked.tolist()]

    return read


def storage_elements(t: torch.Tensor) -> int:
    """Size of the tensor's storage, in elements of its dtype."""
    return int(t.untyped_storage().nbytes()) // t.element_size()
