"""Diagrams for web pages: one image per site colour scheme, with alt text."""

from __future__ import annotations

from flatviz.draw import draw
from flatviz.files import img_tag
from flatviz.palette import THEMES


def html(x: object, start_dim: int = 0, end_dim: int = -1, *, edge_items: int = 2) -> str:
    """HTML for the diagram of `torch.flatten(x, start_dim, end_dim)`: a light and a dark
    image, tagged `#only-light` / `#only-dark` so mkdocs-material shows the one that
    matches the reader's scheme. Same input, same bytes."""
    tags = []
    for name in THEMES:
        fig = draw(x, start_dim, end_dim, theme=name, edge_items=edge_items)
        plan = fig.scene.plan
        verdict = "a view" if plan.is_view else "a copy"
        alt = (
            f"Memory-order diagram of torch.flatten(x, start_dim={plan.start_dim}, "
            f"end_dim={plan.end_dim}) for x of shape {plan.layout.shape} and stride "
            f"{plan.layout.stride}: the result has shape {plan.shape} and is {verdict}"
        )
        tags.append(img_tag(fig, alt, f"only-{name}"))
    return "\n".join(tags)
