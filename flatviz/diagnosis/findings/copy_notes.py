"""`copy` notes: a flatten-like call that copies, with the bytes it copies per batch."""

from __future__ import annotations

from flatviz.diagnosis.describe import fmt, is_view, named
from flatviz.diagnosis.findings.context import Context


def check(ctx: Context) -> None:
    """A note for every flatten-like call that copies, with its bytes per batch."""
    for call in ctx.trace.calls:
        if is_view(call) is not False or call.output is None:
            continue
        nbytes = call.output.numel() * call.output.element_size()
        batch = ctx.batch.batch
        per = f" ({nbytes // batch} per sample)" if batch and nbytes % batch == 0 else ""
        ctx.note(
            "copy",
            "note",
            call,
            f"{named(call)} copies {fmt(call.inputs[0].shape)} into "
            f"{fmt(call.output.shape)}: {nbytes} bytes per batch{per}.",
            numbers={"bytes": nbytes},
        )
