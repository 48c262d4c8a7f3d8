"""`batch-changed`: the batch leaves the model (or reaches the failing call) as a different
number of rows, or a `view(-1, n)` asks for rows that are not the samples.

Logits flattened with the batch for a loss (the model returns `(B * T, vocab)`) are a
warning: the rows may be meant."""

from __future__ import annotations

import math
from fractions import Fraction

import torch

from flatviz.diagnosis.describe import fmt, named, samples
from flatviz.diagnosis.findings.context import Context, flatten_fix
from flatviz.diagnosis.findings.shapes import leading_merge, resolve, shape_args
from flatviz.diagnosis.trace import Call


def check_call(ctx: Context, call: Call) -> None:
    """A view/reshape with -1 first that raised: too few elements for rows of its width."""
    if call.name not in ("view", "reshape") or call.error is None:
        return
    x = call.inputs[0]
    shape = shape_args(call)
    if shape is None or (call.name == "view" and resolve(shape, x.numel()) is not None):
        return  # not-viewable explains a view whose shape fits
    if -1 not in shape or not x.dim() or shape.index(-1) != 0 or not x.shape[0]:
        return  # an empty batch has no samples to regroup; torch's error says why
    if call.seq in ctx.blamed:
        return
    ctx.blamed.add(call.seq)
    row = -math.prod(shape)
    per_sample = x.numel() // x.shape[0]
    ctx.add(
        "batch-changed",
        call,
        f"{named(call)} asks for rows of {row} values, but each of the "
        f"{samples(x.shape[0])} in {fmt(x.shape)} has {per_sample}: the rows would not be "
        f"samples.",
        ctx.per_sample_fix(call),
        raised=True,
    )


def check(ctx: Context) -> None:
    """The batch leaves the model (or reaches the failing call) as a different count."""
    failed = ctx.failed
    end = ctx.trace.output if failed is None else next(iter(failed.inputs), None)
    if not isinstance(end, torch.Tensor):
        return
    dims = ctx.batch.of(end)
    if not dims or Fraction(1) in dims.values():
        return
    found = ctx.regrouped(end)
    if found is None:
        return
    producer, x = found
    if producer.seq in ctx.blamed:
        return
    ctx.blamed.add(producer.seq)
    src, at = ctx.with_samples(producer.inputs[0]), ""
    if src is not producer.inputs[0]:  # an empty batch: show the run with samples
        x, at = ctx.batch.pairs[id(x)], f"at batch size {ctx.batch.other}, "
    rows = x.shape[0]
    merged = leading_merge(tuple(src.shape), tuple(x.shape))
    if failed is None and merged is not None:
        ctx.add(
            "batch-changed",
            producer,
            f"{at}{named(producer)} merges the batch with dims 1..{merged} of "
            f"{fmt(src.shape)}, and the model returns {rows} rows {fmt(x.shape)}. That "
            f"is right when the rows are meant (logits flattened for a loss), wrong "
            f"when each row should be one sample.",
            f"{ctx.per_sample_fix(producer)}, if each row should be one sample",
            severity="warning",
        )
        return
    if producer.name == "flatten":
        kind, fix = "batch-mixing", ctx.per_sample_fix(producer, flatten_fix(producer))
        verb = "merges the batch dim of"
    else:
        kind, fix = "batch-changed", ctx.per_sample_fix(producer)
        verb = "turns a batch of"
    ctx.add(
        kind,
        producer,
        f"{at}{named(producer)} {verb} {samples(src.shape[0])} {fmt(src.shape)} into "
        f"{rows} rows {fmt(x.shape)}: each row is no longer one sample.",
        fix,
        raised=failed is not None and failed.name == "linear",
    )
