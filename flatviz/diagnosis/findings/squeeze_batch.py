"""`squeeze-batch`: `x.squeeze()` with no dim removes every dim of size 1, the batch dim
too when the batch is 1, so a model that runs at batch size 8 breaks at 1 (inference on
one image). An error when the run is at batch size 1, a warning otherwise."""

from __future__ import annotations

from flatviz.core.text import tuple_text
from flatviz.diagnosis.batch import output_tensors
from flatviz.diagnosis.describe import named
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.fixes import at_call
from flatviz.diagnosis.rules import Change, flatten_rows, squeeze_dims
from flatviz.diagnosis.source import flattened, with_dims
from flatviz.diagnosis.trace import Call


def _breaks(ctx: Context) -> bool:
    """True when the run at batch size 1 shows the loss: it raised, or the model's output
    has another rank than at the second batch size."""
    if ctx.trace.error is not None:
        return True
    for out in output_tensors(ctx.trace.output):
        twin = ctx.batch.pairs.get(id(out))
        if twin is None or twin.dim() != out.dim():
            return True
    return False


def check_call(ctx: Context, call: Call) -> None:
    """Flag a squeeze without dims of a tensor whose dim 0 is the batch."""
    if call.name != "squeeze" or not call.inputs or len(call.args) > 1 or call.kwargs:
        return
    x = call.inputs[0]
    dims = ctx.batch.of(x)
    if not dims or dims.get(0) != 1:
        return
    ones = tuple(d for d in range(1, x.dim()) if x.shape[d] == 1)
    twin = ctx.batch.calls.get(call.seq)
    twin_in = None if twin is None or not twin.inputs else twin.inputs[0]
    if x.shape[0] == 1 and twin_in is not None:
        ones = tuple(d for d in range(1, twin_in.dim()) if twin_in.shape[d] == 1)
    if not ones and x.shape[0] != 1:
        return
    kept = tuple(s for d, s in enumerate(x.shape) if d not in ones)
    written = str(ones[0]) if len(ones) == 1 else tuple_text(ones)
    if ones == tuple(range(2, x.dim())):  # (B, C, 1, 1): one row of C per sample
        fix = at_call(call, flattened, "x.flatten(1)", flatten_rows)
    else:
        change: Change = squeeze_dims(ones)
        fix = at_call(call, lambda text: with_dims(text, written), f"squeeze({written})", change)
    if x.shape[0] == 1 and _breaks(ctx):
        out = call.output.shape if call.output is not None else ()
        message = (
            f"{named(call)} removes every dim of size 1, the batch's too at batch size 1: "
            f"{tuple_text(x.shape)} becomes {tuple_text(out)}, not {tuple_text(kept)}."
        )
        severity = "error"
    elif x.shape[0] == 1:
        message = (
            f"{named(call)} removes every dim of size 1, the batch's too at batch size 1; "
            f"the model copes here, but the rows after it are not the samples."
        )
        severity = "warning"
    else:
        message = (
            f"{named(call)} removes every dim of size 1: here it gives {tuple_text(kept)}, "
            f"but at batch size 1 it would remove the batch dim too."
        )
        severity = "warning"
    ctx.add(
        "squeeze-batch",
        call,
        message,
        fix.edits[0].new or fix.edits[0].text,
        severity=severity,
        numbers={"dims": ones},
        change=fix,
    )
