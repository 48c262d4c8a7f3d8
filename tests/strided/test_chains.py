"""The torch-free layout algebra against torch itself: random chains of any operations,
valid and invalid, give torch's shape, strides, offset, values, storage size, refusals
and flatten verdict. Every case Hypothesis has found is kept as an explicit example."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings

from tests.helpers.examples import examples
from tests.helpers.ops import Flattened, case, flattened
from tests.helpers.oracle import check_case


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flattened())
# torch returns shape (-2, 0) for an empty tensor where it refuses the same expand otherwise.
@example((case("arange(0).expand(-2, 0)"), 0, -1))
# Two `...`: torch refuses this one on meta and takes it on cpu; flatviz always refuses.
@example((case("empty(0, 0)[..., ..., :]"), 0, -1))
@example((case("arange(0)[..., ...]"), 0, -1))
@example((case("arange(2, 3)[..., ..., 0]"), 0, -1))
def test_chains_match_torch(drawn: Flattened) -> None:
    check_case(*drawn)
