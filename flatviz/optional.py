"""Optional dependencies: `pip install flatviz` brings none, so each is loaded on first use.

A missing one raises `MissingDependency`, an ImportError whose one-line message says what
needed it and the pip command that installs it; the command line prints that line as its
`flatviz: error:` and exits with status 2.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: How to install each optional top-level package.
INSTALL = {
    "matplotlib": "pip install 'flatviz[png]'",
    "torch": "pip install 'flatviz[torch]'",
    "numpy": "pip install numpy",
}


class MissingDependency(ImportError):
    """An optional dependency is not installed; the message names the command that adds it."""


def require(module: str, purpose: str) -> ModuleType:
    """Import `module` for `purpose` (e.g. "PNG output"), or raise `MissingDependency`.

    Only the package itself being absent is reported this way; an error raised while a
    present package imports propagates unchanged.

    Examples:
        >>> require("no_such_pkg", "Drawing")
        Traceback (most recent call last):
            ...
        flatviz.optional.MissingDependency: Drawing needs no_such_pkg: pip install no_such_pkg
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name != top:
            raise
        hint = INSTALL.get(top, f"pip install {top}")
        raise MissingDependency(f"{purpose} needs {top}: {hint}", name=top) from None
