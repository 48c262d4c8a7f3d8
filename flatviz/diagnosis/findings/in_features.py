"""`in-features`: a Linear's `in_features` differs from the features that arrive."""

from __future__ import annotations

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import named
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.fixes import linear_argument
from flatviz.diagnosis.rules import resize_linear
from flatviz.diagnosis.trace import Call


def check_call(ctx: Context, call: Call) -> None:
    """Flag a Linear (or F.linear) whose weight does not fit the rows that arrive."""
    if call.name != "linear" or call.seq in ctx.covered or len(call.inputs) < 2:
        return
    x, weight = call.inputs[:2]
    out_features, in_features = weight.shape[0], weight.shape[-1]
    got = x.shape[-1] if x.dim() else 1
    if got == in_features or ctx.explained_by_batch(x):
        return
    message = (
        f"{named(call)} has in_features={in_features}, but {tuple_text(x.shape)} arrives: "
        f"{got} features per row."
    )
    fix = f"nn.Linear({got}, {out_features}), or nn.LazyLinear({out_features})"
    change = resize_linear(in_features=got)
    edits = linear_argument(ctx.model, call, (0, "in_features", got), fix, change)
    numbers = {"in_features": in_features, "arrives": got, "out_features": out_features}
    ctx.add(
        "in-features",
        call,
        message,
        fix,
        numbers=numbers,
        change=edits,
        follows=ctx.changed_by(x),
    )
