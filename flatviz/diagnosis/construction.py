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
import textwrap
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    """The syntax tree of the whole file, or None when it does not parse (a docs page)."""
    lines = linecache.getlines(path)
    try:
        return ast.parse("".join(lines)) if lines else None
    except SyntaxError:
        return None


@dataclass(frozen=True)
class _Found:
    """A call expression in a file: its node, and the line and column to add to the
    node's positions (nonzero where it was parsed from its function's own lines)."""

    path: str
    call: ast.Call
    lines: int = 0
    cols: int = 0

    def span(self, node: ast.expr | None = None) -> Span:
        """The span in the file of `node` (default: the call)."""
        node = self.call if node is None else node
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (
            node.lineno + self.lines,
            node.col_offset + self.cols,
            node.end_lineno + self.lines,
            node.end_col_offset + self.cols,
        )


def _call_at(path: str, span: Span) -> _Found | None:
    """The call expression at `span` of `path`."""
    tree = _tree(path)
    calls = [] if tree is None else [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return next((_Found(path, n) for n in calls if _Found(path, n).span() == span), None)


def _returned(found: _Found) -> _Found:
    """For `helper()` where `helper` is a function of the same file that returns a call
    expression, that call; else the call itself."""
    call = found.call
    tree = _tree(found.path)
    if tree is None or not isinstance(call.func, ast.Name) or call.args or call.keywords:
        return found
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == call.func.id and node.body:
            last = node.body[-1]
            if isinstance(last, ast.Return) and isinstance(last.value, ast.Call):
                return _Found(found.path, last.value)
    return found


def _function(path: str, first: int) -> tuple[ast.FunctionDef, int, int] | None:
    """The function whose `def` (or first decorator) is on line `first` of `path`, parsed
    from its own lines (so a function in a docs page parses too), with the line and
    column to add to its nodes' positions to place them in the file."""
    lines = linecache.getlines(path)
    if not 0 < first <= len(lines):
        return None
    block = inspect.getblock(lines[first - 1 :])
    indent = len(block[0]) - len(block[0].lstrip())
    try:
        tree = ast.parse(textwrap.dedent("".join(block)))
    except SyntaxError:
        return None
    node = tree.body[0] if tree.body else None
    return (node, first - 1, indent) if isinstance(node, ast.FunctionDef) else None


def _assigned(owner: nn.Module, attr: str) -> _Found | None:
    """`self.<attr> = <call>` in the `__init__` of `owner`'s class (or a base class),
    found through the code of `__init__`: its file and first line."""
    for cls in type(owner).__mro__:
        if cls.__module__.startswith("torch.") or cls is object:
            return None
        code = getattr(cls.__dict__.get("__init__"), "__code__", None)
        found = None if code is None else _function(code.co_filename, code.co_firstlineno)
        call = None if found is None else _assignment(found[0], attr)
        if code is not None and found is not None and call is not None:
            return _Found(code.co_filename, call, found[1], found[2])
    return None


def _assignment(init: ast.FunctionDef, attr: str) -> ast.Call | None:
    """The call assigned to `self.<attr>` in `init`, also in `self.a, self.b = f(), g()`."""
    for node in ast.walk(init):
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


def _node(model: nn.Module, name: str) -> _Found | None:
    """The call expression that built the submodule `name` of `model`."""
    try:
        module = model.get_submodule(name)
    except AttributeError:
        return None
    recorded = _built.get(module)
    if recorded is not None:
        return _call_at(*recorded)
    parent_name, _, attr = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    if attr.isdigit() and isinstance(parent, (nn.Sequential, nn.ModuleList)) and parent_name:
        found = _node(model, parent_name)
        if found is None:
            return None
        found = _returned(found)
        args = found.call.args
        if any(isinstance(a, ast.Starred) for a in args) or int(attr) >= len(args):
            return None
        child = args[int(attr)]
        return (
            _Found(found.path, child, found.lines, found.cols)
            if isinstance(child, ast.Call)
            else None
        )
    return _assigned(parent, attr)


def built(model: nn.Module, name: str) -> Code | None:
    """The code that built layer `name` of `model` (`nn.Linear(16 * 5 * 5, 120)`)."""
    found = _node(model, name)
    return None if found is None else code_at(found.path, found.span())


def in_sequential(model: nn.Module, name: str) -> bool:
    """True when layer `name` is built as a positional argument of the `nn.Sequential(...)`
    call that builds its parent, so a layer can be written in beside it."""
    parent_name, _, attr = name.rpartition(".")
    if not parent_name or not attr.isdigit():
        return False
    if not isinstance(model.get_submodule(parent_name), nn.Sequential):
        return False
    parent, child = _node(model, parent_name), _node(model, name)
    if parent is None or child is None or parent.path != child.path:
        return False
    parent = _returned(parent)
    return any(parent.span(a) == child.span() for a in parent.call.args)
