"""The parser every `flatviz` command shares: one error line, exit status 2, no abbreviations.

A usage mistake reads like every other error: `flatviz: error: ...` on one line of stderr,
and a misspelt option names the closest real one. Options must be spelt in full, so that
`--start 1` is an error rather than a silent `--start-dim 1`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

#: Help text is wrapped at this width, so `-h` prints the same text in any terminal.
HELP_WIDTH = 80


def fail(message: str) -> NoReturn:
    """Print one error line and exit with status 2."""
    print(f"flatviz: error: {message}", file=sys.stderr)
    raise SystemExit(2)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and a suggestion for a misspelt option."""

    def error(self, message: str) -> NoReturn:
        fail(message)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        """Parse ``args``, after refusing an unknown `--option` with the closest real one."""
        args = sys.argv[1:] if args is None else list(args)
        known = [o for action in self._actions for o in action.option_strings]
        for arg in args:
            if arg == "--":
                break
            name = arg.partition("=")[0]
            if arg.startswith("--") and name not in known:
                import difflib  # only on this error path

                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                fail(f"unrecognized arguments: {arg}{hint}")
        return super().parse_args(args, namespace)


def command_parser(prog: str, description: str, epilog: str, **kwargs: Any) -> Parser:
    """A parser for `flatviz` or one of its subcommands, with help at a fixed width."""
    return Parser(
        prog=prog,
        description=description,
        epilog=epilog,
        allow_abbrev=False,
        formatter_class=lambda prog: argparse.RawDescriptionHelpFormatter(prog, width=HELP_WIDTH),
        **kwargs,
    )


def integer(text: str) -> int:
    """An int option's value: `-3` or `12`; anything else is a usage error."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
