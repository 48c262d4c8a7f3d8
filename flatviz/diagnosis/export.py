"""The report for other tools and for notebooks: JSON data (numbers as numbers; its schema
is docs/schemas/doctor.schema.json) and HTML whose error rows are marked and whose fixes
are code."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from flatviz.diagnosis.finding import Edit, Finding

if TYPE_CHECKING:
    from flatviz.diagnosis.report import Report, Row

#: The version of the JSON layout; it changes when a field changes meaning or goes.
JSON_VERSION = 1


def _row(row: Row, kinds: list[str]) -> dict[str, Any]:
    """A table row as data, with the kinds of its findings."""
    return {
        "where": row.where,
        "op": row.op,
        "input": None if row.input is None else list(row.input),
        "output": None if row.output is None else list(row.output),
        "raises": row.raises,
        "layout": row.layout or None,
        "findings": kinds,
    }


def _number(value: int | tuple[int, ...]) -> int | list[int]:
    """A number as JSON has it: an int, or a list for a tuple."""
    return list(value) if isinstance(value, tuple) else value


def _edit(edit: Edit) -> dict[str, Any]:
    """An edit as data."""
    return {
        "where": edit.where,
        "text": edit.text,
        "placed": edit.placed,
        "path": edit.path,
        "span": None if edit.span is None else list(edit.span),
        "old": edit.old,
        "new": edit.new,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    """A finding as data, its numbers as numbers."""
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "where": finding.where,
        "message": finding.message,
        "fix": finding.fix or None,
        "numbers": {k: _number(v) for k, v in finding.numbers.items()},
        "step": finding.step,
        "edits": [_edit(e) for e in finding.edits],
    }


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain data: what `flatviz doctor --json` prints."""
    kinds = report.row_kinds()
    return {
        "version": JSON_VERSION,
        "model": report.model,
        "inputs": [{"name": n, "shape": list(s)} for n, s in report.inputs],
        "device": report.device,
        "batch_sizes": list(report.batch_sizes),
        "checked": report.checked,
        "ok": report.ok,
        "error": report.error,
        "counts": {s: sum(f.severity == s for f in report.findings) for s in SEVERITIES},
        "rows": [_row(r, kinds.get(r.seq, [])) for r in report.rows],
        "findings": [_finding(f) for f in report.findings],
        "fixes": [_edit(e) for e in report.fixes],
        "fixed": report.fixed,
    }


#: The severities, from the worst.
SEVERITIES = ("error", "warning", "note")


def to_json(report: Report) -> str:
    """The report's data as JSON: a top-level field a line, and each row, finding or edit
    of a list on a line of its own, so it reads in a terminal and diffs by line."""
    fields = []
    for key, value in report_data(report).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n    ".join(json.dumps(v, ensure_ascii=False) for v in value)
            text = f"[\n    {items}\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False)
        fields.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(fields) + "\n}"


_STYLE = (
    "<style>.flatviz-doctor tr.error td{background:rgba(220,50,50,.14)}"
    ".flatviz-doctor .error b{color:#c0392b}.flatviz-doctor pre{margin:.2em 0 .4em}</style>"
)


def report_html(report: Report, header: tuple[str, ...], title: str, summary: str) -> str:
    """The report as an HTML table (error rows marked) and a list of findings, each fix
    as a code block."""
    esc = html.escape
    kinds = report.row_kinds()
    errors = {f.seq for f in report.findings if f.severity == "error"}
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        ("<tr class='error'>" if row.seq in errors else "<tr>")
        + "".join(f"<td>{esc(c)}</td>" for c in cells)
        + "</tr>"
        for row, cells in zip(report.rows, report.cells(kinds), strict=True)
    )
    items = "".join(
        f"<li class='{esc(f.severity)}'><b>{esc(f.severity)} {esc(f.kind)}</b> at "
        f"<code>{esc(f.where)}</code>: {esc(f.message)}"
        + (f"<pre><code>{esc(f.fix)}</code></pre>" if f.fix else "")
        + "</li>"
        for f in report.findings
    )
    return (
        f"<div class='flatviz-doctor'>{_STYLE}<p>{esc(title)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p>{esc(summary)}</p><ul>{items}</ul></div>"
    )
