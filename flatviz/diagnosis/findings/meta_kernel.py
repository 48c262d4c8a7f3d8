"""`no-meta-kernel`: an op with no meta kernel. A warning when the doctor ran it on small
CPU zeros instead; an error, where the doctor stops, when those would be too large."""

from __future__ import annotations

from flatviz.diagnosis.describe import named
from flatviz.diagnosis.devices import FALLBACK_BYTES, no_meta_kernel
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.trace import input_bytes


def check(ctx: Context) -> None:
    """A warning for each op that had no meta kernel and ran on CPU zeros instead."""
    for call in ctx.trace.calls:
        if call.fallback:
            ctx.note(
                "no-meta-kernel",
                "warning",
                call,
                f"{named(call)} has no meta kernel, so the doctor ran it on CPU zeros of the "
                f"same shapes ({input_bytes(call)} bytes) and took its result's shape and "
                f"strides from there.",
            )


def check_stop(ctx: Context) -> None:
    """An error when the run stopped at an op without a meta kernel, too big for CPU."""
    culprit = ctx.failed
    if ctx.explained or ctx.error is None or culprit is None or culprit.error is None:
        return
    if not no_meta_kernel(culprit.error):
        return
    ctx.explained = True
    ctx.note(
        "no-meta-kernel",
        "error",
        culprit,
        f"{named(culprit)} has no meta kernel, and running it on CPU instead would take "
        f"{input_bytes(culprit)} bytes (more than {FALLBACK_BYTES}), so the doctor stops "
        f"here. Torch says: {ctx.error}",
    )
