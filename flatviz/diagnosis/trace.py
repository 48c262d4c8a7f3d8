"""Run a model once and record every torch call and layer, with who made it.

Module forward hooks see layers; a `TorchFunctionMode` sees the calls made inside a
`forward` (`torch.flatten(x)`, `x.view(-1, n)`, `F.linear`) that hooks miss. Each call is
attributed to the innermost running module and, when user code made it, its source line.
Rules (the fixes found so far) change the calls they match as the run goes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils.hooks import RemovableHandle

from flatviz.diagnosis.devices import (
    FALLBACK_BYTES,
    device_layout,
    no_meta_kernel,
    on_cpu,
    tensor_bytes,
)
from flatviz.diagnosis.rules import Rule
from flatviz.diagnosis.site import INTERNAL, MODULES, Site, layer_caller, site_of

#: How tensors passed by keyword line up after the positional ones.
_KEYWORD_ORDER = {"input": 0, "self": 1, "other": 2, "mat2": 3, "weight": 4, "bias": 5}


@dataclass(eq=False)
class Layer:
    """One call of a module: its qualified name, the module, input and output, and the
    user's call of it (`self.fc(x)` in a forward) when user code made that call."""

    seq: int
    name: str
    module: nn.Module
    leaf: bool
    input: torch.Tensor | None
    output: torch.Tensor | None = None
    done: bool = False
    site: Site | None = None


@dataclass(eq=False)
class Call:
    """One torch function call: what ran, on what, who ran it, and what came out.

    `site` is the user's source line as a report shows it (or the running torch layer's
    name), `source` the same place with its file and span; `outputs` every tensor the
    call returned (a GRU returns two), `output` the first; `rule` the fix that changed it.
    """

    seq: int
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    layer: Layer | None
    site: str | None
    output: torch.Tensor | None = None
    error: Exception | None = None
    fallback: bool = False
    source: Site | None = None
    outputs: tuple[torch.Tensor, ...] = ()
    rule: Rule | None = None

    @property
    def name(self) -> str:
        """The op's name, e.g. `flatten`, `view`, `linear`, `conv2d`."""
        return str(getattr(self.func, "__name__", self.func))

    @property
    def inputs(self) -> list[torch.Tensor]:
        """The tensor arguments: positional ones in order, then those passed by keyword,
        the op's input and weight first (`F.linear(input=x, weight=w)` as `(x, w)`)."""
        given = [a for a in self.args if isinstance(a, torch.Tensor)]
        named = sorted(
            (k for k, v in self.kwargs.items() if isinstance(v, torch.Tensor)),
            key=lambda k: _KEYWORD_ORDER.get(k, len(_KEYWORD_ORDER)),
        )
        return given + [self.kwargs[k] for k in named]

    @property
    def in_layer(self) -> bool:
        """True when a leaf module made this call (it is part of that layer's row)."""
        return self.layer is not None and self.layer.leaf


@dataclass
class Trace:
    """Everything one run recorded, in the order it happened."""

    layers: list[Layer] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    output: object = None
    error: Exception | None = None

    @property
    def failed(self) -> Call | None:
        """The call that raised, if the run failed inside a torch call."""
        return next((c for c in reversed(self.calls) if c.error is not None), None)

    def producers(self) -> dict[int, Call]:
        """Which call made each recorded tensor, keyed by the tensor's id. A call that
        returns its own input (dropout in eval mode) made nothing: the maker stays."""
        made: dict[int, Call] = {}
        for call in self.calls:
            for out in call.outputs:
                if not any(out is t for t in call.inputs):
                    made[id(out)] = call
        return made


def _is_layer(module: nn.Module) -> bool:
    """A torch layer without submodules; its calls make one row. A user's own module
    shows the calls its forward makes, each at its source line."""
    builtin = type(module).__module__.startswith("torch.")
    return builtin and next(iter(module.children()), None) is None


def _site(running: Layer | None) -> tuple[str, Site | None]:
    """The innermost frame outside torch and flatviz, as a report shows it and as a
    source place; the running module's name when torch's own module code made the call."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(INTERNAL):
        if running is not None and frame.f_code.co_filename.startswith(MODULES):
            return running.name, None
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "?", None
    site = site_of(frame, None if running is None else type(running.module))
    return str(site), site


def _tensor_outputs(out: object) -> tuple[torch.Tensor, ...]:
    """The tensors a call returned: itself, or those in a tuple or list."""
    if isinstance(out, torch.Tensor):
        return (out,)
    if isinstance(out, (tuple, list)):
        return tuple(t for t in out if isinstance(t, torch.Tensor))
    return ()


class _Recorder(TorchFunctionMode):
    """Records each torch call that returns a tensor or raises, changed by its rule."""

    def __init__(
        self, trace: Trace, stack: list[Layer], counter: Iterator[int], rules: Sequence[Rule]
    ) -> None:
        super().__init__()
        self.trace, self.stack, self.counter = trace, stack, counter
        self.rules = {r.key: r for r in rules}
        self.ops = frozenset(r.op for r in rules)

    def _rule(self, name: str, layer: Layer | None, source: Site | None) -> Rule | None:
        """The rule that changes this call: by its layer, or by its place in the source."""
        if layer is not None and layer.leaf:
            return self.rules.get((name, layer.name, None, None))
        if source is None:
            return None
        return self.rules.get((name, None, source.path, source.span))

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: object,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        kwargs = dict(kwargs or {})
        layer = self.stack[-1] if self.stack else None
        where: tuple[str | None, Site | None] | None = None
        rule = None
        name = getattr(func, "__name__", "")
        if name in self.ops:
            where = (None, None) if layer is not None and layer.leaf else _site(layer)
            rule = self._rule(name, layer, where[1])
            if rule is not None:
                try:
                    func, args, kwargs = rule.change(func, args, kwargs)
                except Exception:  # a fix that does not fit this call: run it as written
                    rule = None
        fallback = False
        try:
            try:
                out = func(*args, **kwargs)
            except (NotImplementedError, RuntimeError) as err:
                if not no_meta_kernel(err) or tensor_bytes((args, kwargs)) > FALLBACK_BYTES:
                    raise
                out, fallback = on_cpu(func, args, kwargs), True
        except Exception as err:
            self._record(func, args, kwargs, layer, where, rule, None, err, False)
            raise
        if isinstance(out, torch.Tensor) and not fallback:
            out = device_layout(func, args, kwargs, out)
        outputs = _tensor_outputs(out)
        if outputs or fallback:
            self._record(func, args, kwargs, layer, where, rule, outputs, None, fallback)
        return out

    def _record(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        layer: Layer | None,
        where: tuple[str | None, Site | None] | None,
        rule: Rule | None,
        outputs: tuple[torch.Tensor, ...] | None,
        error: Exception | None,
        fallback: bool,
    ) -> None:
        """Append the call to the trace, with its place, its rule and what it returned or raised."""
        if where is None:
            where = (None, None) if layer is not None and layer.leaf else _site(layer)
        first = outputs[0] if outputs else None
        call = Call(next(self.counter), func, args, kwargs, layer, where[0], first, error, fallback)
        call.source, call.outputs, call.rule = where[1], outputs or (), rule
        self.trace.calls.append(call)


def input_bytes(call: Call) -> int:
    """The bytes a call's tensor arguments take as real CPU tensors."""
    return tensor_bytes((call.args, call.kwargs))


@contextmanager
def recording(names: Mapping[nn.Module, str], rules: Sequence[Rule] = ()) -> Iterator[Trace]:
    """Record every layer and torch call made inside the block, with `rules` changing the
    calls they match (hooks removed after)."""
    trace = Trace()
    stack: list[Layer] = []
    counter = iter(range(sys.maxsize))

    def enter(module: nn.Module, args: tuple[Any, ...]) -> None:
        first = args[0] if args and isinstance(args[0], torch.Tensor) else None
        name = names.get(module, type(module).__name__)
        leaf = _is_layer(module)
        site = layer_caller(1)
        layer = Layer(next(counter), name, module, leaf, first, site=site)
        trace.layers.append(layer)
        stack.append(layer)

    def leave(module: nn.Module, args: tuple[Any, ...], output: object) -> None:
        if stack and stack[-1].module is module:
            layer = stack.pop()
            layer.output = output if isinstance(output, torch.Tensor) else None
            layer.done = True

    handles: list[RemovableHandle] = [
        nn.modules.module.register_module_forward_pre_hook(enter),
        nn.modules.module.register_module_forward_hook(leave),
    ]
    try:
        with _Recorder(trace, stack, counter, rules):
            yield trace
    finally:
        for handle in handles:
            handle.remove()
