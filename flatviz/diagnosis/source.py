"""The user's code as written: read a call expression from its file, and rewrite it in its
own terms (`x.view(x.size(0), -1)` becomes `x.reshape(x.size(0), -1)`, never a number
that only holds at one batch size). Every rewrite returns None when the code is not the
simple form it handles; the fix is then given as an instruction instead."""

from __future__ import annotations

import ast
import linecache
from dataclasses import dataclass

from flatviz.diagnosis.finding import Span


@dataclass(frozen=True)
class Code:
    """A piece of source: its file, its span there, and its text."""

    path: str
    span: Span
    text: str


def code_at(path: str, span: Span | None) -> Code | None:
    """The source text at `span` of `path`, or None when the file cannot be read."""
    if span is None:
        return None
    line, col, end_line, end_col = span
    lines = linecache.getlines(path)
    if not lines or end_line > len(lines) or line < 1:
        return None
    chunk = [s.encode("utf-8") for s in lines[line - 1 : end_line]]
    if len(chunk) == 1:
        text = chunk[0][col:end_col]
    else:
        text = chunk[0][col:] + b"".join(chunk[1:-1]) + chunk[-1][:end_col]
    return Code(path, span, text.decode("utf-8", errors="replace"))


def parse_call(text: str) -> ast.Call | None:
    """The call expression `text` is, or None."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    return node if isinstance(node, ast.Call) else None


def _src(text: str, node: ast.AST) -> str:
    """The source text of `node` in `text`."""
    segment = ast.get_source_segment(text.strip(), node)
    assert segment is not None
    return segment


def receiver(text: str, *, simple: bool = True) -> str | None:
    """`x` of a method call `x.view(...)`, `self.h` of `self.h.view(...)`; None when the
    receiver is not a plain name or attribute (evaluating it twice could differ), unless
    not `simple` is asked for."""
    call = parse_call(text)
    if call is None or not isinstance(call.func, ast.Attribute):
        return None
    base: ast.expr = call.func.value
    while isinstance(base, ast.Attribute):
        base = base.value
    plain = isinstance(base, ast.Name)
    return _src(text, call.func.value) if plain or not simple else None


def _is_method(call: ast.Call, names: tuple[str, ...]) -> bool:
    """A method call such as `x.view(...)`, not `torch.view(...)` or `F.view(...)`."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in names:
        return False
    return not (isinstance(func.value, ast.Name) and func.value.id in ("torch", "F"))


def renamed(text: str, method: str) -> str | None:
    """`x.view(a, b)` as `x.<method>(a, b)`, its arguments as written."""
    call = parse_call(text)
    if call is None or not _is_method(call, ("view", "reshape")):
        return None
    assert isinstance(call.func, ast.Attribute)
    args = ", ".join(_src(text, a) for a in [*call.args, *call.keywords])
    return f"{_src(text, call.func.value)}.{method}({args})"


def flattened(text: str) -> str | None:
    """The call rewritten to keep one row per sample: `x.view(-1, n)`, `x.reshape(...)`,
    `x.squeeze()` and `x.flatten(...)` as `x.flatten(1)`; `torch.flatten(x, ...)` as
    `torch.flatten(x, 1)`."""
    call = parse_call(text)
    if call is None:
        return None
    func = call.func
    if _is_method(call, ("view", "reshape", "flatten", "squeeze")):
        assert isinstance(func, ast.Attribute)
        return f"{_src(text, func.value)}.flatten(1)"
    if isinstance(func, ast.Attribute) and func.attr == "flatten" and call.args:
        return f"{_src(text, func)}({_src(text, call.args[0])}, 1)"
    return None


def with_argument(text: str, index: int, keyword: str, value: str) -> str | None:
    """The call with its argument at `index` (or named `keyword`) set to `value`, every
    other argument as written; None when that argument is given neither way."""
    call = parse_call(text)
    if call is None or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    args = [_src(text, a) for a in call.args]
    kwargs = [(k.arg, _src(text, k.value)) for k in call.keywords]
    if index < len(args):
        args[index] = value
    elif any(k == keyword for k, _ in kwargs):
        kwargs = [(k, value if k == keyword else v) for k, v in kwargs]
    else:
        return None
    parts = args + [f"{k}={v}" if k is not None else f"**{v}" for k, v in kwargs]
    return f"{_src(text, call.func)}({', '.join(parts)})"


def with_only(text: str, arguments: str) -> str | None:
    """The call's callee with `arguments` in place of all it had: `nn.Flatten(0)` with
    `start_dim=1` becomes `nn.Flatten(start_dim=1)`."""
    call = parse_call(text)
    return None if call is None else f"{_src(text, call.func)}({arguments})"


def flattened_argument(text: str) -> str | None:
    """A one-argument call `f(x)` as `f(x.flatten(1))`: `self.fc(x)` becomes
    `self.fc(x.flatten(1))`, with parentheses around an argument that needs them."""
    call = parse_call(text)
    if call is None or len(call.args) != 1 or call.keywords:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Starred):
        return None
    inner = _src(text, arg)
    if not isinstance(arg, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
        inner = f"({inner})"
    return f"{_src(text, call.func)}({inner}.flatten(1))"


def argument_text(text: str, index: int) -> str | None:
    """The source of the call's positional argument at `index` (after `self` for a
    method: the shape's first size of `x.view(a, b)` is index 0)."""
    call = parse_call(text)
    if call is None or index >= len(call.args) or isinstance(call.args[index], ast.Starred):
        return None
    return _src(text, call.args[index])


def with_first_size(text: str, value: str, *, insert: bool = False) -> str | None:
    """`x.view(a, b)` (or `x.view((a, b))`) with `value` as its first size `a`, or with
    `insert`, `value` put before `a`: `x.view(value, a, b)`."""
    call = parse_call(text)
    if call is None or not call.args or isinstance(call.args[0], ast.Starred):
        return None
    first = call.args[0]
    if isinstance(first, (ast.Tuple, ast.List)) and len(call.args) == 1:
        if not first.elts or isinstance(first.elts[0], ast.Starred):
            return None
        kept = first.elts if insert else first.elts[1:]
        sizes = [value, *(_src(text, e) for e in kept)]
        packed = f"({', '.join(sizes)},)" if len(sizes) == 1 else f"({', '.join(sizes)})"
        rest = [packed]
    else:
        rest = [value, *(_src(text, a) for a in (call.args if insert else call.args[1:]))]
    rest += [_src(text, k) for k in call.keywords]
    return f"{_src(text, call.func)}({', '.join(rest)})"


def base_name(text: str) -> str | None:
    """The variable a method chain starts from when only copies follow it: `x` of
    `x.contiguous()` or of `x`; None for anything else."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    while (
        isinstance(node, ast.Call)
        and not node.args
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("contiguous", "clone", "float", "detach")
    ):
        node = node.func.value
    return node.id if isinstance(node, ast.Name) else None


def returned(path: str, line: int, name: str) -> Code | None:
    """The expression of the one `return` of the innermost function around `line` of
    `path`, when `name` is not assigned between `line` and it (so `name` still holds
    what it held at `line`)."""
    lines = linecache.getlines(path)
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        return None
    funcs = [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and n.lineno <= line <= (n.end_lineno or n.lineno)
    ]
    if not funcs:
        return None
    func = max(funcs, key=lambda n: n.lineno)
    returns = [n for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None]
    if len(returns) != 1 or returns[0].value is None:
        return None
    value = returns[0].value
    for node in ast.walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if line < getattr(node, "lineno", 0) <= value.lineno and any(
            isinstance(t, ast.Name) and t.id == name for t in targets
        ):
            return None
    span = (value.lineno, value.col_offset, value.end_lineno or 0, value.end_col_offset or 0)
    return code_at(path, span)


def unflattened(text: str, sizes: str) -> str:
    """`expr` as `expr.unflatten(0, (sizes))`, parenthesized where it needs to be."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return f"({text}).unflatten(0, ({sizes}))"
    primary = isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
    return f"{text if primary else f'({text})'}.unflatten(0, ({sizes}))"


def with_dims(text: str, dims: str) -> str | None:
    """A squeeze without dims given `dims`: `x.squeeze()` as `x.squeeze((2, 3))`,
    `torch.squeeze(x)` as `torch.squeeze(x, (2, 3))`."""
    call = parse_call(text)
    if call is None or call.keywords or not isinstance(call.func, ast.Attribute):
        return None
    if _is_method(call, ("squeeze",)) and not call.args:
        return f"{_src(text, call.func)}({dims})"
    if call.func.attr == "squeeze" and len(call.args) == 1:
        return f"{_src(text, call.func)}({_src(text, call.args[0])}, {dims})"
    return None
