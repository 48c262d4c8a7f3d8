"""`empty-batch`: a note that the input's batch is empty, so which dims carry the batch
(and the numbers in the fixes) are read from the run at the second batch size."""

from __future__ import annotations

from flatviz.diagnosis.findings.context import Context


def check(ctx: Context) -> None:
    """A note when the batch is empty: its per-sample sizes come from the second run."""
    if ctx.batch.batch:
        return
    message = (
        f"The input's batch is empty (dim 0 has size 0). The table and any error are "
        f"from the run at batch size 0; which dims carry the batch, and how much of "
        f"each a sample owns, are read from the run at batch size {ctx.batch.other}."
    )
    if ctx.other_error is not None and ctx.error is None:
        message += (
            f" At batch size {ctx.batch.other} the model raises: "
            f"{ctx.other_error.rstrip('.')}. Diagnose a batch with samples to find why."
        )
    ctx.note("empty-batch", "note", None, message)
