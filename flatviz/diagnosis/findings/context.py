"""The shared context of the checks: the traced run, which dims carry the batch, and
the findings so far. Each finding kind is a module of this package with a `check`."""

from __future__ import annotations

import math
from collections.abc import Collection
from fractions import Fraction

import torch
from torch import nn

from flatviz.diagnosis.batch import BatchDims
from flatviz.diagnosis.describe import CONTRACTING, CONVS, fmt, named, row_of, where
from flatviz.diagnosis.finding import Finding
from flatviz.diagnosis.quote import quote
from flatviz.diagnosis.trace import Call, Trace

#: Calls that move dims around: after one, a conv's channels are no longer in dim 1.
_MOVES_DIMS = frozenset(
    {"transpose", "permute", "movedim", "moveaxis", "swapaxes", "swapdims", "t", "__get__"}
)
#: Walks back through a tensor's producers stop after this many steps.
_STEPS = 10_000


class Context:
    """One traced run, read by every check; the findings they add, and what they share:
    the calls already blamed, and whether the error the run hit is explained yet."""

    def __init__(
        self, trace: Trace, batch: BatchDims, device: torch.device, other_error: str | None = None
    ) -> None:
        self.trace, self.batch, self.other_error = trace, batch, other_error
        self.producers = trace.producers()
        self.failed = trace.failed if trace.error is not None else None
        self.error = None if self.failed is None else quote(self.failed, device)
        if self.error is None and trace.error is not None:
            self.error = str(trace.error).strip().splitlines()[0]
        self.findings: list[Finding] = []
        self.explained = False
        #: Calls a finding already names, so that a second check does not name them again.
        self.blamed: set[int] = set()
        #: Linear and other contracting calls a finding already covers: no second one.
        self.covered: set[int] = set()
        #: Set when the input itself is wrong: the per-call checks would only echo it.
        self.unbatched = False

    def add(
        self,
        kind: str,
        at: Call,
        message: str,
        fix: str,
        *,
        raised: bool = False,
        severity: str = "error",
    ) -> None:
        """Record a finding; `raised` when it explains the error the run hit."""
        if raised and self.error is not None and not self.explained:
            message += f" Torch raises: {self.error}"
            self.explained = True
        self.findings.append(Finding(kind, severity, where(at), message, fix, row_of(at)))

    def note(self, kind: str, severity: str, at: Call | None, message: str) -> None:
        """Record a finding without a fix: at a call, or at the input when `at` is None."""
        place, row = ("input", -1) if at is None else (where(at), row_of(at))
        self.findings.append(Finding(kind, severity, place, message, "", row))

    # walks back through the producers ------------------------------------------------------

    def source(
        self, x: torch.Tensor, wanted: Collection[str], through: Collection[str]
    ) -> Call | None:
        """The nearest call named in `wanted` that made `x`, walking back through the
        first input of calls named in `through`; None if another call stands between."""
        for _ in range(_STEPS):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs:
                return None
            if producer.name in wanted:
                return producer
            if producer.name not in through:
                return None
            x = producer.inputs[0]
        return None

    def conv_source(self, x: torch.Tensor) -> Call | None:
        """The conv whose feature map `x` still is, if any: walking back through calls
        that keep the batch and the channels in dims 0 and 1 and the rank (activations,
        dropout of any kind, pooling, normalization, a residual add)."""
        for _ in range(_STEPS):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs or producer.output is None:
                return None
            if producer.name in CONVS:
                return producer
            before, after = producer.inputs[0], producer.output
            if producer.name in _MOVES_DIMS or producer.name in CONTRACTING:
                return None  # a Linear on the map is flagged itself, not the next one
            if before.dim() != after.dim() or after.dim() < 3:
                return None
            if before.shape[:2] != after.shape[:2]:
                return None
            x = before
        return None

    def merged_batch(self, x: torch.Tensor) -> Call | None:
        """The call that last grew the share of the batch in a dim of `x`."""
        for _ in range(_STEPS):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs:
                return None
            before, after = self.batch.of(producer.inputs[0]), self.batch.of(x)
            if before and after and max(after.values()) > max(before.values()):
                return producer
            x = producer.inputs[0]
        return None

    def regrouped(self, x: torch.Tensor) -> tuple[Call, torch.Tensor] | None:
        """The call whose input rows were the samples and whose output `x` (walking back
        from the given tensor) are not, with that output."""
        for _ in range(_STEPS):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs:
                return None
            before = self.batch.of(producer.inputs[0])
            if before and Fraction(1) in before.values():
                return producer, x
            x = producer.inputs[0]
        return None

    # shared readings -------------------------------------------------------------------------

    def explained_by_batch(self, x: torch.Tensor) -> bool:
        """True when `x`'s rows are not the samples (batch-changed reports that)."""
        dims = self.batch.of(x)
        return bool(dims) and 1 not in dims.values()  # type: ignore[union-attr]

    def with_samples(self, t: torch.Tensor) -> torch.Tensor:
        """`t`, or its twin from the second run when the given batch is empty."""
        twin = self.batch.pairs.get(id(t))
        return twin if not self.batch.batch and twin is not None and twin.dim() else t

    def per_sample_fix(self, call: Call, flatten: str = "x.flatten(1)") -> str:
        """`x.flatten(1)` and, if it differs, the in_features of the next Linear."""
        src = call.inputs[0]
        per_sample = math.prod(src.shape[1:])
        calls = self.trace.calls
        nxt = next((c for c in calls if c.seq > call.seq and c.name == "linear"), None)
        fix = f"{flatten}, which gives {fmt((src.shape[0], per_sample))}"
        if nxt is not None and len(nxt.inputs) > 1 and nxt.inputs[1].shape[-1] != per_sample:
            fix += f", and nn.Linear({per_sample}, {nxt.inputs[1].shape[0]}) after it"
        return fix


def flatten_fix(call: Call) -> str:
    """The flatten that keeps the batch dim, written the way the culprit was written."""
    if call.in_layer and call.layer is not None and isinstance(call.layer.module, nn.Flatten):
        return "nn.Flatten(start_dim=1)"
    if call.func is torch.flatten:
        return "torch.flatten(x, 1)"
    return "x.flatten(1)"


__all__ = ["Context", "flatten_fix", "fmt", "named"]
