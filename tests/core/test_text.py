"""flatviz.core.text: wrapping is textwrap's rule, and keep-the-edges elision is torch's."""

from __future__ import annotations

import re
import textwrap

import torch
from hypothesis import given
from hypothesis import strategies as st

from flatviz.core.text import first_line, keep_edges, wrap

WORDS = st.lists(st.text("abc(),=", min_size=1, max_size=12), min_size=1, max_size=20)


@given(WORDS, st.integers(12, 60), st.sampled_from(["", "  why    : "]))
def test_wrap_breaks_lines_as_textwrap_does(words: list[str], width: int, indent: str) -> None:
    text = " ".join(words)
    want = textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_on_hyphens=False,
        break_long_words=False,
    )
    assert wrap(text, width, indent, " " * len(indent)) == want


def test_keep_edges_keeps_what_torch_prints() -> None:
    torch.set_printoptions(threshold=5, edgeitems=2)
    try:
        printed = str(torch.arange(10))
    finally:
        torch.set_printoptions(profile="default")
    kept = keep_edges(range(10), 2)
    assert re.findall(r"\d+|\.\.\.", printed) == ["..." if k is None else str(k) for k in kept]
    assert keep_edges(range(5), 2) == [0, 1, 2, 3, 4]


def test_first_line_of_an_error() -> None:
    assert first_line(ValueError("\n  one\ntwo")) == "one"
    assert first_line(KeyboardInterrupt()) == "KeyboardInterrupt"
