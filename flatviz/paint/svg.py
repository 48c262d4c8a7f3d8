"""Paint a `Scene` as SVG text in pure Python: real `<text>`, one file for both themes.

Colours are CSS custom properties: the SVG follows mkdocs-material's colour scheme
(`data-md-color-scheme` on the page) and, standing alone, `prefers-color-scheme`.
"""

from __future__ import annotations

from html import escape

from flatviz.palette import SHADES, THEMES, Theme
from flatviz.scene import Scene
from flatviz.style import BOX_ROLES, FONT_FAMILY, LINE_ROLES, TEXT_ROLES

#: Dot radius in the read-order chart, in px.
DOT_R = 4.5


def _variables(th: Theme) -> str:
    roles = "".join(f"--fv-{role}:{colour};" for role, colour in th.roles.items())
    shades = "".join(f"--fv-s{k}:{th.shades[k]};--fv-i{k}:{th.ink(k)};" for k in range(SHADES))
    return roles + shades


def _stylesheet() -> str:
    light, dark = _variables(THEMES["light"]), _variables(THEMES["dark"])
    rules = [
        f"svg.flatviz{{{light}font-family:{FONT_FAMILY};max-width:none}}",
        f"@media (prefers-color-scheme:dark){{svg.flatviz{{{dark}}}}}",
        f"[data-md-color-scheme=default] svg.flatviz{{{light}}}",
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
    for k in range(SHADES):
        rules.append(
            f".flatviz .fv-s{k}{{fill:var(--fv-s{k})}}.flatviz .fv-i{k}{{fill:var(--fv-i{k})}}"
        )
    rules.append(".flatviz .fv-cellbox{stroke:var(--fv-background);stroke-width:1.5px}")
    rules.append(".flatviz .fv-dot{stroke:var(--fv-background);stroke-width:1px}")
    return "".join(rules)


#: The stylesheet every diagram carries (the same bytes each time).
STYLESHEET = _stylesheet()


def _n(v: float) -> str:
    """A coordinate, to 7 significant digits, without a trailing `.0`."""
    return "%.7g" % v  # noqa: UP031 (the fastest of the formatters, on a hot path)


def _esc(text: str) -> str:
    """`text` escaped for XML, skipping the work for the usual text that needs none."""
    return escape(text) if ("&" in text or "<" in text or ">" in text) else text


# Element templates, filled with %-formatting: one operation per element on the hot path.
_CELL = (
    '<g><title>%s</title><rect class="fv-cellbox fv-s%d" x="%.7g" y="%.7g" width="%.7g" '
    'height="%.7g"/><text class="fv-cell fv-i%d" x="%.7g" y="%.7g" text-anchor="middle">'
    "%s</text></g>"
)
_BOX = '<rect class="fv-box-%s" x="%.7g" y="%.7g" width="%.7g" height="%.7g"%s/>'
_BOX_LABEL = '<text class="fv-note" x="%.7g" y="%.7g" text-anchor="middle">%s</text>'
_DOT = '<circle class="fv-dot fv-s%d" cx="%.7g" cy="%.7g" r="%g"/>'
_TEXT = {
    "start": '<text class="fv-%s" x="%.7g" y="%.7g">%s</text>',
    "middle": '<text class="fv-%s" x="%.7g" y="%.7g" text-anchor="middle">%s</text>',
    "end": '<text class="fv-%s" x="%.7g" y="%.7g" text-anchor="end">%s</text>',
}
_CELL_DY = TEXT_ROLES["cell"].size * 0.35
_NOTE_DY = TEXT_ROLES["note"].size * 0.35


def paint(scene: Scene) -> str:
    """`scene` as a standalone SVG document (also valid inline in HTML)."""
    w, h = _n(scene.width), _n(scene.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flatviz" role="img" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}">',
        f"<title>{escape(scene.title)}</title>",
        f"<desc>{escape(scene.desc)}</desc>",
        f"<style>{STYLESHEET}</style>",
        f'<rect class="fv-bg" width="{w}" height="{h}"/>',
    ]
    add = out.append
    for x, y, bw, bh, role, shade, label, tip, dashed, _ in scene.boxes:
        if role == "cell" and shade is not None:
            cx, cy = x + bw / 2, y + bh / 2 + _CELL_DY
            add(_CELL % (_esc(tip), shade, x, y, bw, bh, shade, cx, cy, _esc(label)))
            continue
        add(_BOX % (role, x, y, bw, bh, ' stroke-dasharray="4 3"' if dashed else ""))
        if label:
            add(_BOX_LABEL % (x + bw / 2, y + bh / 2 + _NOTE_DY, _esc(label)))
    for line in scene.lines:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in line.points)
        add(f'<polyline class="fv-line-{line.role}" points="{points}"/>')
    for dot in scene.dots:
        add(_DOT % (dot.shade, dot.x, dot.y, DOT_R))
    for x, y, text, role, anchor in scene.texts:
        add(_TEXT[anchor] % (role, x, y, _esc(text)))
    out.append("</svg>")
    return "\n".join(out) + "\n"
