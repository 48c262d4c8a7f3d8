"""`flatviz doctor MODULE:ATTR --input 8,3,32,32`: diagnose a model from the shell.

Exit status 1 when the report has errors, 0 when it has none, 3 when the model cannot be
checked, and 2 with one `flatviz: error: ...` line for bad usage (a module that does not
import, bad shape text, an attribute that is not a model). `--diff` prints the complete
fix as a unified diff, `--json` the report as data. The arguments are parsed before torch
is imported, so `-h` and a usage mistake answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from flatviz.cli.parser import command_parser, fail
from flatviz.optional import require

if TYPE_CHECKING:
    from torch import nn

    from flatviz.diagnosis.inputs import Inputs

EPILOG = """\
MODULE is a dotted module importable from the current directory (as pytest imports
tests) or a path to a .py file; ATTR is an nn.Module class, a function returning a
model, or a model instance. The model is built on the meta device (no weights are
allocated; on CPU if it cannot be built on meta) and the report quotes errors as the
CPU words them.

inputs, batch first; repeat --input for each input the forward takes:
  --input 8,3,32,32   --input (8,3,32,32)   --input 8x3x32x32   --input 8,3,32,32:float16
  --input input_ids=2,16:int64 --input attention_mask=2,16:int64   (keyword inputs)

exit status: 0 when no errors, 1 when errors, 2 on bad usage (one 'flatviz: error:'
line), 3 when the model cannot be checked (meta cannot run it and a CPU run cannot be made)
"""

#: The input dtypes an input may name: torch's names for them.
DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "bool")
#: What a shape may look like: sizes separated by commas or x, maybe in parentheses.
_SHAPE_HELP = "e.g. 8,3,32,32, (8,3,32,32) or 8x3x32x32, or name=SHAPE:dtype for a keyword"


class InputSpec(NamedTuple):
    """One `--input`: its keyword (None for a positional input), shape and dtype name
    (None: the --dtype default)."""

    name: str | None
    shape: tuple[int, ...]
    dtype: str | None


def parse_input(text: str) -> InputSpec:
    """`[name=]SHAPE[:dtype]`, SHAPE as `8,3,32,32`, `(8,3,32,32)` or `8x3x32x32`."""
    name, sep, rest = text.partition("=")
    if not sep:
        name, rest = "", text
    name = name.strip()
    if sep and not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected a keyword before '=', got {text!r}")
    shape_text, colon, dtype = rest.partition(":")
    dtype = dtype.strip().removeprefix("torch.")
    if colon and dtype not in DTYPES:
        raise argparse.ArgumentTypeError(
            f"unknown dtype {dtype!r} in {text!r}; use one of {', '.join(DTYPES)}"
        )
    body = shape_text.strip()
    if body[:1] + body[-1:] in ("()", "[]"):
        body = body[1:-1]
    parts = [p.strip() for p in body.replace("x", ",").split(",")]
    if parts and parts[-1] == "" and len(parts) > 1:
        parts = parts[:-1]  # (8,) as Python writes a 1-d shape
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(
            f"expected positive integers as a shape, {_SHAPE_HELP}; got {text!r}"
        )
    return InputSpec(name or None, tuple(int(p) for p in parts), dtype or None)


def parser() -> argparse.ArgumentParser:
    """The `flatviz doctor` parser (it needs no torch)."""
    parser = command_parser(
        "flatviz doctor",
        "Find the broken flatten in a model, and its complete fix, without running it.",
        EPILOG,
    )
    parser.add_argument("target", metavar="MODULE:ATTR", help="e.g. net.py:Net or models.cnn:make")
    parser.add_argument(
        "--input", type=parse_input, action="append", required=True, metavar="SHAPE",
        help=f"an input's shape, batch first: {_SHAPE_HELP} (repeat for more inputs)",
    )  # fmt: skip
    parser.add_argument(
        "--dtype", choices=sorted(DTYPES), default="float32",
        help="the dtype of inputs that name none (default: float32; int64 for token ids)",
    )  # fmt: skip
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "--diff", action="store_true",
        help="print the complete fix as a unified diff of the model's files (for git apply)",
    )  # fmt: skip
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def import_module(spec: str) -> object:
    """Import a dotted module from the current directory, or a .py file by its path, the
    way pytest's default mode does: its first directory outside any package goes first on
    sys.path, and the module is imported under its dotted package name."""
    from pathlib import Path  # here, not at the top: `-h` and usage errors need no pathlib

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
    arguments on the meta device, or on CPU where it cannot be built on meta (code that
    reads tensor values while it builds, as torchvision's RegNet does). Where each layer
    is built is recorded, for `--diff`."""
    import torch
    from torch import nn

    from flatviz.diagnosis.construction import recording_builds

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
    with recording_builds():
        try:
            with torch.device("meta"):
                model = obj()
        except Exception:
            try:
                model = obj()
            except Exception as err:
                fail(f"cannot build {target!r}: {type(err).__name__}: {err}")
    if not isinstance(model, nn.Module):
        fail(f"{target!r} returned {type(model).__name__}, not an nn.Module")
    return model


def example(specs: Sequence[InputSpec], dtype: str) -> Inputs:
    """The inputs as meta tensors: positional ones in order, keyword ones by name."""
    import torch

    from flatviz.diagnosis.inputs import Inputs

    def tensor(spec: InputSpec) -> torch.Tensor:
        kind = getattr(torch, spec.dtype or dtype)
        return torch.empty(spec.shape, dtype=kind, device="meta")

    names = [s.name for s in specs if s.name is not None]
    if len(set(names)) != len(names):
        fail(f"a keyword input is given twice: {sorted(n for n in names if names.count(n) > 1)[0]}")
    args = tuple(tensor(s) for s in specs if s.name is None)
    return Inputs(args, {s.name: tensor(s) for s in specs if s.name is not None})


def usage() -> str:
    """The one-line usage of `flatviz doctor`, which `flatviz -h` shows as its second form."""
    return parser().format_usage().removeprefix("usage: ").rstrip("\n")


def main(argv: Sequence[str]) -> int:
    """Run `flatviz doctor`: 0 when the model is clean, 1 when it has errors, 3 when it
    cannot be checked (usage errors exit with 2 through `fail`)."""
    args = parser().parse_args(list(argv))
    module_name, sep, attr = args.target.rpartition(":")
    if not sep or not module_name or not attr:
        fail(f"expected MODULE:ATTR, e.g. net.py:Net, got {args.target!r}")
    require("torch", "flatviz doctor")
    from flatviz.diagnosis import doctor

    model = build(import_module(module_name), attr, args.target)
    inputs = example(args.input, args.dtype)
    try:
        report = doctor(model, inputs, device="cpu")
    except Exception as err:
        fail(f"cannot diagnose {args.target!r}: {type(err).__name__}: {err}")
    if args.json:
        text = report.to_json()
    elif args.diff:
        text = report.diff().rstrip("\n")
    else:
        text = str(report)
    status = 3 if not report.checked else 0 if report.ok else 1
    return emit(text, status)


def emit(text: str, status: int) -> int:
    """Print `text` (nothing when empty) and return `status`; a reader that stops early
    (`| head`) ends the command quietly, with status 1."""
    try:
        if text:
            print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 1
    return status
