"""`copy` notes: a flatten-like call that copies, with the bytes it copies per batch."""

from __future__ import annotations

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import is_view, named
from flatviz.diagnosis.findings.context import Context


def check(ctx: Context) -> None:
    """A note for every flatten-like call that copies, with its bytes per batch."""
    for call in ctx.trace.calls:
        if is_view(call) is not False or call.output is None:
            continue
        nbytes = call.output.numel() * call.output.element_size()
        batch = ctx.batch.batch
        if ctx.batch.of(call.output) == {}:  # the same at any batch size: not per sample
            cost = f"{nbytes} bytes, whatever the batch size"
        else:
            per = f" ({nbytes // batch} per sample)" if batch and nbytes % batch == 0 else ""
            cost = f"{nbytes} bytes per batch{per}"
        ctx.note(
            "copy",
            "note",
            call,
            f"{named(call)} copies {tuple_text(call.inputs[0].shape)} into "
            f"{tuple_text(call.output.shape)}: {cost}.",
            numbers={"bytes": nbytes},
        )
