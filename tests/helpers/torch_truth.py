"""Ground truth for flatten tests: what torch itself returns, in the terms of a plan."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from flatviz.core.layout import Layout


def storage_len(layout: Layout) -> int:
    """Elements of storage a tensor with ``layout`` needs (strides here are >= 0)."""
    if layout.numel == 0:
        return layout.offset
    last = sum(
        (size - 1) * stride for size, stride in zip(layout.shape, layout.stride, strict=True)
    )
    return layout.offset + last + 1


def make_tensor(layout: Layout, device: str = "cpu") -> torch.Tensor:
    """A tensor with exactly ``layout`` whose value at each position is its storage index
    (on cpu), so flattened values reveal which storage element each result element reads."""
    n = storage_len(layout)
    if device == "meta":
        base = torch.empty(n, dtype=torch.int64, device="meta")
    else:
        base = torch.arange(n, dtype=torch.int64)
    return base.as_strided(layout.shape, layout.stride, layout.offset)


def _root(t: torch.Tensor) -> torch.Tensor:
    return t if t._base is None else t._base


@dataclass(frozen=True)
class TorchFlatten:
    """What torch.flatten returned: its geometry and whether it aliases the input."""

    shape: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int
    is_view: bool
    is_input: bool
    values: list[int] | None


def torch_flatten(x: torch.Tensor, start_dim: int, end_dim: int) -> TorchFlatten:
    """Run torch.flatten and record the result; torch's own exceptions propagate."""
    r = torch.flatten(x, start_dim, end_dim)
    is_view = r is x or (r._base is not None and r._base is _root(x))
    values = None if r.device.type == "meta" else r.reshape(-1).tolist()
    return TorchFlatten(
        tuple(r.shape), tuple(r.stride()), r.storage_offset(), is_view, r is x, values
    )
