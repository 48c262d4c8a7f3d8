"""The finding kinds, one module each; every check reads the traced run (the shared
`Context`) and names the broken call and its fix.

Errors: `unbatched-input`, `batch-mixing`, `batch-changed`, `missing-flatten`,
`in-features`, `out-features`, `not-viewable`, `squeeze-batch`, and `raises` for a failure
none of those explains.
Warnings where meta alone cannot tell (see each module), and `no-meta-kernel`.
Notes: `copy`, a flatten-like call that copies, with the bytes it copies per batch.

A new kind is a new module with a `check_call(ctx, call)` (run on each call, in the
order they ran) or a `check(ctx)` (run once on the whole run), listed below.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from flatviz.diagnosis.batch import BatchDims
from flatviz.diagnosis.finding import Finding
from flatviz.diagnosis.findings import (
    batch_changed,
    batch_mixing,
    copy_notes,
    empty_batch,
    in_features,
    meta_kernel,
    missing_flatten,
    not_viewable,
    out_features,
    raises,
    squeeze_batch,
    unbatched_input,
)
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.trace import Call, Trace

#: Checks of one call, in this order on each call. batch-mixing goes first: a Linear that
#: contracts the batch is not a missing flatten or a wrong in_features.
CALL_CHECKS: tuple[Callable[[Context, Call], None], ...] = (
    batch_mixing.check_call,
    missing_flatten.check_call,
    in_features.check_call,
    batch_changed.check_call,
    not_viewable.check_call,
    out_features.check_call,
    squeeze_batch.check_call,
)
#: Checks of the whole run, after the call checks; `raises` last, for what none explains.
RUN_CHECKS: tuple[Callable[[Context], None], ...] = (
    batch_changed.check,
    copy_notes.check,
    meta_kernel.check,
    empty_batch.check,
    meta_kernel.check_stop,
    raises.check,
)


def diagnose(
    model: nn.Module,
    trace: Trace,
    batch: BatchDims,
    device: torch.device,
    model_input: torch.Tensor | None,
    other_error: str | None = None,
) -> Context:
    """Run every check over one traced run; the context holds the findings and the
    error the run hit, as `device` words it."""
    ctx = Context(model, trace, batch, device, other_error)
    unbatched_input.check(ctx, model_input)
    if not ctx.unbatched:
        for call in trace.calls:
            for check_call in CALL_CHECKS:
                check_call(ctx, call)
    for check in RUN_CHECKS:
        if check is batch_changed.check and ctx.unbatched:
            continue
        check(ctx)
    return ctx


__all__ = ["CALL_CHECKS", "RUN_CHECKS", "Context", "Finding", "diagnose"]
