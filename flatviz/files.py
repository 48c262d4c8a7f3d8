"""Reproducible diagram files: the same input gives the same bytes, written atomically.

SVG comes from the pure-Python painter; PNG and PDF from a matplotlib Figure, the only
part that needs matplotlib.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flatviz.optional import require
from flatviz.scene import Scene

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Formats `save` writes, with the metadata that would otherwise vary between runs.
FORMATS: dict[str, dict[str, None]] = {
    "svg": {"Date": None},
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def format_of(path: str | os.PathLike[str]) -> str:
    """The file format named by `path`'s suffix; ValueError for one flatviz does not write."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {os.fspath(path)!r}: use a .svg, .png or .pdf suffix"
        )
    return suffix


def render_bytes(fig: Figure, fmt: str, dpi: float = 144) -> bytes:
    """`fig` encoded as `fmt`, identical across runs and processes (fixed SVG id salt,
    no dates)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {sorted(FORMATS)}")
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "flatviz", "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=FORMATS[fmt])
    return buffer.getvalue()


def needs_matplotlib(fmt: str) -> None:
    """Raise `MissingDependency` now when `fmt` is PNG or PDF and matplotlib is absent, so
    nothing is worked out or written in vain."""
    if fmt != "svg":
        require("matplotlib", f"{fmt.upper()} output")


def save(
    x: object,
    path: str | os.PathLike[str],
    start_dim: int = 0,
    end_dim: int = -1,
    *,
    name: str = "x",
    cell_text: str = "address",
    edge_items: int = 2,
    theme: str = "light",
    dpi: float = 144,
) -> Path:
    """Write the diagram of `x` to `path`, in the format its suffix names (`.svg`, `.png`,
    `.pdf`), and return the path.

    `x` is what `flatviz.svg` takes (a tensor, an array, a `Layout`), flattened from
    `start_dim` to `end_dim`, with `name`, `cell_text` and `edge_items` as for `diagram`; or a
    diagram already made: a `Scene`, or a Figure from `flatviz.draw` (any matplotlib
    Figure for PNG and PDF). An SVG is the pure-Python one (`flatviz.svg`'s bytes, no
    matplotlib needed); PNG and PDF need matplotlib and are drawn in the light or dark
    `theme` at `dpi`. The same input gives the same bytes, and the file appears whole or
    not at all: it is written to a temporary file beside it and renamed into place.

    Raises:
        ValueError: The suffix names no format flatviz writes, or a drawing option is
            given for a diagram that is drawn already.
        ImportError: PNG or PDF without matplotlib (`pip install 'flatviz[png]'`).
        OSError: The file cannot be written.
    """
    target = Path(path)
    fmt = format_of(target)
    needs_matplotlib(fmt)
    if hasattr(x, "savefig") or isinstance(x, Scene):
        given = {"start_dim": start_dim, "end_dim": end_dim, "name": name, "cell_text": cell_text}
        given |= {"edge_items": edge_items, "theme": theme}
        _refuse_options(type(x).__name__, given, drawn_theme=not isinstance(x, Scene))
    scene = x if isinstance(x, Scene) else getattr(x, "scene", None)
    if hasattr(x, "savefig") and (fmt != "svg" or not isinstance(scene, Scene)):
        return write_atomic(target, render_bytes(cast("Figure", x), fmt, dpi))
    if not isinstance(scene, Scene):
        from flatviz.pipeline import diagram

        scene = diagram(
            x, start_dim, end_dim, name=name, cell_text=cell_text, edge_items=edge_items
        )
    if fmt == "svg":
        from flatviz.paint.svg import paint as paint_svg

        return write_atomic(target, paint_svg(scene).encode("utf-8"))
    from flatviz.paint.mpl import paint

    return write_atomic(target, render_bytes(paint(scene, theme), fmt, dpi))


#: `save`'s drawing options and their defaults: a diagram drawn already takes none of them.
_DEFAULTS = {
    "start_dim": 0, "end_dim": -1, "name": "x", "cell_text": "address", "edge_items": 2,
    "theme": "light",
}  # fmt: skip


def _refuse_options(kind: str, given: dict[str, object], drawn_theme: bool) -> None:
    """ValueError when an option that only shapes a new drawing is given for a drawn one
    (a Scene still takes a theme: its colours are chosen when it is painted)."""
    changed = [k for k, v in given.items() if v != _DEFAULTS[k] and (drawn_theme or k != "theme")]
    if changed:
        raise ValueError(
            f"{', '.join(changed)} cannot change a {kind}, which is drawn already: "
            f"pass the tensor, array or Layout instead"
        )


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` through a temporary file beside it and a rename, so the
    file appears whole or not at all."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
