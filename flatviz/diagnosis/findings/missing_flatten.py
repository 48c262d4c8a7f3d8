"""`missing-flatten`: a Linear applied to a conv activation of 3 or more dims mixes only
its last dim (a width), not each sample's features."""

from __future__ import annotations

import math

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import named
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.fixes import at_call, flatten_before
from flatviz.diagnosis.rules import resize_linear
from flatviz.diagnosis.trace import Call


def check_call(ctx: Context, call: Call) -> None:
    """Flag a Linear whose input is a conv's feature map."""
    if call.name != "linear" or call.seq in ctx.covered or len(call.inputs) < 2:
        return
    x, weight = call.inputs[:2]
    conv = ctx.conv_source(x) if x.dim() >= 3 else None
    if conv is None:
        return
    ctx.covered.add(call.seq)
    out_features, in_features = weight.shape[0], weight.shape[-1]
    features = math.prod(x.shape[1:])
    message = (
        f"{named(call)} is applied to the {x.dim()}-d activation {tuple_text(x.shape)} of "
        f"{named(conv)}, so it mixes only the last dim ({x.shape[-1]} values) instead of "
        f"each sample's {features} features."
    )
    linear = "" if features == in_features else f" and nn.Linear({features}, {out_features})"
    fix = f"add nn.Flatten() before it, which gives {tuple_text((x.shape[0], features))}{linear}"
    change = resize_linear(in_features=features, flatten=True)
    if call.in_layer and call.layer is not None:
        sized = None if features == in_features else features
        entry = ctx.flatten_entry(call.layer)
        edits = flatten_before(ctx.model, call.layer, entry, sized, fix, change)
    else:
        edits = at_call(call, lambda text: None, fix, change)
    numbers = {
        "features": features,
        "in_features": in_features,
        "out_features": out_features,
        "width": x.shape[-1],
    }
    ctx.add(
        "missing-flatten",
        call,
        message,
        fix,
        numbers=numbers,
        change=edits,
    )
