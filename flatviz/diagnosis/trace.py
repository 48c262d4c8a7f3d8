"""Run a model once on meta and record every torch call and layer, with who made it.

Module forward hooks see layers; a `TorchFunctionMode` sees the calls made inside a
`forward` (`torch.flatten(x)`, `x.view(-1, n)`, `F.linear`) that hooks miss. Each call is
attributed to the innermost running module and, when user code made it, its source line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils.hooks import RemovableHandle

#: Where an op has no meta kernel, it runs on CPU with zeros if its inputs take at most this.
FALLBACK_BYTES = 64 * 2**20
#: Frames from files under these directories belong to torch or to the doctor, not the user.
_INTERNAL = (os.path.dirname(torch.__file__), os.path.dirname(__file__))
#: torch's own layers: a call their code makes belongs to the layer, not to a user's line.
_MODULES = os.path.join(os.path.dirname(torch.__file__), "nn", "modules", "")


#: How tensors passed by keyword line up after the positional ones.
_KEYWORD_ORDER = {"input": 0, "self": 1, "other": 2, "mat2": 3, "weight": 4, "bias": 5}


@dataclass(eq=False)
class Layer:
    """One call of a module: its qualified name, the module, input and output."""

    seq: int
    name: str
    module: nn.Module
    leaf: bool
    input: torch.Tensor | None
    output: torch.Tensor | None = None
    done: bool = False


@dataclass(eq=False)
class Call:
    """One torch function call: what ran, on what, who ran it, and what came out."""

    seq: int
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    layer: Layer | None
    site: str | None
    output: torch.Tensor | None = None
    error: Exception | None = None
    fallback: bool = False

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
        return {
            id(c.output): c
            for c in self.calls
            if c.output is not None and not any(c.output is t for t in c.inputs)
        }


def _is_layer(module: nn.Module) -> bool:
    """A torch layer without submodules; its calls make one row. A user's own module
    shows the calls its forward makes, each at its source line."""
    builtin = type(module).__module__.startswith("torch.")
    return builtin and next(iter(module.children()), None) is None


def _site(running: Layer | None) -> str:
    """`Owner.function (file.py:line)` for the innermost frame outside torch and flatviz;
    the running module's name when torch's own module code made the call."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        if running is not None and frame.f_code.co_filename.startswith(_MODULES):
            return running.name
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "?"
    code = frame.f_code
    function = getattr(code, "co_qualname", code.co_name)
    if running is not None and "." not in function:
        function = f"{type(running.module).__name__}.{function}"
    return f"{function} ({os.path.basename(code.co_filename)}:{frame.f_lineno})"


class _Recorder(TorchFunctionMode):
    """Records each torch call that returns a tensor or raises."""

    def __init__(self, trace: Trace, stack: list[Layer], counter: Iterator[int]) -> None:
        super().__init__()
        self.trace, self.stack, self.counter = trace, stack, counter

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: object,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        kwargs = dict(kwargs or {})
        layer = self.stack[-1] if self.stack else None
        fallback = False
        try:
            try:
                out = func(*args, **kwargs)
            except (NotImplementedError, RuntimeError) as err:
                if not no_meta_kernel(err) or _bytes((args, kwargs)) > FALLBACK_BYTES:
                    raise
                out, fallback = _on_cpu(func, args, kwargs), True
        except Exception as err:
            site = None if layer is not None and layer.leaf else _site(layer)
            call = Call(next(self.counter), func, args, kwargs, layer, site, error=err)
            self.trace.calls.append(call)
            raise
        if isinstance(out, torch.Tensor) and not fallback:
            out = device_layout(func, args, kwargs, out)
        if isinstance(out, torch.Tensor) or fallback:
            site = None if layer is not None and layer.leaf else _site(layer)
            first = out if isinstance(out, torch.Tensor) else None
            call = Call(next(self.counter), func, args, kwargs, layer, site, first, None, fallback)
            self.trace.calls.append(call)
        return out


def device_layout(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    out: torch.Tensor,
) -> torch.Tensor:
    """A meta result in the memory format torch's CPU kernels give it: meta returns convs
    (and reflect or replicate padding) contiguous, CPU keeps a channels_last input's order
    (for a conv, a channels_last weight's too). The call's keywords come as one mapping,
    never spread: they may be named anything, `out` included (`F.normalize` passes it)."""
    name = getattr(func, "__name__", "")
    mode = kwargs.get("mode", args[2] if len(args) > 2 else "")
    if name in _FOLLOW_WEIGHT:
        tensors = args[:2]
    elif name == "pad" and isinstance(mode, str) and mode in _PADS:
        tensors = args[:1]
    else:
        return out
    memory = torch.channels_last if out.dim() == 4 else torch.channels_last_3d
    if out.device.type != "meta" or out.dim() not in (4, 5):
        return out
    if out.is_contiguous(memory_format=memory):
        return out
    if any(_in_order(t, out.dim(), memory) for t in tensors):
        return out.contiguous(memory_format=memory)
    return out


def _in_order(t: object, dim: int, memory: torch.memory_format) -> bool:
    """True for a `dim`-d tensor in `memory` order (channels_last) and not contiguous."""
    if not isinstance(t, torch.Tensor) or t.dim() != dim or t.is_contiguous():
        return False
    return t.is_contiguous(memory_format=memory)


#: Ops whose CPU output is channels_last when their input or weight is.
_FOLLOW_WEIGHT = frozenset({"conv2d", "conv3d", "conv_transpose2d", "conv_transpose3d"})
#: `F.pad` modes whose CPU output keeps a channels_last input's order (meta's does not).
_PADS = frozenset({"reflect", "replicate"})


def no_meta_kernel(err: Exception) -> bool:
    """True for the errors torch raises when an op has no meta (or fake) implementation."""
    text = str(err)
    return "'Meta' backend" in text or "no fake impl registered" in text


def _map(value: Any, tensor: Callable[[torch.Tensor], torch.Tensor]) -> Any:
    if isinstance(value, torch.Tensor):
        return tensor(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map(v, tensor) for v in value)
    if isinstance(value, dict):
        return {k: _map(v, tensor) for k, v in value.items()}
    return value


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def input_bytes(call: Call) -> int:
    """The bytes a call's tensor arguments take as real CPU tensors."""
    return _bytes((call.args, call.kwargs))


def _bytes(value: Any) -> int:
    """The bytes the tensors in `value` would take as real CPU tensors."""
    return sum(t.numel() * t.element_size() for t in _tensors(value))


def _on_cpu(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run an op that has no meta kernel on CPU zeros of the same shapes; meta results."""

    def zeros(t: torch.Tensor) -> torch.Tensor:
        return torch.zeros(t.shape, dtype=t.dtype)

    def meta(t: torch.Tensor) -> torch.Tensor:
        return torch.empty_strided(t.shape, t.stride(), dtype=t.dtype, device="meta")

    with torch.no_grad():
        out = func(*_map(args, zeros), **_map(kwargs, zeros))
    return _map(out, meta)


@contextmanager
def recording(names: Mapping[nn.Module, str]) -> Iterator[Trace]:
    """Record every layer and torch call made inside the block (hooks removed after)."""
    trace = Trace()
    stack: list[Layer] = []
    counter = iter(range(sys.maxsize))

    def enter(module: nn.Module, args: tuple[Any, ...]) -> None:
        first = args[0] if args and isinstance(args[0], torch.Tensor) else None
        name = names.get(module, type(module).__name__)
        leaf = _is_layer(module)
        layer = Layer(next(counter), name, module, leaf, first)
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
        with _Recorder(trace, stack, counter):
            yield trace
    finally:
        for handle in handles:
            handle.remove()
