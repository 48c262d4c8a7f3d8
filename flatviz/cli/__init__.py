"""The `flatviz` command: `flatviz EXPR` explains or draws a flatten, `flatviz doctor`
diagnoses a model. This module only dispatches; each command parses its arguments before
importing what it runs (torch for the doctor), so `-h` and usage errors answer at once, and
an optional dependency that is missing is one error line naming the extra that brings it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (errors exit through `parser.fail`)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    from flatviz.cli.parser import fail
    from flatviz.optional import MissingDependency

    try:
        if argv[:1] == ["doctor"]:
            from flatviz.cli import doctor

            return doctor.main(argv[1:])
        from flatviz.cli import flatten

        return flatten.run(argv)
    except MissingDependency as err:  # an extra that is not installed: say which
        fail(str(err))
