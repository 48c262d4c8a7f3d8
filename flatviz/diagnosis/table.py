"""The report's table: one row per leaf layer and per shown call made in a forward."""

from __future__ import annotations

import torch

from flatviz.core.text import tuple_text
from flatviz.diagnosis.describe import CONTRACTING, CONVS, FLATTEN_LIKE, is_view, label
from flatviz.diagnosis.report import Row
from flatviz.diagnosis.trace import Trace

#: Calls made in a forward (outside a leaf layer) that get a row of their own.
SHOWN = FLATTEN_LIKE | CONVS | set(CONTRACTING) | {"transpose", "permute", "unflatten", "squeeze"}


def rows(trace: Trace) -> tuple[Row, ...]:
    """Each leaf layer and each shown call made outside a leaf layer, in the order they ran."""
    found: dict[int, Row] = {}
    verdicts: dict[int, bool] = {}
    for call in trace.calls:
        verdict = is_view(call)
        if call.in_layer and call.layer is not None and verdict is not None:
            verdicts[call.layer.seq] = verdicts.get(call.layer.seq, True) and verdict
        elif not call.in_layer and (call.name in SHOWN or call.error is not None):
            x = call.inputs[0] if call.inputs else None
            found[call.seq] = Row(
                call.seq,
                call.site or "?",
                label(call),
                _shapes(x, call.output, call.error is None),
                _verdict(verdict),
                _shape(x),
                _shape(call.output),
                call.error is not None,
            )
    for layer in trace.layers:
        if layer.leaf:
            layout = _verdict(verdicts.get(layer.seq))
            shapes = _shapes(layer.input, layer.output, layer.done)
            found[layer.seq] = Row(
                layer.seq,
                layer.name,
                type(layer.module).__name__,
                shapes,
                layout,
                _shape(layer.input),
                _shape(layer.output),
                not layer.done,
            )
    return tuple(found[k] for k in sorted(found))


def _shape(t: torch.Tensor | None) -> tuple[int, ...] | None:
    """A tensor's shape as a tuple (None for no tensor)."""
    return None if t is None else tuple(t.shape)


def _verdict(view: bool | None) -> str:
    """The layout column: view, copy or nothing."""
    return "" if view is None else "view" if view else "copy"


def _shapes(x: torch.Tensor | None, out: torch.Tensor | None, done: bool) -> str:
    """The shapes column, e.g. `(8, 400) → (8, 120)`; `raises` where the call raised."""
    left = "?" if x is None else tuple_text(x.shape)
    right = "raises" if not done else "?" if out is None else tuple_text(out.shape)
    return f"{left} → {right}"
