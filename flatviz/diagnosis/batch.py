"""Run the model on meta at two batch sizes and find which dims carry the batch.

A dim whose size changes with the batch carries it; its size divided by the batch size
is how many rows (or features) of it each sample owns. `Flatten(start_dim=0)` runs at
batch size 1, but at the second batch size its output's one dim grows: the batch is in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import torch
from torch import nn
from torch.func import functional_call

from flatviz.diagnosis.rules import OUTPUT, Rule
from flatviz.diagnosis.trace import Call, Trace, recording


def meta_like(t: torch.Tensor, shape: Sequence[int] | None = None) -> torch.Tensor:
    """A meta tensor with `t`'s dtype and memory order (and `t`'s shape unless given)."""
    size = tuple(t.shape) if shape is None else tuple(shape)
    if t.dim() < 2 or size != tuple(t.shape):
        order = sorted(range(t.dim()), key=lambda d: (-t.stride()[d], d))
        return torch.empty_permuted(size, order, dtype=t.dtype, device="meta")
    return torch.empty_strided(size, t.stride(), dtype=t.dtype, device="meta")


def run(
    model: nn.Module,
    inputs: Sequence[torch.Tensor],
    rules: Sequence[Rule] = (),
    kwargs: Mapping[str, torch.Tensor] | None = None,
    *,
    real: bool = False,
) -> Trace:
    """One forward pass with stand-ins for every parameter and buffer: meta ones, or with
    `real` the model's own parameters and copies of its buffers (a training-mode
    BatchNorm updates the copies). The model's tensors are never changed, `rules` change
    the calls they match, and an error is recorded, not raised."""
    names = {m: name or type(model).__name__ for name, m in model.named_modules()}
    stand_ins: dict[str, torch.Tensor]
    if real:
        stand_ins = dict(model.named_parameters())
        stand_ins |= {n: b.clone() for n, b in model.named_buffers()}
    else:
        stand_ins = {n: meta_like(p) for n, p in model.named_parameters()}
        stand_ins |= {n: meta_like(b) for n, b in model.named_buffers()}
    with torch.no_grad(), recording(names, rules) as trace:
        try:
            trace.output = functional_call(model, stand_ins, tuple(inputs), dict(kwargs or {}))
        except Exception as err:
            trace.error = err
    tensors = [*inputs, *(kwargs or {}).values()]
    batch = tensors[0].shape[0] if tensors and tensors[0].dim() else 0
    for rule in rules:
        if rule.op == OUTPUT and trace.error is None:
            trace.output = rule.change(run, (trace.output, batch), {})[1][0]
    return trace


@dataclass(frozen=True)
class BatchDims:
    """For the tensors of the first run, which dims carry the batch, as per-sample factors."""

    batch: int
    other: int
    pairs: dict[int, torch.Tensor]
    #: Each call of the first run (by seq) and its counterpart in the second.
    calls: dict[int, Call] = field(default_factory=dict)

    def of(self, t: torch.Tensor | None) -> dict[int, Fraction] | None:
        """dim -> size / batch for each dim of `t` that grows with the batch; None when the
        second run has no counterpart of `t` (it stopped earlier or took another path).
        An empty first batch holds no sizes to divide, so the second run's are used."""
        if t is None:
            return None
        twin = self.pairs.get(id(t))
        if twin is None or twin.dim() != t.dim():
            return None
        return {
            d: Fraction(a, self.batch) if self.batch else Fraction(b, self.other)
            for d, (a, b) in enumerate(zip(t.shape, twin.shape, strict=True))
            if a != b
        }


def _tensors(call: Call) -> list[torch.Tensor]:
    """A call's tensors: its inputs, then its outputs."""
    return [*call.inputs, *call.outputs]


def pair_runs(
    first: Trace,
    second: Trace,
    batch: int,
    other: int,
    inputs: Sequence[tuple[torch.Tensor, torch.Tensor]],
) -> BatchDims:
    """Match the two runs call by call (while they run the same ops) and pair their tensors."""
    pairs = {id(a): b for a, b in inputs}
    calls: dict[int, Call] = {}
    for a, b in zip(first.calls, second.calls, strict=False):
        if a.func != b.func:
            break
        calls[a.seq] = b
        for ta, tb in zip(_tensors(a), _tensors(b), strict=False):
            pairs[id(ta)] = tb
    for ta, tb in zip(output_tensors(first.output), output_tensors(second.output), strict=False):
        pairs.setdefault(id(ta), tb)
    return BatchDims(batch, other, pairs, calls)


def output_tensors(out: object) -> list[torch.Tensor]:
    """The tensors of a model's output, in order: itself, or those inside a tuple, list,
    dict or dataclass-like output (transformers' ModelOutput is a dict)."""
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, Mapping):
        return [t for v in out.values() for t in output_tensors(v)]
    if isinstance(out, (tuple, list)):
        return [t for v in out for t in output_tensors(v)]
    return []
