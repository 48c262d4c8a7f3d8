"""Colours: storage-order shades and the light and dark themes, by role.

Pure Python: the SVG painter turns these into CSS classes (one SVG serves both themes),
and the matplotlib painter reads the same tables for one theme at a time.
"""

from __future__ import annotations

from typing import NamedTuple

#: How many shades a storage address can take (lowest address drawn = 0).
SHADES = 12

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


def _viridis(t: float) -> str:
    t = min(max(t, 0.0), 1.0) * (len(_VIRIDIS) - 1)
    i = min(int(t), len(_VIRIDIS) - 2)
    frac = t - i
    lo, hi = _VIRIDIS[i], _VIRIDIS[i + 1]
    return "#" + "".join(f"{round(a + (b - a) * frac):02x}" for a, b in zip(lo, hi, strict=True))


def ink_on(fill_hex: str) -> str:
    """Black or white, whichever reads better on `fill_hex` (by relative luminance)."""
    r, g, b = (int(fill_hex[k : k + 2], 16) / 255 for k in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.4 else "#ffffff"


def shade_of(key: int, lo: int, hi: int) -> int:
    """The shade (0 .. SHADES-1) of storage address `key` among addresses `lo..hi`."""
    if hi <= lo:
        return SHADES // 2
    return min(SHADES - 1, (key - lo) * SHADES // (hi - lo + 1))


class Theme(NamedTuple):
    """Colours of one scheme: one per role, plus the cell shades and their ink."""

    name: str
    roles: dict[str, str]
    shades: tuple[str, ...]

    def ink(self, shade: int) -> str:
        """Text colour on a cell of `shade`."""
        return ink_on(self.shades[shade])


def _shades(lo: float, hi: float) -> tuple[str, ...]:
    return tuple(_viridis(lo + (hi - lo) * k / (SHADES - 1)) for k in range(SHADES))


# The dark theme starts viridis higher, so the darkest cells stand off a dark page.
THEMES = {
    "light": Theme(
        "light",
        {
            "background": "#ffffff",
            "ink": "#1f2328",
            "muted": "#4b5563",
            "edge": "#6e7781",
            "gap": "#eaeef2",
            "panel": "#f3f4f6",
            "path": "#b34700",
            "good": "#116329",
            "bad": "#b3261e",
            "bad-fill": "#fde8e6",
        },
        _shades(0.0, 0.92),
    ),
    "dark": Theme(
        "dark",
        {
            "background": "#1e2129",
            "ink": "#e6edf3",
            "muted": "#b1bac4",
            "edge": "#8b949e",
            "gap": "#2d333b",
            "panel": "#262b34",
            "path": "#ffa657",
            "good": "#56d364",
            "bad": "#ff7b72",
            "bad-fill": "#4a1d1b",
        },
        _shades(0.18, 1.0),
    ),
}


def theme(name: str) -> Theme:
    """The theme called `name` ("light" or "dark")."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}: expected one of {sorted(THEMES)}") from None
