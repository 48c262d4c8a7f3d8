"""How a rerun applies a fix: a `Rule` picks out one call (a leaf layer's, or the one at a
source span) and changes what it runs, on meta or CPU tensors alike. The doctor reruns
the model with the rules of every fix so far, to find what fails next."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from flatviz.diagnosis.finding import Span

#: What a rule does to a call: (func, args, kwargs) in, the call to make instead out.
Change = Callable[
    [Callable[..., Any], tuple[Any, ...], Mapping[str, Any]],
    tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]],
]


#: What a rule matches on: op, layer name, source path, source span.
RuleKey = tuple[str, "str | None", "str | None", "Span | None"]


@dataclass(frozen=True)
class Rule:
    """A change to one call: the `op` run by the leaf layer named `layer`, or the `op`
    called at `span` of `path` in the user's source."""

    op: str
    layer: str | None = None
    path: str | None = None
    span: Span | None = None
    change: Change = field(default=lambda f, a, k: (f, a, dict(k)), compare=False, repr=False)

    @property
    def key(self) -> RuleKey:
        """What the rule matches on: two rules with one key change the same call."""
        return (self.op, self.layer, self.path, self.span)


def as_reshape(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """`x.view(...)` run as `x.reshape(...)`: the same shape, copied where it must be."""
    return torch.Tensor.reshape, args, dict(kwargs)


def shape_args(args: tuple[Any, ...]) -> tuple[Any, list[Any], bool]:
    """A view/reshape's tensor, its sizes as a list, and whether they came packed in one
    tuple (`x.view((a, b))`) rather than one argument each (`x.view(a, b)`)."""
    x, sizes = args[0], list(args[1:])
    packed = len(sizes) == 1 and isinstance(sizes[0], (tuple, list, torch.Size))
    return x, list(sizes[0]) if packed else sizes, packed


def flatten_rows(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """A view, reshape or flatten run as `x.flatten(1)`: one row per sample."""
    x = args[0] if args else kwargs["input"]
    return torch.Tensor.flatten, (x, 1), {}


def batch_from_input(position: int) -> Change:
    """The size at `position` of a view/reshape read from its input's dim 0."""

    def change(
        func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
        x, shape, packed = shape_args(args)
        shape[position] = x.shape[0]
        return func, (x, tuple(shape)) if packed else (x, *shape), dict(kwargs)

    return change


def resize_linear(
    in_features: int | None = None, out_features: int | None = None, flatten: bool = False
) -> Change:
    """A linear call with its weight (and bias) resized, its input flattened first if asked."""

    def change(
        func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
        names = ("input", "weight", "bias")
        given = dict(zip(names, args, strict=False)) | dict(kwargs)
        x, weight, bias = given["input"], given["weight"], given.get("bias")
        if flatten:
            x = x.flatten(1)
        out = weight.shape[0] if out_features is None else out_features
        inner = weight.shape[-1] if in_features is None else in_features
        if (out, inner) != tuple(weight.shape):
            weight = weight.new_zeros((out, inner))
        if bias is not None and bias.shape[0] != out:
            bias = bias.new_zeros((out,))
        return func, (x, weight, bias), {}

    return change


#: The op of a rule that changes the model's output (the model returns it, no call does).
OUTPUT = "<output>"


def unfold_output(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """The output `args[0]` with each tensor whose dim 0 holds several rows per sample
    (`args[1]` samples) unfolded to (batch, rows, ...), as a fold undone before return."""
    out, batch = args[0], args[1]

    def unfold(t: object) -> object:
        if not isinstance(t, torch.Tensor) or not batch or not t.dim():
            return t
        if t.shape[0] != batch and t.shape[0] % batch == 0:
            return t.reshape(batch, -1, *t.shape[1:])
        return t

    if isinstance(out, (tuple, list)):
        return func, (type(out)(unfold(t) for t in out), batch), {}
    return func, (unfold(out), batch), {}


def rows_per_sample(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """`x.view(-1, n)` run as `x.reshape(x.size(0), -1, n)`: the batch kept in front."""
    x, shape, _ = shape_args(args)
    return torch.Tensor.reshape, (x, (x.shape[0], *shape)), {}


def squeeze_dims(dims: tuple[int, ...]) -> Change:
    """A squeeze without dims run as a squeeze of `dims` only."""

    def change(
        func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
        return torch.squeeze, (args[0], dims), {}

    return change
