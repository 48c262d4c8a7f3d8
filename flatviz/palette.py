"""Colours: read-order shades and the light and dark themes, by role.

Pure Python: the SVG painter turns these into CSS classes (one SVG serves both themes),
the matplotlib painter reads the same tables for one theme at a time, and the site's own
matplotlib figures (doctools.figures) take their ink, grid and series colours from here.
"""

from __future__ import annotations

from typing import NamedTuple

#: How many shades an element can take: its read order, first read = 0. One per element
#: of a 24-element tensor, so a cell's colour links it across the panels.
SHADES = 24

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


def luminance(colour: str) -> float:
    """The WCAG relative luminance of a `#rrggbb` colour (0 black to 1 white)."""
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill`: at least 4.58:1 on any fill,
    since black reaches 4.5:1 wherever white falls below it."""
    return "#000000" if contrast("#000000", fill) >= contrast("#ffffff", fill) else "#ffffff"


def shade_of(read: int, reads: int) -> int:
    """The shade (0 .. SHADES-1) of the `read`-th of `reads` reads: colour follows the
    order flatten reads the elements in."""
    if reads <= 1:
        return 0
    return min(SHADES - 1, read * SHADES // reads)


class Theme(NamedTuple):
    """Colours of one scheme: one per role, the cell shades, and data-series colours for
    the site's charts."""

    name: str
    roles: dict[str, str]
    shades: tuple[str, ...]
    series: tuple[str, ...]

    def ink(self, shade: int) -> str:
        """Text colour on a cell of `shade`."""
        return ink_on(self.shades[shade])


def _shades(lo: float, hi: float) -> tuple[str, ...]:
    return tuple(_viridis(lo + (hi - lo) * k / (SHADES - 1)) for k in range(SHADES))


# The dark theme starts viridis higher, so the darkest cells stand off a dark page. Every
# text role reads at 4.5:1 or more on the background, the gap and panel fills (tests).
# Series: Okabe-Ito hues (safe for the common colour-vision deficiencies), a darker shade
# on white and a lighter one on slate, each at least 3:1 on its page.
THEMES = {
    "light": Theme(
        "light",
        {
            "background": "#ffffff",
            "ink": "#1f2328",
            "muted": "#4b5563",
            "edge": "#6e7781",
            "grid": "#d0d7de",
            "gap": "#eaeef2",
            "panel": "#f3f4f6",
            "path": "#b34700",
            "good": "#116329",
            "bad": "#b3261e",
            "bad-fill": "#fde8e6",
        },
        _shades(0.0, 0.92),
        ("#0072b2", "#c15400", "#008561", "#b3447f", "#8a6d00"),
    ),
    "dark": Theme(
        "dark",
        {
            "background": "#1e2129",
            "ink": "#e6edf3",
            "muted": "#b1bac4",
            "edge": "#8b949e",
            "grid": "#3d444d",
            "gap": "#2d333b",
            "panel": "#262b34",
            "path": "#ffa657",
            "good": "#56d364",
            "bad": "#ff7b72",
            "bad-fill": "#4a1d1b",
        },
        _shades(0.18, 1.0),
        ("#56b4e9", "#e69f00", "#2ec4a0", "#dc8ab9", "#f0e442"),
    ),
}


def theme(name: str) -> Theme:
    """The theme called `name` ("light" or "dark")."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}: expected one of {sorted(THEMES)}") from None
