"""`flatviz EXPR`: explain or draw the flatten of a tensor expression.

Bad input of any kind ends with exit status 2 and one `flatviz: error: ...` line on
stderr, and never leaves a file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from flatviz.cli.parser import command_parser, fail, integer
from flatviz.palette import THEMES
from flatviz.scene import CELL_LABELS

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


def parser(doctor_usage: str) -> argparse.ArgumentParser:
    """The `flatviz` parser; its usage line shows `doctor_usage` as the second form."""
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
        "--labels", choices=CELL_LABELS, default="address",
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
    own = parser.format_usage().removeprefix("usage: ").rstrip("\n")
    parser.usage = f"{own}\n       {doctor_usage}"
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the text plan or its JSON, or write the diagram to `args.output`; returns 0."""
    from flatviz.explain import explain
    from flatviz.expr import evaluate

    try:
        if args.output is not None:
            from flatviz.files import format_of, needs_matplotlib

            fmt = format_of(args.output)
            needs_matplotlib(fmt)
        tensor = evaluate(args.expression)
        plan = explain(tensor, args.start_dim, args.end_dim)
        if args.json:
            from flatviz.plan_data import plan_data, to_json

            return _emit(to_json(plan_data(plan)))
        if args.output is None:
            return _emit(str(plan))
        options = {"name": args.name, "labels": args.labels, "edge_items": args.edge_items}
        if fmt == "svg":
            from flatviz.pipeline import svg

            data = svg(tensor, args.start_dim, args.end_dim, **options).encode("utf-8")
        else:
            from flatviz.files import render_bytes
            from flatviz.pipeline import draw

            fig = draw(tensor, args.start_dim, args.end_dim, theme=args.theme, **options)
            data = render_bytes(fig, fmt)
        from flatviz.files import write_atomic

        write_atomic(args.output, data)
    except (ValueError, IndexError, TypeError) as err:
        fail(str(err))
    except OSError as err:
        fail(f"cannot write {args.output!r}: {err.strerror or err}")
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
