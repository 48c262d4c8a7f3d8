"""A local pytest plugin: Sybil parsers that run every fenced block of Markdown pages and
assert what it prints.

Sybil's stock Markdown parser only collects fences whose info string is exactly ``python`` and
silently ignores the rest; here every fence is lexed, and any fence that cannot be run fails.
Wire it in a conftest.py: ``pytest_collect_file = markdown_sybil(root, globs, commands).pytest()``
where ``commands`` maps each console command a page may run (``$ name ...``) to its main.
"""

import contextlib
import io
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sybil import Document, Example, Lexeme, Region, Sybil
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.evaluators.python import pad
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer
from sybil.parsers.rest import DocTestParser

PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "pycon"})
OUTPUT_LANGUAGE = "output"
SKIP_FORBIDDEN = "skip directives are not allowed: every block runs"
CONSOLE_LANGUAGE = "console"
NON_CODE_LANGUAGES = frozenset(
    {"text", "txt", OUTPUT_LANGUAGE, "yaml", "yml", "toml", "json", "ini"} | {"markdown", "md"}
)

_FENCES = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)(?:\n|\Z)"))
_SKIPS = DirectiveInHTMLCommentLexer(directive=r"skip(?![\w-])")
_BLANK = re.compile(r"[\s>]*")
_GLOB_TOKENS = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def parse_info(info: str) -> tuple[str, str]:
    """Split a fence info string (``py title="x.py"``, ``{.python}``) into language, attributes."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        info = info[1:-1].strip().removeprefix(".")
    words = info.split(maxsplit=1)
    if not words:
        return "", ""
    return words[0].lower(), words[1] if len(words) > 1 else ""


#: markdown-exec runs a fence at build time unless its exec option is one of these.
_EXEC_OFF = frozenset({"", "0", "false", "no", "off"})
_OPTION = re.compile(r'(\w+)="([^"]*)"')


def build_executed(attributes: str) -> tuple[bool, bool]:
    """Whether markdown-exec runs this fence at build (``exec="on"``), and whether its output
    is HTML (``html="true"``) rather than Markdown."""
    options = dict(_OPTION.findall(attributes))
    executed = options.get("exec", "").lower() not in _EXEC_OFF
    return executed, options.get("html", "").lower() not in _EXEC_OFF


@dataclass(frozen=True)
class CodeBlock:
    """A Python code block and what asserts its stdout: the content of the ``output`` fence
    after it, or, for a fence markdown-exec renders into the page, the rendering checks."""

    source: Lexeme
    expected: str | None
    rendered: bool = False
    html: bool = False


class _Pictures(HTMLParser):
    """Collects every ``<img>`` (its ``src`` and ``alt``) and every outermost ``<svg>`` (its
    ``role``, ``aria-label`` and the text of its own ``<title>``) in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[tuple[str, str]] = []
        self.svgs: list[dict[str, str]] = []
        self._open: list[str] = []  # elements open inside the current outermost <svg>
        self._title: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "img":
            self.images.append((values.get("src", ""), values.get("alt", "")))
        elif tag == "svg" and not self._open:
            self.svgs.append(
                {"role": values.get("role", ""), "label": values.get("aria-label", ""), "title": ""}
            )
        if tag == "title" and len(self._open) == 1 and self._title is None:
            self._title = []
        if tag == "svg" or self._open:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None and len(self._open) == 2:
            self.svgs[-1]["title"] = self.svgs[-1]["title"] or "".join(self._title)
            self._title = None
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)


def check_rendered(block: CodeBlock, printed: str) -> str | None:
    """A fence markdown-exec renders must print page content. An HTML one must print a
    picture: each ``<svg>`` with ``role="img"`` (or ``role="figure"``, for a diagram whose
    parts take the focus) and a name (its ``<title>`` or aria-label),
    each ``<img>`` with alt text, and no image as a base64 data URI."""
    if not printed.strip():
        return "exec fence printed nothing: markdown-exec would render an empty block"
    if not block.html:
        return None
    pictures = _Pictures()
    pictures.feed(printed)
    pictures.close()
    if not pictures.images and not pictures.svgs:
        return "html exec fence printed no <svg> or <img>: nothing to show"
    for svg in pictures.svgs:
        if svg["role"] not in ("img", "figure"):
            return 'html exec fence printed an <svg> without role="img" or "figure"'
        if not (svg["title"].strip() or svg["label"].strip()):
            return "html exec fence printed an <svg> without a <title> or aria-label"
    for src, alt in pictures.images:
        if re.match(r"\s*data:[^,]*;base64,", src, re.IGNORECASE):
            return "html exec fence printed a base64 <img>: print the <svg> itself"
        if not alt.strip():
            return "html exec fence printed an <img> without alt text"
    return None


def _normalise(text: str) -> str:
    """Drop trailing whitespace on each line and trailing newlines, which editors do not keep."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def run_code_block(example: Example) -> str | None:
    """Execute a code block in the page namespace; fail if its stdout is not what is asserted."""
    __tracebackhide__ = True
    block: CodeBlock = example.parsed
    source = pad(block.source, example.line + block.source.line_offset)
    code = compile(source, example.path, "exec", dont_inherit=True)
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout):
            exec(code, example.namespace)
    except BaseException:
        sys.stdout.write(stdout.getvalue())
        raise
    finally:
        example.namespace.pop("__builtins__", None)
    got = _normalise(stdout.getvalue())
    if block.rendered:
        return check_rendered(block, got)
    if block.expected is None:
        if stdout.getvalue():
            return f"printed output is not asserted: add an ```output block\nprinted:\n{got}"
        return None
    expected = _normalise(block.expected)
    if got != expected:
        return (
            f"printed output differs from the ```output block\nexpected:\n{expected}\ngot:\n{got}"
        )
    return None


#: A console command: called with the words after its name, as a console script's main.
Command = Callable[[list[str]], object]


@dataclass(frozen=True)
class ConsoleBlock:
    """A console fence's text, the commands its ``$`` lines may run, and the Python fences
    above it titled with a file name (e.g. ``python title="net.py"``), which are written
    where its commands run."""

    text: str
    commands: Mapping[str, Command] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)


def _file_title(attributes: str) -> str | None:
    """The file a fence shows, from its ``title="net.py"``; None unless a bare ``.py`` name."""
    title = dict(_OPTION.findall(attributes)).get("title", "")
    return title if re.fullmatch(r"\w+\.py", title) else None


def run_console(example: Example) -> str | None:
    """Run each ``$ name ...`` line of a console fence (in a temporary directory holding the
    page's titled files, so files it writes go nowhere) and compare what it prints with the
    lines that follow. ``name`` must be one of the commands the Sybil was given."""
    block: ConsoleBlock = example.parsed
    sessions = re.split(r"^\$ ", block.text, flags=re.MULTILINE)
    if sessions[0].strip() or len(sessions) == 1:
        return "console fence must start with a `$ command ...` line"
    for session in sessions[1:]:
        command, _, expected = session.partition("\n")
        argv = shlex.split(command, comments=True)
        if not argv or argv[0] not in block.commands:
            return (
                f"console fence runs {command!r}: its command is not one of"
                f" {sorted(block.commands)}"
            )
        out = io.StringIO()
        with tempfile.TemporaryDirectory() as where:
            for name, source in block.files.items():
                Path(where, name).write_text(source, encoding="utf-8")
            with (
                contextlib.chdir(where),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(out),
                contextlib.suppress(SystemExit),  # an error's exit status; its line is compared
            ):
                block.commands[argv[0]](argv[1:])
        if _normalise(out.getvalue()) != _normalise(expected):
            return (
                f"`$ {command}` printed something else\nexpected:\n{_normalise(expected)}"
                f"\ngot:\n{_normalise(out.getvalue())}"
            )
    return None


def _report(example: Example) -> str:
    """Fail with the message the parser stored, so pytest reports the problem at its line."""
    return str(example.parsed)


def _failure(document: Document, region: Region, problem: str) -> Region:
    """A region that always fails, naming the file and line of the offending fence or comment."""
    line = document.text.count("\n", 0, region.start) + 1
    return Region(region.start, region.end, f"{document.path}:{line}: {problem}", _report)


def _document_position(text: str, base: int, source: str, index: int) -> int:
    """Map an index in a fence's dedented source to the document, where lines are indented."""
    line_start = base
    for _ in range(source.count("\n", 0, index)):
        line_start = text.index("\n", line_start) + 1
    line_end = text.find("\n", line_start)
    text_line_length = (len(text) if line_end < 0 else line_end) - line_start
    source_line_start = source.rfind("\n", 0, index) + 1
    source_line = source[source_line_start:].partition("\n")[0]
    return line_start + text_line_length - len(source_line) + index - source_line_start


def _language(region: Region) -> str | None:
    """The language of a lexed fence, or None for a lexed HTML-comment directive."""
    return parse_info(region.lexemes["info"])[0] if "info" in region.lexemes else None


class MarkdownFenceParser:
    """A Sybil parser turning every fence and skip directive of a Markdown page into an example.

    Python fences run (doctests via Sybil's doctest machinery, code blocks with stdout checked
    against a following ``output`` fence); non-code fences are ignored; anything else fails.
    """

    def __init__(
        self, commands: Mapping[str, Command] | None = None, doctest_optionflags: int = 0
    ) -> None:
        self.commands = dict(commands or {})
        self.doctests = DocTestStringParser(DocTestEvaluator(doctest_optionflags))

    def __call__(self, document: Document) -> Iterator[Region]:
        lexed = sorted([*_FENCES(document), *_SKIPS(document)], key=lambda region: region.start)
        regions: list[Region] = []
        for region in lexed:
            if not regions or region.start >= regions[-1].end:
                regions.append(region)
        claimed: Region | None = None
        files: dict[str, str] = {}
        for index, region in enumerate(regions):
            language = _language(region)
            if language is None:
                yield _failure(document, region, SKIP_FORBIDDEN)
            elif language in PYTHON_LANGUAGES:
                following = regions[index + 1] if index + 1 < len(regions) else None
                claimed = yield from self._python(document, region, following)
                title = _file_title(parse_info(region.lexemes["info"])[1])
                if title is not None:
                    files[title] = str(region.lexemes["source"])
            elif language == CONSOLE_LANGUAGE:
                source = str(region.lexemes["source"])
                block = ConsoleBlock(source, self.commands, dict(files))
                yield Region(region.start, region.end, block, run_console)
            elif language == OUTPUT_LANGUAGE and region is not claimed:
                problem = "```output fence does not directly follow a Python code block"
                yield _failure(document, region, problem)
            elif language not in NON_CODE_LANGUAGES:
                problem = (
                    f"fence language {language!r} is run by no parser"
                    " and is not in NON_CODE_LANGUAGES"
                )
                yield _failure(document, region, problem)

    def _python(
        self, document: Document, fence: Region, following: Region | None
    ) -> Generator[Region, None, Region | None]:
        """Yield the doctest or code-block examples of a Python fence; return any output fence."""
        source: Lexeme = fence.lexemes["source"]
        if source.lstrip().startswith(">>>"):
            base = fence.start + source.offset
            for region in self.doctests(source, document.path):
                region.start = _document_position(document.text, base, source, region.start)
                region.end = min(
                    _document_position(document.text, base, source, region.end), fence.end
                )
                yield region
            return None
        if _language(fence) == "pycon":
            yield _failure(document, fence, "pycon fence is not a doctest: start it with >>>")
            return None
        output = None
        if (
            following is not None
            and _language(following) == OUTPUT_LANGUAGE
            and _BLANK.fullmatch(document.text, fence.end, following.start)
        ):
            output = following
        expected = None if output is None else str(output.lexemes["source"])
        rendered, html = build_executed(parse_info(fence.lexemes["info"])[1])
        if rendered and output is not None:
            yield _failure(document, fence, "an exec fence is rendered at build: no ```output")
            return output
        block = CodeBlock(source, expected, rendered, html)
        yield Region(fence.start, fence.end, block, run_code_block)
        return output


def _glob(pattern: str) -> re.Pattern[str]:
    """Compile a glob where ``*`` stays within a directory and ``**/`` spans any number."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern)
    return re.compile("".join(_GLOB_TOKENS.get(part, re.escape(part)) for part in parts))


class GlobSybil(Sybil):
    """A Sybil matching whole root-relative paths against globs with a recursive ``**``.

    Sybil's own matching uses PurePath.match, where ``docs/**/*.md`` misses ``docs/index.md``.
    """

    def should_parse(self, path: Path) -> bool:
        """Parse files whose root-relative path matches a pattern and no exclude."""
        try:
            relative = path.relative_to(self.path).as_posix()
        except ValueError:
            return False
        return any(_glob(p).fullmatch(relative) for p in self.patterns) and not any(
            _glob(p).fullmatch(relative) for p in self.excludes
        )


def markdown_sybil(
    path: str, patterns: Sequence[str], commands: Mapping[str, Command] | None = None
) -> Sybil:
    """The Sybil running every fence of the Markdown files matching ``patterns`` under
    ``path``; console fences may run the ``commands`` (name to main) and nothing else."""
    root = str(Path(path).absolute())
    parser = MarkdownFenceParser(commands)
    return GlobSybil(parsers=[parser], patterns=patterns, path=root, name="docs")


def docstring_sybil(path: str, patterns: Sequence[str]) -> Sybil:
    """The Sybil running the ``>>>`` doctests in docstrings of the files matching ``patterns``."""
    root = str(Path(path).absolute())
    return GlobSybil(parsers=[DocTestParser()], patterns=patterns, path=root, name="docstrings")
