"""Text helpers every message and picture shares: tuples, first lines, wrapping, elision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

#: Columns text answers (the plan, the doctor's report) wrap at, to read without scrolling.
TEXT_WIDTH = 88


def tuple_text(values: Iterable[int]) -> str:
    """A shape or stride as a Python tuple, e.g. `(12,)`."""
    return str(tuple(values))


def list_text(values: Iterable[int]) -> str:
    """A shape or stride as ATen prints it in messages, e.g. `[2, 3]`."""
    return "[" + ", ".join(str(v) for v in values) + "]"


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none), so
    an error can be reported on one line."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def shorten(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters with `...`, so a message quoting it stays short."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def wrap(text: str, width: int, indent: str = "", subsequent_indent: str = "") -> list[str]:
    """`text` broken at spaces into lines of at most `width` columns, indents included; a
    word too long for a line stands alone. textwrap's greedy rule (without hyphen breaks),
    at a fraction of its cost.

    Examples:
        >>> wrap("one two three four", 9)
        ['one two', 'three', 'four']
    """
    if len(indent) + len(text) <= width:
        return [indent + text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        head = subsequent_indent if lines else indent
        if current and len(head) + len(current) + 1 + len(word) > width:
            lines.append(head + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append((subsequent_indent if lines else indent) + current)
    return lines


def keep_edges(items: Sequence[T], edge: int) -> list[T | None]:
    """`items` with all but `edge` at each end replaced by one None, the way torch prints
    a long dim; unchanged when that would not make it shorter. It never takes `len` of
    `items`, which overflows for a range of over 2**31 on 32-bit Python (Pyodide's).

    Examples:
        >>> keep_edges(range(10), 2)
        [0, 1, None, 8, 9]
        >>> keep_edges(range(10**12), 1)
        [0, None, 999999999999]
    """
    if not items[2 * edge + 1 :]:
        return list(items)
    return [*items[:edge], None, *(items[-edge:] if edge else [])]
