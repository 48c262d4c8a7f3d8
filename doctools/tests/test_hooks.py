"""The mkdocs hook's figure wrapping: each inline figure gets one scroll box of its own."""

from __future__ import annotations

from doctools.hooks import SCROLL_BOX, wrap_figures

FIGURE = '<svg class="fv-figure" role="img"><title>t</title><rect/></svg>'
DIAGRAM = '<svg class="flatviz x" role="img"><g><svg><rect/></svg></g><path/></svg>'


def boxed(svg: str) -> str:
    return f"{SCROLL_BOX}{svg}</div>"


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
    assert wrap_figures(outer) == boxed(outer)
    nested_in_plain = f"<svg><g>{FIGURE}</g></svg>"
    assert wrap_figures(nested_in_plain) == nested_in_plain


def test_wrapping_twice_changes_nothing() -> None:
    once = wrap_figures(f"{FIGURE}\n{DIAGRAM}")
    assert wrap_figures(once) == once
    assert once.count(SCROLL_BOX) == 2
