"""Matplotlib figures for the site: one inline ``<svg>`` with real text that follows the theme.

Page code draws with the sentinel colours below (or with ``SITE_RC``, which uses them for
ink, axes and the colour cycle); ``figure_svg`` rewrites each sentinel to a CSS custom
property whose value follows mkdocs-material's colour scheme (``data-md-color-scheme``) and,
on a page without one, the reader's ``prefers-color-scheme``. In a Markdown page, print it
from a ``python exec="on" html="true"`` fence; in a notebook, end the cell with
``InlineFigure(fig, alt)``.

>>> import matplotlib
>>> from matplotlib.figure import Figure
>>> from doctools.figures import SITE_RC, figure_svg
>>> with matplotlib.rc_context(SITE_RC):
...     fig = Figure(figsize=(3.6, 2.5), layout="constrained")
...     _ = fig.add_subplot().plot([0, 1, 2], [2, 0, 1])
>>> svg = figure_svg(fig, "A line that falls, then rises")
>>> print(svg[svg.index("class=") : svg.index("<style>")].replace("><", ">\\n<"))
class="fv-figure" role="img" width="345.6" height="240" viewBox="0 0 259.2 180">
<title>A line that falls, then rises</title>
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass
from typing import Any

import matplotlib
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from flatviz.palette import THEMES
from flatviz.palette import contrast as contrast

#: A CSS pixel is 3/4 of the point matplotlib's SVG uses as its user unit.
PX_PER_PT = 4 / 3
#: Widest natural width: material's article column at a 1280 px viewport, so a figure is
#: never scaled down there; a wider one would shrink its text below MIN_TEXT_PX.
MAX_WIDTH_PX = 680.0
#: A 390 px phone's content column: a wider figure is also drawn this wide, for phones.
PHONE_WIDTH_PX = 358.0
#: The smallest text a figure may draw, in CSS px at natural size.
MIN_TEXT_PX = 12.0
#: The class every figure's ``<svg>`` carries; the site CSS and the embedded style use it.
CSS_CLASS = "fv-figure"


@dataclass(frozen=True)
class Role:
    """A colour role: the sentinel page code draws with, and its colour on each theme."""

    name: str
    sentinel: str
    light: str
    dark: str

    @property
    def var(self) -> str:
        """The CSS custom property the sentinel becomes."""
        return f"--fv-{self.name}"


_LIGHT, _DARK = THEMES["light"], THEMES["dark"]
#: Light theme: white page. Dark theme: material's slate background.
LIGHT_BACKGROUND = _LIGHT.roles["background"]
DARK_BACKGROUND = _DARK.roles["background"]

# The colours are flatviz's own (flatviz.palette), so the site's charts and its diagrams
# cannot drift apart. Data series: Okabe-Ito hues, safe for the common colour-vision
# deficiencies, each at least 3:1 on its page.
ROLES = (
    Role("ink", "#fe0001", _LIGHT.roles["ink"], _DARK.roles["ink"]),
    Role("muted", "#fe0002", _LIGHT.roles["muted"], _DARK.roles["muted"]),
    Role("grid", "#fe0003", _LIGHT.roles["grid"], _DARK.roles["grid"]),
    Role("surface", "#fe0004", LIGHT_BACKGROUND, DARK_BACKGROUND),
    *(
        Role(f"c{k}", f"#fe00{16 + k:02x}", light, dark)
        for k, (light, dark) in enumerate(zip(_LIGHT.series, _DARK.series, strict=True))
    ),
)
_BY_NAME = {role.name: role for role in ROLES}

#: Text, axes and ticks.
INK = _BY_NAME["ink"].sentinel
#: Secondary text and reference lines.
MUTED = _BY_NAME["muted"].sentinel
#: Grid lines and faint edges.
GRID = _BY_NAME["grid"].sentinel
#: The page background, for boxes that must hide what is under them.
SURFACE = _BY_NAME["surface"].sentinel
#: Data series colours, in cycle order (``C0``... under SITE_RC).
DATA = tuple(role.sentinel for role in ROLES if role.name.startswith("c"))

#: matplotlib settings for site figures: no background, themed ink, text >= MIN_TEXT_PX.
SITE_RC: dict[RcKeyType, Any] = {
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "axes.titlecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "grid.color": GRID,
    "grid.alpha": 1.0,
    "patch.edgecolor": INK,
    "lines.color": INK,
    "legend.frameon": False,
    "legend.labelcolor": INK,
    "axes.prop_cycle": cycler(color=list(DATA)),
    "font.size": 10.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "figure.titlesize": 11.0,
    "figure.dpi": 96,
}

#: What ``figure_svg`` renders with: text as text, ids salted per figure elsewhere.
_SVG_RC: dict[RcKeyType, Any] = {"svg.fonttype": "none", "svg.image_inline": True}
_FONTS = "font-family: 'DejaVu Sans', Verdana, Arial, sans-serif"

_THEME_CSS = (
    "<style>"
    ".{c} *{{stroke-linejoin:round;stroke-linecap:butt}}"
    ".{c}{{{light}}}"
    "@media (prefers-color-scheme:dark){{.{c}{{{dark}}}}}"
    "[data-md-color-scheme=default] .{c}{{{light}}}"
    "[data-md-color-scheme=slate] .{c}{{{dark}}}"
    "</style>"
).format(
    c=CSS_CLASS,
    light=";".join(f"{role.var}:{role.light}" for role in ROLES),
    dark=";".join(f"{role.var}:{role.dark}" for role in ROLES),
)

_ROOT = re.compile(r'<svg [^>]*width="([\d.]+)pt" height="([\d.]+)pt" viewBox="([^"]+)"[^>]*>')
_FONT_SIZE = re.compile(r"font-size: ([\d.]+)px")
_TEXT = re.compile(r"<text\b.*?</text>", re.S)
_TSPAN = re.compile(r"<tspan\b[^>]*>")
_SENTINEL = re.compile(r"#fe00[0-9a-f]{2}")


def _number(value: float) -> str:
    """A length with at most two decimals and no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def figure_svg(fig: Figure, alt: str) -> str:
    """``fig`` as one inline ``<svg role="img">`` titled ``alt``: real ``<text>``, colours
    that follow the site theme, no background, and the same bytes for the same figure.

    A figure wider than a phone's column (PHONE_WIDTH_PX) is drawn twice, as drawn and
    re-laid out at the phone's width with the same text sizes, and the SVG shows the one
    that fits its container (a CSS container query), so no phone scrolls a chart sideways.

    Raises:
        ValueError: ``alt`` is blank, the figure is wider than MAX_WIDTH_PX, draws text
            smaller than MIN_TEXT_PX or in the default black (unreadable on slate), or uses
            a sentinel-like colour that is no role.
    """
    if not alt.strip():
        raise ValueError("figure_svg needs alt text: say what the figure shows")
    salt = hashlib.sha256(alt.strip().encode()).hexdigest()[:8]
    wide = _render(fig, salt)
    if wide.width > MAX_WIDTH_PX + 0.5:
        raise ValueError(
            f"figure is {wide.width:.0f} px wide, over {MAX_WIDTH_PX:.0f}: it would be scaled"
            f" down and its text shrink; make figsize narrower than {MAX_WIDTH_PX / 96:.2f} in"
        )
    title = f"<title>{html.escape(alt.strip(), quote=False)}</title>{_THEME_CSS}"
    if wide.width <= PHONE_WIDTH_PX + 0.5:
        svg = _root(CSS_CLASS, wide, wide.view_box, outer=True) + title + wide.body + "</svg>"
    else:
        narrow = _rendered_at(fig, PHONE_WIDTH_PX, f"{salt}n")
        pair = f"fv-pair-{salt}"
        svg = (
            _root(f"{CSS_CLASS} {pair}", wide, None, outer=True)
            + title
            + _switch(pair, wide, narrow)
            + _root("fv-wide", wide, wide.view_box)
            + wide.body
            + "</svg>"
            + _root("fv-narrow", narrow, narrow.view_box)
            + narrow.body
            + "</svg></svg>"
        )
    for role in ROLES:
        svg = svg.replace(role.sentinel, f"var({role.var})")
    leftover = sorted(set(_SENTINEL.findall(svg)))
    if leftover:
        raise ValueError(f"colours {leftover} look like sentinels but name no role")
    return svg.strip() + "\n"


@dataclass(frozen=True)
class _Rendered:
    """One rendering of a figure: what its root holds, its size in px and its viewBox."""

    body: str
    width: float
    height: float
    view_box: str


def _render(fig: Figure, salt: str) -> _Rendered:
    """``fig`` as matplotlib writes it at its size, cleaned of what the page does not need,
    its text checked; ``salt`` keeps its ids apart from other figures'."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**_SVG_RC, "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg ") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'<style type="text/css">\*\{[^}]*\}</style>', "", svg)
    svg = svg.replace("<defs>\n  \n </defs>\n", "")
    svg = re.sub(r'(<g) id="[^"]*"', r"\1", svg)
    svg = re.sub(r"font-family: [^;\"]*", _FONTS, svg)
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("matplotlib wrote an SVG root this function does not know")
    _check_text(svg)
    width, height = (float(v) * PX_PER_PT for v in match.group(1, 2))
    body = svg[match.end() : svg.rindex("</svg>")]
    return _Rendered(body, width, height, match.group(3))


def _rendered_at(fig: Figure, width_px: float, salt: str) -> _Rendered:
    """``fig`` laid out again ``width_px`` wide, as tall as drawn, then put back."""
    width, height = (float(v) for v in fig.get_size_inches())
    fig.set_size_inches(width_px / 96, height)
    try:
        return _render(fig, salt)
    finally:
        fig.set_size_inches(width, height)


def _root(css_class: str, drawn: _Rendered, view_box: str | None, outer: bool = False) -> str:
    """An ``<svg>`` opening tag of ``drawn``'s size; the `outer` one, the figure itself,
    also declares the namespaces and its role."""
    return (
        ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
         if outer else "<svg")
        + f' class="{css_class}"'
        + (' role="img"' if outer else "")
        + f' width="{_number(drawn.width)}" height="{_number(drawn.height)}"'
        + (f' viewBox="{view_box}"' if view_box is not None else "")
        + ">"
    )  # fmt: skip


def _switch(pair: str, wide: _Rendered, narrow: _Rendered) -> str:
    """The style that shows the narrow rendering, at its size, in a container narrower than
    the wide one (a figure's box on the site; without a container, the wide one shows)."""
    return (
        f"<style>.{pair}>.fv-narrow{{display:none}}"
        f"@container (max-width:{_number(wide.width - 0.5)}px){{"
        f"svg.{pair}{{width:{_number(narrow.width)}px!important;"
        f"height:{_number(narrow.height)}px!important}}"
        f".{pair}>.fv-wide{{display:none}}.{pair}>.fv-narrow{{display:inline}}}}</style>"
    )


class InlineFigure:
    """A figure for a notebook: Jupyter shows it as HTML holding the inline SVG (which
    mkdocs-jupyter keeps inline; an ``image/svg+xml`` output becomes a base64 ``<img>``
    without alt text, out of reach of the page's CSS)."""

    def __init__(self, fig: Figure, alt: str) -> None:
        self.svg = figure_svg(fig, alt)
        self.alt = alt.strip()

    def _repr_html_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<figure: {self.alt}>"


def _check_text(svg: str) -> None:
    """Every ``<text>`` (with its ``<tspan>`` parts, as mathtext writes them) is at least
    MIN_TEXT_PX and not in matplotlib's default black."""
    for text in _TEXT.findall(svg):
        sizes = [float(size) * PX_PER_PT for size in _FONT_SIZE.findall(text)]
        if not sizes:
            raise ValueError(f"text without a font size: {text[:200]}")
        if min(sizes) < MIN_TEXT_PX - 0.01:
            raise ValueError(
                f"text drawn at {min(sizes):.1f} px, under {MIN_TEXT_PX:.0f}: use a fontsize of"
                f" at least {MIN_TEXT_PX / PX_PER_PT:g} pt (mathtext superscripts are 70 %)"
            )
        parts = _TSPAN.findall(text) or [text]
        if not all("fill:" in part for part in parts) and "fill:" not in text.split(">")[0]:
            raise ValueError(
                "text drawn in black, unreadable on the dark theme: draw it with figures.INK"
                " (SITE_RC does); on a light fill, name a near-black such as #111111"
            )
