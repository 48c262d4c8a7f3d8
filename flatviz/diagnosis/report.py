"""The doctor's report: one row per layer or flatten-like call, and the findings.

`str(report)` is a fixed-width table for a terminal or a docs page; `_repr_html_` is the
same table for Jupyter, its error rows marked; `data()` and `to_json()` are for other
tools; `raise_for_errors()` is for tests and CI.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flatviz.core.text import TEXT_WIDTH, wrap
from flatviz.diagnosis.export import SEVERITIES, report_data, report_html, to_json
from flatviz.diagnosis.finding import Edit, Finding
from flatviz.diagnosis.patch import unified_diff

HEADER = ("where", "op", "input → output", "layout", "finding")
#: A shape in a sentence, e.g. `(8, 400)`: wrapped text never splits one across lines.
_SHAPE = re.compile(r"\((?:-?\d+, )*-?\d*,?\)")


@dataclass(frozen=True)
class Row:
    """One layer or call: where it runs, what it is, its shapes, view or copy.

    `shapes` is the table's text, e.g. `(8, 400) → (8, 120)`; `input` and `output` are
    the same shapes as tuples (None where unknown), and `raises` is True where the call
    raised."""

    seq: int
    where: str
    op: str
    shapes: str
    layout: str
    input: tuple[int, ...] | None = None
    output: tuple[int, ...] | None = None
    raises: bool = False


class DoctorError(AssertionError):
    """What `Report.raise_for_errors` raises: its message is the whole readable report."""


@dataclass(frozen=True)
class Report:
    """What `flatviz.doctor` found.

    Attributes:
        model: The model's class name.
        input_shape: The example input's shape.
        batch_sizes: The two batch sizes the model ran at on meta.
        rows: The table: each leaf layer and each shape-changing call made in a forward.
        findings: Errors first, in the order the calls ran (then those found by rerunning
            the model with the fixes before them made), then warnings and notes.
        error: The error the model raises on the user's device, or None.
        fixes: The complete fix: every edit of every error's fix, in order.
        fixed: Whether the model, rerun with all of `fixes` made, runs at both batch
            sizes with the batch in dim 0 and no error; None when there was no error.
        device: Where the doctor ran the model: "meta", or "cpu" where meta could not.
        inputs: Each input's name (its position, or its keyword) and shape.
    """

    model: str
    input_shape: tuple[int, ...]
    batch_sizes: tuple[int, int]
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]
    error: str | None
    fixes: tuple[Edit, ...] = ()
    fixed: bool | None = None
    device: str = "meta"
    inputs: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def ok(self) -> bool:
        """True when the model was checked and has no errors (notes and warnings allowed)."""
        return self.checked and not self.errors

    @property
    def checked(self) -> bool:
        """False when the doctor could not run the model at all (see `cannot-check`)."""
        return not any(f.kind == "cannot-check" for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        """The findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]

    def row_kinds(self) -> dict[int, list[str]]:
        """The kinds of the findings on each row, by the row's `seq`."""
        kinds: dict[int, list[str]] = {}
        for f in self.findings:
            if f.kind not in kinds.setdefault(f.seq, []):
                kinds[f.seq].append(f.kind)
        return kinds

    def cells(self, kinds: dict[int, list[str]] | None = None) -> list[tuple[str, ...]]:
        """The table's rows as text cells, in the order of `HEADER`."""
        kinds = self.row_kinds() if kinds is None else kinds
        return [
            (r.where, r.op, r.shapes, r.layout, ", ".join(kinds.get(r.seq, []))) for r in self.rows
        ]

    def raise_for_errors(self) -> None:
        """Raise `DoctorError`, whose message is this report, unless `ok`: for a test or a
        CI step, `flatviz.doctor(model, x).raise_for_errors()`."""
        if not self.ok:
            raise DoctorError(f"\n{self}")

    def data(self) -> dict[str, Any]:
        """The report as plain data (see docs/schemas/doctor.schema.json)."""
        return report_data(self)

    def to_json(self) -> str:
        """The report as JSON: what `flatviz doctor --json` prints."""
        return to_json(self)

    def _title(self) -> str:
        """The report's first line: the model, its inputs, where and at which batch sizes it ran."""
        first, second = self.batch_sizes
        where = "CPU" if self.device == "cpu" else "meta"
        named = [n for n, _ in self.inputs if not n.isdigit()]
        if len(self.inputs) > 1 or named:
            shapes = ", ".join(
                f"{tuple(s)}" if n.isdigit() else f"{n}={tuple(s)}" for n, s in self.inputs
            )
            given = f"inputs {shapes}"
        else:
            given = f"input {tuple(self.input_shape)}"
        return f"{self.model} on {given} (ran on {where} at batch sizes {first} and {second})"

    def _summary(self) -> str:
        """The counts of errors, warnings and notes, and whether the model was checked."""
        counts = [_count(sum(f.severity == s for f in self.findings), s) for s in SEVERITIES]
        unchecked = "" if self.checked else "; cannot check the model (see below)"
        return ", ".join(counts) + unchecked

    def __str__(self) -> str:
        cells = [HEADER, *self.cells()]
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
        lines += self._complete()
        return "\n".join(lines)

    def diff(self, root: str | None = None) -> str:
        """The complete fix as a unified diff of the model's source files (paths relative
        to `root`, default the current directory), for `git apply`; then one `# by hand`
        line for each edit that cannot be placed in a file. Nothing is written."""
        text, left = unified_diff(self.fixes, root)
        return text + "".join(f"# by hand, at {e.where}: {e.text}\n" for e in left)

    def _complete(self) -> list[str]:
        """The complete fix, when it takes more than one edit, and whether it was checked."""
        placed = any(e.placed for e in self.fixes)
        if not self.fixes or (self.fixed and (len(self.fixes) == 1 or not placed)):
            return []
        first, second = self.batch_sizes
        if self.fixed:
            verdict = (
                f"with them the model runs at batch sizes {first} and {second}, the batch in dim 0"
            )
        else:
            verdict = "with them the model still fails: see the last error"
        lines = ["", *_wrap(f"complete fix, {_count(len(self.fixes), 'edit')} ({verdict}):", "")]
        for edit in self.fixes:
            if edit.placed:
                lines += _wrap(f"{edit.where}: {edit.old} → {edit.new}", "  ")
            else:
                lines += _wrap(f"{edit.where}: {edit.text}", "  ")
        return lines

    def __repr__(self) -> str:
        """One line, so that a failed `assert report.ok` reads well; `str` is the table."""
        errors = [f"{f.kind} at {f.where}" for f in self.errors]
        told = f" ({'; '.join(errors)})" if errors else ""
        rest = ", ".join(
            _count(sum(f.severity == s for f in self.findings), s) for s in SEVERITIES[1:]
        )
        unchecked = "" if self.checked else ", cannot check"
        return f"<Report {self.model}: {_count(len(errors), 'error')}{told}, {rest}{unchecked}>"

    def _repr_html_(self) -> str:
        return report_html(self, HEADER, self._title(), self._summary())


def _count(n: int, noun: str) -> str:
    """`1 error`, `2 notes`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _wrap(text: str, indent: str) -> Sequence[str]:
    """`text` wrapped for the terminal, never splitting a shape such as `(8, 400)`."""
    glued = _SHAPE.sub(lambda m: m.group().replace(" ", "\xa0"), text)
    lines = wrap(glued, TEXT_WIDTH, indent, indent + "  ")
    return [line.replace("\xa0", " ") for line in lines]
