"""The explorer page's entry point: the `flatviz` command, run in-process on one input.

The page (docs/explorer.md) calls `render` in Pyodide on every edit. It runs the command's
own `main`, so the plan, the SVG and the error line are the command's, byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import tempfile
from pathlib import Path

from flatviz.cli import main

#: The file name the page's equivalent command writes (only its suffix matters).
SVG_NAME = "x.svg"


def arguments(
    expression: str,
    start_dim: str,
    end_dim: str,
    name: str,
    labels: str,
    output: str | None = None,
) -> list[str]:
    """The command's arguments for this input; `--` keeps an expression such as `-1` positional,
    and `--name=` a name such as `-h`."""
    options = ["-s", start_dim, "-e", end_dim, f"--name={name}", f"--labels={labels}"]
    if output is not None:
        options += ["-o", output]
    return [*options, "--", expression]


def _run(argv: list[str]) -> tuple[str, str]:
    """What `flatviz ARGV` prints on stdout and on stderr."""
    out, err = io.StringIO(), io.StringIO()
    # Bad input ends in SystemExit, with its one error line on stderr.
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        contextlib.suppress(SystemExit),
    ):
        main(argv)
    return out.getvalue(), err.getvalue()


def render(
    expression: str,
    start_dim: str = "0",
    end_dim: str = "-1",
    name: str = "x",
    labels: str = "address",
) -> dict[str, str]:
    """The plan and SVG `flatviz` makes for this input, or its one `flatviz: error:` line.

    The dims are text, as a page's number fields hold them, and are parsed by the command.
    Returns `{"plan", "svg", "command"}` on success and `{"error"}` on bad input.

    Examples:
        >>> render("arange(2).__class__")
        {'error': "flatviz: error: attribute '__class__' is not allowed"}
    """
    given = (expression, start_dim, end_dim, name, labels)
    plan, error = _run(arguments(*given))
    if error:
        return {"error": error.rstrip("\n")}
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / SVG_NAME
        _, error = _run(arguments(*given, output=str(path)))
        if error:
            return {"error": error.rstrip("\n")}
        svg = path.read_text(encoding="utf-8")
    command = shlex.join(["flatviz", *arguments(*given, output=SVG_NAME)])
    return {"plan": plan.rstrip("\n"), "svg": svg, "command": command}
