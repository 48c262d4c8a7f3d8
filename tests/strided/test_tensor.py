"""flatviz.strided.tensor: values read through a chain of copies, the source a picture
reads, and an algebra that imports only the standard library (so it runs in Pyodide)."""

from __future__ import annotations

import torch

from flatviz.external import source_of
from flatviz.strided import arange, empty
from tests.helpers.imports import imported_by, outside_stdlib


def test_values_follow_a_chain_of_copies_back_to_the_arange() -> None:
    x = arange(2, 3, 4).transpose(1, 2).reshape(6, 4).t().contiguous()[1:, ::2]
    want = torch.arange(24).reshape(2, 3, 4).transpose(1, 2).reshape(6, 4).t().contiguous()
    assert x.tolist() == want[1:, ::2].tolist()
    assert x.read_values([(0, 0), (2, 1)]) == [str(want[1, 0].item()), str(want[3, 2].item())]


def test_a_picture_reads_the_layout_values_and_storage_size() -> None:
    x = arange(3, 4).t()
    source = source_of(x)
    assert (source.layout, source.storage_size) == (x.layout, 12)
    assert source.values is not None and list(source.values([(1, 2)])) == ["9"]
    assert source_of(empty(2, 3)).values is None


def test_the_algebra_and_the_core_import_only_the_standard_library() -> None:
    loaded = imported_by(
        "import flatviz.strided, flatviz.expr, flatviz.core.rule, flatviz.core.text"
    )
    assert outside_stdlib(loaded) == {"flatviz"}
