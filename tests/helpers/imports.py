"""What a piece of code imports, run in a fresh interpreter (this one has torch loaded)."""

from __future__ import annotations

import json
import subprocess
import sys

_WRAPPER = """
import contextlib, io, json, sys
before = set(sys.modules)
with contextlib.redirect_stdout(io.StringIO()):
    exec(sys.argv[1])
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def imported_by(code: str) -> set[str]:
    """Every module `code` imports (submodules by their full names), its output dropped."""
    run = subprocess.run(
        [sys.executable, "-c", _WRAPPER, code], capture_output=True, text=True, check=True
    )
    return set(json.loads(run.stdout))


def outside_stdlib(modules: set[str]) -> set[str]:
    """The top-level packages among `modules` that are not the standard library's."""
    return {m.partition(".")[0] for m in modules} - set(sys.stdlib_module_names)
