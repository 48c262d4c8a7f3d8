"""The report where a user reads it: a one-line repr (a failed `assert report.ok` reads
well), `raise_for_errors()` for tests and CI, and HTML for notebooks with error rows
marked and fixes as code."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

import flatviz
from flatviz.diagnosis import DoctorError


def broken() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(0), nn.Linear(4 * 6 * 6, 2))


def sound() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))


X = torch.randn(2, 3, 8, 8)


def test_the_repr_is_one_line_naming_each_error() -> None:
    report = flatviz.doctor(broken(), X)
    assert repr(report) == "<Report Sequential: 1 error (batch-mixing at 1), 0 warnings, 0 notes>"
    assert repr(flatviz.doctor(sound(), X)) == "<Report Sequential: 0 errors, 0 warnings, 0 notes>"


def test_raise_for_errors_raises_the_readable_report() -> None:
    report = flatviz.doctor(broken(), X)
    with pytest.raises(DoctorError) as raised:
        report.raise_for_errors()
    assert str(raised.value) == f"\n{report}"
    assert isinstance(raised.value, AssertionError)  # pytest shows it as a failed check
    flatviz.doctor(sound(), X).raise_for_errors()  # a sound model passes


def test_the_html_marks_error_rows_and_shows_fixes_as_code() -> None:
    report = flatviz.doctor(broken(), X)
    page = report._repr_html_()
    rows = re.findall(r"<tr( class='error')?><td>([^<]*)</td>", page)
    assert [(bool(mark), where) for mark, where in rows] == [
        (False, "0"),
        (True, "1"),
        (False, "2"),
    ]
    [fix] = [f.fix for f in report.errors]
    assert f"<pre><code>{fix}</code></pre>" in page
    assert "<li class='error'>" in page


def test_the_data_has_numbers_as_numbers() -> None:
    data = flatviz.doctor(broken(), X).data()
    [finding] = data["findings"]
    per_sample = sound()[:2](X).shape[1]  # torch: what each sample holds after the flatten
    assert finding["numbers"] == {"batch": 2, "size": 2 * per_sample, "features": per_sample}
    assert data["rows"][1]["input"] == [2, 4, 6, 6] and data["rows"][1]["output"] == [
        2 * per_sample
    ]
