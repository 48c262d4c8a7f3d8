"""How a recorded call reads in a report: its place, how the user wrote it, its shapes."""

from __future__ import annotations

import torch

from flatviz.diagnosis.trace import Call
from flatviz.explain import explain
from flatviz.plan import compute_stride

#: Calls that change a shape the way flatten does, and get a view-or-copy verdict.
FLATTEN_LIKE = frozenset({"flatten", "view", "reshape", "ravel"})
#: Calls that contract a dim of their first input: linear and matmul its last, conv dim 1.
CONTRACTING = {"linear": -1, "matmul": -1, "mm": -1, "bmm": -1, "__matmul__": -1}
CONVS = frozenset({"conv1d", "conv2d", "conv3d"})


def where(call: Call) -> str:
    """A call's place: its layer's qualified name, or the user's source line."""
    if call.in_layer:
        assert call.layer is not None
        return call.layer.name
    return call.site or "?"


def row_of(call: Call) -> int:
    """The table row a call shows in: its layer's, or its own."""
    return call.layer.seq if call.in_layer and call.layer is not None else call.seq


def label(call: Call) -> str:
    """How the user wrote the call, e.g. `torch.flatten(x)`, `x.view(-1, 256)`, `Flatten`."""
    if call.in_layer and call.layer is not None:
        return type(call.layer.module).__name__
    if call.name in ("matmul", "__matmul__"):
        return "x @ y"
    rest = ["y" if isinstance(a, torch.Tensor) else repr(a) for a in call.args[1:]]
    rest += [f"{k}={v!r}" for k, v in call.kwargs.items() if not isinstance(v, torch.Tensor)]
    qualname = str(getattr(call.func, "__qualname__", ""))
    if qualname.startswith(("TensorBase.", "Tensor.")):
        return f"x.{call.name}({', '.join(rest)})"
    prefix = "F" if getattr(call.func, "__module__", "").startswith("torch._C._nn") else "torch"
    return f"{prefix}.{call.name}({', '.join(['x', *rest])})"


def named(call: Call) -> str:
    """A call for a sentence: `Linear at fc`, or how the user wrote it."""
    return f"{label(call)} at {where(call)}" if call.in_layer else label(call)


def samples(n: int) -> str:
    """`1 sample`, `8 samples`."""
    return f"{n} sample{'' if n == 1 else 's'}"


def is_view(call: Call) -> bool | None:
    """Whether a flatten-like call returns a view of its input (None: not flatten-like)."""
    if call.name not in FLATTEN_LIKE or not call.inputs or call.output is None:
        return None
    src = call.inputs[0]
    if call.name == "flatten":
        dims = [a for a in call.args[1:] if isinstance(a, int)]
        start = call.kwargs.get("start_dim", dims[0] if dims else 0)
        end = call.kwargs.get("end_dim", dims[1] if len(dims) > 1 else -1)
        return explain(src, start, end).is_view
    return compute_stride(src.shape, src.stride(), call.output.shape) is not None
