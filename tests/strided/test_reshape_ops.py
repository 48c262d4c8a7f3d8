"""flatviz.strided.reshape_ops against torch: view, reshape, contiguous and flatten, after
ops that leave strides a view cannot always follow (so copies come up)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.helpers.examples import examples
from tests.helpers.ops import RESHAPE_OPS, SHAPE_OPS, Flattened, flattened
from tests.helpers.oracle import check_case

#: The reshape ops, and the shape ops that make layouts they must copy.
OPS = {**RESHAPE_OPS, **{k: SHAPE_OPS[k] for k in ("permute", "transpose", "as_strided")}}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flattened(OPS))
def test_reshape_op_chains_match_torch(drawn: Flattened) -> None:
    check_case(*drawn)
