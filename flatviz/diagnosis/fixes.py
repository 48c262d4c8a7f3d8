"""A fix as the checks build it: the edits to the user's source, and the rules that make
the same change in a rerun, so the doctor can look for what fails next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from flatviz.diagnosis.construction import built, in_sequential
from flatviz.diagnosis.describe import where
from flatviz.diagnosis.finding import Edit
from flatviz.diagnosis.rules import Change, Rule
from flatviz.diagnosis.source import Code, code_at, flattened_argument, with_argument
from flatviz.diagnosis.trace import Call, Layer

#: A rewrite of a piece of code (None: the code is not a form it handles).
Rewrite = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Fix:
    """The edits of a fix, and the rules that apply it in a rerun."""

    edits: tuple[Edit, ...] = ()
    rules: tuple[Rule, ...] = ()

    def __add__(self, other: Fix) -> Fix:
        return Fix(self.edits + other.edits, self.rules + other.rules)


def _edit(place: str, code: Code | None, rewrite: Rewrite, text: str) -> Edit:
    """An edit of `code` when `rewrite` handles it, else an instruction."""
    new = None if code is None else rewrite(code.text)
    if code is None or new is None or new == code.text:
        return Edit(place, text)
    return Edit(place, text, code.text, new, code.path, code.span)


def at_call(call: Call, rewrite: Rewrite, text: str, change: Change | None) -> Fix:
    """A fix of a call in the user's source: the call rewritten, and a rule that makes
    the change wherever the rerun reaches that span."""
    source = call.source
    code = None if source is None else code_at(source.path, source.span)
    rules: tuple[Rule, ...] = ()
    if change is not None and source is not None and source.span is not None:
        rules = (Rule(call.name, None, source.path, source.span, change),)
    return Fix((_edit(where(call), code, rewrite, text),), rules)


def at_layer(
    model: nn.Module, layer: Layer, rewrite: Rewrite, text: str, op: str, change: Change | None
) -> Fix:
    """A fix of a layer's constructor arguments, and a rule changing its `op` call."""
    rules = () if change is None else (Rule(op, layer.name, None, None, change),)
    return Fix((_edit(layer.name, built(model, layer.name), rewrite, text),), rules)


def _sibling(linear_code: str, name: str) -> str:
    """`nn.Flatten()` spelt with the prefix the Linear's constructor uses (`nn.`)."""
    callee = linear_code.split("(", 1)[0].strip()
    prefix = callee.rpartition(".")[0]
    return f"{prefix}.{name}()" if prefix else f"nn.{name}()"


def flatten_before(
    model: nn.Module,
    layer: Layer,
    entry: Layer,
    in_features: int | None,
    text: str,
    change: Change,
) -> Fix:
    """A flatten put in front of a Linear: into the forward's call of `entry` (the Linear,
    or a Sequential that leads to it keeping shapes), else into the Sequential that
    builds it, else around it; its in_features set when given."""
    rule = Rule("linear", layer.name, None, None, change)
    code = built(model, layer.name)
    sized = None if code is None else code.text
    if code is not None and in_features is not None:
        sized = with_argument(code.text, 0, "in_features", str(in_features))
    caller = entry.site
    call_code = None if caller is None else code_at(caller.path, caller.span)
    if caller is not None and call_code is not None and flattened_argument(call_code.text):
        fix = Fix((_edit(str(caller), call_code, flattened_argument, text),), (rule,))
        if code is not None and sized is not None and sized != code.text:
            fix += Fix((Edit(layer.name, text, code.text, sized, code.path, code.span),))
        elif in_features is not None:
            fix += Fix((Edit(layer.name, f"give {layer.name} in_features={in_features}"),))
        return fix
    if code is None or sized is None:
        return Fix((Edit(layer.name, text),), (rule,))
    flatten = _sibling(code.text, "Flatten")
    if in_sequential(model, layer.name):
        new = f"{flatten}, {sized}"
    else:
        new = f"{_sibling(code.text, 'Sequential')[:-1]}{flatten}, {sized})"
    return Fix((Edit(layer.name, text, code.text, new, code.path, code.span),), (rule,))


def linear_argument(
    model: nn.Module, linear: Call, arg: tuple[int, str, int], text: str, change: Change
) -> Fix:
    """Set a Linear's argument `arg` (position, name, value) where the layer is built; for a
    bare `F.linear` call, an instruction to give its weight that many rows or columns."""
    position, name, value = arg

    def rewrite(code: str) -> str | None:
        return with_argument(code, position, name, str(value))

    if linear.in_layer and linear.layer is not None:
        return at_layer(model, linear.layer, rewrite, text, "linear", change)
    axis = "columns" if position == 0 else "rows"
    return at_call(linear, lambda code: None, f"give the weight {value} {axis}", change)
