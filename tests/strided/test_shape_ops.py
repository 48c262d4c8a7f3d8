"""flatviz.strided.shape_ops against torch: chains of the ops that rearrange, cut or
repeat dims (transpose to diagonal), each drawn by its own strategy."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.helpers.examples import examples
from tests.helpers.ops import SHAPE_OPS, Flattened, flattened
from tests.helpers.oracle import check_case


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flattened(SHAPE_OPS))
def test_shape_op_chains_match_torch(drawn: Flattened) -> None:
    check_case(*drawn)
