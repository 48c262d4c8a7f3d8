"""The one render entry: an array and a flatten's dims give the plan, and on demand the
scene and its SVG. The command, `flatviz.live` and `svg`/`draw`/`diagram` all call it.

Only the plan is worked out at once: the scene and the SVG are made (and their modules
imported) the first time they are read, so a text answer never loads the picture code.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

from flatviz.core.source import Source
from flatviz.external import source_of
from flatviz.plan import FlattenPlan, plan_flatten

if TYPE_CHECKING:
    from flatviz.display import SVG
    from flatviz.scene import Scene


class Options(NamedTuple):
    """How the picture is drawn.

    Attributes:
        name: What the array is called in every title and label.
        cell_text: What cells show: `"address"` (storage address) or `"values"`.
        edge_items: Cells kept at each end of a dim when a tensor of more than 64
            elements is elided, so the picture costs the same for any size.
        width: The page width the panels are laid out for, in px; None lays them out
            for a desktop (688 px) and a phone (358 px), and the SVG switches.
    """

    name: str = "x"
    cell_text: str = "address"
    edge_items: int = 2
    width: float | None = None


class PictureOptions(TypedDict, total=False):
    """The keyword arguments `svg`, `draw` and `diagram` share: the fields of `Options`,
    each optional, with `Options`'s defaults."""

    name: str
    cell_text: str
    edge_items: int
    width: float | None


def options_of(caller: str, given: dict[str, Any]) -> Options:
    """`Options` from a picture function's keyword arguments; a TypeError names a keyword
    that `caller` does not take, as Python would for an explicit signature."""
    unknown = sorted(set(given) - set(Options._fields))
    if unknown:
        raise TypeError(f"{caller}() got an unexpected keyword argument {unknown[0]!r}")
    return Options(**given)


class Rendered:
    """A flatten explained (`plan`) and drawn (`scene`, `svg`, each made when first read)."""

    def __init__(self, plan: FlattenPlan, source: Source, options: Options) -> None:
        self.plan, self.source, self.options = plan, source, options

    @cached_property
    def scene(self) -> Scene:
        """The picture as plain data, for any painter."""
        from flatviz.scene import build_scene

        return build_scene(
            self.plan,
            self.source.values,
            name=self.options.name,
            cell_text=self.options.cell_text,
            edge_items=self.options.edge_items,
            storage_size=self.source.storage_size,
            width=self.options.width,
        )

    @cached_property
    def svg(self) -> SVG:
        """The picture as SVG text (the pure-Python painter), which Jupyter shows."""
        from flatviz.display import SVG
        from flatviz.paint.svg import paint

        return SVG(paint(self.scene))


def render(
    x: object, start_dim: object = 0, end_dim: object = -1, options: Options | None = None
) -> Rendered:
    """Explain `torch.flatten(x, start_dim, end_dim)`, ready to draw with `options`.

    Args:
        x: A torch tensor, a numpy array, a `Strided` or a `Layout`, as for `explain`.
        start_dim: The first dim to flatten.
        end_dim: The last dim to flatten.
        options: Name, cell text and elision of the picture (default: `Options()`).

    Examples:
        >>> from flatviz.core.layout import Layout
        >>> done = render(Layout((2, 4, 3), (12, 1, 4)), 1)
        >>> done.plan.is_view, done.svg.startswith("<svg")
        (False, True)
    """
    source = source_of(x)
    plan = plan_flatten(source.layout, start_dim, end_dim)
    return Rendered(plan, source, Options() if options is None else options)
