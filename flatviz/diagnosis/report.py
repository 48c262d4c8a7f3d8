"""The doctor's report: one row per layer or flatten-like call, and the findings.

`str(report)` is a fixed-width table for a terminal or a docs page; `_repr_html_` is the
same table for Jupyter.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from flatviz.diagnosis.finding import Finding
from flatviz.plan import TEXT_WIDTH

HEADER = ("where", "op", "input → output", "layout", "finding")
#: A shape in a sentence, e.g. `(8, 400)`: wrapped text never splits one across lines.
_SHAPE = re.compile(r"\((?:-?\d+, )*-?\d*,?\)")


@dataclass(frozen=True)
class Row:
    """One layer or call: where it runs, what it is, its shapes, view or copy."""

    seq: int
    where: str
    op: str
    shapes: str
    layout: str


@dataclass(frozen=True)
class Report:
    """What `flatviz.doctor` found.

    Attributes:
        model: The model's class name.
        input_shape: The example input's shape.
        batch_sizes: The two batch sizes the model ran at on meta.
        rows: The table: each leaf layer and each shape-changing call made in a forward.
        findings: Errors first, in the order the calls ran, then notes.
        error: The error the model raises on the user's device, or None.
    """

    model: str
    input_shape: tuple[int, ...]
    batch_sizes: tuple[int, int]
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]
    error: str | None

    @property
    def ok(self) -> bool:
        """True when there are no errors (notes and warnings allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        """The findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]

    def _cells(self) -> list[tuple[str, ...]]:
        kinds: dict[int, list[str]] = {}
        for f in self.findings:
            kinds.setdefault(f.seq, []).append(f.kind)
        return [
            (r.where, r.op, r.shapes, r.layout, ", ".join(kinds.get(r.seq, []))) for r in self.rows
        ]

    def _title(self) -> str:
        first, second = self.batch_sizes
        return (
            f"{self.model} on input {tuple(self.input_shape)} "
            f"(ran on meta at batch sizes {first} and {second})"
        )

    def _summary(self) -> str:
        counts = [
            _count(sum(f.severity == s for f in self.findings), s)
            for s in ("error", "warning", "note")
        ]
        return ", ".join(counts)

    def __str__(self) -> str:
        cells = [HEADER, *self._cells()]
        widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
        lines = [self._title()]
        for row in cells:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.append(self._summary())
        for f in self.findings:
            lines.append("")
            lines += _wrap(f"{f.severity} {f.kind} at {f.where}: {f.message}", "")
            if f.fix:
                lines += _wrap(f"fix: {f.fix}", "  ")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(h)}</th>" for h in HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in self._cells()
        )
        items = "".join(
            f"<li><b>{esc(f.severity)} {esc(f.kind)}</b> at <code>{esc(f.where)}</code>: "
            f"{esc(f.message)}" + (f"<br>fix: <code>{esc(f.fix)}</code>" if f.fix else "") + "</li>"
            for f in self.findings
        )
        return (
            f"<div class='flatviz-doctor'><p>{esc(self._title())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p>{esc(self._summary())}</p><ul>{items}</ul></div>"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _wrap(text: str, indent: str) -> Sequence[str]:
    glued = _SHAPE.sub(lambda m: m.group().replace(" ", "\xa0"), text)
    lines = textwrap.wrap(
        glued,
        TEXT_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace("\xa0", " ") for line in lines]
