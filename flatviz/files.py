"""Reproducible diagram files: the same input gives the same bytes, written atomically.

SVG comes from the pure-Python painter; PNG and PDF from a matplotlib Figure.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

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


def save(fig: Figure, path: str | os.PathLike[str], dpi: float = 144) -> Path:
    """Write `fig` to `path` in the format its suffix names (`.svg`, `.png`, `.pdf`).

    A diagram from `flatviz.draw` saved as `.svg` is the pure-Python SVG (real text, both
    themes), the same bytes as `flatviz.svg`. The same figure gives the same bytes, and
    the file appears whole or not at all: it is written to a temporary file beside it and
    renamed into place.

    Raises:
        ValueError: The suffix names no format flatviz writes.
        OSError: The file cannot be written.
    """
    target = Path(path)
    fmt = format_of(target)
    scene = getattr(fig, "scene", None)
    if fmt == "svg" and scene is not None:
        from flatviz.paint.svg import paint

        return write_atomic(target, paint(scene).encode("utf-8"))
    return write_atomic(target, render_bytes(fig, fmt, dpi))


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
