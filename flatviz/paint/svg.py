"""Paint a `Scene` as SVG text in pure Python: real `<text>`, one file for both themes and
both widths.

Colours are CSS custom properties: the SVG follows mkdocs-material's colour scheme
(`data-md-color-scheme` on the page) and, standing alone, `prefers-color-scheme`. Each
panel is a group placed for the widest target; when the scene has a phone's placement
too, a container query on the box around the figure moves the panels there and resizes
the picture. Element cells and chart dots carry their storage address (`data-a`) and read
order (`data-r`), so the site's highlight script can light up one element in every
panel; without it, each keeps its own tooltip.
"""

from __future__ import annotations

import math
from html import escape

from flatviz.palette import SHADES, THEMES, Theme
from flatviz.scene import Box, Dot, Panel, Scene
from flatviz.style import BOX_ROLES, FONT_FAMILY, LINE_ROLES, TEXT_ROLES

#: Dot radius in the read-order chart, in px.
DOT_R = 4.5


def _theme_bound(k: int) -> bool:
    """Whether shade `k`'s ink differs between the themes (else it is a constant)."""
    return len({th.ink(k) for th in THEMES.values()}) > 1


def _variables(th: Theme) -> str:
    roles = "".join(f"--fv-{role}:{colour};" for role, colour in th.roles.items())
    shades = "".join(f"--fv-s{k}:{th.shades[k]};" for k in range(SHADES))
    inks = "".join(f"--fv-i{k}:{th.ink(k)};" for k in range(SHADES) if _theme_bound(k))
    return roles + shades + inks


def _shades() -> list[str]:
    """A fill per shade, and the ink of its label: a constant where both themes agree."""
    rules = [f".fv-s{k}{{fill:var(--fv-s{k})}}" for k in range(SHADES)]
    inks: dict[str, list[int]] = {}
    for k in range(SHADES):
        ink = f"var(--fv-i{k})" if _theme_bound(k) else THEMES["light"].ink(k)
        inks.setdefault(ink, []).append(k)
    for ink, shades in inks.items():
        classes = ",".join(f".fv-s{k}" for k in shades)
        rules.append(f".flatviz :is({classes}) text{{fill:{ink}}}")
    return rules


def _linking() -> list[str]:
    """Element cells and dots, and how they look when lit or focused."""
    cell = TEXT_ROLES["cell"]
    return [
        ".flatviz .fv-c rect{stroke:var(--fv-background);stroke-width:1.5px}",
        f".flatviz .fv-c text{{font-size:{cell.size:g}px;text-anchor:middle}}",
        ".flatviz .fv-d circle{stroke:var(--fv-background);stroke-width:1px}",
        ".flatviz [data-a]{outline:none}",
        ".flatviz [data-a]:focus-visible>:not(text),.flatviz .fv-ring"
        "{stroke:var(--fv-ink);stroke-width:3px}",
        ".flatviz .fv-ring{fill:none}",
        ".flatviz .fv-badge{pointer-events:none}",
        ".flatviz .fv-badge rect:not(.fv-ring){fill:var(--fv-ink)}",
        ".flatviz .fv-badge text{fill:var(--fv-background);font-size:12px;text-anchor:middle}",
        ".flatviz .fv-no{display:none}",
    ]


def _stylesheet() -> str:
    light, dark = _variables(THEMES["light"]), _variables(THEMES["dark"])
    # On a page with a scheme, its selector outweighs the media query's.
    rules = [
        f"svg.flatviz{{font-family:{FONT_FAMILY};max-width:none}}",
        f"svg.flatviz,[data-md-color-scheme=default] svg.flatviz{{{light}}}",
        f"@media (prefers-color-scheme:dark){{svg.flatviz{{{dark}}}}}",
        f"[data-md-color-scheme=slate] svg.flatviz{{{dark}}}",
        "[data-md-color-scheme] svg.flatviz .fv-bg{fill:none}",
        ".flatviz .fv-bg{fill:var(--fv-background)}",
    ]
    for role, style in TEXT_ROLES.items():
        weight = "font-weight:700;" if style.bold else ""
        rules.append(
            f".flatviz .fv-{role}{{font-size:{style.size:g}px;{weight}"
            f"fill:var(--fv-{style.colour})}}"
        )
    for role, (fill, stroke) in BOX_ROLES.items():
        if fill != "shade":
            rules.append(
                f".flatviz .fv-box-{role}{{fill:var(--fv-{fill});stroke:var(--fv-{stroke})}}"
            )
    for role, (stroke, width) in LINE_ROLES.items():
        rules.append(
            f".flatviz .fv-line-{role}{{fill:none;stroke:var(--fv-{stroke});"
            f"stroke-width:{width:g}px}}"
        )
    return "".join(rules + _shades() + _linking())


#: The stylesheet every diagram carries (the same bytes each time).
STYLESHEET = _stylesheet()


def switch(width: int) -> str:
    """The rule that moves a two-placement picture `width` px wide to its phone placement
    when the box around it is narrower: the page's figure box is a CSS container."""
    w = f".fv-w{width}"
    return (
        f"@container (max-width:{width - 0.02:g}px){{svg.flatviz{w}{{width:var(--fv-nw);"
        f"height:var(--fv-nh)}}"
        f"{w} .fv-p{{transform:translate(var(--nx),var(--ny))}}"
        f"{w} .fv-wo{{display:none}}{w} .fv-no{{display:inline}}}}"
    )


def _n(v: float) -> str:
    """A coordinate, to 7 significant digits, without a trailing `.0`."""
    return "%.7g" % v  # noqa: UP031 (the fastest of the formatters, on a hot path)


def _esc(text: str) -> str:
    """`text` escaped for XML, skipping the work for the usual text that needs none."""
    return escape(text) if ("&" in text or "<" in text or ">" in text) else text


# Element templates, filled with %-formatting: one operation per element on the hot path.
_CELL = (
    '<g class="fv-c fv-s%d" data-a="%d" data-r="%s"%s><title>%s</title><rect x="%.7g" '
    'y="%.7g" width="%.7g" height="%.7g"/><text x="%.7g" y="%.7g">%s</text></g>'
)
_DOT = (
    '<g class="fv-d fv-s%d" data-a="%d" data-r="%s"><title>%s</title>'
    '<circle cx="%.7g" cy="%.7g" r="%g"/></g>'
)
_BOX = '<rect class="fv-box-%s" x="%.7g" y="%.7g" width="%.7g" height="%.7g"%s/>'
_BOX_LABEL = '<text class="fv-note" x="%.7g" y="%.7g" text-anchor="middle">%s</text>'
_TEXT = {
    "start": '<text class="fv-%s" x="%.7g" y="%.7g">%s</text>',
    "middle": '<text class="fv-%s" x="%.7g" y="%.7g" text-anchor="middle">%s</text>',
    "end": '<text class="fv-%s" x="%.7g" y="%.7g" text-anchor="end">%s</text>',
}
_CELL_DY = TEXT_ROLES["cell"].size * 0.35
_NOTE_DY = TEXT_ROLES["note"].size * 0.35
_FOCUS = ' tabindex="0"'


def _boxes(out: list[str], boxes: tuple[Box, ...], focus: str) -> str:
    """Append the boxes; the first element cell gets `focus` (the figure's tab stop),
    and what is left of it is returned."""
    add = out.append
    for x, y, bw, bh, role, shade, label, tip, dashed, _, key, order in boxes:
        if role == "cell" and shade is not None:
            cx, cy = x + bw / 2, y + bh / 2 + _CELL_DY
            add(_CELL % (shade, key, order, focus, _esc(tip), x, y, bw, bh, cx, cy, _esc(label)))
            focus = ""
            continue
        add(_BOX % (role, x, y, bw, bh, ' stroke-dasharray="4 3"' if dashed else ""))
        if label:
            add(_BOX_LABEL % (x + bw / 2, y + bh / 2 + _NOTE_DY, _esc(label)))
    return focus


def _panel(out: list[str], panel: Panel, focus: str) -> str:
    """Append the panel's primitives, relative to its corner; returns `focus` unspent."""
    focus = _boxes(out, panel.boxes, focus)
    for line in panel.lines:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in line.points)
        out.append(f'<polyline class="fv-line-{line.role}" points="{points}"/>')
    dot: Dot
    for dot in panel.dots:
        out.append(_DOT % (dot.shade, dot.key, dot.order, _esc(dot.tip), dot.x, dot.y, DOT_R))
    for x, y, text, role, anchor in panel.texts:
        out.append(_TEXT[anchor] % (role, x, y, _esc(text)))
    return focus


def _groups(scene: Scene) -> list[str]:
    """Each panel as a group at its spot; with a phone's placement too, each group also
    carries its spot there (--nx, --ny), and one shown in a single placement says which."""
    wide = {name: (x, y) for name, x, y in scene.placements[0].spots}
    narrow = {name: (x, y) for name, x, y in scene.placements[-1].spots}
    both = len(scene.placements) > 1
    out: list[str] = []
    focus = _FOCUS
    for panel in scene.panels:
        x, y = wide.get(panel.name) or narrow[panel.name]
        where = f'data-panel="{panel.name}" transform="translate({_n(x)},{_n(y)})"'
        if both and panel.name in narrow:
            nx, ny = narrow[panel.name]
            only = "" if panel.name in wide else " fv-no"
            where += f' style="--nx:{_n(nx)}px;--ny:{_n(ny)}px"'
            out.append(f'<g class="fv-p{only}" {where}>')
        else:
            out.append(f'<g class="fv-wo" {where}>' if both else f"<g {where}>")
        focus = _panel(out, panel, focus)
        out.append("</g>")
    return out


def paint(scene: Scene) -> str:
    """`scene` as a standalone SVG document (also valid inline in HTML)."""
    w, h = _n(scene.width), _n(scene.height)
    cls, style, extra = "flatviz", "", ""
    if len(scene.placements) > 1:
        key = math.ceil(scene.width)
        phone = scene.placements[1]
        cls += f" fv-w{key}"
        style = f' style="--fv-nw:{_n(phone.width)}px;--fv-nh:{_n(phone.height)}px"'
        extra = switch(key)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" role="figure" width="{w}" '
        f'height="{h}"{style}>',
        f"<title>{escape(scene.title)}</title>",
        f"<desc>{escape(scene.desc)}</desc>",
        f"<style>{STYLESHEET}{extra}</style>",
        '<rect class="fv-bg" width="100%" height="100%"/>',
        *_groups(scene),
        "</svg>",
    ]
    return "\n".join(out) + "\n"
