"""The shape doctor: run a model on meta, find the broken flatten, name its fix.

Torch-only, imported lazily through `flatviz.doctor`, so `import flatviz` stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from flatviz.diagnosis.batch import meta_like, pair_runs, run
from flatviz.diagnosis.describe import CONTRACTING, CONVS, FLATTEN_LIKE, fmt, is_view, label
from flatviz.diagnosis.finding import Finding
from flatviz.diagnosis.findings import diagnose
from flatviz.diagnosis.quote import first_line
from flatviz.diagnosis.report import Report, Row
from flatviz.diagnosis.trace import Trace

__all__ = ["Finding", "Report", "doctor"]

#: Calls made in a forward (outside a leaf layer) that get a row of their own.
SHOWN = FLATTEN_LIKE | CONVS | set(CONTRACTING) | {"transpose", "permute", "unflatten"}


def _inputs(example_input: object) -> tuple[torch.Tensor, ...]:
    if isinstance(example_input, torch.Tensor):
        return (example_input,)
    if isinstance(example_input, (tuple, list)) and all(
        isinstance(t, torch.Tensor) for t in example_input
    ):
        return tuple(example_input)
    raise TypeError(
        f"example_input must be a tensor or a tuple of tensors, got {type(example_input).__name__}"
    )


def _device(model: nn.Module, inputs: Sequence[torch.Tensor]) -> torch.device:
    """The device whose error wording the report quotes: the input's, else the model's."""
    if inputs and inputs[0].device.type != "meta":
        return inputs[0].device
    for t in model.parameters():
        return t.device
    return inputs[0].device if inputs else torch.device("cpu")


def doctor(
    model: nn.Module, example_input: object, *, device: str | torch.device | None = None
) -> Report:
    """Run `model` on meta at two batch sizes and report its broken flattens with fixes.

    The model is not changed (parameters, devices, training mode), no weight is
    allocated, and a model that raises is diagnosed up to and at the failing call.

    Args:
        model: The model to check.
        example_input: A tensor (or tuple of tensors) whose dim 0 is the batch; only its
            shape, dtype and memory order are used.
        device: The device whose error messages to quote; by default the input's device,
            or the model's when the input is on meta.

    Returns:
        The report: `findings`, `ok`, and a table in `str(report)`.

    Raises:
        TypeError: `model` is not an nn.Module, or `example_input` is not a tensor or
            a tuple of tensors.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    inputs = _inputs(example_input)
    where = torch.device(device) if device is not None else _device(model, inputs)
    batch = inputs[0].shape[0] if inputs and inputs[0].dim() else 1
    other = 2 * batch if batch else 2
    first_in = [meta_like(t) for t in inputs]
    second_in = [
        meta_like(t, (other, *t.shape[1:])) if t.dim() and t.shape[0] == batch else meta_like(t)
        for t in inputs
    ]
    first = run(model, first_in)
    second = run(model, second_in)
    dims = pair_runs(first, second, batch, other, list(zip(first_in, second_in, strict=True)))
    other_error = None if second.error is None else first_line(second.error)
    ctx = diagnose(first, dims, where, first_in[0] if first_in else None, other_error)
    findings = ctx.findings
    errors = [f for f in findings if f.severity == "error"]
    rest = [f for f in findings if f.severity != "error"]
    return Report(
        model=type(model).__name__,
        input_shape=tuple(inputs[0].shape) if inputs else (),
        batch_sizes=(batch, other),
        rows=_rows(first),
        findings=tuple(errors + rest),
        error=ctx.error,
    )


def _rows(trace: Trace) -> tuple[Row, ...]:
    """Each leaf layer and each shown call made outside a leaf layer, in the order they ran."""
    rows: dict[int, Row] = {}
    verdicts: dict[int, bool] = {}
    for call in trace.calls:
        verdict = is_view(call)
        if call.in_layer and call.layer is not None and verdict is not None:
            verdicts[call.layer.seq] = verdicts.get(call.layer.seq, True) and verdict
        elif not call.in_layer and (call.name in SHOWN or call.error is not None):
            x = call.inputs[0] if call.inputs else None
            rows[call.seq] = Row(
                call.seq,
                call.site or "?",
                label(call),
                _shapes(x, call.output, call.error is None),
                _verdict(verdict),
            )
    for layer in trace.layers:
        if layer.leaf:
            layout = _verdict(verdicts.get(layer.seq))
            shapes = _shapes(layer.input, layer.output, layer.done)
            rows[layer.seq] = Row(
                layer.seq, layer.name, type(layer.module).__name__, shapes, layout
            )
    return tuple(rows[k] for k in sorted(rows))


def _verdict(view: bool | None) -> str:
    return "" if view is None else "view" if view else "copy"


def _shapes(x: torch.Tensor | None, out: torch.Tensor | None, done: bool) -> str:
    left = "?" if x is None else fmt(x.shape)
    right = "raises" if not done else "?" if out is None else fmt(out.shape)
    return f"{left} → {right}"
