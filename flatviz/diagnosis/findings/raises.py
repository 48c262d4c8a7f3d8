"""`raises`: the model raises for a reason no other check explains; the error is quoted."""

from __future__ import annotations

from flatviz.diagnosis.describe import named
from flatviz.diagnosis.finding import Finding
from flatviz.diagnosis.findings.context import Context


def check(ctx: Context) -> None:
    """An error quoting the model's error, at the failing call when there is one."""
    if ctx.error is None or ctx.explained:
        return
    culprit = ctx.failed
    if culprit is None:
        message = f"The model raises: {ctx.error}"
        ctx.findings.append(Finding("raises", "error", "model", message, ""))
    else:
        ctx.add("raises", culprit, f"{named(culprit)} raises: {ctx.error}", "")
