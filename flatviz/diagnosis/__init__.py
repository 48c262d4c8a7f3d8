"""The shape doctor: run a model on meta, find the broken flatten, name its fix.

Torch-only, imported lazily through `flatviz.doctor`, so `import flatviz` stays cheap.
"""

from __future__ import annotations

from dataclasses import replace

import torch
from torch import nn

from flatviz.core.text import first_line
from flatviz.diagnosis.describe import label
from flatviz.diagnosis.describe import where as where_of
from flatviz.diagnosis.engine import (
    UNEXPLAINED,
    Round,
    fallback_reason,
    meta_limit,
    on_cpu,
    rounds,
    unexplained,
)
from flatviz.diagnosis.finding import Edit, Finding
from flatviz.diagnosis.group import group
from flatviz.diagnosis.inputs import Inputs, read_inputs
from flatviz.diagnosis.report import DoctorError, Report, Row
from flatviz.diagnosis.table import rows

__all__ = ["DoctorError", "Edit", "Finding", "Report", "doctor"]


def _device(model: nn.Module, inputs: Inputs) -> torch.device:
    """The device whose error wording the report quotes: the input's, else the model's."""
    first = inputs.first
    if first is not None and first.device.type != "meta":
        return first.device
    for t in model.parameters():
        return t.device
    return first.device if first is not None else torch.device("cpu")


def doctor(
    model: nn.Module,
    example_input: object,
    *,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> Report:
    """Run `model` on meta at two batch sizes and report its broken flattens with fixes.

    The model is not changed (parameters, devices, training mode), no weight is
    allocated, and a model that raises is diagnosed up to and at the failing call; then
    it is rerun with each fix applied, on meta, until it runs at both batch sizes with
    the batch in dim 0, so `report.fixes` is the complete set of edits. Where meta
    cannot run the model (code that reads tensor values), the runs are made on CPU at
    batch sizes 2 and 4 under `torch.no_grad()` instead, if the model fits in memory.

    Args:
        model: The model to check.
        example_input: What the model takes, batch first: a tensor, a tuple of tensors,
            a dict of keyword tensors (`input_ids`, `attention_mask`, ...), or a shape
            (a tuple of ints or `torch.Size`) in place of any tensor. Only shapes,
            dtypes and memory order are used, and values for a CPU run.
        device: The device whose error messages to quote; by default the input's device,
            or the model's when the input is on meta.
        dtype: The dtype of inputs given as shapes (default float32; int64 for ids).

    Returns:
        The report: `findings`, `fixes`, `ok`, and a table in `str(report)`.

    Raises:
        TypeError: `model` is not an nn.Module, or `example_input` is none of the forms.
        ValueError: A shape has a negative size.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    inputs = read_inputs(example_input, dtype)
    where = torch.device(device) if device is not None else _device(model, inputs)
    done = rounds(model, inputs, where)
    notes: list[Finding] = []
    failed = next((r for r in done if unexplained(r)), None)
    if failed is not None:
        trace = failed.first if failed.first.error is not None else failed.second
        quoted = first_line(trace.error) if trace.error is not None else "?"
        error = f"the model raises: {quoted}"
        if trace.failed is not None:
            error = f"{label(trace.failed)} at {where_of(trace.failed)} raises: {quoted}"
        reason = fallback_reason(model, inputs)
        if reason is None:
            done = rounds(on_cpu(model), inputs, where, real=True)
            notes.append(_cpu_note(error, done[0].sizes))
        elif meta_limit(trace):
            notes.append(_unchecked(error, reason))
            done = [_without_unexplained(r) for r in done[:1]]
    return _report(model, inputs, done, notes)


def _without_unexplained(found: Round) -> Round:
    """The round with its `raises` and `no-meta-kernel` errors dropped: the failure is
    meta's, reported as `cannot-check`, not as the model's bug."""
    kept = [f for f in found.ctx.findings if not (f.severity == "error" and f.kind in UNEXPLAINED)]
    found.ctx.findings[:] = kept
    found.ctx.error = None
    return found


def _cpu_note(error: str, sizes: tuple[int, int]) -> Finding:
    """The note saying meta could not run the model, and where the runs were made instead."""
    message = (
        f"On meta, {error.rstrip('.')}. Meta tensors hold no values, so the "
        f"doctor ran it on CPU instead, at batch sizes {sizes[0]} and {sizes[1]} under "
        f"torch.no_grad(), and diagnosed those runs."
    )
    return Finding("cpu-run", "note", "model", message, "")


def _unchecked(error: str, reason: str) -> Finding:
    """The warning saying the model could not be run at all, with the reason."""
    message = (
        f"On meta, {error.rstrip('.')}, which looks like a limit of meta "
        f"tensors (they hold no values), not a bug. A CPU run would settle it, but {reason}."
    )
    return Finding("cannot-check", "warning", "model", message, "")


def _report(model: nn.Module, inputs: Inputs, done: list[Round], notes: list[Finding]) -> Report:
    """The report from the rounds: the first round's table and findings, and the fix."""
    table = rows(done[0].first)
    first = done[0].ctx.findings
    errors = _errors(done, table)
    rest = group([f for f in first if f.severity != "error"])
    findings = (*errors, *notes, *rest)
    fixes = dict.fromkeys(e for f in findings if f.severity == "error" for e in f.edits)
    names = [f"{i}" for i in range(len(inputs.args))] + list(inputs.kwargs)
    return Report(
        model=type(model).__name__,
        input_shape=tuple(inputs.first.shape) if inputs.first is not None else (),
        batch_sizes=done[0].sizes,
        rows=table,
        findings=findings,
        error=done[0].ctx.error,
        fixes=tuple(fixes),
        fixed=done[-1].clean if errors else None,
        device="cpu" if any(n.kind == "cpu-run" for n in notes) else "meta",
        inputs=tuple((n, tuple(t.shape)) for n, t in zip(names, inputs.tensors, strict=True)),
    )


def _errors(done: list[Round], table: tuple[Row, ...]) -> list[Finding]:
    """The errors of the model as given, then those each rerun found that the rounds
    before it had not: part of the fix that caused them (a Linear's in_features after a
    flatten that changed the features reaching it), or errors of their own, marked with
    their round and placed on the table's row of the same place."""
    errors = [f for f in done[0].ctx.findings if f.severity == "error"]
    origins = {key: (f.kind, f.where) for found in done for key, f in found.ctx.origins.items()}
    seen = {(f.kind, f.where) for f in errors}
    places = {row.where: row.seq for row in table}
    for step, found in enumerate(done[1:], 1):
        for f in found.ctx.findings:
            if f.severity != "error" or (f.kind, f.where) in seen:
                continue
            seen.add((f.kind, f.where))
            cause = origins.get(found.ctx.follows.get(id(f)))  # type: ignore[arg-type]
            at = next((i for i, e in enumerate(errors) if (e.kind, e.where) == cause), None)
            if at is not None:
                errors[at] = _joined(errors[at], f)
                continue
            text = f.message
            if text.startswith("The "):
                text = "t" + text[1:]
            message = f"With the fixes above, {text}"
            errors.append(replace(f, message=message, step=step, seq=places.get(f.where, -1)))
    return errors


def _joined(fix: Finding, then: Finding) -> Finding:
    """`fix` with the Linear resize its change calls for after it, as one fix."""
    head = then.fix.split(", or ")[0]
    numbers = {**fix.numbers, "next_in_features": then.numbers.get("arrives", 0)}
    return replace(
        fix,
        fix=f"{fix.fix}, and {head} at {then.where}",
        edits=fix.edits + then.edits,
        numbers=numbers,
    )
