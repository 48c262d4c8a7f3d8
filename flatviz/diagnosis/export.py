"""The report for other tools and for notebooks: JSON data (numbers as numbers; its schema
is docs/schemas/doctor.schema.json) and HTML whose error rows are marked and whose fixes
are code."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from flatviz.diagnosis.finding import Edit

if TYPE_CHECKING:
    from flatviz.diagnosis.report import Report

#: The version of the JSON layout; it changes when a field changes meaning or goes.
JSON_VERSION = 1


#: The attributes each record exports, in order; a name ending in `?` is None when empty.
_ROW = ("where", "op", "input", "output", "raises", "layout?")
_FINDING = ("kind", "severity", "where", "message", "fix?", "numbers", "step", "edits")
_EDIT = ("where", "text", "placed", "path", "span", "old", "new")


def _data(record: object, names: tuple[str, ...]) -> dict[str, Any]:
    """A row, finding or edit as data: its attributes `names`, numbers as numbers."""
    data = {}
    for name in names:
        key = name.rstrip("?")
        value = getattr(record, key)
        data[key] = None if name != key and not value else _plain(value)
    return data


def _plain(value: Any) -> Any:
    """A value as JSON has it: a tuple as a list, an edit as data."""
    if isinstance(value, Edit):
        return _data(value, _EDIT)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


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
        "rows": [_data(r, _ROW) | {"findings": kinds.get(r.seq, [])} for r in report.rows],
        "findings": [_data(f, _FINDING) for f in report.findings],
        "fixes": [_plain(e) for e in report.fixes],
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
