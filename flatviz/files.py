"""Reproducible diagram files: the same figure gives the same bytes, written atomically."""

from __future__ import annotations

import base64
import io
import os
import tempfile
from pathlib import Path

import matplotlib
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
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "flatviz", "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=FORMATS[fmt])
    return buffer.getvalue()


def save(fig: Figure, path: str | os.PathLike[str], dpi: float = 144) -> Path:
    """Write `fig` to `path` in the format its suffix names (`.svg`, `.png`, `.pdf`).

    The same figure gives the same bytes, and the file appears whole or not at all: it is
    written to a temporary file beside it and renamed into place.

    Raises:
        ValueError: The suffix names no format flatviz writes.
        OSError: The file cannot be written.
    """
    target = Path(path)
    data = render_bytes(fig, format_of(target), dpi)
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


def to_svg(fig: Figure) -> str:
    """`fig` as SVG text, byte-for-byte reproducible."""
    return render_bytes(fig, "svg").decode("utf-8")


def img_tag(fig: Figure, alt: str, fragment: str = "") -> str:
    """An `<img>` embedding `fig` as an SVG data URI; `fragment` (e.g. `only-dark`)
    lets mkdocs-material show it in one colour scheme only."""
    data = base64.b64encode(render_bytes(fig, "svg")).decode("ascii")
    suffix = f"#{fragment}" if fragment else ""
    safe_alt = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<img src="data:image/svg+xml;base64,{data}{suffix}" alt="{safe_alt}">'
