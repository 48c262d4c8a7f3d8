"""Run the model on meta at two batch sizes and find which dims carry the batch.

A dim whose size changes with the batch carries it; its size divided by the batch size
is how many rows (or features) of it each sample owns. `Flatten(start_dim=0)` runs at
batch size 1, but at the second batch size its output's one dim grows: the batch is in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import torch
from torch import nn
from torch.func import functional_call

from flatviz.diagnosis.trace import Call, Trace, recording


def meta_like(t: torch.Tensor, shape: Sequence[int] | None = None) -> torch.Tensor:
    """A meta tensor with `t`'s dtype and memory order (and `t`'s shape unless given)."""
    size = tuple(t.shape) if shape is None else tuple(shape)
    if t.dim() < 2 or size != tuple(t.shape):
        order = sorted(range(t.dim()), key=lambda d: (-t.stride()[d], d))
        return torch.empty_permuted(size, order, dtype=t.dtype, device="meta")
    return torch.empty_strided(size, t.stride(), dtype=t.dtype, device="meta")


def run(model: nn.Module, inputs: Sequence[torch.Tensor]) -> Trace:
    """One forward pass on meta with meta stand-ins for every parameter and buffer; the
    model's own tensors are never touched, and an error is recorded, not raised."""
    names = {m: name or type(model).__name__ for name, m in model.named_modules()}
    stand_ins = {n: meta_like(p) for n, p in model.named_parameters()}
    stand_ins |= {n: meta_like(b) for n, b in model.named_buffers()}
    with torch.no_grad(), recording(names) as trace:
        try:
            trace.output = functional_call(model, stand_ins, tuple(inputs))
        except Exception as err:
            trace.error = err
    return trace


@dataclass(frozen=True)
class BatchDims:
    """For the tensors of the first run, which dims carry the batch, as per-sample factors."""

    batch: int
    other: int
    pairs: dict[int, torch.Tensor]

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


def _tensors(call: Call) -> list[torch.Tensor | None]:
    return [*call.inputs, call.output]


def pair_runs(
    first: Trace,
    second: Trace,
    batch: int,
    other: int,
    inputs: Sequence[tuple[torch.Tensor, torch.Tensor]],
) -> BatchDims:
    """Match the two runs call by call (while they run the same ops) and pair their tensors."""
    pairs = {id(a): b for a, b in inputs}
    for a, b in zip(first.calls, second.calls, strict=False):
        if a.func != b.func:
            break
        for ta, tb in zip(_tensors(a), _tensors(b), strict=True):
            if ta is not None and tb is not None:
                pairs[id(ta)] = tb
    return BatchDims(batch, other, pairs)
