"""The error the user sees on their own device, for an op that failed on meta.

Meta words some errors differently (a Linear mismatch says `a and b must have same
reduction dim` there, `mat1 and mat2 shapes cannot be multiplied` on CPU). Re-running the
one failing op on the user's device with zero-memory inputs raises the real message
without allocating: every tensor becomes a 0-d zero expanded to its shape (stride 0).
"""

from __future__ import annotations

from typing import Any

import torch

from flatviz.core.text import first_line
from flatviz.diagnosis.devices import no_meta_kernel
from flatviz.diagnosis.trace import Call

#: Ops whose error depends on strides, which expanded stand-ins do not keep; meta words
#: them as the other devices do, so their meta message is quoted as is.
STRIDE_SENSITIVE = frozenset({"view", "view_as", "as_strided"})


def _zeros_like(value: Any, device: torch.device) -> Any:
    """Zero-memory stand-ins on `device` for the tensors in `value`: a 0-d zero expanded."""
    if isinstance(value, torch.Tensor):
        return torch.zeros((), dtype=value.dtype, device=device).expand(value.shape)
    if isinstance(value, (list, tuple)):
        return type(value)(_zeros_like(v, device) for v in value)
    return value


def quote(call: Call, device: torch.device) -> str:
    """The failing call's error message as `device` words it."""
    assert call.error is not None
    if device.type == "meta" or call.name in STRIDE_SENSITIVE or no_meta_kernel(call.error):
        return first_line(call.error)  # the last: on a real device it would run, and allocate
    args = _zeros_like(call.args, device)
    kwargs = {k: _zeros_like(v, device) for k, v in call.kwargs.items()}
    try:
        with torch.no_grad():
            call.func(*args, **kwargs)
    except Exception as err:
        return first_line(err)
    return first_line(call.error)
