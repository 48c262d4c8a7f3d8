"""`explain`: the public entry point that turns an array into a flatten plan."""

from __future__ import annotations

from flatviz.external import layout_of
from flatviz.plan import FlattenPlan, plan_flatten


def explain(x: object, start_dim: int = 0, end_dim: int = -1) -> FlattenPlan:
    """What `torch.flatten(x, start_dim, end_dim)` does to `x`'s memory.

    Reads only metadata (shape, stride, storage offset), so it works on any device,
    `meta` included, and costs the same for any number of elements.

    Args:
        x: A torch tensor, a numpy array (judged by torch's rule on the same layout) or
            a `Layout`.
        start_dim: The first dim to flatten, as in `torch.flatten`.
        end_dim: The last dim to flatten, as in `torch.flatten`.

    Returns:
        The plan: the result's shape, strides when it is a view, and why.

    Raises:
        TypeError: `x` is not an array, or a dim is not an int.
        IndexError: A dim is out of range.
        ValueError: `start_dim` comes after `end_dim`, or the tensor is sparse, nested
            or quantized.

    Examples:
        >>> import torch
        >>> plan = explain(torch.zeros(2, 3, 4).transpose(1, 2), start_dim=1)
        >>> plan.shape, plan.is_view, plan.blocking
        ((2, 12), False, (1, 2))
    """
    return plan_flatten(layout_of(x), start_dim, end_dim)
