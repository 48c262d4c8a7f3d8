"""The expression language's operations, drawn one strategy per op, and torch as the
oracle that runs the same text.

Each strategy draws one operation's text (e.g. `.transpose(0, 1)` or `[1:, None]`) with
arguments around the current shape, so most chains are valid and deep, and some are not.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence

import torch
from hypothesis import strategies as st

FORMATS = {
    "channels_last": torch.channels_last,
    "channels_last_3d": torch.channels_last_3d,
    "contiguous_format": torch.contiguous_format,
}

Shape = tuple[int, ...]
Op = Callable[[Shape], st.SearchStrategy[str]]


class NegativeSize(RuntimeError):
    """torch gave a tensor with a negative size: with zero elements, `expand` lets a
    negative size through (`arange(0).expand(-2, 0)`), where on any other tensor it raises.
    No such tensor exists, so flatviz must refuse it; only the refusal is compared."""


class TwoEllipses(IndexError):
    """An index with two `...`: torch reads sizes past the last dim there (undefined, and
    it answers differently on cpu and meta), so flatviz refuses it as NumPy does."""


def first_line(err: BaseException) -> str:
    """The first line of torch's message."""
    return str(err).strip().splitlines()[0]


def torch_start(text: str) -> torch.Tensor:
    """What the language's constructors mean, built by torch."""
    kind, args = text.split("(", 1)
    shape = eval(f"({args[:-1]},)") if args[:-1] else ()  # generated text: ints only
    if len(shape) == 1 and isinstance(shape[0], tuple):
        shape = shape[0]
    if kind == "empty":
        return torch.empty(shape, device="meta")
    return torch.arange(math.prod(shape)).reshape(shape)


def torch_step(x: torch.Tensor, op: str) -> torch.Tensor:
    """Apply one operation's text with torch.

    `x.T` on other than 2 dims and `x.mT` on 0 dims are deprecated: torch warns (once
    per process), and the language refuses them, so the oracle raises there too; an index
    with two `...` raises TwoEllipses."""
    if (op == ".T" and x.dim() != 2) or (op == ".mT" and x.dim() == 0):
        raise UserWarning(f"x{op} is deprecated here (torch warns once per process)")
    if op.startswith("[") and op.count("...") > 1:
        raise TwoEllipses(f"x{op} has two ellipses")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = eval(f"x{op}", {"x": x, **FORMATS})  # generated text, torch as the oracle
    assert isinstance(result, torch.Tensor)
    if any(size < 0 for size in result.shape):
        raise NegativeSize(f"torch made shape {tuple(result.shape)}")
    return result


def torch_chain(text: str) -> torch.Tensor:
    """`text` built by torch, one operation at a time."""
    head = re.match(r"(arange|empty)\([^)]*\)", text)
    assert head is not None, text
    x = torch_start(head.group(0))
    rest = text[head.end() :]
    for op in re.findall(r"\.\w+(?:\((?:[^()]|\([^()]*\))*\))?|\[[^\]]*\]", rest):
        x = torch_step(x, op)
    return x


def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


def dims(shape: Shape) -> st.SearchStrategy[int]:
    """A dim of `shape`, sometimes one out of range."""
    return ints(-len(shape) - 1, len(shape))


def tuple_text(values: Sequence[int]) -> str:
    """`values` as a Python tuple literal, trailing comma included."""
    return "(" + "".join(f"{v}, " for v in values) + ")"


@st.composite
def start(draw: st.DrawFn) -> str:
    """A constructor: `arange(...)` mostly, `empty(...)` (meta) sometimes."""
    shape = draw(st.lists(ints(0, 4), max_size=4))
    kind = draw(st.sampled_from(["arange", "arange", "arange", "empty"]))
    body = ", ".join(map(str, shape))
    if draw(st.booleans()) and shape:
        body = f"({body},)"
    return f"{kind}({body})"


@st.composite
def transpose(draw: st.DrawFn, shape: Shape) -> str:
    dim = dims(shape)
    if draw(st.booleans()):
        return f".transpose(dim0={draw(dim)}, dim1={draw(dim)})"
    return f".transpose({draw(dim)}, {draw(dim)})"


@st.composite
def permute(draw: st.DrawFn, shape: Shape) -> str:
    nd = len(shape)
    order = [d - nd if draw(st.booleans()) else d for d in draw(st.permutations(range(nd)))]
    if draw(st.integers(0, 5)) == 0:
        order = draw(st.lists(dims(shape), max_size=nd + 1))
    if draw(st.booleans()):
        return f".permute({tuple_text(order)})"
    return f".permute({', '.join(map(str, order))})" if order else ".permute(())"


def transposes(shape: Shape) -> st.SearchStrategy[str]:
    return st.sampled_from([".t()", ".T", ".mT"])


@st.composite
def narrow(draw: st.DrawFn, shape: Shape) -> str:
    dim, small = draw(dims(shape)), ints(-2, 5)
    if draw(st.booleans()):
        return f".narrow({dim}, start={draw(small)}, length={draw(small)})"
    return f".narrow({dim}, {draw(small)}, {draw(small)})"


@st.composite
def select(draw: st.DrawFn, shape: Shape) -> str:
    dim, index = draw(dims(shape)), draw(ints(-5, 5))
    return (
        f".select(dim={dim}, index={index})" if draw(st.booleans()) else f".select({dim}, {index})"
    )


def unsqueeze(shape: Shape) -> st.SearchStrategy[str]:
    return ints(-len(shape) - 2, len(shape) + 1).map(lambda d: f".unsqueeze({d})")


@st.composite
def squeeze(draw: st.DrawFn, shape: Shape) -> str:
    form = draw(st.integers(0, 3))
    if form == 0:
        return ".squeeze()"
    if form == 3:
        return f".squeeze({tuple_text(draw(st.lists(dims(shape), max_size=3)))})"
    return f".squeeze({draw(dims(shape))})" if form == 1 else f".squeeze(dim={draw(dims(shape))})"


@st.composite
def expand(draw: st.DrawFn, shape: Shape) -> str:
    sizes = [draw(st.sampled_from([-1, s] if s != 1 else [-1, 1, 0, 2, 3])) for s in shape]
    sizes = draw(st.lists(ints(1, 3), max_size=2)) + sizes
    if draw(st.integers(0, 5)) == 0:
        sizes = draw(st.lists(ints(-2, 4), max_size=len(shape) + 1))
    return f".expand({', '.join(map(str, sizes))})" if sizes else ".expand(())"


@st.composite
def as_strided(draw: st.DrawFn, shape: Shape) -> str:
    k = draw(ints(0, 3))
    sizes = draw(st.lists(ints(0, 4), min_size=k, max_size=k))
    strides = draw(st.lists(ints(0, 5), min_size=k, max_size=k))
    if draw(st.integers(0, 6)) == 0:
        strides = draw(st.lists(ints(-1, 5), max_size=3))
    offset = draw(st.sampled_from(["", ", 0", ", 1", ", 3", ", None", ", storage_offset=2"]))
    return f".as_strided({tuple_text(sizes)}, {tuple_text(strides)}{offset})"


@st.composite
def unfold(draw: st.DrawFn, shape: Shape) -> str:
    if draw(st.booleans()):
        return f".unfold(dimension={draw(dims(shape))}, size={draw(ints(-1, 4))}, step=1)"
    return f".unfold({draw(dims(shape))}, {draw(ints(-1, 4))}, {draw(ints(-1, 3))})"


@st.composite
def diagonal(draw: st.DrawFn, shape: Shape) -> str:
    k, d1, d2 = draw(ints(-3, 3)), draw(dims(shape)), draw(dims(shape))
    form = draw(st.integers(0, 2))
    if form == 0:
        return ".diagonal()"
    if form == 1:
        return f".diagonal({k}, {d1}, {d2})"
    return f".diagonal(offset={k}, dim1={d1}, dim2={d2})"


@st.composite
def sizes_of(draw: st.DrawFn, numel: int) -> list[int]:
    """A shape of `numel` elements, maybe with a -1, and sometimes any shape at all."""
    sizes, left = [], numel
    for _ in range(draw(ints(0, 3))):
        divisors = [d for d in range(0, 7) if (d and left % d == 0) or (d == 0 and left == 0)]
        size = draw(st.sampled_from(divisors or [1]))
        sizes.append(size)
        left = left // size if size else 0
    sizes.append(left)
    if draw(st.booleans()):
        sizes[draw(ints(0, len(sizes) - 1))] = -1
    if draw(st.integers(0, 5)) == 0:
        sizes = draw(st.lists(ints(-2, 5), max_size=3))
    return sizes


def new_shape(kind: str, keyword: str) -> Op:
    """`.view(...)` or `.reshape(...)`, as several ints, a tuple or a keyword."""

    @st.composite
    def op(draw: st.DrawFn, shape: Shape) -> str:
        sizes = draw(sizes_of(math.prod(shape)))
        if draw(st.booleans()):
            return f".{kind}({draw(st.sampled_from(['', keyword]))}{tuple_text(sizes)})"
        return f".{kind}({', '.join(map(str, sizes))})" if sizes else f".{kind}(())"

    return op


@st.composite
def contiguous(draw: st.DrawFn, shape: Shape) -> str:
    fmt = draw(st.sampled_from(["", *FORMATS]))
    if fmt and draw(st.integers(0, 5)) == 0:
        return f".contiguous({fmt})"
    return f".contiguous(memory_format={fmt})" if fmt else ".contiguous()"


@st.composite
def flatten(draw: st.DrawFn, shape: Shape) -> str:
    form = draw(st.integers(0, 2))
    if form == 0:
        return ".flatten()"
    dim = dims(shape)
    return f".flatten({draw(dim)}, {draw(dim)})" if form == 1 else f".flatten({draw(dim)})"


@st.composite
def index_item(draw: st.DrawFn) -> str:
    item = draw(st.sampled_from(["int", "slice", "slice", "None", "..."]))
    if item == "int":
        return str(draw(ints(-5, 5)))
    if item != "slice":
        return item
    lo = draw(st.one_of(st.just(""), ints(-6, 6).map(str)))
    hi = draw(st.one_of(st.just(""), ints(-6, 6).map(str)))
    return f"{lo}:{hi}{draw(st.sampled_from(['', ':1', ':2', ':3', ':0', ':-1']))}"


@st.composite
def index(draw: st.DrawFn, shape: Shape) -> str:
    items = draw(st.lists(index_item(), max_size=len(shape) + 1))
    if len(items) == 1 and draw(st.booleans()):
        return f"[{items[0]}]"
    return f"[{', '.join(items)},]" if len(items) == 1 else f"[{', '.join(items) or '()'}]"


#: The operations of each module of flatviz.strided, by name.
SHAPE_OPS: dict[str, Op] = {
    "transpose": transpose, "permute": permute, "t": transposes, "narrow": narrow,
    "select": select, "unsqueeze": unsqueeze, "squeeze": squeeze, "expand": expand,
    "as_strided": as_strided, "unfold": unfold, "diagonal": diagonal,
}  # fmt: skip
RESHAPE_OPS: dict[str, Op] = {
    "view": new_shape("view", "size="), "reshape": new_shape("reshape", "shape="),
    "contiguous": contiguous, "flatten": flatten,
}  # fmt: skip
INDEX_OPS: dict[str, Op] = {"index": index}
ALL_OPS = {**SHAPE_OPS, **RESHAPE_OPS, **INDEX_OPS}


def operation(shape: Shape, ops: dict[str, Op]) -> st.SearchStrategy[str]:
    """One operation of `ops` (each as likely as the others) on a tensor of `shape`."""
    return st.sampled_from(sorted(ops)).flatmap(lambda name: ops[name](shape))


Case = tuple[str, "torch.Tensor | BaseException"]


@st.composite
def chains(draw: st.DrawFn, ops: dict[str, Op] = ALL_OPS, most: int = 6) -> Case:
    """An expression of up to `most` operations from `ops`, and what torch makes of it
    (a tensor, or the exception it raised)."""
    text = draw(start())
    x = torch_start(text)
    for _ in range(draw(ints(0, most))):
        op = draw(operation(tuple(x.shape), ops))
        text += op
        try:
            x = torch_step(x, op)
        except (RuntimeError, IndexError, ValueError, TypeError, UserWarning) as err:
            return text, err
    return text, x


def case(text: str) -> Case:
    """An explicit example for a test drawing `chains()`: `text` and torch's answer."""
    try:
        return text, torch_chain(text)
    except (RuntimeError, IndexError, ValueError, TypeError, UserWarning) as err:
        return text, err


Flattened = tuple[Case, int, int]


@st.composite
def flattened(draw: st.DrawFn, ops: dict[str, Op] = ALL_OPS) -> Flattened:
    """A chain, and a flatten's dims around its result's rank (sometimes out of range)."""
    made = draw(chains(ops))
    want = made[1]
    nd = max(want.dim(), 1) if isinstance(want, torch.Tensor) else 1
    return made, draw(ints(-nd - 1, nd)), draw(ints(-nd - 1, nd))
