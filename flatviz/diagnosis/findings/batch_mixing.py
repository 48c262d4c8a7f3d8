"""`batch-mixing`: a call contracts a dim that carries the batch, so samples are summed
together. An error when a flatten merged the batch into that dim, a warning otherwise
(a statistic over the batch contracts it on purpose)."""

from __future__ import annotations

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import CONTRACTING, CONVS, named, samples
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.trace import Call


def check_call(ctx: Context, call: Call) -> None:
    """Flag a linear, matmul or conv whose contracted dim carries the batch."""
    if (call.name not in CONTRACTING and call.name not in CONVS) or not call.inputs:
        return
    x = call.inputs[0]
    dim = 1 if call.name in CONVS else CONTRACTING.get(call.name, -1)
    dims = ctx.batch.of(x)
    if not dims or dim % max(x.dim(), 1) not in dims:
        return
    ctx.covered.add(call.seq)
    merge = ctx.merged_batch(x)
    culprit = merge or call
    if culprit.seq in ctx.blamed:
        return
    ctx.blamed.add(culprit.seq)
    batch, size = ctx.batch.batch, x.shape[dim]
    if batch <= 1:  # one sample (or none) cannot show the samples mixing: the 2nd run can
        twin = ctx.batch.pairs[id(x)]
        batch, size = ctx.batch.other, twin.shape[dim]
        holds = f"at batch size {batch} its {size} inputs hold {samples(batch)}"
    else:
        holds = f"its {size} inputs hold {samples(batch)}"
    per_sample = size // batch
    if merge is None:
        message = (
            f"{named(call)} contracts dim {dim}, which carries the batch: {holds}. That "
            f"is right for a statistic over the batch, wrong for a per-sample layer."
        )
        fix = "keep the batch out of the contracted dim, if each sample should stay apart"
        ctx.add("batch-mixing", culprit, message, fix, severity="warning")
        return
    out = merge.output.shape if merge.output is not None else ()
    message = (
        f"{named(merge)} merges the batch dim of {tuple_text(merge.inputs[0].shape)} into "
        f"{tuple_text(out)}, so {named(call)} contracts the samples together: {holds} "
        f"of {per_sample} features."
    )
    text, change = ctx.rows_fix(merge)
    numbers = {"batch": batch, "size": size, "features": per_sample}
    ctx.add(
        "batch-mixing",
        culprit,
        message,
        text,
        numbers=numbers,
        change=change,
    )
