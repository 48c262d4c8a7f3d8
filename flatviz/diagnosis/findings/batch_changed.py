"""`batch-changed`: the rows stop being the samples. A `view(-1, n)` asks for rows that
are not the samples; a view writes the batch size as a number (`view(self.batch_size,
-1)`), right at one batch size only; or the model returns (or feeds the failing call)
a tensor whose dim 0 is not the batch.

Logits flattened with the batch for a loss (the model returns `(B * T, vocab)`) are a
warning: the rows may be meant."""

from __future__ import annotations

import math
from fractions import Fraction

import torch

from flatviz.core.text import tuple_text
from flatviz.diagnosis.batch import output_tensors
from flatviz.diagnosis.describe import FLATTEN_LIKE, named, samples
from flatviz.diagnosis.describe import where as where_of
from flatviz.diagnosis.finding import Edit
from flatviz.diagnosis.findings.context import Context
from flatviz.diagnosis.findings.shapes import leading_merge, resolve, shape_args
from flatviz.diagnosis.fixes import Fix, at_call
from flatviz.diagnosis.rules import OUTPUT, Rule, batch_from_input, unfold_output
from flatviz.diagnosis.source import (
    base_name,
    code_at,
    flattened,
    receiver,
    returned,
    unflattened,
    with_first_size,
)
from flatviz.diagnosis.trace import Call


def check_call(ctx: Context, call: Call) -> None:
    """The view-level checks: a batch written as a number, and a failed `view(-1, n)`."""
    if call.name not in ("view", "reshape") or not call.inputs:
        return
    if not _fixed_batch(ctx, call) and call.error is not None:
        _rows_of(ctx, call)


def _rows_of(ctx: Context, call: Call) -> None:
    """A view/reshape with -1 first that raised: too few elements for rows of its width."""
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
    text, change = ctx.rows_fix(call)
    ctx.add(
        "batch-changed",
        call,
        f"{named(call)} asks for rows of {row} values, but each of the "
        f"{samples(x.shape[0])} in {tuple_text(x.shape)} has {per_sample}: the rows would not be "
        f"samples.",
        text,
        raised=True,
        numbers={"batch": x.shape[0], "width": row, "features": per_sample},
        change=change,
    )


def _fixed_batch(ctx: Context, call: Call) -> bool:
    """A view whose first size is the same number at both batch sizes, although its
    input's dim 0 is the batch: `view(self.batch_size, -1)` works at one size only."""
    x, shape = call.inputs[0], shape_args(call)
    twin = ctx.batch.calls.get(call.seq)
    twin_shape = None if twin is None else shape_args(twin)
    dims = ctx.batch.of(x)
    if not shape or twin is None or twin_shape is None or len(twin_shape) != len(shape):
        return False
    if not dims or dims.get(0) != 1 or shape[0] == -1 or twin_shape[0] != shape[0]:
        return False
    kept = None if call.output is None else ctx.batch.of(call.output)
    if call.seq in ctx.blamed or (kept and 1 in kept.values()):
        return False  # the batch is kept in another dim: `x.view(1, B, C)` adds a dim
    ctx.blamed.add(call.seq)
    batch, written = x.shape[0], shape[0]
    if written != batch:
        tail = f"but its input {tuple_text(x.shape)} holds {samples(batch)}."
    else:
        gives = "raises" if twin.output is None else f"gives {tuple_text(twin.output.shape)}"
        tail = f"right at batch size {batch}, wrong at {ctx.batch.other}, where it {gives}."
    text = "the input's dim 0 as the first size, x.size(0), which keeps the batch at any size"
    change = at_call(call, lambda t: _batch_first(t, shape), text, batch_from_input(0))
    ctx.add(
        "batch-changed",
        call,
        f"{named(call)} writes the batch size as the number {written}, not as its input's "
        f"dim 0: {tail}",
        change.edits[0].new or text,
        numbers={"batch": batch, "written": written},
        change=change,
    )
    return True


def _batch_first(text: str, shape: tuple[int, ...]) -> str | None:
    """A view with a number for its first size, rewritten to take the batch from its
    input, evaluated once: `x.view(x.size(0), ...)` when `x` is a name, else `-1` in its
    place when every other size is given, else `.flatten(1)` for a `(B, -1)` view."""
    recv = receiver(text)
    whole = receiver(text, simple=False)
    base = recv or (None if whole is None else base_name(whole))
    if base is not None:
        return with_first_size(text, f"{base}.size(0)")
    if -1 not in shape[1:]:
        return with_first_size(text, "-1")
    if len(shape) == 2:
        return flattened(text)
    return None


def check(ctx: Context) -> None:
    """The batch leaves the model (or reaches the failing call) as a different count."""
    failed = ctx.failed
    if failed is not None:
        end = next(iter(failed.inputs), None)
        if isinstance(end, torch.Tensor):
            _regrouped(ctx, end, failed)
        return
    for out in output_tensors(ctx.trace.output):
        _regrouped(ctx, out, None)


def _regrouped(ctx: Context, end: torch.Tensor, failed: Call | None) -> None:
    """Name the call that regrouped the rows of `end` (the output, or the failing call's
    input), when they are not the samples."""
    dims = ctx.batch.of(end)
    if not dims or Fraction(1) in dims.values():
        return
    found = ctx.regrouped(end)
    if found is None:
        if failed is None:
            _output(ctx, end, dims)
        return
    producer, x = found
    if producer.seq in ctx.blamed:
        if failed is not None:
            ctx.blame_error_on(producer)
        return
    ctx.blamed.add(producer.seq)
    src, at = ctx.with_samples(producer.inputs[0]), ""
    if src is not producer.inputs[0]:  # an empty batch: show the run with samples
        x, at = ctx.batch.pairs[id(x)], f"at batch size {ctx.batch.other}, "
    rows = x.shape[0]
    merged = leading_merge(tuple(src.shape), tuple(x.shape))
    text, change = ctx.rows_fix(producer) if producer.name in FLATTEN_LIKE else ("", None)
    numbers = {"batch": src.shape[0], "rows": rows, "features": math.prod(src.shape[1:])}
    if failed is None and merged is not None and x.dim() > 2:
        _never_unfolded(ctx, producer, src, end, merged)
        return
    if failed is None and merged is not None:
        ctx.add(
            "batch-changed",
            producer,
            f"{at}{named(producer)} merges the batch with dims 1..{merged} of "
            f"{tuple_text(src.shape)}, and the model returns {rows} rows "
            f"{tuple_text(x.shape)}. That "
            f"is right when the rows are meant (logits flattened for a loss), wrong "
            f"when each row should be one sample.",
            f"{text}, if each row should be one sample" if text else "",
            severity="warning",
            numbers=numbers,
        )
        return
    kind = "batch-mixing" if producer.name == "flatten" else "batch-changed"
    verb = "merges the batch dim of" if producer.name == "flatten" else "turns a batch of"
    ctx.add(
        kind,
        producer,
        f"{at}{named(producer)} {verb} {samples(src.shape[0])} {tuple_text(src.shape)} into "
        f"{rows} rows {tuple_text(x.shape)}: each row is no longer one sample.",
        text,
        raised=failed is not None and failed.name == "linear",
        numbers=numbers,
        change=change,
    )


def _never_unfolded(
    ctx: Context, fold: Call, src: torch.Tensor, out: torch.Tensor, merged: int
) -> None:
    """The batch folded with the next dims into frames (a per-frame network on
    `(B * T, C, H, W)`), and the model returns the per-frame results still folded."""
    folded = math.prod(src.shape[: merged + 1])
    message = (
        f"{named(fold)} folds the batch with dims 1..{merged} of {tuple_text(src.shape)} into "
        f"{folded} frames, and the model returns them still folded: {tuple_text(out.shape)}, "
        f"{out.shape[0] // max(src.shape[0], 1)} rows per sample. Unfold them before "
        f"returning, as a TimeDistributed wrapper does."
    )
    found = None if fold.source is None else code_at(fold.source.path, fold.source.span)
    base = None if found is None else receiver(found.text, simple=False)
    name = None if base is None else base_name(base)
    sizes = ", ".join(f"{name or 'x'}.size({d})" for d in range(merged + 1))
    text = f"return the output as out.unflatten(0, ({sizes})), the fold undone"
    ret = None
    if fold.source is not None and name is not None:
        ret = returned(fold.source.path, fold.source.line, name)
    rule = Rule(OUTPUT, change=unfold_output)
    if ret is None:
        edit = Edit(where_of(fold), text)
    else:
        new = unflattened(ret.text, sizes)
        edit = Edit(where_of(fold), text, ret.text, new, ret.path, ret.span)
    ctx.add(
        "batch-changed",
        fold,
        message,
        f"return {edit.new}, the fold undone" if edit.placed else text,
        numbers={"batch": src.shape[0], "rows": out.shape[0], "frames": folded},
        change=Fix((edit,), (rule,)),
    )


def _output(ctx: Context, out: torch.Tensor, dims: dict[int, Fraction]) -> None:
    """The model returns a tensor whose dim 0 is not the batch, made where the doctor
    cannot follow (no recorded call regrouped it)."""
    twin = ctx.batch.pairs.get(id(out))
    if twin is None:
        return
    first, second = ctx.batch.batch, ctx.batch.other
    returns = (
        f"The model returns {tuple_text(out.shape)} at batch size {first} and "
        f"{tuple_text(twin.shape)} at batch size {second}"
    )
    if 0 in dims:
        message = f"{returns}: dim 0 holds {dims[0]} rows per sample, not one sample a row."
        ctx.note("batch-changed", "error", None, message, place="output")
    else:
        message = (
            f"{returns}: the batch is in dim {min(dims)}. That is right for a model that "
            f"returns its sequence first, wrong when dim 0 should be the batch."
        )
        ctx.note("batch-changed", "warning", None, message, place="output")
