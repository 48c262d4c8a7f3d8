"""flatviz.core.layout: addresses are torch's, checked and unchecked alike."""

from __future__ import annotations

import itertools

from hypothesis import given

from flatviz.core.layout import Layout, address, read_order, unravel
from tests.helpers.strategies import layouts
from tests.helpers.torch_truth import make_tensor


@given(layouts())
def test_addresses_are_the_storage_index_torch_reads(layout: Layout) -> None:
    values = make_tensor(layout)  # each element holds its own storage index
    for index in itertools.islice(itertools.product(*map(range, layout.shape)), 50):
        assert address(layout, index) == layout.offset_of(index) == values[index].item()


@given(layouts())
def test_read_order_is_flattens_order(layout: Layout) -> None:
    flat = make_tensor(layout).reshape(-1).tolist()
    assert read_order(layout, 20) == flat[:20]
    assert [unravel(k, layout.shape) for k in range(min(3, layout.numel))] == [
        layout.unravel(k) for k in range(min(3, layout.numel))
    ]
