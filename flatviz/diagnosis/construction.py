"""Where each layer of a model was built, so that a fix can edit its arguments
(`nn.Linear(16 * 5 * 5, 120)`) or insert a layer beside it in a Sequential.

While `recording_builds()` is active (the command builds the model under it), every
module records the call expression that made it. For a model built elsewhere, the
source of its owner's `__init__` is read instead: `self.fc1 = nn.Linear(...)`, and the
arguments of an `nn.Sequential(...)` by position, through helper functions that
return one.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from torch import nn

from flatviz.diagnosis.finding import Span
from flatviz.diagnosis.site import INTERNAL, _span
from flatviz.diagnosis.source import Code, code_at

_built: weakref.WeakKeyDictionary[nn.Module, tuple[str, Span]] = weakref.WeakKeyDictionary()


@contextmanager
def recording_builds() -> Iterator[None]:
    """Record where each module built inside the block was built."""
    original = nn.Module.__init__

    def init(self: nn.Module, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        frame = sys._getframe(1)
        while frame is not None and (
            frame.f_code.co_filename.startswith(INTERNAL) or frame.f_locals.get("self") is self
        ):
            frame = frame.f_back  # type: ignore[assignment]
        span = None if frame is None else _span(frame)
        if frame is not None and span is not None:
            _built[self] = (frame.f_code.co_filename, span)

    nn.Module.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        nn.Module.__init__ = original  # type: ignore[method-assign]


def _tree(path: str) -> ast.Module | None:
    lines = linecache.getlines(path)
    try:
        return ast.parse("".join(lines)) if lines else None
    except SyntaxError:
        return None


def _span_of(node: ast.expr) -> Span:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


def _call_at(path: str, span: Span) -> ast.Call | None:
    tree = _tree(path)
    if tree is None:
        return None
    return next(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _span_of(n) == span), None
    )


def _returned(path: str, call: ast.Call) -> ast.Call:
    """For `helper()` where `helper` is a function of the same file that returns a call
    expression, that call; else `call` itself."""
    tree = _tree(path)
    if tree is None or not isinstance(call.func, ast.Name) or call.args or call.keywords:
        return call
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == call.func.id and node.body:
            last = node.body[-1]
            if isinstance(last, ast.Return) and isinstance(last.value, ast.Call):
                return last.value
    return call


def _assigned(owner: nn.Module, attr: str) -> tuple[str, ast.Call] | None:
    """`self.<attr> = <call>` in the `__init__` of `owner`'s class (or a base class)."""
    for cls in type(owner).__mro__:
        if cls.__module__.startswith("torch.") or cls is object:
            return None
        try:
            path = inspect.getsourcefile(cls)
            _, first = inspect.getsourcelines(cls)
        except (OSError, TypeError):
            continue
        tree = None if path is None else _tree(path)
        if path is None or tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.lineno <= first <= node.end_lineno:  # type: ignore[operator]
                found = _assignment(node, attr)
                if found is not None:
                    return path, found
    return None


def _assignment(cls: ast.ClassDef, attr: str) -> ast.Call | None:
    """The call assigned to `self.<attr>` in the class, also in `self.a, self.b = f(), g()`."""
    for node in ast.walk(cls):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=False))
            for name, value in pairs:
                if _is_self(name, attr) and isinstance(value, ast.Call):
                    return value
    return None


def _is_self(node: ast.expr, attr: str) -> bool:
    """True for `self.<attr>`."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _node(model: nn.Module, name: str) -> tuple[str, ast.Call] | None:
    """The call expression that built the submodule `name` of `model`, with its file."""
    try:
        module = model.get_submodule(name)
    except AttributeError:
        return None
    recorded = _built.get(module)
    if recorded is not None:
        call = _call_at(*recorded)
        return None if call is None else (recorded[0], call)
    parent_name, _, attr = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    if attr.isdigit() and isinstance(parent, (nn.Sequential, nn.ModuleList)) and parent_name:
        found = _node(model, parent_name)
        if found is None:
            return None
        path, call = found
        call = _returned(path, call)
        args = call.args
        if any(isinstance(a, ast.Starred) for a in args) or int(attr) >= len(args):
            return None
        child = args[int(attr)]
        return (path, child) if isinstance(child, ast.Call) else None
    return _assigned(parent, attr)


def built(model: nn.Module, name: str) -> Code | None:
    """The code that built layer `name` of `model` (`nn.Linear(16 * 5 * 5, 120)`)."""
    found = _node(model, name)
    return None if found is None else code_at(found[0], _span_of(found[1]))


def in_sequential(model: nn.Module, name: str) -> bool:
    """True when layer `name` is built as a positional argument of the `nn.Sequential(...)`
    call that builds its parent, so a layer can be written in beside it."""
    parent_name, _, attr = name.rpartition(".")
    if not parent_name or not attr.isdigit():
        return False
    if not isinstance(model.get_submodule(parent_name), nn.Sequential):
        return False
    parent, child = _node(model, parent_name), _node(model, name)
    if parent is None or child is None or parent[0] != child[0]:
        return False
    args = _returned(parent[0], parent[1]).args
    return any(_span_of(a) == _span_of(child[1]) for a in args)
