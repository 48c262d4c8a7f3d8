"""What a sound case is, and how its inputs become tensors, shapes and command-line text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn

#: Token ids and masks are drawn below this, which every tiny vocabulary here exceeds.
IDS = 100


@dataclass(frozen=True)
class Sound:
    """A zoo architecture: its factory (no arguments) and its example inputs.

    Attributes:
        build: Makes the model with random weights; also the command line's ATTR.
        args: The positional inputs' shapes (float32), batch first.
        kwargs: Keyword inputs by name: shape and dtype (int64 ids get values below IDS).
    """

    build: Callable[[], nn.Module]
    args: tuple[tuple[int, ...], ...] = ()
    kwargs: Mapping[str, tuple[tuple[int, ...], torch.dtype]] = field(default_factory=dict)

    def tensors(self, batch: int | None = None) -> object:
        """The inputs as real tensors (at another batch size if given): a tensor, a tuple,
        or a dict of keyword tensors, the forms `flatviz.doctor` accepts."""
        gen = torch.Generator().manual_seed(0)
        if self.kwargs:
            return {
                name: make(_at(shape, batch), dtype, gen, mask=name.endswith("mask"))
                for name, (shape, dtype) in self.kwargs.items()
            }
        made = tuple(make(_at(shape, batch), torch.float32, gen) for shape in self.args)
        return made[0] if len(made) == 1 else made

    def cli(self) -> list[str]:
        """The inputs as `--input` options of `flatviz doctor`."""
        out: list[str] = []
        for shape in self.args:
            out += ["--input", ",".join(map(str, shape))]
        for name, (shape, dtype) in self.kwargs.items():
            out += ["--input", f"{name}={','.join(map(str, shape))}:{str(dtype)[6:]}"]
        return out


def make(
    shape: tuple[int, ...], dtype: torch.dtype, gen: torch.Generator, *, mask: bool = False
) -> torch.Tensor:
    """A random tensor: normal floats, integers in 1..IDS-1, or ones for a mask."""
    if mask:
        return torch.ones(shape, dtype=dtype)
    if dtype.is_floating_point:
        return torch.randn(shape, generator=gen, dtype=dtype)
    return torch.randint(1, IDS, shape, generator=gen, dtype=dtype)


def _at(shape: tuple[int, ...], batch: int | None) -> tuple[int, ...]:
    return shape if batch is None else (batch, *shape[1:])


def call(model: nn.Module, inputs: object) -> object:
    """`model` applied to inputs in any of the forms `Sound.tensors` returns."""
    if isinstance(inputs, dict):
        return model(**inputs)
    if isinstance(inputs, tuple):
        return model(*inputs)
    return model(inputs)


def first_tensor(output: object) -> torch.Tensor:
    """The main tensor of a model's output: itself, the first of a tuple, or the first
    tensor field of a transformers ModelOutput (logits, last_hidden_state)."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, Mapping):
        return first_tensor(next(v for v in output.values() if v is not None))
    if isinstance(output, (tuple, list)):
        return first_tensor(output[0])
    raise TypeError(f"no tensor in {type(output).__name__}")
