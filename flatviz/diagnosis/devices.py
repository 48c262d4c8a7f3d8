"""Where meta differs from a real device: the memory format some ops return, and ops with
no meta kernel at all, which run on small CPU zeros instead."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import torch

#: Where an op has no meta kernel, it runs on CPU with zeros if its inputs take at most this.
FALLBACK_BYTES = 64 * 2**20


def device_layout(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    out: torch.Tensor,
) -> torch.Tensor:
    """A meta result in the memory format torch's CPU kernels give it: meta returns convs
    (and reflect or replicate padding) contiguous, CPU keeps a channels_last input's order
    (for a conv, a channels_last weight's too). The call's keywords come as one mapping,
    never spread: they may be named anything, `out` included (`F.normalize` passes it)."""
    name = getattr(func, "__name__", "")
    mode = kwargs.get("mode", args[2] if len(args) > 2 else "")
    if name in _FOLLOW_WEIGHT:
        tensors = args[:2]
    elif name == "pad" and isinstance(mode, str) and mode in _PADS:
        tensors = args[:1]
    else:
        return out
    memory = torch.channels_last if out.dim() == 4 else torch.channels_last_3d
    if out.device.type != "meta" or out.dim() not in (4, 5):
        return out
    if out.is_contiguous(memory_format=memory):
        return out
    if any(_in_order(t, out.dim(), memory) for t in tensors):
        return out.contiguous(memory_format=memory)
    return out


def _in_order(t: object, dim: int, memory: torch.memory_format) -> bool:
    """True for a `dim`-d tensor in `memory` order (channels_last) and not contiguous."""
    if not isinstance(t, torch.Tensor) or t.dim() != dim or t.is_contiguous():
        return False
    return t.is_contiguous(memory_format=memory)


#: Ops whose CPU output is channels_last when their input or weight is.
_FOLLOW_WEIGHT = frozenset({"conv2d", "conv3d", "conv_transpose2d", "conv_transpose3d"})
#: `F.pad` modes whose CPU output keeps a channels_last input's order (meta's does not).
_PADS = frozenset({"reflect", "replicate"})


def no_meta_kernel(err: Exception) -> bool:
    """True for the errors torch raises when an op has no meta (or fake) implementation."""
    text = str(err)
    return "'Meta' backend" in text or "no fake impl registered" in text


def _map(value: Any, tensor: Callable[[torch.Tensor], torch.Tensor]) -> Any:
    """`value` with `tensor` applied to every tensor inside it."""
    if isinstance(value, torch.Tensor):
        return tensor(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map(v, tensor) for v in value)
    if isinstance(value, dict):
        return {k: _map(v, tensor) for k, v in value.items()}
    return value


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    """The tensors inside `value`."""
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def tensor_bytes(value: Any) -> int:
    """The bytes the tensors in `value` would take as real CPU tensors."""
    return sum(t.numel() * t.element_size() for t in _tensors(value))


def on_cpu(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run an op that has no meta kernel on CPU zeros of the same shapes; meta results."""

    def zeros(t: torch.Tensor) -> torch.Tensor:
        return torch.zeros(t.shape, dtype=t.dtype)

    def meta(t: torch.Tensor) -> torch.Tensor:
        return torch.empty_strided(t.shape, t.stride(), dtype=t.dtype, device="meta")

    with torch.no_grad():
        out = func(*_map(args, zeros), **_map(kwargs, zeros))
    return _map(out, meta)
