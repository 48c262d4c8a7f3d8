"""The fence plugin: every fence runs, printed output is asserted, the rest fails."""

import os
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Mapping
from pathlib import Path

import pytest
from sybil import Example

from doctools.fences import (
    NON_CODE_LANGUAGES,
    OUTPUT_LANGUAGE,
    Command,
    markdown_sybil,
    parse_info,
)
from flatviz.cli import main as flatviz_main

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMANDS: dict[str, Command] = {"flatviz": flatviz_main}
UNKNOWN = "is run by no parser and is not in NON_CODE_LANGUAGES"


def examples(
    tmp_path: Path, markdown: str, commands: Mapping[str, Command] = COMMANDS
) -> list[Example]:
    """Write ``markdown`` as docs/page.md under tmp_path and parse it with the docs Sybil."""
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(textwrap.dedent(markdown).lstrip("\n"), encoding="utf-8")
    sybil = markdown_sybil(str(tmp_path), ["docs/**/*.md"], commands)
    assert sybil.should_parse(page)
    return list(sybil.parse(page))


def outcomes(
    tmp_path: Path, markdown: str, commands: Mapping[str, Command] = COMMANDS
) -> list[tuple[int, str | None]]:
    """Evaluate every example of the page in order: (line, None) or (line, "Error: message")."""
    results: list[tuple[int, str | None]] = []
    for example in examples(tmp_path, markdown, commands):
        try:
            example.evaluate()
        except Exception as error:
            results.append((example.line, f"{type(error).__name__}: {error}"))
        else:
            results.append((example.line, None))
    return results


def only_failure(results: list[tuple[int, str | None]], line: int) -> str:
    """Assert the page produced exactly one example, failing at ``line``; return its message."""
    assert len(results) == 1, results
    assert results[0][0] == line, results
    message = results[0][1]
    assert message is not None, results
    return message


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ('python title="x.py"', ("python", 'title="x.py"')),
        ("  Py  hl_lines='2' ", ("py", "hl_lines='2'")),
        ("{.python .annotate}", ("python", ".annotate")),
        ("{python}", ("python", "")),
        ("", ("", "")),
    ],
)
def test_parse_info(info: str, expected: tuple[str, str]) -> None:
    assert parse_info(info) == expected


def test_titled_python_fence_runs(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        # Page

        ```python title="x.py"
        assert 1 == 2, "the titled fence ran"
        ```
        """,
    )
    assert "the titled fence ran" in only_failure(results, 3)


PYTHON_INFOS = [
    " python",
    "py",
    "python3",
    "PYTHON",
    "{.python}",
    "{python}",
    'py title="x.py"',
    'python hl_lines="1"',
]


@pytest.mark.parametrize("info", PYTHON_INFOS)
def test_python_fence_variants_are_run(tmp_path: Path, info: str) -> None:
    results = outcomes(
        tmp_path,
        f"""
        ```{info}
        raise RuntimeError("ran")
        ```
        """,
    )
    assert only_failure(results, 1) == "RuntimeError: ran"


@pytest.mark.parametrize("info", [*PYTHON_INFOS, "pycon"])
def test_python_fence_variants_share_the_page_namespace(tmp_path: Path, info: str) -> None:
    prompt = ">>> " if info == "pycon" else ""
    results = outcomes(
        tmp_path,
        f"""
        ```{info}
        {prompt}ran = "yes"
        ```

        ```python
        >>> ran
        'yes'
        ```
        """,
    )
    assert results == [(2 if prompt else 1, None), (6, None)]


def test_pycon_doctest_failure_is_reported(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```pycon
        >>> 1 + 1
        3
        ```
        """,
    )
    assert "Expected:\n    3\nGot:\n    2" in only_failure(results, 2)


def test_pycon_without_prompt_fails(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```pycon
        x = 1
        ```
        """,
    )
    assert "pycon fence is not a doctest" in only_failure(results, 1)


def test_doctests_use_no_default_flags(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python
        >>> print("abcdef")
        abc...
        >>> print("abcdef")  # doctest: +ELLIPSIS
        abc...
        ```
        """,
    )
    assert [line for line, _ in results] == [2, 4]
    assert results[0][1] is not None
    assert results[1][1] is None


def test_matching_output_block_passes(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python
        print("a  ")
        print("b")
        ```

        ```output
        a
        b

        ```
        """,
    )
    assert results == [(1, None)]


def test_wrong_output_block_fails(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python
        print("a")
        ```
        ```output
        b
        ```
        """,
    )
    assert "expected:\nb\ngot:\na" in only_failure(results, 1)


def test_unasserted_print_fails(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python
        print("hello")
        ```
        """,
    )
    message = only_failure(results, 1)
    assert "printed output is not asserted: add an ```output block" in message
    assert "hello" in message


def test_output_after_prose_fails(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python
        x = 1
        ```

        Some prose.

        ```output
        1
        ```
        """,
    )
    assert results[0] == (1, None)
    assert len(results) == 2
    assert results[1][0] == 7
    assert "does not directly follow a Python code block" in str(results[1][1])


def test_output_after_doctest_fails(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python
        >>> 1
        1
        ```

        ```output
        1
        ```
        """,
    )
    assert results[0] == (2, None)
    assert len(results) == 2
    assert "does not directly follow a Python code block" in str(results[1][1])


@pytest.mark.parametrize("info", ["", "javascript", "pyton", "bash", "sh"])
def test_unknown_fence_language_fails(tmp_path: Path, info: str) -> None:
    results = outcomes(
        tmp_path,
        f"""
        Intro.

        ```{info}
        print(1)
        ```
        """,
    )
    message = only_failure(results, 3)
    assert f"page.md:3: fence language {info!r} {UNKNOWN}" in message


@pytest.mark.parametrize("info", sorted(NON_CODE_LANGUAGES - {OUTPUT_LANGUAGE}))
def test_non_code_fences_make_no_examples(tmp_path: Path, info: str) -> None:
    markdown = f"""
        ```{info} title="x"
        raise RuntimeError("not code")
        ```
        """
    assert examples(tmp_path, markdown) == []


def test_fences_nested_in_a_longer_fence_are_text(tmp_path: Path) -> None:
    markdown = """
        ````markdown
        ```python
        raise RuntimeError("shown, not run")
        ```
        ````
        """
    assert examples(tmp_path, markdown) == []


@pytest.mark.parametrize(
    "comment", ["<!-- skip: next -->", "<!--- skip: next --->", "<!-- skip: start -->"]
)
def test_skip_directives_fail_and_do_not_skip(tmp_path: Path, comment: str) -> None:
    results = outcomes(
        tmp_path,
        f"""
        {comment}

        ```python
        raise RuntimeError("still ran")
        ```
        """,
    )
    assert len(results) == 2, results
    assert results[0][0] == 1
    assert "skip directives are not allowed: every block runs" in str(results[0][1])
    assert results[1] == (3, "RuntimeError: still ran")


def test_indented_fences_in_admonitions_and_tabs_run(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        !!! note

            ```python
            raise RuntimeError("in the admonition")
            ```

        === "PyTorch"

            ```py
            print("in the tab")
            ```

            ```output
            in the tab
            ```

        === "NumPy"

            ```python
            >>> a = 1
            >>> b = 2
            >>> c = 3
            >>> a + b + c
            7
            ```
        """,
    )
    assert results[:2] == [(3, "RuntimeError: in the admonition"), (9, None)]
    assert results[2:5] == [(20, None), (21, None), (22, None)]
    assert results[5][0] == 23
    assert "Expected:\n    7\nGot:\n    6" in str(results[5][1])


def test_code_block_tracebacks_point_at_the_page(tmp_path: Path) -> None:
    (example,) = examples(
        tmp_path,
        """
        Intro.

        ```python
        x = 1
        raise RuntimeError(x)
        ```
        """,
    )
    with pytest.raises(RuntimeError) as raised:
        example.evaluate()
    frame = traceback.extract_tb(raised.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == (str(tmp_path / "docs" / "page.md"), 5)


def test_patterns_are_recursive_globs(tmp_path: Path) -> None:
    sybil = markdown_sybil(str(tmp_path), ["docs/**/*.md", "README.md"])
    parsed = ["docs/index.md", "docs/a/b/page.md", "README.md"]
    ignored = ["other/page.md", "docs/page.txt", "sub/README.md", "docs.md"]
    assert [p for p in parsed + ignored if sybil.should_parse(tmp_path / p)] == parsed
    assert not sybil.should_parse(tmp_path.parent / "README.md")


CONFTEST = """\
from pathlib import Path

from doctools.fences import markdown_sybil

pytest_collect_file = markdown_sybil(str(Path(__file__).parent), ["docs/**/*.md"]).pytest()
"""

GOOD_PAGE = """\
# Page

```python
>>> 1 + 1
2
```

```py title="hello.py"
print("hello")
```

```output
hello
```
"""


def run_pytest(tmp_path: Path, page: str) -> subprocess.CompletedProcess[str]:
    """Run a real pytest over tmp_path holding docs/page.md and a conftest using the factory."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(page, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\nfilterwarnings =\n    error\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(ini)]
    command += ["--rootdir", str(tmp_path), str(tmp_path)]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_planted_bad_fence_fails_a_real_pytest_run(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, GOOD_PAGE + "\n```javascript\nconsole.log(1)\n```\n")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"page.md:16: fence language 'javascript' {UNKNOWN}" in output
    assert "1 failed, 2 passed" in output


def test_good_fences_pass_a_real_pytest_run(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, GOOD_PAGE)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "2 passed" in output


GOOD_SVG = '<svg role="img" viewBox="0 0 1 1"><title>a diagram</title><rect/></svg>'


@pytest.mark.parametrize(
    "printed",
    [
        GOOD_SVG,
        '<svg class="x" role="img" aria-label="a diagram"><path d="M0 0"/></svg>',
        '<svg role="img"><title>T &amp; U</title><g><svg><rect/></svg></g></svg>',
        '<svg role="figure"><title>a diagram</title><g tabindex="0"><rect/></g></svg>',
        GOOD_SVG + "<p>and a caption</p>" + GOOD_SVG,
        '<img src="diagram.svg" alt="a diagram">',
    ],
)
def test_exec_fence_with_a_named_picture_passes(tmp_path: Path, printed: str) -> None:
    results = outcomes(
        tmp_path,
        f"""
        ```python exec="on" html="true" source="above"
        print({printed!r})
        ```
        """,
    )
    assert results == [(1, None)]


@pytest.mark.parametrize(
    ("printed", "problem"),
    [
        ('<img src="x.png">', "an <img> without alt text"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="a diagram">', "a base64 <img>"),
        ('<img src="DATA:image/png;base64,AAAA" alt="a diagram">', "a base64 <img>"),
        ("<p>no picture</p>", "printed no <svg> or <img>"),
        ("<svg><title>a diagram</title></svg>", 'an <svg> without role="img" or "figure"'),
        ('<svg role="presentation"><title>x</title></svg>', 'an <svg> without role="img"'),
        ('<svg role="img"><rect/></svg>', "without a <title> or aria-label"),
        ('<svg role="img"><title>  </title></svg>', "without a <title> or aria-label"),
        ('<svg role="img" aria-label=" "></svg>', "without a <title> or aria-label"),
        # a <title> that belongs to a shape is a tooltip, not the picture's name
        ('<svg role="img"><g><title>cell 0</title></g></svg>', "without a <title>"),
        (GOOD_SVG + '<svg role="img"></svg>', "without a <title> or aria-label"),
    ],
)
def test_exec_fence_that_renders_badly_fails(tmp_path: Path, printed: str, problem: str) -> None:
    results = outcomes(
        tmp_path,
        f"""
        ```python exec="on" html="true"
        print({printed!r})
        ```
        """,
    )
    assert problem in only_failure(results, 1)


def test_exec_fence_that_prints_nothing_fails(tmp_path: Path) -> None:
    results = outcomes(tmp_path, '```python exec="on" html="true"\nx = 1\n```\n')
    assert "printed nothing" in only_failure(results, 1)


def test_plotting_code_folded_in_details_runs(tmp_path: Path) -> None:
    """Fences indented under ``???`` / ``???+`` (pymdownx.details) are collected and run."""
    results = outcomes(
        tmp_path,
        f"""
        Intro.

        ??? "Plotting code"

            ```python exec="on" html="true" source="above"
            picture = {GOOD_SVG!r}
            print(picture)
            ```

        ???+ note "Also open"

            ```python exec="on" html="true" source="above"
            print(picture.replace('role="img"', ""))
            ```

        ??? "Folded output"

            ```python
            print("folded")
            ```

            ```output
            folded
            ```
        """,
    )
    assert [line for line, _ in results] == [5, 12, 18]
    assert results[0][1] is None and results[2][1] is None
    assert 'an <svg> without role="img"' in str(results[1][1])


def test_exec_off_fence_is_an_ordinary_block(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python exec="off"
        print("hello")
        ```
        """,
    )
    assert "printed output is not asserted" in only_failure(results, 1)


def test_exec_fence_with_output_fence_fails(tmp_path: Path) -> None:
    results = outcomes(
        tmp_path,
        """
        ```python exec="on"
        print("**bold**")
        ```

        ```output
        **bold**
        ```
        """,
    )
    assert "rendered at build" in only_failure(results, 1)


def test_console_fences_run_flatviz_and_compare_output(tmp_path: Path) -> None:
    good = outcomes(
        tmp_path,
        """
        ```console
        $ flatviz 'arange(4).unsqueeze(0).expand(2, -1)' -s 1  # a comment
        flatten(start_dim=1, end_dim=1)
          input  : shape (2, 4), stride (0, 1), offset 0
          result : shape (2, 4), view, stride (0, 1)
          reads  : 0 1 2 3 0 1 2 3 (8 elements)
          why    : start_dim == end_dim == 1: torch.flatten returns the input tensor itself
        $ flatviz 'arange(2).__class__' -o out.svg
        flatviz: error: attribute '__class__' is not allowed
        ```
        """,
    )
    assert good == [(1, None)]


def test_console_commands_are_passed_in(tmp_path: Path) -> None:
    def greet(argv: list[str]) -> None:
        print("hello", *argv)

    page = "```console\n$ greet 'the world'\nhello the world\n$ flatviz --help\n```\n"
    results = outcomes(tmp_path, page, {"greet": greet})
    assert "console fence runs 'flatviz --help': its command is not one of ['greet']" in (
        only_failure(results, 1)
    )
    assert outcomes(tmp_path, page.partition("$ flatviz")[0] + "```\n", {"greet": greet}) == [
        (1, None)
    ]


def test_console_fences_run_on_the_files_the_page_shows_above(tmp_path: Path) -> None:
    good = outcomes(
        tmp_path,
        """
        ```python title="tiny.py"
        from torch import nn
        model = nn.Sequential(nn.Linear(4, 2))
        ```

        ```console
        $ flatviz doctor tiny.py:model --input 3,4
        Sequential on input (3, 4) (ran on meta at batch sizes 3 and 6)
        where  op      input → output   layout  finding
        0      Linear  (3, 4) → (3, 2)
        0 errors, 0 warnings, 0 notes
        $ flatviz doctor other.py:model --input 3,4
        flatviz: error: no such file: 'other.py'
        ```
        """,
    )
    assert good == [(1, None), (6, None)]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("$ flatviz 'arange(3)' -s 5\nflatviz: error: nothing like this", "printed something else"),
        (
            "$ make test\nok",
            "console fence runs 'make test': its command is not one of ['flatviz']",
        ),
        ("$ \nok", "console fence runs '': its command is not one of ['flatviz']"),
        ("flatviz 'arange(3)'", "must start with a `$ command ...` line"),
    ],
)
def test_bad_console_fences_fail(tmp_path: Path, body: str, problem: str) -> None:
    page = "```console\n" + body + "\n```\n"
    assert problem in only_failure(outcomes(tmp_path, page), 1)


def test_no_commands_means_no_console_fence_runs(tmp_path: Path) -> None:
    page = "```console\n$ flatviz --version\n```\n"
    message = only_failure(outcomes(tmp_path, page, {}), 1)
    assert "its command is not one of []" in message
