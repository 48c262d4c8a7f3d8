"""Tensor expressions for the command line, parsed with `ast` against a whitelist.

`arange(2, 3, 4).transpose(1, 2)[:, ::2]` builds a `Strided` (flatviz/strided/, pure
Python, no torch) without `eval`: only the constructors, view-making methods and literals
listed here are accepted, and the memory torch would allocate is capped, so any string a
user types is safe to run and gets either a tensor or one `ExpressionError` line.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from typing import Any

from flatviz.core.text import first_line, shorten
from flatviz.strided import MEMORY_FORMATS, MemoryFormat, Strided, arange, empty

#: Most bytes an expression may make torch allocate (`empty` makes meta tensors, free).
MAX_BYTES = 100 * 2**20
#: Longest expression accepted, in characters.
MAX_LENGTH = 2000

#: Methods that return views (or, for the copying ones, at most one copy of the input).
METHODS = frozenset(
    {
        "as_strided", "contiguous", "diagonal", "expand", "flatten", "narrow", "permute",
        "reshape", "select", "squeeze", "t", "transpose", "unfold", "unsqueeze", "view",
    }
)  # fmt: skip
#: Attributes read without a call.
PROPERTIES = frozenset({"T", "mT"})
#: Methods whose `int[]` argument may also be spelled as several ints, by keyword name.
VARARGS = {"permute": "dims", "expand": "size", "view": "size", "reshape": "shape"}
#: Names an argument may use.
NAMES: dict[str, MemoryFormat] = {name: MemoryFormat(name) for name in MEMORY_FORMATS}


class ExpressionError(ValueError):
    """An expression that is not in the language, or that torch refuses."""


def _describe(node: ast.AST) -> str:
    return shorten(ast.unparse(node)) if isinstance(node, ast.expr) else type(node).__name__


class _Evaluator:
    def __init__(self) -> None:
        self.allocated = 0

    def allocate(self, nbytes: int, what: str) -> None:
        self.allocated += nbytes
        if self.allocated > MAX_BYTES:
            raise ExpressionError(
                f"{what} would allocate {self.allocated / 2**20:.0f} MB in all; expressions "
                f"may allocate at most {MAX_BYTES // 2**20} MB (empty(...) makes a meta "
                f"tensor of any size for free)"
            )

    def tensor(self, node: ast.expr) -> Strided:
        """Evaluate a chain of operations, innermost first, without recursing per link."""
        chain: list[ast.expr] = []
        while True:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                chain.append(node)
                node = node.func.value
            elif isinstance(node, ast.Attribute | ast.Subscript):
                chain.append(node)
                node = node.value
            else:
                break
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            result = self.construct(node)
        elif isinstance(node, ast.Name):
            raise ExpressionError(
                f"name {node.id!r} is not a tensor: start with arange(...) or empty(...)"
            )
        else:
            raise ExpressionError(
                f"{_describe(node)!r} is not allowed: expected a tensor expression"
            )
        for link in reversed(chain):
            result = self.apply(result, link)
        return result

    def apply(self, receiver: Strided, node: ast.expr) -> Strided:
        """One link of the chain: a method call, a property or an index."""
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Attribute)
            return self.method(receiver, node)
        if isinstance(node, ast.Attribute):
            self.check_attribute(node.attr, PROPERTIES)
            return self.run(f".{node.attr}", lambda: getattr(receiver, node.attr))
        assert isinstance(node, ast.Subscript)
        index = self.index(node.slice)
        return self.run("indexing", lambda: receiver[index])

    def construct(self, node: ast.Call) -> Strided:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name not in ("arange", "empty"):
            raise ExpressionError(
                f"unknown function {name!r}: a tensor starts with arange(...) or empty(...)"
            )
        if node.keywords:
            raise ExpressionError(f"{name}() takes sizes only, no keyword arguments")
        args = [self.value(a) for a in node.args]
        shape = args[0] if len(args) == 1 and isinstance(args[0], tuple) else tuple(args)
        if not all(isinstance(s, int) for s in shape):
            raise ExpressionError(f"{name}() takes integer sizes, got {_describe(node)!r}")
        if any(s < 0 for s in shape):
            raise ExpressionError(f"{name}() sizes must be >= 0, got {shape}")
        if name == "empty":
            return self.run("empty", lambda: empty(*shape))
        result = self.run("arange", lambda: arange(*shape))
        self.allocate(result.storage.size * 8, shorten(f"arange{shape}"))
        return result

    def method(self, receiver: Strided, node: ast.Call) -> Strided:
        assert isinstance(node.func, ast.Attribute)
        name = node.func.attr
        self.check_attribute(name, METHODS)
        args = [self.value(a) for a in node.args]
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise ExpressionError(f"**kwargs are not allowed in .{name}()")
            kwargs[keyword.arg] = self.value(keyword.value)
        if name in VARARGS and not args and VARARGS[name] in kwargs:
            args = [kwargs.pop(VARARGS[name])]
        result = self.run(f".{name}()", lambda: getattr(receiver, name)(*args, **kwargs))
        if result.storage is not receiver.storage and not result.is_meta:
            self.allocate(result.numel() * result.storage.itemsize, f".{name}()")
        return result

    def check_attribute(self, name: str, allowed: frozenset[str]) -> None:
        if name.startswith("_"):
            raise ExpressionError(f"attribute {name!r} is not allowed")
        if name not in allowed:
            options = ", ".join(sorted(METHODS | PROPERTIES))
            raise ExpressionError(f"{name!r} is not allowed here; the language has: {options}")

    def value(self, node: ast.expr) -> Any:
        """An argument: an int, a tuple or list of them, None, or a memory format name."""
        if isinstance(node, ast.Constant) and (node.value is None or type(node.value) is int):
            return node.value
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int
        ):
            return -node.operand.value
        if isinstance(node, ast.Tuple | ast.List):
            return tuple(self.value(e) for e in node.elts)
        if isinstance(node, ast.Name):
            if node.id in NAMES:
                return NAMES[node.id]
            raise ExpressionError(
                f"unknown name {node.id!r}: arguments are integers or one of {sorted(NAMES)}"
            )
        raise ExpressionError(
            f"argument {_describe(node)!r} is not allowed: use integers, tuples of them, "
            f"None or {', '.join(sorted(NAMES))}"
        )

    def index(self, node: ast.expr) -> Any:
        """An index: ints, slices with steps, None and `...`, possibly in a tuple."""
        if isinstance(node, ast.Tuple):
            return tuple(self.index(e) for e in node.elts)
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            bounds = [None if p is None else self.value(p) for p in parts]
            if not all(b is None or isinstance(b, int) for b in bounds):
                raise ExpressionError(f"slice {_describe(node)!r} must have integer bounds")
            return slice(*bounds)
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return Ellipsis
        item = self.value(node)
        if item is not None and not isinstance(item, int):
            raise ExpressionError(f"index {_describe(node)!r} is not an int, slice, None or ...")
        return item

    def run(self, what: str, call: Callable[[], object]) -> Strided:
        """Run one operation of the algebra, turning the refusal torch would give into a
        one-line ExpressionError."""
        try:
            result = call()
        except (RuntimeError, TypeError, ValueError, IndexError) as err:
            if isinstance(err, ExpressionError | RecursionError):
                raise
            message = first_line(err).replace("Strided.", "")
            raise ExpressionError(f"torch refuses {what}: {message}") from None
        assert isinstance(result, Strided)
        return result


def evaluate(text: str) -> Strided:
    """The tensor that `text` describes, e.g. `"arange(2, 3, 4).transpose(1, 2)"`, as a
    `Strided`: its layout and lazily read values, computed without torch.

    Raises:
        ExpressionError: `text` is not in the language, or torch would refuse it.

    Examples:
        >>> evaluate("arange(2, 3, 4).transpose(1, 2)").stride()
        (12, 1, 4)
        >>> evaluate("empty(1024, 3, 1024, 1024).permute(0, 2, 3, 1)").is_meta
        True
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text)} characters long; at most {MAX_LENGTH}")
    try:
        with warnings.catch_warnings():
            # `3not` makes the parser warn "invalid decimal literal" on stderr: one line only.
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ExpressionError(f"invalid syntax in {shorten(text)!r}: {err.msg}") from None
    except ValueError as err:
        raise ExpressionError(f"invalid syntax in {shorten(text)!r}: {err}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"expression {shorten(text)!r} is too deeply nested") from None
    try:
        return _Evaluator().tensor(tree.body)
    except RecursionError:
        raise ExpressionError(f"expression {shorten(text)!r} is too deeply nested") from None
