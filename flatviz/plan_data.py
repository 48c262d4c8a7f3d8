"""The flatten plan as plain data for other tools: what `flatviz EXPR --json` prints.

Every number is a JSON number and every field is always present (`null` where it does not
apply), as docs/schemas/flatten.schema.json describes.
"""

from __future__ import annotations

import json
from typing import Any

from flatviz.core.rule import merge_pairs, merges
from flatviz.plan import FlattenPlan

#: At most this many storage offsets are listed in `reads.offsets`.
READS_LISTED = 4096


def plan_data(plan: FlattenPlan) -> dict[str, Any]:
    """`plan` as JSON-ready data: shapes, strides, offsets, the verdict, the merge check of
    each adjacent pair of dims of size > 1 in the flattened span (none when the tensor has
    no elements, which torch views without a check), and the read order.

    Examples:
        >>> from flatviz.core.layout import Layout
        >>> from flatviz.plan import plan_flatten
        >>> data = plan_data(plan_flatten(Layout((2, 4, 3), (12, 1, 4)), 1))
        >>> data["verdict"], data["blocking"]
        ('copy', [1, 2])
        >>> data["pairs"]
        [{'dims': [1, 2], 'outer_stride': 1, 'inner_size': 3, 'inner_stride': 4, 'merges': False}]
    """
    layout, result = plan.layout, plan.result
    # torch checks no pair of a 0-d tensor or one with no elements: it is always a view.
    checked = layout.ndim and layout.numel
    pairs = merge_pairs(layout, plan.start_dim, plan.end_dim) if checked else []
    listed = min(layout.numel, READS_LISTED)
    return {
        "start_dim": plan.start_dim,
        "end_dim": plan.end_dim,
        "input": {
            "shape": list(layout.shape),
            "stride": list(layout.stride),
            "offset": layout.offset,
        },
        "result": {
            "shape": list(result.shape),
            "stride": list(result.stride),
            "offset": result.offset,
        },
        "verdict": "view" if plan.is_view else "copy",
        "returns_input": plan.returns_input,
        "blocking": None if plan.blocking is None else list(plan.blocking),
        "pairs": [
            {
                "dims": [i, j],
                "outer_stride": layout.stride[i],
                "inner_size": layout.shape[j],
                "inner_stride": layout.stride[j],
                "merges": merges(layout, i, j),
            }
            for i, j in pairs
        ],
        "reads": {
            "numel": layout.numel,
            "offsets": [layout.offset_of(layout.unravel(k)) for k in range(listed)],
            "complete": listed == layout.numel,
        },
        "reason": plan.reason,
    }


def to_json(data: dict[str, Any]) -> str:
    """`data` as JSON with one top-level field a line, each value on that line, so it reads
    in a terminal and diffs by field.

    Examples:
        >>> print(to_json({"verdict": "view", "input": {"shape": [2, 3]}}))
        {
          "verdict": "view",
          "input": {"shape": [2, 3]}
        }
    """
    fields = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in data.items())
    return f"{{\n{fields}\n}}"
