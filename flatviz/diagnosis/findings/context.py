"""The shared context of the checks: the traced run, which dims carry the batch, and
the findings so far. Each finding kind is a module of this package with a `check`."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from fractions import Fraction

import torch
from torch import nn

from flatviz.core.text import tuple_text
from flatviz.diagnosis.batch import BatchDims
from flatviz.diagnosis.construction import built
from flatviz.diagnosis.describe import CONTRACTING, CONVS, named, row_of, where
from flatviz.diagnosis.finding import Finding
from flatviz.diagnosis.findings.shapes import shape_args
from flatviz.diagnosis.fixes import Fix, at_call, at_layer
from flatviz.diagnosis.quote import quote
from flatviz.diagnosis.rules import Rule, RuleKey, flatten_rows, rows_per_sample
from flatviz.diagnosis.source import code_at, flattened, receiver, with_first_size, with_only
from flatviz.diagnosis.trace import Call, Layer, Trace

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
        self,
        model: nn.Module,
        trace: Trace,
        batch: BatchDims,
        device: torch.device,
        other_error: str | None = None,
    ) -> None:
        self.model, self.trace, self.batch, self.other_error = model, trace, batch, other_error
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
        #: The rules of the fixes found, for the rerun that looks for what fails next,
        #: and the finding whose fix each rule (by key) makes.
        self.rules: list[Rule] = []
        self.origins: dict[RuleKey, Finding] = {}
        #: Findings (by id) that a rule of an earlier round's fix caused (see `add`).
        self.follows: dict[int, RuleKey] = {}

    def add(
        self,
        kind: str,
        at: Call,
        message: str,
        fix: str,
        *,
        raised: bool | None = None,
        severity: str = "error",
        numbers: Mapping[str, int | tuple[int, ...]] | None = None,
        change: Fix | None = None,
        follows: RuleKey | None = None,
    ) -> None:
        """Record a finding; `raised` when it explains the error the run hit (None: an
        error finding at a call that raised does), `change` the edits and rerun rules of
        its fix (kept for errors only: a warning's code may be right as written); `follows`
        the rule of an earlier fix this error comes from (a flatten that changed the
        features reaching this Linear): part of that fix."""
        if raised is None:
            raised = at.error is not None and severity == "error"
        if raised and self.error is not None and not self.explained:
            message += f" Torch raises: {self.error}"
            self.explained = True
        edits = () if change is None or severity != "error" else change.edits
        finding = Finding(
            kind, severity, where(at), message, fix, row_of(at), dict(numbers or {}), edits
        )
        if change is not None and severity == "error":
            self.rules += change.rules
            self.origins.update((rule.key, finding) for rule in change.rules)
        if follows is not None:
            self.follows[id(finding)] = follows
        self.findings.append(finding)

    def blame_error_on(self, call: Call) -> None:
        """Quote the error the run hit in the finding already made at `call`, which
        explains it (the rows it regrouped reach the call that raised)."""
        if self.error is None or self.explained:
            return
        for i, f in enumerate(self.findings):
            if f.seq == row_of(call) and f.where == where(call) and f.severity == "error":
                message = f"{f.message} Torch raises: {self.error}"
                self.findings[i] = replace(f, message=message)
                self.explained = True
                return

    def note(
        self,
        kind: str,
        severity: str,
        at: Call | None,
        message: str,
        *,
        place: str = "input",
        numbers: Mapping[str, int | tuple[int, ...]] | None = None,
    ) -> None:
        """Record a finding without a fix: at a call, or at `place` when `at` is None."""
        row = -1
        if at is not None:
            place, row = where(at), row_of(at)
        self.findings.append(Finding(kind, severity, place, message, "", row, dict(numbers or {})))

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

    def flatten_entry(self, linear: Layer) -> Layer:
        """Where a flatten goes in a forward, for a Linear that needs one: the Linear, or
        the Sequential around it whose input reaches it through layers that keep its
        shape (a classifier that starts with Dropout), the outermost such."""
        best, name, x = linear, linear.name, linear.input
        layers = self.trace.layers
        while "." in name and x is not None:
            name = name.rpartition(".")[0]
            parent = next(
                (la for la in reversed(layers) if la.name == name and la.seq < linear.seq), None
            )
            if parent is None or not isinstance(parent.module, nn.Sequential):
                break
            inner = [la for la in layers if parent.seq < la.seq < linear.seq and la.leaf]
            if parent.input is None or parent.input.shape != x.shape:
                break
            if any(la.output is None or la.input is None for la in inner):
                break
            if any(la.input.shape != la.output.shape for la in inner):  # type: ignore[union-attr]
                break
            best = parent
        return best

    def changed_by(self, x: torch.Tensor) -> RuleKey | None:
        """The rule (of an earlier fix) that changed the call making `x`, walking back
        through calls that keep each row's values (activations, dropout, norms)."""
        for _ in range(_STEPS):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs or producer.output is None:
                return None
            if producer.rule is not None:
                return producer.rule.key
            if producer.inputs[0].shape != producer.output.shape:
                return None
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

    def size_text(self, call: Call, position: int, size: int) -> str:
        """A size of a view as the user would write it at any batch size: `x.size(0)`
        where it is the batch (it grows with it between the two runs), else the number."""
        twin = self.batch.calls.get(call.seq)
        twin_shape = None if twin is None else shape_args(twin)
        x = call.inputs[0]
        if twin_shape is None or position >= len(twin_shape) or not x.dim():
            return str(size)
        twin_x = twin.inputs[0] if twin is not None and twin.inputs else None
        if twin_x is None or not twin_x.dim() or size != x.shape[0] or size < 0:
            return str(size)
        return "x.size(0)" if twin_shape[position] == twin_x.shape[0] != size else str(size)

    def rows_fix(self, call: Call) -> tuple[str, Fix]:
        """The fix of a flatten-like call that should keep one row per sample: in the
        user's terms (`x.flatten(1)`, `nn.Flatten(start_dim=1)`), with the shape it gives."""
        src = call.inputs[0]
        gives = f", which gives {tuple_text((src.shape[0], math.prod(src.shape[1:])))}"
        layer = call.layer if call.in_layer else None
        rewrite: Callable[[str], str | None] = flattened
        if layer is not None and isinstance(layer.module, nn.Flatten):
            code = built(self.model, layer.name)
            rewrite = _start_dim_1
        else:
            code = None if call.source is None else code_at(call.source.path, call.source.span)
        change = flatten_rows
        out = call.output
        if layer is None and out is not None and self._feeds_sequence(call):
            rewrite, change = _batch_in_front, rows_per_sample
            steps = out.shape[0] // max(src.shape[0], 1)
            gives = f", which gives {tuple_text((src.shape[0], steps, out.shape[-1]))}"
        new = None if code is None else rewrite(code.text)
        text = (new or flatten_fix(call)) + gives
        if layer is not None:
            return text, at_layer(self.model, layer, rewrite, text, "flatten", change)
        return text, at_call(call, rewrite, text, change)

    def _feeds_sequence(self, call: Call) -> bool:
        """True when a view's rows go into a batch-first recurrent layer whose input size
        is the view's row width: the rows are time steps, to be kept per sample."""
        out = call.output
        if out is None or out.dim() != 2 or call.name not in ("view", "reshape"):
            return False
        layer = next((la for la in self.trace.layers if la.input is out and la.leaf), None)
        if layer is None or not isinstance(layer.module, nn.RNNBase):
            return False
        module = layer.module
        return bool(module.batch_first) and module.input_size == out.shape[-1]


def _batch_in_front(text: str) -> str | None:
    """`x.view(-1, n)` as `x.view(x.size(0), -1, n)`, for a name `x`."""
    recv = receiver(text)
    return None if recv is None else with_first_size(text, f"{recv}.size(0)", insert=True)


def _start_dim_1(text: str) -> str | None:
    """`nn.Flatten(...)` as `nn.Flatten(start_dim=1)`."""
    return with_only(text, "start_dim=1")


def flatten_fix(call: Call) -> str:
    """The flatten that keeps the batch dim, written the way the culprit was written."""
    if call.in_layer and call.layer is not None and isinstance(call.layer.module, nn.Flatten):
        return "nn.Flatten(start_dim=1)"
    if call.func is torch.flatten:
        return "torch.flatten(x, 1)"
    return "x.flatten(1)"


__all__ = ["Context", "flatten_fix", "named"]
