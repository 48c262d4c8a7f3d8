"""Colours: a colour-blind-safe map from storage position to fill, and the two site themes.

Pure Python, so the picture can be worked out (and tested) without matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

# viridis at nine evenly spaced points: perceptually uniform and readable with the common
# colour-vision deficiencies; cells also carry text labels, so colour is never the only cue.
_VIRIDIS = (
    (0x44, 0x01, 0x54),
    (0x47, 0x2D, 0x7B),
    (0x3B, 0x52, 0x8B),
    (0x2C, 0x72, 0x8E),
    (0x21, 0x91, 0x8C),
    (0x28, 0xAE, 0x80),
    (0x5E, 0xC9, 0x62),
    (0xAD, 0xDC, 0x30),
    (0xFD, 0xE7, 0x25),
)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def fill(t: float) -> str:
    """The fill for a position `t` in [0, 1] along storage (0 = lowest address drawn)."""
    t = min(max(t, 0.0), 1.0) * (len(_VIRIDIS) - 1)
    i = min(int(t), len(_VIRIDIS) - 2)
    frac = t - i
    lo, hi = _VIRIDIS[i], _VIRIDIS[i + 1]
    return _hex(
        (
            lo[0] + (hi[0] - lo[0]) * frac,
            lo[1] + (hi[1] - lo[1]) * frac,
            lo[2] + (hi[2] - lo[2]) * frac,
        )
    )


def ink_on(fill_hex: str) -> str:
    """Black or white, whichever reads better on `fill_hex` (by relative luminance)."""
    r, g, b = (int(fill_hex[k : k + 2], 16) / 255 for k in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.4 else "#ffffff"


@dataclass(frozen=True)
class Theme:
    """Colours for everything that is not an element cell."""

    name: str
    background: str
    text: str
    muted: str
    edge: str
    gap: str
    path: str


THEMES = {
    "light": Theme("light", "#ffffff", "#1f2328", "#59636e", "#6e7781", "#eaeef2", "#d55e00"),
    "dark": Theme("dark", "#1e2129", "#e6edf3", "#9da7b3", "#8b949e", "#2d333b", "#ff9e4a"),
}


def theme(name: str) -> Theme:
    """The theme called `name` ("light" or "dark")."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}: expected one of {sorted(THEMES)}") from None
