"""Pytest wiring: every fenced block of the docs and README, and every docstring doctest, runs."""

import os
from pathlib import Path

from doctools.fences import docstring_sybil, markdown_sybil
from flatviz.cli import main as flatviz_main

ROOT = str(Path(__file__).parent)

# The same environment the Makefile sets, for a bare `pytest` too: Keras on torch, and no
# tool writing its config or cache into the home directory.
TOOL_ENV = {
    "KERAS_BACKEND": "torch",
    "KERAS_HOME": f"{ROOT}/.cache/keras",
    "MPLCONFIGDIR": f"{ROOT}/.cache/matplotlib",
    "IPYTHONDIR": f"{ROOT}/.cache/ipython",
    "JUPYTER_CONFIG_DIR": f"{ROOT}/.cache/jupyter/config",
    "JUPYTER_DATA_DIR": f"{ROOT}/.cache/jupyter/data",
    "JUPYTER_RUNTIME_DIR": f"{ROOT}/.cache/jupyter/runtime",
    "JUPYTER_PLATFORM_DIRS": "1",
    "NO_MKDOCS_2_WARNING": "1",
    "XDG_CACHE_HOME": f"{ROOT}/.cache",
    "XDG_CONFIG_HOME": f"{ROOT}/.cache/config",
}
for name, value in TOOL_ENV.items():
    os.environ.setdefault(name, value)

# Console fences on the pages may run the flatviz command, and nothing else.
COMMANDS = {"flatviz": flatviz_main}

pytest_collect_file = (
    markdown_sybil(ROOT, ["docs/**/*.md", "README.md"], COMMANDS)
    + docstring_sybil(ROOT, ["flatviz/**/*.py", "doctools/*.py"])
).pytest()
