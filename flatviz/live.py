"""The explorer page's entry point: the `flatviz` command, run in-process on one input.

The page (docs/explorer.md) calls `render` in Pyodide on every edit. It parses the
command's own arguments with the command's parser and renders once, with the command's
error handling, so the plan, the SVG and the error line are the command's, byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import shlex

from flatviz.cli.flatten import one_error_line, parser, rendered

#: The file name the page's equivalent command writes (only its suffix matters).
SVG_NAME = "x.svg"


def arguments(
    expression: str,
    start_dim: str,
    end_dim: str,
    name: str,
    cell_text: str,
    output: str | None = None,
) -> list[str]:
    """The command's arguments for this input; `--` keeps an expression such as `-1` positional,
    and `--name=` a name such as `-h`."""
    options = ["-s", start_dim, "-e", end_dim, f"--name={name}", f"--cell-text={cell_text}"]
    if output is not None:
        options += ["-o", output]
    return [*options, "--", expression]


def render(
    expression: str,
    start_dim: str = "0",
    end_dim: str = "-1",
    name: str = "x",
    cell_text: str = "address",
) -> dict[str, str]:
    """The plan and SVG `flatviz` makes for this input, or its one `flatviz: error:` line.

    The dims are text, as a page's number fields hold them, and are parsed by the command.
    Returns `{"plan", "svg", "command"}` on success and `{"error"}` on bad input.

    Examples:
        >>> render("arange(2).__class__")
        {'error': "flatviz: error: attribute '__class__' is not allowed"}
    """
    given = (expression, start_dim, end_dim, name, cell_text)
    error = io.StringIO()
    # Bad input ends in SystemExit, with its one error line on stderr.
    with contextlib.redirect_stderr(error), contextlib.suppress(SystemExit):
        args = parser().parse_args(arguments(*given, output=SVG_NAME))
        with one_error_line(SVG_NAME):
            answer = rendered(args)
            plan, svg = str(answer.plan), answer.svg
        command = shlex.join(["flatviz", *arguments(*given, output=SVG_NAME)])
        return {"plan": plan, "svg": svg, "command": command}
    return {"error": error.getvalue().rstrip("\n")}
