"""`unbatched-input`: the first conv (or a Linear fed the raw input) sees one dim fewer
than a batch has, so later layers take the sample's first dim for the batch."""

from __future__ import annotations

import torch

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import CONVS, named
from flatviz.diagnosis.finding import Edit
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.fixes import Fix


def check(ctx: Context, model_input: torch.Tensor | None) -> None:
    """Flag the input when the first batched layer gets one sample without its batch dim."""
    for call in ctx.trace.calls:
        if call.name in CONVS and len(call.inputs) > 1:
            x, weight = call.inputs[:2]
            if x.dim() != weight.dim() - 1:
                return
        elif call.name == "linear" and call.inputs and call.inputs[0] is model_input:
            x = call.inputs[0]
            if x.dim() != 1:
                return
        else:
            continue
        ctx.add(
            "unbatched-input",
            call,
            f"{named(call)} takes a batch of samples, but the input {tuple_text(x.shape)} is one "
            f"sample without the batch dim, so later layers take its first dim for the batch.",
            f"model(x.unsqueeze(0)), whose shape is {tuple_text((1, *x.shape))}",
            raised=True,
            numbers={"dims": x.dim()},
            change=Fix((Edit("input", "call the model on x.unsqueeze(0): a batch of one"),)),
        )
        ctx.unbatched = True
        return
