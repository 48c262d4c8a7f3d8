"""`out-features`: a view asks each sample for more (or fewer) values than the Linear
before it returns: `w.view(B, C, 1, 1)` after a Linear with `out_features != C`, as in a
squeeze-excitation block whose layers were not resized with its convs."""

from __future__ import annotations

import math

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import named
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.findings.shapes import resolve, shape_args
from flatviz.diagnosis.fixes import linear_argument
from flatviz.diagnosis.rules import resize_linear
from flatviz.diagnosis.trace import Call

#: Ops that keep each value where it is: the walk back from the view to its Linear.
_ELEMENTWISE = frozenset(
    {"relu", "relu_", "gelu", "silu", "sigmoid", "tanh", "hardsigmoid", "hardswish"}
    | {"dropout", "leaky_relu", "mul", "add", "__mul__", "__add__", "softmax", "sigmoid_"}
)


def check_call(ctx: Context, call: Call) -> None:
    """Flag the Linear whose out_features a failing view needs to be otherwise."""
    if call.name not in ("view", "reshape") or call.error is None or call.seq in ctx.blamed:
        return
    x, shape = call.inputs[0], shape_args(call)
    dims = ctx.batch.of(x)
    if shape is None or -1 in shape or not dims or dims.get(0) != 1 or x.dim() != 2:
        return
    if resolve(shape, x.numel()) is not None or shape[0] != x.shape[0]:
        return
    linear = ctx.source(x, {"linear"}, _ELEMENTWISE)
    needed, got = math.prod(shape[1:]), x.shape[1]
    if linear is None or linear.seq in ctx.blamed or len(linear.inputs) < 2:
        return
    ctx.blamed.add(call.seq)
    in_features = linear.inputs[1].shape[-1]
    fix = f"nn.Linear({in_features}, {needed})"
    message = (
        f"{named(call)} needs {needed} values per sample, but {named(linear)} returns "
        f"{got} (out_features={got}), so its {tuple_text(x.shape)} cannot take the shape "
        f"{tuple_text(shape)}."
    )
    change = resize_linear(out_features=needed)
    edits = linear_argument(ctx.model, linear, (1, "out_features", needed), fix, change)
    numbers = {"out_features": got, "needed": needed, "in_features": in_features}
    ctx.add("out-features", linear, message, fix, raised=True, numbers=numbers, change=edits)
