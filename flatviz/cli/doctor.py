"""`flatviz doctor MODULE:ATTR --input 8,3,32,32`: diagnose a model from the shell.

Exit status 1 when the report has errors, 0 when it has none, and 2 with one
`flatviz: error: ...` line for bad usage (a module that does not import, bad shape text,
an attribute that is not a model). The arguments are parsed before torch is imported, so
`-h` and a usage mistake answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flatviz.cli.parser import command_parser, fail
from flatviz.optional import require

if TYPE_CHECKING:
    from torch import nn

EPILOG = """\
MODULE is a dotted module importable from the current directory (as pytest imports
tests) or a path to a .py file; ATTR is an nn.Module class, a function returning a
model, or a model instance. The model is built on the meta device (no weights are
allocated) and the report quotes errors as the CPU words them.

exit status: 0 when no errors, 1 when errors, 2 on bad usage (one 'flatviz: error:' line)
"""


#: The input dtypes `--dtype` accepts: torch's names for them.
DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "bool")


def parse_shape(text: str) -> tuple[int, ...]:
    """`8,3,32,32` -> (8, 3, 32, 32): positive integers separated by commas."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, e.g. 8,3,32,32; got {text!r}"
        )
    return tuple(int(p) for p in parts)


def parser() -> argparse.ArgumentParser:
    """The `flatviz doctor` parser (it needs no torch)."""
    parser = command_parser(
        "flatviz doctor",
        "Find the broken flatten in a model, and its fix, without running it.",
        EPILOG,
    )
    parser.add_argument("target", metavar="MODULE:ATTR", help="e.g. net.py:Net or models.cnn:make")
    parser.add_argument(
        "--input", type=parse_shape, required=True, metavar="SHAPE",
        help="the input's shape, batch first, e.g. 8,3,32,32",
    )  # fmt: skip
    parser.add_argument(
        "--dtype", choices=sorted(DTYPES), default="float32",
        help="the input's dtype (default: float32; int64 for token ids)",
    )  # fmt: skip
    return parser


def import_module(spec: str) -> object:
    """Import a dotted module from the current directory, or a .py file by its path, the
    way pytest's default mode does: its first directory outside any package goes first on
    sys.path, and the module is imported under its dotted package name."""
    if spec.endswith(".py") or "/" in spec:
        path = Path(spec).resolve()
        if not path.is_file():
            fail(f"no such file: {spec!r}")
        root, parts = path.parent, [path.stem]
        while (root / "__init__.py").is_file():
            parts.insert(0, root.name)
            root = root.parent
        name, base = ".".join(parts), str(root)
        loaded = getattr(sys.modules.get(name), "__file__", None)
        if loaded is not None and Path(loaded).resolve() != path:
            del sys.modules[name]  # another file of that name, imported earlier in this process
    else:
        name, base = spec, str(Path.cwd())
    if base not in sys.path:
        sys.path.insert(0, base)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name is not None and (name == err.name or name.startswith(f"{err.name}.")):
            fail(f"no module named {name!r} (from {base})")
        fail(f"cannot import {spec!r}: {type(err).__name__}: {err}")
    except Exception as err:
        fail(f"cannot import {spec!r}: {type(err).__name__}: {err}")


def build(module: object, attr: str, target: str) -> nn.Module:
    """The model named by ATTR: an instance, or a class or factory called without
    arguments on the meta device."""
    import torch
    from torch import nn

    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            fail(f"{target!r}: {getattr(module, '__name__', module)!r} has no attribute {part!r}")
        obj = getattr(obj, part)
    if isinstance(obj, nn.Module):
        return obj
    if not callable(obj):
        fail(f"{target!r} is {type(obj).__name__}, not a model (an nn.Module, its class or a "
             f"function returning one)")  # fmt: skip
    try:
        with torch.device("meta"):
            model = obj()
    except Exception as err:
        fail(f"cannot build {target!r}: {type(err).__name__}: {err}")
    if not isinstance(model, nn.Module):
        fail(f"{target!r} returned {type(model).__name__}, not an nn.Module")
    return model


def usage() -> str:
    """The one-line usage of `flatviz doctor`, which `flatviz -h` shows as its second form."""
    return parser().format_usage().removeprefix("usage: ").rstrip("\n")


def main(argv: Sequence[str]) -> int:
    """Run `flatviz doctor`; returns 1 when the report has errors, else 0."""
    args = parser().parse_args(list(argv))
    module_name, sep, attr = args.target.rpartition(":")
    if not sep or not module_name or not attr:
        fail(f"expected MODULE:ATTR, e.g. net.py:Net, got {args.target!r}")
    require("torch", "flatviz doctor")
    import torch

    from flatviz.diagnosis import doctor

    model = build(import_module(module_name), attr, args.target)
    example = torch.empty(args.input, dtype=getattr(torch, args.dtype), device="meta")
    try:
        report = doctor(model, example, device="cpu")
    except Exception as err:
        fail(f"cannot diagnose {args.target!r}: {type(err).__name__}: {err}")
    print(report)
    return 0 if report.ok else 1
