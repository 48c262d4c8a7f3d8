"""The expression language: any text at all gives a tensor or one ExpressionError line,
every expression of the docs gives what torch gives, and a text answer stays light."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flatviz.explain import explain
from flatviz.expr import MAX_LENGTH, ExpressionError, evaluate
from flatviz.strided import Strided
from tests.helpers.examples import examples
from tests.helpers.imports import imported_by
from tests.helpers.ops import first_line, ints, torch_chain
from tests.helpers.oracle import assert_same

ROOT = Path(__file__).resolve().parents[2]


def docs_expressions() -> list[str]:
    """Every expression run in a console fence of the docs and the README."""
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        found += re.findall(r"^\$ flatviz '([^']*)'", page.read_text(), flags=re.M)
    return sorted(set(found))


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
    x.read_values([x.layout.unravel(0)] if x.numel() else [])


@settings(max_examples=examples(3000), deadline=None)
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


@settings(max_examples=examples(3000), deadline=None)
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


def test_parser_warnings_stay_out_of_the_one_error_line() -> None:
    run = subprocess.run(
        [sys.executable, "-W", "default", "-m", "flatviz", "arange(2, 3not, 4)"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("flatviz: error: "), run.stderr


def test_a_text_plan_imports_no_torch_numpy_or_matplotlib_and_no_picture_code() -> None:
    loaded = imported_by(
        "import flatviz.cli\n"
        "flatviz.cli.main(['arange(2, 3, 4).transpose(1, 2)[:, ::2]', '-s', '1'])"
    )
    assert "flatviz.expr" in loaded and "flatviz.plan" in loaded
    assert not {m.partition(".")[0] for m in loaded} & {"torch", "numpy", "matplotlib"}
    picture = {"flatviz.scene", "flatviz.paint", "flatviz.paint.svg", "flatviz.display"}
    assert not loaded & picture
    assert "dataclasses" not in loaded  # it imports inspect: a tenth of the answer's time


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
