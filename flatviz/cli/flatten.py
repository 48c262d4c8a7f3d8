"""`flatviz EXPR`: explain or draw the flatten of a tensor expression.

Bad input of any kind ends with exit status 2 and one `flatviz: error: ...` line on
stderr, and never leaves a file behind.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from flatviz.cli.doctor import usage as doctor_usage
from flatviz.cli.parser import command_parser, fail, integer
from flatviz.core.cells import CELL_TEXT
from flatviz.palette import THEMES

if TYPE_CHECKING:
    from flatviz.render import Rendered

EPILOG = """\
expressions:
  arange(*shape) makes a tensor whose values are 0, 1, 2, ...; empty(*shape) makes a
  meta tensor (no memory, any size). Chain view operations onto either:
  transpose permute t mT T narrow select unsqueeze squeeze expand as_strided unfold
  diagonal view reshape flatten contiguous(memory_format=channels_last), and indexing
  with ints, slices and steps, None and ...

examples:
  flatviz 'arange(2, 3, 4).transpose(1, 2)' --start-dim 1
  flatviz 'arange(2, 3, 4).transpose(1, 2)' --start-dim 1 -o out.svg
  flatviz 'empty(32, 3, 224, 224).contiguous(memory_format=channels_last)' -s 1 -o cl.png

diagnose a model (which flatten breaks it, and the number to use):
  flatviz doctor MODULE:ATTR --input 8,3,32,32     (see flatviz doctor -h)

exit status: 0 on success, 2 on bad input (one 'flatviz: error:' line on stderr)
"""


class _Version(argparse.Action):
    """`--version`: `flatviz.__version__`, the one source of the version (the wheel's
    metadata is built from it, so it is also what pip installed)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from flatviz import __version__

        print(f"flatviz {__version__}")
        parser.exit()


@functools.cache
def parser() -> argparse.ArgumentParser:
    """The `flatviz` parser; its usage line shows the doctor's as the second form."""
    parser = command_parser(
        "flatviz", "Explain or draw what torch.flatten does to a tensor's memory.", EPILOG
    )
    parser.add_argument("expression", help="a tensor expression, e.g. 'arange(2, 3, 4).t()'")
    parser.add_argument("--version", action=_Version)
    parser.add_argument("-s", "--start-dim", type=integer, default=0, help="default: 0")
    parser.add_argument("-e", "--end-dim", type=integer, default=-1, help="default: -1")
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "-o", "--output", metavar="PATH",
        help="write the diagram here (.svg, .png or .pdf); without it, print the text plan",
    )  # fmt: skip
    out.add_argument("--json", action="store_true", help="print the plan as JSON, for other tools")
    parser.add_argument("-n", "--name", default="x", help="what the tensor is called (default: x)")
    parser.add_argument(
        "--cell-text", "--labels", choices=CELL_TEXT, default="address",
        help="what cells show (default: address)",
    )  # fmt: skip
    parser.add_argument(
        "--theme", choices=sorted(THEMES), default="light",
        help="colours of a .png or .pdf (an .svg follows the reader's scheme)",
    )  # fmt: skip
    parser.add_argument(
        "--edge-items", type=integer, default=2, metavar="N",
        help="cells kept at each end of an elided dim (default: 2)",
    )  # fmt: skip
    parser.add_argument(
        "--width", type=integer, metavar="PX",
        help="lay the diagram out for a page this wide (default: an .svg fits both 688 and "
        "358 px, a .png or .pdf 688)",
    )  # fmt: skip
    own = parser.format_usage().removeprefix("usage: ").rstrip("\n")
    parser.usage = f"{own}\n       {doctor_usage()}"
    return parser


@contextlib.contextmanager
def one_error_line(output: str | None) -> Iterator[None]:
    """Turn bad input of any kind, met inside, into the command's one error line."""
    try:
        yield
    except (ValueError, IndexError, TypeError) as err:
        fail(str(err))
    except OSError as err:
        fail(f"cannot write {output!r}: {err.strerror or err}")


def rendered(args: argparse.Namespace) -> Rendered:
    """The flatten the arguments ask for, explained; its picture is drawn when read."""
    from flatviz.expr import evaluate
    from flatviz.render import Options, render

    options = Options(args.name, args.cell_text, args.edge_items, args.width)
    return render(evaluate(args.expression), args.start_dim, args.end_dim, options)


def file_bytes(answer: Rendered, fmt: str, theme: str) -> bytes:
    """The diagram file's bytes: the pure-Python SVG, or matplotlib's PNG or PDF."""
    if fmt == "svg":
        return answer.svg.encode("utf-8")
    from flatviz.files import render_bytes
    from flatviz.paint.mpl import paint

    return render_bytes(paint(answer.scene, theme), fmt)


def run(argv: Sequence[str]) -> int:
    """Print the text plan or its JSON, or write the diagram to `--output`; returns 0."""
    args = parser().parse_args(argv)
    with one_error_line(args.output):
        if args.output is None:
            plan = rendered(args).plan
            if not args.json:
                return _emit(str(plan))
            from flatviz.plan_data import plan_data, to_json

            return _emit(to_json(plan_data(plan)))
        from flatviz.files import format_of, needs_matplotlib, write_atomic

        fmt = format_of(args.output)
        needs_matplotlib(fmt)
        write_atomic(args.output, file_bytes(rendered(args), fmt, args.theme))
    return 0


def _emit(text: str) -> int:
    """Print `text`; a reader that stops early (`| head`) ends the command quietly, as for
    any Unix filter, with status 1."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 1
    return 0
