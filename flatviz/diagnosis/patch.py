"""The complete fix as a unified diff of the user's source files, for `git apply` or
`patch -p1`. Nothing is written: the files are read, edited in memory and compared."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from pathlib import Path

from flatviz.diagnosis.finding import Edit, Span


def _offset(lines: list[str], line: int, col: int) -> int:
    """The character offset in the joined `lines` of (line from 1, column in UTF-8 bytes)."""
    before = sum(len(s) for s in lines[: line - 1])
    text = lines[line - 1].encode("utf-8")[:col].decode("utf-8", errors="ignore")
    return before + len(text)


def _range(lines: list[str], span: Span) -> tuple[int, int] | None:
    """The character offsets in the joined `lines` of `span`, or None when it is off the file."""
    line, col, end_line, end_col = span
    if not 1 <= line <= end_line <= len(lines):
        return None
    return _offset(lines, line, col), _offset(lines, end_line, end_col)


def _patched(path: str, edits: Sequence[Edit]) -> tuple[str, str, list[Edit]]:
    """The file's text before and after the edits that fit, and those that do not (the
    code at their span differs, or they overlap an earlier edit)."""
    before = Path(path).read_text(encoding="utf-8")
    lines = before.splitlines(keepends=True)
    ranges: list[tuple[int, int, Edit]] = []
    left: list[Edit] = []
    for edit in edits:
        assert edit.span is not None
        found = _range(lines, edit.span)
        clash = found is not None and any(a < found[1] and found[0] < b for a, b, _ in ranges)
        if found is None or clash or before[found[0] : found[1]] != edit.old:
            left.append(edit)
        else:
            ranges.append((*found, edit))
    after = before
    for start, end, edit in sorted(ranges, key=lambda r: r[0], reverse=True):
        after = after[:start] + edit.new + after[end:]
    return before, after, left


def _lines(text: str) -> list[str]:
    """The text's lines, the last one marked when it has no newline, as diff marks it."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified_diff(edits: Sequence[Edit], root: str | None = None) -> tuple[str, list[Edit]]:
    """The diff making every placed edit (paths relative to `root`, default the current
    directory, with git's `a/` and `b/`), and the edits it leaves to do by hand."""
    base = os.getcwd() if root is None else root
    by_file: dict[str, list[Edit]] = {}
    left = [e for e in edits if not e.placed]
    for edit in edits:
        if edit.placed and edit.path is not None:
            by_file.setdefault(edit.path, []).append(edit)
    chunks: list[str] = []
    for path in sorted(by_file):
        try:
            before, after, missed = _patched(path, by_file[path])
        except OSError:
            left += by_file[path]
            continue
        left += missed
        name = Path(os.path.relpath(path, base)).as_posix()
        diff = difflib.unified_diff(
            _lines(before), _lines(after), fromfile=f"a/{name}", tofile=f"b/{name}"
        )
        chunks.append("".join(diff))
    return "".join(chunks), left
