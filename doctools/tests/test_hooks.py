"""The mkdocs hook's figure wrapping: each inline figure gets one scroll box of its own,
named by the figure's title."""

from __future__ import annotations

from doctools.hooks import wrap_figures

FIGURE = '<svg class="fv-figure" role="img"><title>t</title><rect/></svg>'
DIAGRAM = '<svg class="flatviz x" role="img"><g><svg><rect/></svg></g><path/></svg>'
LABELS = {FIGURE: "t", DIAGRAM: "Figure"}


def boxed(svg: str, label: str = "") -> str:
    name = label or LABELS.get(svg, "Figure")
    return f'<div class="fv-scroll" role="group" tabindex="0" aria-label="{name}">{svg}</div>'


def test_figures_are_boxed_one_by_one() -> None:
    html = f"<p>a</p>\n{FIGURE}\n<p>b</p>{DIAGRAM}<pre>c</pre>"
    assert wrap_figures(html) == f"<p>a</p>\n{boxed(FIGURE)}\n<p>b</p>{boxed(DIAGRAM)}<pre>c</pre>"


def test_other_svgs_are_left_alone() -> None:
    icon = '<svg class="clipboard-copy-icon" viewBox="0 0 16 16"><path d="M0 0"/></svg>'
    plain = '<svg role="img"><title>a</title></svg>'
    html = f"<span>{icon}</span>{plain}"
    assert wrap_figures(html) == html


def test_a_figure_inside_another_svg_is_not_boxed_twice() -> None:
    outer = f'<svg class="fv-figure"><g>{FIGURE}</g></svg>'
    assert wrap_figures(outer) == boxed(outer, "t")
    nested_in_plain = f"<svg><g>{FIGURE}</g></svg>"
    assert wrap_figures(nested_in_plain) == nested_in_plain


def test_wrapping_twice_changes_nothing() -> None:
    once = wrap_figures(f"{FIGURE}\n{DIAGRAM}")
    assert wrap_figures(once) == once
    assert once.count('<div class="fv-scroll"') == 2


def test_the_box_is_named_by_the_figures_title_as_plain_text() -> None:
    titled = (
        '<svg class="flatviz"><title>torch.flatten(x): a view,\n  shape "(2, 12)" &lt; 3'
        "</title><desc>d</desc><title>inner</title></svg>"
    )
    assert wrap_figures(titled) == boxed(
        titled, "torch.flatten(x): a view, shape &quot;(2, 12)&quot; &lt; 3"
    )
