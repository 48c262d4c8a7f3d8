"""The finding kinds: each check reads the traced run and names the broken call and its fix.

Errors: `unbatched-input`, `batch-mixing`, `batch-changed`, `missing-flatten`,
`in-features`, `not-viewable`, and `raises` for a failure none of those explains.
Warnings where meta alone cannot tell (see each check), and `no-meta-kernel`.
Notes: `copy`, a flatten-like call that copies, with the bytes it copies per batch.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

import torch
from torch import nn

from flatviz.diagnosis.batch import BatchDims
from flatviz.diagnosis.quote import quote
from flatviz.diagnosis.trace import FALLBACK_BYTES, Call, Trace, input_bytes, no_meta_kernel
from flatviz.explain import explain
from flatviz.plan import compute_stride

#: Calls that change a shape the way flatten does, and get a view-or-copy verdict.
FLATTEN_LIKE = frozenset({"flatten", "view", "reshape", "ravel"})
#: Calls that contract a dim of their first input: linear and matmul its last, conv dim 1.
CONTRACTING = {"linear": -1, "matmul": -1, "mm": -1, "bmm": -1, "__matmul__": -1}
CONVS = frozenset({"conv1d", "conv2d", "conv3d"})
#: Ops whose output strides on CPU or CUDA follow their input's, but are contiguous on meta.
DEVICE_LAYOUT = frozenset({"scaled_dot_product_attention"})
_VIEWS = frozenset({"transpose", "permute", "t", "view", "unflatten", "narrow", "select"})
#: Calls that keep the rank of a conv activation on its way to a Linear.
_KEEPS_RANK = frozenset(
    {"relu", "relu_", "gelu", "silu", "sigmoid", "tanh", "dropout", "batch_norm", "add", "mul"}
    | {"max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d"}
    | {"adaptive_avg_pool2d", "adaptive_max_pool2d", "leaky_relu", "hardtanh", "__add__"}
)


@dataclass(frozen=True)
class Finding:
    """One thing the doctor found.

    Attributes:
        kind: e.g. `batch-mixing`, `in-features`, `copy`.
        severity: `"error"`, `"warning"` or `"note"`.
        where: The module's qualified name, or `Owner.function (file.py:line)`.
        message: What is wrong, with the numbers (and the error torch raises, quoted).
        fix: What to write instead, with the numbers.
    """

    kind: str
    severity: str
    where: str
    message: str
    fix: str
    seq: int = field(default=-1, repr=False, compare=False)


def fmt(shape: Iterable[int]) -> str:
    """A shape as a Python tuple, e.g. `(8, 400)`."""
    return str(tuple(shape))


def where(call: Call) -> str:
    """A call's place: its layer's qualified name, or the user's source line."""
    if call.in_layer:
        assert call.layer is not None
        return call.layer.name
    return call.site or "?"


def row_of(call: Call) -> int:
    """The table row a call shows in: its layer's, or its own."""
    return call.layer.seq if call.in_layer and call.layer is not None else call.seq


def label(call: Call) -> str:
    """How the user wrote the call, e.g. `torch.flatten(x)`, `x.view(-1, 256)`, `Flatten`."""
    if call.in_layer and call.layer is not None:
        return type(call.layer.module).__name__
    if call.name in ("matmul", "__matmul__"):
        return "x @ y"
    rest = ["y" if isinstance(a, torch.Tensor) else repr(a) for a in call.args[1:]]
    rest += [f"{k}={v!r}" for k, v in call.kwargs.items() if not isinstance(v, torch.Tensor)]
    qualname = str(getattr(call.func, "__qualname__", ""))
    if qualname.startswith(("TensorBase.", "Tensor.")):
        return f"x.{call.name}({', '.join(rest)})"
    prefix = "F" if getattr(call.func, "__module__", "").startswith("torch._C._nn") else "torch"
    return f"{prefix}.{call.name}({', '.join(['x', *rest])})"


def named(call: Call) -> str:
    """A call for a sentence: `Linear at fc`, or how the user wrote it."""
    return f"{label(call)} at {where(call)}" if call.in_layer else label(call)


def samples(n: int) -> str:
    """`1 sample`, `8 samples`."""
    return f"{n} sample{'' if n == 1 else 's'}"


def is_view(call: Call) -> bool | None:
    """Whether a flatten-like call returns a view of its input (None: not flatten-like)."""
    if call.name not in FLATTEN_LIKE or not call.inputs or call.output is None:
        return None
    src = call.inputs[0]
    if call.name == "flatten":
        dims = [a for a in call.args[1:] if isinstance(a, int)]
        start = call.kwargs.get("start_dim", dims[0] if dims else 0)
        end = call.kwargs.get("end_dim", dims[1] if len(dims) > 1 else -1)
        return explain(src, start, end).is_view
    return compute_stride(src.shape, src.stride(), call.output.shape) is not None


class Diagnosis:
    """Runs every check over one traced run and collects the findings."""

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
        self.blamed: set[int] = set()

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

    def run(self, model_input: torch.Tensor | None) -> list[Finding]:
        """All findings, errors first in the order the calls ran, then notes."""
        if not self.unbatched(model_input):
            for call in self.trace.calls:
                self.check(call)
            self.batch_changed()
        self.copies()
        self.fallbacks()
        self.empty_batch()
        if self.error is not None and not self.explained:
            culprit = self.failed
            message = f"The model raises: {self.error}"
            if culprit is None:
                self.findings.append(Finding("raises", "error", "model", message, ""))
            elif culprit.error is not None and no_meta_kernel(culprit.error):
                message = (
                    f"{named(culprit)} has no meta kernel, and running it on CPU instead would "
                    f"take {input_bytes(culprit)} bytes (more than {FALLBACK_BYTES}), so the "
                    f"doctor stops here. Torch says: {self.error}"
                )
                self.explained = True
                self.findings.append(
                    Finding("no-meta-kernel", "error", where(culprit), message, "", row_of(culprit))
                )
            else:
                self.add("raises", culprit, f"{named(culprit)} raises: {self.error}", "")
        return self.findings

    def empty_batch(self) -> None:
        """A note when the batch is empty: its per-sample sizes come from the second run."""
        if self.batch.batch:
            return
        message = (
            f"The input's batch is empty (dim 0 has size 0). The table and any error are "
            f"from the run at batch size 0; which dims carry the batch, and how much of "
            f"each a sample owns, are read from the run at batch size {self.batch.other}."
        )
        if self.other_error is not None and self.error is None:
            message += (
                f" At batch size {self.batch.other} the model raises: "
                f"{self.other_error.rstrip('.')}. Diagnose a batch with samples to find why."
            )
        self.findings.append(Finding("empty-batch", "note", "input", message, ""))

    def fallbacks(self) -> None:
        """A warning for each op that had no meta kernel and ran on CPU zeros instead."""
        for call in self.trace.calls:
            if call.fallback:
                message = (
                    f"{named(call)} has no meta kernel, so the doctor ran it on CPU zeros of "
                    f"the same shapes ({input_bytes(call)} bytes) and took its result's shape "
                    f"and strides from there."
                )
                self.findings.append(
                    Finding("no-meta-kernel", "warning", where(call), message, "", row_of(call))
                )

    def check(self, call: Call) -> None:
        """The checks that look at one call."""
        if call.name == "linear":
            self.linear(call)
        elif call.name in CONTRACTING or call.name in CONVS:
            self.contraction(call)
        elif call.name in ("view", "reshape") and call.error is not None:
            self.failed_view(call)

    # unbatched-input ---------------------------------------------------------------------

    def unbatched(self, model_input: torch.Tensor | None) -> bool:
        """The first conv (or a Linear fed the raw input) sees one dim fewer than batched."""
        for call in self.trace.calls:
            if call.name in CONVS and len(call.inputs) > 1:
                x, weight = call.inputs[:2]
                if x.dim() != weight.dim() - 1:
                    return False
            elif call.name == "linear" and call.inputs and call.inputs[0] is model_input:
                x = call.inputs[0]
                if x.dim() != 1:
                    return False
            else:
                continue
            batched = fmt((1, *x.shape))
            self.add(
                "unbatched-input",
                call,
                f"{named(call)} takes a batch of samples, but the input {fmt(x.shape)} is one "
                f"sample without the batch dim, so later layers take its first dim for the "
                f"batch.",
                f"model(x.unsqueeze(0)), whose shape is {batched}",
                raised=True,
            )
            return True
        return False

    # batch-mixing, missing-flatten, in-features ------------------------------------------

    def contraction(self, call: Call) -> bool:
        """batch-mixing: the dim this call contracts carries the batch."""
        if not call.inputs:
            return False
        x = call.inputs[0]
        dim = 1 if call.name in CONVS else CONTRACTING.get(call.name, -1)
        dims = self.batch.of(x)
        if not dims or dim % max(x.dim(), 1) not in dims:
            return False
        merge = self.merged_batch(x)
        culprit = merge or call
        if culprit.seq in self.blamed:
            return True
        self.blamed.add(culprit.seq)
        batch, size = self.batch.batch, x.shape[dim]
        rows_at = batch
        if batch <= 1:  # one sample (or none) cannot show the samples mixing: the 2nd run can
            twin = self.batch.pairs[id(x)]
            batch, size = self.batch.other, twin.shape[dim]
            holds = f"at batch size {batch} its {size} inputs hold {samples(batch)}"
        else:
            holds = f"its {size} inputs hold {samples(batch)}"
        per_sample = size // batch
        rows = fmt((rows_at, per_sample))
        if merge is not None:
            message = (
                f"{named(merge)} merges the batch dim of {fmt(merge.inputs[0].shape)} into "
                f"{fmt(merge.output.shape if merge.output is not None else ())}, so "
                f"{named(call)} contracts the samples together: {holds} "
                f"of {per_sample} features."
            )
            fix = f"{flatten_fix(merge)}, which gives {rows}"
            self.add("batch-mixing", culprit, message, fix, raised=call.error is not None)
        else:
            message = (
                f"{named(call)} contracts dim {dim}, which carries the batch: {holds}. That "
                f"is right for a statistic over the batch, wrong for a per-sample layer."
            )
            fix = "keep the batch out of the contracted dim, if each sample should stay apart"
            self.add("batch-mixing", culprit, message, fix, severity="warning")
        return True

    def linear(self, call: Call) -> None:
        """in-features or missing-flatten for a Linear (or F.linear) call."""
        if self.contraction(call) or len(call.inputs) < 2:
            return
        x, weight = call.inputs[:2]
        out_features, in_features = weight.shape[0], weight.shape[-1]
        got = x.shape[-1] if x.dim() else 1
        conv = self.conv_source(x) if x.dim() >= 3 else None
        if conv is not None:
            features = math.prod(x.shape[1:])
            message = (
                f"{named(call)} is applied to the {x.dim()}-d activation {fmt(x.shape)} of "
                f"{named(conv)}, so it mixes only the last dim "
                f"({got} values) instead of each sample's {features} features."
            )
            linear = "" if features == in_features else f" and nn.Linear({features}, "
            linear += f"{out_features})" if linear else ""
            fix = f"add nn.Flatten() before it, which gives {fmt((x.shape[0], features))}{linear}"
            self.add("missing-flatten", call, message, fix, raised=call.error is not None)
        elif got != in_features and not self.explained_by_batch(x):
            message = (
                f"{named(call)} has in_features={in_features}, but {fmt(x.shape)} arrives: "
                f"{got} features per row."
            )
            fix = f"nn.Linear({got}, {out_features}), or nn.LazyLinear({out_features})"
            self.add("in-features", call, message, fix, raised=call.error is not None)

    def conv_source(self, x: torch.Tensor) -> Call | None:
        """The conv this activation comes from through rank-keeping ops, if any."""
        return self.source(x, CONVS, _KEEPS_RANK)

    def source(
        self, x: torch.Tensor, wanted: Collection[str], through: Collection[str]
    ) -> Call | None:
        """The nearest call named in `wanted` that made `x`, walking back through the
        first input of calls named in `through`; None if another call stands between."""
        for _ in range(10_000):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs:
                return None
            if producer.name in wanted:
                return producer
            if producer.name not in through:
                return None
            x = producer.inputs[0]
        return None

    def merged_batch(self, x: torch.Tensor) -> Call | None:
        """The call that last grew the share of the batch in a dim of `x`."""
        for _ in range(10_000):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs:
                return None
            before, after = self.batch.of(producer.inputs[0]), self.batch.of(x)
            if before and after and max(after.values()) > max(before.values()):
                return producer
            x = producer.inputs[0]
        return None

    # batch-changed ------------------------------------------------------------------------

    def explained_by_batch(self, x: torch.Tensor) -> bool:
        """True when `x`'s rows are not the samples (batch-changed reports that)."""
        dims = self.batch.of(x)
        return bool(dims) and 1 not in dims.values()  # type: ignore[union-attr]

    def batch_changed(self) -> None:
        """The batch leaves the model (or reaches the failing call) as a different count."""
        failed = self.failed
        end = self.trace.output if failed is None else next(iter(failed.inputs), None)
        if not isinstance(end, torch.Tensor):
            return
        dims = self.batch.of(end)
        if not dims or Fraction(1) in dims.values():
            return
        found = self.regrouped(end)
        if found is None:
            return
        producer, x = found
        if producer.seq in self.blamed:
            return
        self.blamed.add(producer.seq)
        src, at = self.with_samples(producer.inputs[0]), ""
        if src is not producer.inputs[0]:  # an empty batch: show the run with samples
            x, at = self.batch.pairs[id(x)], f"at batch size {self.batch.other}, "
        rows = x.shape[0]
        raised = failed is not None and failed.name == "linear"
        merged = _leading_merge(tuple(src.shape), tuple(x.shape))
        if failed is None and merged is not None:
            self.add(
                "batch-changed",
                producer,
                f"{at}{named(producer)} merges the batch with dims 1..{merged} of "
                f"{fmt(src.shape)}, and the model returns {rows} rows {fmt(x.shape)}. That "
                f"is right when the rows are meant (logits flattened for a loss), wrong "
                f"when each row should be one sample.",
                f"{self.per_sample_fix(producer)}, if each row should be one sample",
                severity="warning",
            )
            return
        if producer.name == "flatten":
            kind, fix = "batch-mixing", self.per_sample_fix(producer, flatten_fix(producer))
            verb = "merges the batch dim of"
        else:
            kind, fix = "batch-changed", self.per_sample_fix(producer)
            verb = "turns a batch of"
        self.add(
            kind,
            producer,
            f"{at}{named(producer)} {verb} {samples(src.shape[0])} {fmt(src.shape)} into "
            f"{rows} rows {fmt(x.shape)}: each row is no longer one sample.",
            fix,
            raised=raised,
        )

    def with_samples(self, t: torch.Tensor) -> torch.Tensor:
        """`t`, or its twin from the second run when the given batch is empty."""
        twin = self.batch.pairs.get(id(t))
        return twin if not self.batch.batch and twin is not None and twin.dim() else t

    def regrouped(self, x: torch.Tensor) -> tuple[Call, torch.Tensor] | None:
        """The call whose input rows were the samples and whose output `x` (walking back
        from the given tensor) are not, with that output."""
        for _ in range(10_000):
            producer = self.producers.get(id(x))
            if producer is None or not producer.inputs:
                return None
            before = self.batch.of(producer.inputs[0])
            if before and Fraction(1) in before.values():
                return producer, x
            x = producer.inputs[0]
        return None

    def failed_view(self, call: Call) -> None:
        """A view/reshape that raised: too few elements for its -1, or no view possible."""
        x = call.inputs[0]
        shape = _shape_args(call)
        sizes = None if shape is None else _resolve(shape, x.numel())
        if call.name == "view" and shape is not None and sizes is not None:
            self.not_viewable(call, x, shape, sizes)
            return
        if shape is None or -1 not in shape or not x.dim() or shape.index(-1) != 0:
            return
        if not x.shape[0]:
            return  # an empty batch has no samples to regroup; torch's error says why
        if call.seq in self.blamed:
            return
        self.blamed.add(call.seq)
        row = -math.prod(shape)
        per_sample = x.numel() // x.shape[0]
        self.add(
            "batch-changed",
            call,
            f"{named(call)} asks for rows of {row} values, but each of the "
            f"{samples(x.shape[0])} in {fmt(x.shape)} has {per_sample}: the rows would not be "
            f"samples.",
            self.per_sample_fix(call),
            raised=True,
        )

    def per_sample_fix(self, call: Call, flatten: str = "x.flatten(1)") -> str:
        """`x.flatten(1)` and, if it differs, the in_features of the next Linear."""
        src = call.inputs[0]
        per_sample = math.prod(src.shape[1:])
        nxt = next((c for c in self.trace.calls if c.seq > call.seq and c.name == "linear"), None)
        fix = f"{flatten}, which gives {fmt((src.shape[0], per_sample))}"
        if nxt is not None and len(nxt.inputs) > 1 and nxt.inputs[1].shape[-1] != per_sample:
            fix += f", and nn.Linear({per_sample}, {nxt.inputs[1].shape[0]}) after it"
        return fix

    # not-viewable -------------------------------------------------------------------------

    def not_viewable(
        self, call: Call, x: torch.Tensor, shape: tuple[int, ...], sizes: tuple[int, ...]
    ) -> None:
        """`.view` on a layout that has no view: name the dims that cannot merge. `shape`
        is as the user wrote it (maybe with -1), `sizes` the shape torch resolves it to."""
        blocking = ""
        for start, end in _merged_groups(tuple(x.shape), sizes):
            plan = explain(x, start, end)
            if plan.blocking is not None:
                i, j = plan.blocking
                st, sz = x.stride(), x.shape
                blocking = (
                    f" Dims {i} and {j} cannot merge: stride[{i}] = {st[i]}, but size[{j}] * "
                    f"stride[{j}] = {sz[j]} * {st[j]} = {sz[j] * st[j]}."
                )
                break
        args = ", ".join(str(s) for s in shape)
        elements = x.numel() * x.element_size()
        message = (
            f"{named(call)} needs a view, but {fmt(x.shape)} with strides {fmt(x.stride())} "
            f"has none for {fmt(sizes)}.{blocking}"
        )
        fix = (
            f"x.reshape({args}), which copies {elements} bytes per batch, "
            f"or x.contiguous().view({args})"
        )
        source = self.layout_source(x)
        conv = self.conv_source(x) if x.dim() >= 4 else None
        if conv is not None and conv.output is not None and not conv.output.is_contiguous():
            message += (
                f" These strides come from {named(conv)}, which keeps the channels_last "
                f"memory format of its input or weight, as torch's CPU kernels do."
            )
        if source is None:
            self.add("not-viewable", call, message, fix, raised=True)
            return
        message += (
            f" These strides come from {named(source)} on meta; on a real device its output "
            f"may follow its input's layout, where the view can work."
        )
        self.error, self.explained = None, True
        self.findings.append(
            Finding("not-viewable", "warning", where(call), message, fix, row_of(call))
        )

    def layout_source(self, x: torch.Tensor) -> Call | None:
        """The op whose output layout differs by device that `x`'s strides come from."""
        return self.source(x, DEVICE_LAYOUT, _VIEWS)

    # copy notes ---------------------------------------------------------------------------

    def copies(self) -> None:
        """A note for every flatten-like call that copies, with its bytes per batch."""
        for call in self.trace.calls:
            if is_view(call) is not False or call.output is None:
                continue
            nbytes = call.output.numel() * call.output.element_size()
            batch = self.batch.batch
            per = f" ({nbytes // batch} per sample)" if batch and nbytes % batch == 0 else ""
            self.findings.append(
                Finding(
                    "copy",
                    "note",
                    where(call),
                    f"{named(call)} copies {fmt(call.inputs[0].shape)} into "
                    f"{fmt(call.output.shape)}: {nbytes} bytes per batch{per}.",
                    "",
                    row_of(call),
                )
            )


def flatten_fix(call: Call) -> str:
    """The flatten that keeps the batch dim, written the way the culprit was written."""
    if call.in_layer and call.layer is not None and isinstance(call.layer.module, nn.Flatten):
        return "nn.Flatten(start_dim=1)"
    if call.func is torch.flatten:
        return "torch.flatten(x, 1)"
    return "x.flatten(1)"


def _leading_merge(old: tuple[int, ...], new: tuple[int, ...]) -> int | None:
    """The last dim k when `new` is `old` with dims 0..k merged into one, else None."""
    for k in range(1, len(old)):
        if new == (math.prod(old[: k + 1]), *old[k + 1 :]):
            return k
    return None


def _shape_args(call: Call) -> tuple[int, ...] | None:
    """The target shape of a view/reshape call, however it was passed."""
    rest = list(call.args[1:]) or list(call.kwargs.values())
    if len(rest) == 1 and isinstance(rest[0], (tuple, list, torch.Size)):
        rest = list(rest[0])
    if not rest or not all(isinstance(r, int) for r in rest):
        return None
    return tuple(rest)


def _resolve(shape: tuple[int, ...], numel: int) -> tuple[int, ...] | None:
    """`shape` with its -1 inferred from `numel` as torch's view does; None when torch
    could not resolve it (two -1s, a bad size, or a count that does not fit)."""
    known = math.prod(s for s in shape if s != -1)
    if any(s < -1 for s in shape) or shape.count(-1) > 1:
        return None
    if -1 not in shape:
        return shape if known == numel else None
    if known == 0 or numel % known:
        return None
    return tuple(numel // known if s == -1 else s for s in shape)


def _merged_groups(old: tuple[int, ...], new: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    """Ranges of old dims that a view to `new` merges (each as `(start, end)`)."""
    i = j = 0
    while i < len(old) and j < len(new):
        start, a, b = i, old[i], new[j]
        i, j = i + 1, j + 1
        while a != b:
            if a < b and i < len(old):
                a, i = a * old[i], i + 1
            elif j < len(new):
                b, j = b * new[j], j + 1
            else:
                return
        if i - 1 > start:
            yield start, i - 1
