"""The torch-free layout algebra against torch itself: random chains of operations, valid
and invalid, must give torch's shape, strides, offset, values, storage size, refusals and
flatten verdict; and any text at all must give a tensor or one ExpressionError line."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flatviz.explain import explain
from flatviz.expr import MAX_LENGTH, ExpressionError, evaluate
from flatviz.strided import Strided
from tests.helpers.torch_truth import torch_flatten

ROOT = Path(__file__).resolve().parents[2]
FORMATS = {
    "channels_last": torch.channels_last,
    "channels_last_3d": torch.channels_last_3d,
    "contiguous_format": torch.contiguous_format,
}


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
    """Apply one operation's text (e.g. `.transpose(0, 1)` or `[1:, None]`) with torch.

    `x.T` on other than 2 dims and `x.mT` on 0 dims are deprecated: torch warns (once
    per process), and the language refuses them, so the oracle raises there too."""
    if (op == ".T" and x.dim() != 2) or (op == ".mT" and x.dim() == 0):
        raise UserWarning(f"x{op} is deprecated here (torch warns once per process)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = eval(f"x{op}", {"x": x, **FORMATS})  # generated text, torch as the oracle
    assert isinstance(result, torch.Tensor)
    return result


def first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0]


# Strategies: a constructor, then operations whose arguments are drawn around the current
# shape, so most chains are valid and deep, and some are not.


def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@st.composite
def start(draw: st.DrawFn) -> str:
    shape = draw(st.lists(ints(0, 4), max_size=4))
    kind = draw(st.sampled_from(["arange", "arange", "arange", "empty"]))
    body = ", ".join(map(str, shape))
    if draw(st.booleans()) and shape:
        body = f"({body},)"
    return f"{kind}({body})"


def _tuple(values: list[int]) -> str:
    return "(" + "".join(f"{v}, " for v in values) + ")"


OPERATIONS = [
    "transpose", "permute", "t", "T", "mT", "narrow", "select", "unsqueeze", "squeeze",
    "expand", "as_strided", "unfold", "diagonal", "view", "reshape", "contiguous", "flatten",
    "index", "index",
]  # fmt: skip


@st.composite
def operation(draw: st.DrawFn, shape: tuple[int, ...]) -> str:
    nd = len(shape)
    dim = ints(-nd - 1, nd)
    small = ints(-2, 5)
    kind = draw(st.sampled_from(OPERATIONS))
    if kind == "transpose":
        if draw(st.booleans()):
            return f".transpose(dim0={draw(dim)}, dim1={draw(dim)})"
        return f".transpose({draw(dim)}, {draw(dim)})"
    if kind == "permute":
        order = draw(st.permutations(range(nd)))
        order = [d - nd if draw(st.booleans()) else d for d in order]
        if draw(st.integers(0, 5)) == 0:
            order = draw(st.lists(dim, max_size=nd + 1))
        if draw(st.booleans()):
            return f".permute({_tuple(order)})"
        return f".permute({', '.join(map(str, order))})" if order else ".permute(())"
    if kind in ("t", "T", "mT"):
        return f".{kind}()" if kind == "t" else f".{kind}"
    if kind == "narrow":
        if draw(st.booleans()):
            return f".narrow({draw(dim)}, start={draw(small)}, length={draw(small)})"
        return f".narrow({draw(dim)}, {draw(small)}, {draw(small)})"
    if kind == "select":
        if draw(st.booleans()):
            return f".select(dim={draw(dim)}, index={draw(ints(-5, 5))})"
        return f".select({draw(dim)}, {draw(ints(-5, 5))})"
    if kind == "unsqueeze":
        return f".unsqueeze({draw(ints(-nd - 2, nd + 1))})"
    if kind == "squeeze":
        form = draw(st.integers(0, 3))
        if form == 0:
            return ".squeeze()"
        if form == 1:
            return f".squeeze({draw(dim)})"
        if form == 2:
            return f".squeeze(dim={draw(dim)})"
        return f".squeeze({_tuple(draw(st.lists(dim, max_size=3)))})"
    if kind == "expand":
        sizes = [draw(st.sampled_from([-1, s] if s != 1 else [-1, 1, 0, 2, 3])) for s in shape]
        sizes = draw(st.lists(ints(1, 3), max_size=2)) + sizes
        if draw(st.integers(0, 5)) == 0:
            sizes = draw(st.lists(ints(-2, 4), max_size=nd + 1))
        if not sizes:
            return ".expand(())"
        return f".expand({', '.join(map(str, sizes))})"
    if kind == "as_strided":
        k = draw(ints(0, 3))
        sizes = draw(st.lists(ints(0, 4), min_size=k, max_size=k))
        strides = draw(st.lists(ints(0, 5), min_size=k, max_size=k))
        if draw(st.integers(0, 6)) == 0:
            strides = draw(st.lists(ints(-1, 5), max_size=3))
        offset = draw(st.sampled_from(["", ", 0", ", 1", ", 3", ", None", ", storage_offset=2"]))
        return f".as_strided({_tuple(sizes)}, {_tuple(strides)}{offset})"
    if kind == "unfold":
        if draw(st.booleans()):
            return f".unfold(dimension={draw(dim)}, size={draw(ints(-1, 4))}, step=1)"
        return f".unfold({draw(dim)}, {draw(ints(-1, 4))}, {draw(ints(-1, 3))})"
    if kind == "diagonal":
        k, d1, d2 = draw(ints(-3, 3)), draw(dim), draw(dim)
        form = draw(st.integers(0, 2))
        if form == 0:
            return ".diagonal()"
        if form == 1:
            return f".diagonal({k}, {d1}, {d2})"
        return f".diagonal(offset={k}, dim1={d1}, dim2={d2})"
    if kind in ("view", "reshape"):
        numel = math.prod(shape)
        sizes = []
        left = numel
        for _ in range(draw(ints(0, 3))):
            divisors = [d for d in range(0, 7) if (d and left % d == 0) or (d == 0 and left == 0)]
            s = draw(st.sampled_from(divisors or [1]))
            sizes.append(s)
            left = left // s if s else 0
        sizes.append(left)
        if draw(st.booleans()):
            sizes[draw(ints(0, len(sizes) - 1))] = -1
        if draw(st.integers(0, 5)) == 0:
            sizes = draw(st.lists(ints(-2, 5), max_size=3))
        if draw(st.booleans()):
            keyword = draw(st.sampled_from(["", "size=" if kind == "view" else "shape="]))
            return f".{kind}({keyword}{_tuple(sizes)})"
        return f".{kind}({', '.join(map(str, sizes))})" if sizes else f".{kind}(())"
    if kind == "contiguous":
        fmt = draw(st.sampled_from(["", *FORMATS]))
        if fmt and draw(st.integers(0, 5)) == 0:
            return f".contiguous({fmt})"
        return f".contiguous(memory_format={fmt})" if fmt else ".contiguous()"
    if kind == "flatten":
        form = draw(st.integers(0, 2))
        if form == 0:
            return ".flatten()"
        return f".flatten({draw(dim)}, {draw(dim)})" if form == 1 else f".flatten({draw(dim)})"
    items = []
    for _ in range(draw(ints(0, nd + 1))):
        item = draw(st.sampled_from(["int", "slice", "slice", "None", "..."]))
        if item == "int":
            items.append(str(draw(ints(-5, 5))))
        elif item == "slice":
            lo = draw(st.one_of(st.just(""), ints(-6, 6).map(str)))
            hi = draw(st.one_of(st.just(""), ints(-6, 6).map(str)))
            step = draw(st.sampled_from(["", ":1", ":2", ":3", ":0", ":-1"]))
            items.append(f"{lo}:{hi}{step}")
        else:
            items.append(item)
    if len(items) == 1 and draw(st.booleans()):
        return f"[{items[0]}]"
    return f"[{', '.join(items)},]" if len(items) == 1 else f"[{', '.join(items) or '()'}]"


class NegativeSize(RuntimeError):
    """torch gave a tensor with a negative size: with zero elements, `expand` lets a
    negative size through (`arange(0).expand(-2, 0)`), where on any other tensor it raises.
    No such tensor exists, so flatviz must refuse it; only the refusal is compared."""


@st.composite
def chains(draw: st.DrawFn) -> tuple[str, torch.Tensor | BaseException]:
    """An expression and what torch makes of it (a tensor, or the exception it raised)."""
    text = draw(start())
    x = torch_start(text)
    for _ in range(draw(ints(0, 6))):
        op = draw(operation(tuple(x.shape)))
        text += op
        try:
            x = torch_step(x, op)
        except (RuntimeError, IndexError, ValueError, TypeError, UserWarning) as err:
            return text, err
        if any(size < 0 for size in x.shape):
            return text, NegativeSize(f"torch made shape {tuple(x.shape)}")
    return text, x


def assert_same(got: Strided, want: torch.Tensor) -> None:
    assert got.shape == tuple(want.shape)
    assert got.stride() == want.stride()
    assert got.storage_offset() == want.storage_offset()
    assert got.is_meta == (want.device.type == "meta")
    assert got.storage.size == want.untyped_storage().nbytes() // want.element_size()
    if not got.is_meta:
        assert got.tolist() == want.tolist()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains(), st.data())
def test_chains_match_torch(
    case: tuple[str, torch.Tensor | BaseException], data: st.DataObject
) -> None:
    text, want = case
    if isinstance(want, BaseException):
        with pytest.raises(ExpressionError) as refused:
            evaluate(text)
            pytest.fail(f"{text} gave a tensor, torch: {want!r}")
        message = str(refused.value)
        assert "\n" not in message
        # With two `...`, torch's indexing reads sizes past the last dim (undefined in its
        # C++), so only the refusal itself is compared there, not its wording.
        if not isinstance(want, UserWarning | NegativeSize) and not re.search(
            r"\.\.\..*\.\.\.", text
        ):
            assert first_line(want).replace("TensorBase.", "") in message or isinstance(
                want, TypeError
            ), (message, first_line(want))
        return
    got = evaluate(text)
    assert_same(got, want)
    nd = max(got.ndim, 1)
    s, e = data.draw(ints(-nd - 1, nd)), data.draw(ints(-nd - 1, nd))
    try:
        truth = torch_flatten(want, s, e)
    except (RuntimeError, IndexError):
        with pytest.raises((ValueError, IndexError)):
            explain(got, s, e)
        return
    plan = explain(got, s, e)
    assert plan.shape == truth.shape
    assert plan.is_view == truth.is_view
    if plan.is_view:
        assert plan.result.stride == truth.stride
        assert plan.result.offset == truth.offset


def docs_expressions() -> list[str]:
    """Every expression run in a console fence of the docs and the README."""
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        found += re.findall(r"^\$ flatviz '([^']*)'", page.read_text(), flags=re.M)
    return sorted(set(found))


def torch_chain(text: str) -> torch.Tensor:
    """`text` built by torch, one operation at a time."""
    head = re.match(r"(arange|empty)\([^)]*\)", text)
    assert head is not None, text
    x = torch_start(head.group(0))
    rest = text[head.end() :]
    for op in re.findall(r"\.\w+(?:\((?:[^()]|\([^()]*\))*\))?|\[[^\]]*\]", rest):
        x = torch_step(x, op)
    return x


def test_docs_use_expressions() -> None:
    assert len(docs_expressions()) >= 15


@pytest.mark.parametrize("text", docs_expressions())
def test_docs_expressions_match_torch(text: str) -> None:
    try:
        ok = evaluate(text)
    except ExpressionError as err:
        refused: ExpressionError | None = err
    else:
        refused = None
    if refused is not None and not str(refused).startswith("torch refuses"):
        # Outside the language (`ones(3)`, `.__class__`) or over the 100 MB cap, which
        # torch does not have: refused by the language itself, before any torch rule.
        assert re.search(
            r"not allowed|unknown|invalid syntax|would allocate|is not an int", str(refused)
        )
        return
    try:
        want = torch_chain(text)
    except (RuntimeError, IndexError, ValueError, TypeError, UserWarning) as err:
        assert refused is not None and first_line(err) in str(refused), (text, err)
        return
    assert refused is None, (text, refused)
    assert_same(ok, want)


# Any input, one answer.

TOKENS = [
    "arange", "empty", "(", ")", "[", "]", ",", ".", ":", "...", "None", "-", "=", "T", "mT",
    "transpose", "permute", "t", "narrow", "select", "unsqueeze", "squeeze", "expand",
    "as_strided", "unfold", "diagonal", "view", "reshape", "contiguous", "flatten",
    "memory_format", "channels_last", "channels_last_3d", "contiguous_format", "0", "1", "2",
    "3", "-1", "10", "4096", "100000000000000000000", "9223372036854775807", "__class__",
    "lambda", "'", '"', " ", "**", "*", "not", "3not", "\n", "\\", "#", "\x00", "0x1f", "1e3",
    "2.5", "True", "{", "}", ";", "import", "os", "1_0", "٣",
]  # fmt: skip


def one_answer(text: str) -> None:
    """`text` gives a Strided (which explain accepts) or one ExpressionError line."""
    try:
        x = evaluate(text)
    except ExpressionError as err:
        assert "\n" not in str(err) and str(err), repr(str(err))
        return
    assert isinstance(x, Strided)
    explain(x)
    x.labels([x.layout.unravel(0)] if x.numel() else [])


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=40))
def test_token_soup_gets_one_answer(tokens: list[str]) -> None:
    one_answer("".join(tokens))


VALID = [
    "arange(2, 3, 4).transpose(1, 2)",
    "empty(32, 3, 224, 224).contiguous(memory_format=channels_last)",
    "arange(10).unfold(0, 4, 2)",
    "arange(1, 4).expand(3, -1)",
    "arange(2, 3, 4)[1, None, ..., 1:3]",
    "arange(4, 4).diagonal(1, 0, 1)",
    "arange(10).as_strided((4, 3), (2, 1), 1)",
    "arange(24).view(2, 3, 4).permute(2, 0, 1).reshape(-1, 6)",
]


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(VALID),
    st.lists(
        st.tuples(ints(0, 80), ints(0, 6), st.one_of(st.sampled_from(TOKENS), st.text(max_size=4))),
        min_size=1,
        max_size=5,
    ),
)
def test_mutated_expressions_get_one_answer(text: str, edits: list[tuple[int, int, str]]) -> None:
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    one_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "arange(10**10)",
        "arange(10000000000)",
        "empty(10**30)",
        "empty(1000000000000000000000000000000)",
        "empty(10000000000, 10000000000)",
        "arange(2)[10**20]",
        "arange(2)[100000000000000000000]",
        "arange(2).expand(" + ", ".join(["1000000"] * 4) + ", 2)",
        "arange(" + "9" * (MAX_LENGTH - 8) + ")",
    ],
)
def test_huge_inputs_are_refused_at_once(text: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(text)


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("empty(1000000000000000000000000000000)", lambda: torch.empty(10**30, device="meta")),
        ("empty(10000000000, 10000000000)", lambda: torch.empty(10**10, 10**10, device="meta")),
        ("arange(2)[100000000000000000000]", lambda: torch.arange(2)[10**20]),
        ("arange(1).expand(4000000000, 4000000000, 4000000000)",
         lambda: torch.arange(1).expand(4 * 10**9, 4 * 10**9, 4 * 10**9)),
    ],
)  # fmt: skip
def test_sizes_beyond_int64_are_refused_as_torch_refuses(text: str, call: object) -> None:
    with pytest.raises(Exception) as torch_err:
        call()  # type: ignore[operator]
    with pytest.raises(ExpressionError) as ours:
        evaluate(text)
    assert first_line(torch_err.value) in str(ours.value)


def test_parser_warnings_stay_out_of_the_one_error_line() -> None:
    run = subprocess.run(
        [sys.executable, "-W", "default", "-m", "flatviz", "arange(2, 3not, 4)"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("flatviz: error: "), run.stderr


def test_text_command_imports_neither_torch_nor_matplotlib_nor_numpy() -> None:
    code = (
        "import sys, contextlib, io, flatviz.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    flatviz.cli.main(['arange(2, 3, 4).transpose(1, 2)[:, ::2]', '-s', '1'])\n"
        "assert 'copy' in out.getvalue() or 'view' in out.getvalue()\n"
        "print(sorted({'torch', 'matplotlib', 'numpy'} & set(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == "[]\n"


def test_strided_algebra_imports_only_the_standard_library() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import flatviz.strided, flatviz.expr\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(new - set(sys.stdlib_module_names)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == "['flatviz']\n"


def test_a_diagram_of_many_dims_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Eliding keeps a few cells per dim, so 20 dims of size 2 would be 2**20 cells."""
    from flatviz.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["arange(1).expand(" + ", ".join(["2"] * 20) + ")", "-o", str(tmp_path / "d.svg")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "would draw 1048576 cells" in err
    assert list(tmp_path.iterdir()) == []


def test_a_negative_size_torch_lets_through_on_an_empty_tensor_is_refused() -> None:
    made = torch.arange(0).expand(-2, 0)  # torch's quirk: a shape no tensor can have
    assert made.shape[0] < 0
    with pytest.raises(RuntimeError) as nonempty:
        torch.arange(3).expand(-2, 3)
    with pytest.raises(ExpressionError) as refused:
        evaluate("arange(0).expand(-2, 0)")
    assert first_line(nonempty.value) in str(refused.value)
