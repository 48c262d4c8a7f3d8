"""The example inputs a model takes, in the forms a user has them at hand: a tensor, a
tuple of tensors, a dict of keyword tensors (Hugging Face's `input_ids`, ...), or shapes
in place of any of those tensors. Dim 0 of each tensor whose dim 0 matches the first
tensor's is the batch; the doctor remakes them at other batch sizes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from flatviz.diagnosis.batch import meta_like

_FORMS = (
    "a tensor, a tuple of tensors, a dict of keyword tensors, or a shape (a tuple of ints "
    "or torch.Size)"
)


@dataclass(frozen=True)
class Inputs:
    """Positional and keyword example inputs (real, or meta when given as shapes)."""

    args: tuple[torch.Tensor, ...]
    kwargs: dict[str, torch.Tensor]

    @property
    def tensors(self) -> tuple[torch.Tensor, ...]:
        """Every input, positional ones first."""
        return (*self.args, *self.kwargs.values())

    @property
    def first(self) -> torch.Tensor | None:
        """The input whose dim 0 sets the batch size."""
        return self.tensors[0] if self.tensors else None

    @property
    def batch(self) -> int:
        """The batch size: dim 0 of the first input (1 for a 0-d one or none)."""
        first = self.first
        return first.shape[0] if first is not None and first.dim() else 1

    def _batched(self, t: torch.Tensor) -> bool:
        """True for an input whose dim 0 is the batch (its size matches the first input's)."""
        return t.dim() > 0 and t.shape[0] == self.batch

    def at(self, batch: int, *, real: bool = False, unsqueeze: bool = False) -> Inputs:
        """The inputs with `batch` in place of the batch size (with `unsqueeze`, each
        input one sample given a batch dim first): meta stand-ins, or with `real` CPU
        tensors holding the given values where there are any."""

        def remake(t: torch.Tensor) -> torch.Tensor:
            shape = None
            if unsqueeze:
                t, shape = t.unsqueeze(0), (batch, *t.shape)
            elif self._batched(t):
                shape = (batch, *t.shape[1:])
            return _real(t, shape) if real else meta_like(t, shape)

        return Inputs(
            tuple(remake(t) for t in self.args), {k: remake(v) for k, v in self.kwargs.items()}
        )

    def nbytes(self) -> int:
        """The bytes the inputs take as real tensors."""
        return sum(t.numel() * t.element_size() for t in self.tensors)


def _real(t: torch.Tensor, shape: tuple[int, ...] | None) -> torch.Tensor:
    """A CPU tensor of `shape` (default: `t`'s): `t`'s own values repeated along dim 0
    where `t` holds data, else normal floats, or ones for integers (valid token ids and
    full attention masks in any vocabulary)."""
    size = tuple(t.shape) if shape is None else shape
    if t.device.type != "meta" and t.numel():
        values = t.detach().cpu()
        if size == tuple(values.shape):
            return values.clone()
        if len(size) == values.dim() and size[1:] == tuple(values.shape[1:]):
            reps = -(-size[0] // values.shape[0])
            return values.repeat(reps, *([1] * (values.dim() - 1)))[: size[0]].clone()
        if size == (1, *values.shape):
            return values.unsqueeze(0).clone()
    if t.dtype.is_floating_point or t.dtype.is_complex:
        gen = torch.Generator().manual_seed(0)
        return torch.randn(size, generator=gen, dtype=t.dtype)
    return torch.ones(size, dtype=t.dtype)


def _is_shape(value: object) -> bool:
    """A tuple of ints or a torch.Size (a list stays a list of inputs)."""
    return isinstance(value, (tuple, torch.Size)) and all(
        isinstance(n, int) and not isinstance(n, bool) for n in value
    )


def _tensor(value: object, dtype: torch.dtype, what: str) -> torch.Tensor:
    """A tensor given as is, or a meta tensor for a shape."""
    if isinstance(value, torch.Tensor):
        return value
    if _is_shape(value):
        shape: tuple[int, ...] = tuple(value)  # type: ignore[arg-type]
        if any(n < 0 for n in shape):
            raise ValueError(f"{what} has a negative size: {shape}")
        return torch.empty(shape, dtype=dtype, device="meta")
    raise TypeError(f"{what} must be {_FORMS}, got {type(value).__name__}")


def read_inputs(example: object, dtype: torch.dtype | None = None) -> Inputs:
    """Normalize `example` to `Inputs`; shapes become meta tensors of `dtype` (float32
    by default). Raises TypeError for any other form, ValueError for a negative size."""
    kind = torch.float32 if dtype is None else dtype
    if isinstance(example, Inputs):
        return example
    if isinstance(example, Mapping):
        if not all(isinstance(k, str) for k in example):
            raise TypeError("a dict of inputs must have str keys (the forward's parameters)")
        kwargs = {k: _tensor(v, kind, f"input {k!r}") for k, v in example.items()}
        return Inputs((), kwargs)
    if isinstance(example, torch.Tensor) or (_is_shape(example) and example):
        return Inputs((_tensor(example, kind, "example_input"),), {})
    if isinstance(example, Sequence) and not isinstance(example, str) and example:
        args = tuple(_tensor(v, kind, f"input {i}") for i, v in enumerate(example))
        return Inputs(args, {})
    raise TypeError(f"example_input must be {_FORMS}, got {type(example).__name__}")
