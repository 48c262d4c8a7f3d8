"""mkdocs hook: a doctest block reads as a lesson, not a test log.

Sybil runs the ``>>>`` blocks of the docs as doctests. On the site they are highlighted as a
Python console (``pycon``), with the doctest markup (``<BLANKLINE>``, ``# doctest:``
directives) left out, and their copy button copies the code alone, without prompts or
output, so that what a reader pastes runs. A shell session (``console``) copies its
commands without the ``$`` prompts, and an ``output`` block has no copy button.
"""

from __future__ import annotations

import doctest
import html
import re
from typing import Any

#: A fenced block, indented or not (inside an admonition), with its info string and body.
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})(?P<info>[^`\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=ticks)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
PYTHON = frozenset({"python", "py", "python3", "pycon"})
DIRECTIVE = re.compile(r"[ \t]*#\s*doctest:[^\n]*$", re.MULTILINE)
BLANKLINE = re.compile(r"^(?P<indent>[ \t]*)<BLANKLINE>[ \t]*$", re.MULTILINE)
#: A Python or shell session as pymdownx.highlight renders it, up to the end of its ``<code>``.
SESSION = re.compile(
    r'<div class="language-(?P<language>pycon|console) highlight">(?P<head>.*?<code>)'
    r"(?P<code>.*?)</code>",
    re.DOTALL,
)
OUTPUT = '<div class="language-output highlight">'
SHELL_PROMPT = "$ "
TAG = re.compile(r"<[^>]*>")


def is_doctest(info: str, body: str) -> bool:
    """A Python fence whose code starts at a ``>>>`` prompt (markdown-exec fences never do)."""
    words = info.strip().split(maxsplit=1)
    return bool(words) and words[0].lower() in PYTHON and body.lstrip().startswith(">>>")


def as_console(match: re.Match[str]) -> str:
    """The fence as a ``pycon`` block with its doctest markup left out."""
    info, body = match["info"], match["body"]
    if not is_doctest(info, body):
        return match[0]
    attributes = info.strip().split(maxsplit=1)[1:]
    body = DIRECTIVE.sub("", body)
    body = BLANKLINE.sub(lambda line: line["indent"], body)
    fence = match["indent"] + match["ticks"]
    return f"{fence}{' '.join(['pycon', *attributes])}\n{body}{fence}"


def runnable(console: str) -> str:
    """The code of a console session: each example's source without prompts or output, and a
    blank line after a compound statement so that a REPL closes it."""
    parts = []
    for example in doctest.DocTestParser().get_examples(console):
        source = example.source
        parts.append(source + "\n" if source.count("\n") > 1 else source)
    return "".join(parts).rstrip("\n") + "\n"


def commands(session: str) -> str:
    """The commands of a shell session, without their prompts or output."""
    lines = session.splitlines()
    return "".join(
        f"{line.removeprefix(SHELL_PROMPT)}\n" for line in lines if line.startswith(SHELL_PROMPT)
    )


def with_copy_text(match: re.Match[str]) -> str:
    """The rendered session with its code as the ``data-copy`` attribute, the text
    mkdocs-material's copy button copies instead of the block's visible text."""
    session = html.unescape(TAG.sub("", match["code"]))
    language = match["language"]
    code = runnable(session) if language == "pycon" else commands(session)
    opening = f'<div class="language-{language} highlight" data-copy="{html.escape(code)}">'
    return f"{opening}{match['head']}{match['code']}</code>"


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Turn every doctest fence into a clean console block."""
    return FENCE.sub(as_console, markdown)


def on_page_content(html_text: str, **kwargs: Any) -> str:
    """Give every session its copy text, and output blocks no copy button (``no-copy``)."""
    html_text = SESSION.sub(with_copy_text, html_text)
    return html_text.replace(OUTPUT, OUTPUT.replace(" highlight", " highlight no-copy"))
