"""`raises`: the model raises for a reason no other check explains; the error is quoted.
Also when it runs at the given batch size and raises at the second one."""

from __future__ import annotations

from flatviz.diagnosis.describe import named
from flatviz.diagnosis.findings.context import Context


def check(ctx: Context) -> None:
    """An error quoting the model's error, at the failing call when there is one."""
    first_ran = ctx.trace.error is None
    if first_ran and ctx.other_error is not None and ctx.batch.batch:
        if not any(f.severity == "error" for f in ctx.findings):
            message = f"At batch size {ctx.batch.other} the model raises: {ctx.other_error}"
            ctx.note("raises", "error", None, message, place="model")
        return
    if ctx.error is None or ctx.explained:
        return
    culprit = ctx.failed
    if culprit is None:
        ctx.note("raises", "error", None, f"The model raises: {ctx.error}", place="model")
    else:
        ctx.add("raises", culprit, f"{named(culprit)} raises: {ctx.error}", "", raised=False)
