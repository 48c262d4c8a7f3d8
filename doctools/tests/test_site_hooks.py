"""The doctest-block and notebook-anchor hooks on small pages: what they change, what not."""

from __future__ import annotations

from material.plugins.search.plugin import Parser  # type: ignore[import-untyped]

from doctools import doctest_blocks, notebook_anchors

DOCTEST = """Some prose.

```python
>>> def square(n):
...     return n * n
>>> square(3)
9
>>> print("a\\n\\nb")  # doctest: +NORMALIZE_WHITESPACE
a
<BLANKLINE>
b
>>> 1 / 0
Traceback (most recent call last):
    ...
ZeroDivisionError: division by zero
```
"""


def test_a_doctest_fence_becomes_a_clean_console_block() -> None:
    page = doctest_blocks.on_page_markdown(DOCTEST)
    assert "```pycon\n>>> def square(n):" in page
    assert "<BLANKLINE>" not in page
    assert "doctest:" not in page
    assert '>>> print("a\\n\\nb")\na\n\nb\n' in page


def test_other_fences_are_left_alone() -> None:
    page = (
        '```python exec="on" html="true"\nprint("<p>x</p>")\n```\n\n'
        "```python\nx = 1  # doctest: not a doctest\n```\n\n"
        "```output\n<BLANKLINE>\n```\n"
    )
    assert doctest_blocks.on_page_markdown(page) == page


def test_an_indented_fence_in_an_answer_block_is_converted() -> None:
    page = '??? success "Answer"\n\n    ```python\n    >>> 1 + 1\n    2\n    ```\n'
    converted = doctest_blocks.on_page_markdown(page)
    assert converted == page.replace("```python", "```pycon")


def test_the_copy_text_is_the_code_alone() -> None:
    console = DOCTEST.split("```python\n")[1].split("```")[0]
    code = doctest_blocks.runnable(console)
    assert code == (
        "def square(n):\n    return n * n\n\n"
        "square(3)\n"
        'print("a\\n\\nb")  # doctest: +NORMALIZE_WHITESPACE\n'
        "1 / 0\n"
    )
    compile(code, "copied", "exec")


def test_the_rendered_block_carries_its_copy_text() -> None:
    rendered = (
        '<div class="language-pycon highlight"><pre><span></span><code>'
        '<span class="gp">&gt;&gt;&gt; </span><span class="n">x</span> <span class="o">=</span>'
        ' <span class="s2">&quot;&lt;a&gt;&quot;</span>\n'
        '<span class="gp">&gt;&gt;&gt; </span><span class="n">x</span>\n'
        '<span class="go">&#39;&lt;a&gt;&#39;</span>\n</code></pre></div>'
    )
    page = doctest_blocks.on_page_content(rendered)
    assert page.startswith(
        '<div class="language-pycon highlight" data-copy="x = &quot;&lt;a&gt;&quot;\nx\n">'
    )
    assert page.endswith(rendered.removeprefix('<div class="language-pycon highlight">'))


def search_titles(html: str) -> list[str]:
    """The section titles material's search indexer takes from a page."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return ["".join(section.title) for section in parser.data]


def test_notebook_heading_titles_in_search_lose_the_pilcrow() -> None:
    heading = '<h2 id="setup">Setup<a class="anchor-link" href="#setup">¶</a></h2><p>x</p>'
    assert search_titles(heading) == ["", "Setup¶"]
    assert search_titles(notebook_anchors.on_page_content(heading)) == ["", "Setup"]


def test_a_shell_session_copies_its_commands_and_output_blocks_copy_nothing() -> None:
    rendered = (
        '<div class="language-console highlight"><pre><span></span><code>'
        '<span class="gp">$ </span>flatviz &#39;arange(2, 3)&#39; -s 1\n'
        '<span class="go">flatten(start_dim=1, end_dim=1)</span>\n'
        '<span class="gp">$ </span>flatviz -h\n</code></pre></div>\n'
        '<div class="language-output highlight"><pre><span></span><code>6\n</code></pre></div>'
    )
    page = doctest_blocks.on_page_content(rendered)
    assert (
        '<div class="language-console highlight" '
        'data-copy="flatviz &#x27;arange(2, 3)&#x27; -s 1\nflatviz -h\n">'
    ) in page
    assert '<div class="language-output highlight no-copy">' in page
