"""mkdocs hook: self-host Pyodide and the flatviz modules for the explorer page.

Before the pages are built it makes the explorer's downloads, each cached by what it is made
from; the explorer page gets their real total written into it; after the build they go into
site/explorer/:

- pyodide/pyodide.mjs and pyodide.asm.mjs: the pinned npm `pyodide` core (`npm ci`), as is;
- pyodide/pyodide.asm.wasm.gz: its WebAssembly;
- pyodide/python_stdlib.zip.gz: the library Pyodide mounts at start-up, here only the
  standard-library modules that Pyodide and flatviz's live path import, and the flatviz
  modules that `flatviz.live` imports, all precompiled to bytecode and checked by a second
  run (stdlib_pyc.mjs). The flatviz modules are found by running the live path with torch,
  numpy and matplotlib blocked, so the build fails if that path needs one of them;
- pyodide/pyodide-lock.json: a lockfile that lists no packages, so Pyodide fetches nothing
  beyond its core.

The two .gz files are gzip-compressed here (level 9, no name, time 0: the same bytes every
build), and the page's worker unpacks them with the browser's DecompressionStream as they
stream in: each travels at about 40 % of its size, whether or not the server compresses.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = ROOT / "node_modules" / "pyodide"
#: The core files the page loads as they are: the loader and the runtime.
CORE = ("pyodide.mjs", "pyodide.asm.mjs")
WASM = "pyodide.asm.wasm"
STDLIB = "python_stdlib.zip"
#: The files served gzip-compressed, as Pyodide names them (the worker asks for NAME.gz).
PACKED = (WASM, STDLIB)
COMPILER = Path(__file__).with_name("stdlib_pyc.mjs")
#: Made files, by the hash of what they were made from (the library takes ~5 s).
CACHE = ROOT / ".cache" / "pyodide"
#: The page's own files in docs/explorer/, which the download includes too.
PAGE_FILES = ROOT / "docs" / "explorer"
#: Where the explorer page shows the download's size, written at build.
SIZE = re.compile(r"(<span data-flatviz-size>)[^<]*(</span>)")
#: Inputs the traces render, to reach the plan, the SVG, both labels and each kind of error.
TRACE_INPUTS = [
    ["arange(2, 3, 4).transpose(1, 2)", "1", "-1", "x"],
    ["arange(2, 3, 4).transpose(1, 2)", "1", "-1", "x", "values"],
    ["empty(1000000, 1000000).t()", "0", "-1", "big"],
    ["arange(2, 3, 2, 2).contiguous(memory_format=channels_last)", "1", "-1", "x"],
    ["arange(2, 3)[5]", "0", "-1", "x"],
    ["arange(2, 3).__class__", "x", "-1", "x"],
    ["-1", "0", "-1", "x"],
    ["arange(2, 3", "0", "-1", "x"],
    ["empty(10**30)", "0", "-1", "x"],
    ["arange(2)[10**20]", "0", "-1", "x"],
    ["arange(2, 3, 4).contiguous(memory_format=channels_last)", "0", "-1", "x"],
    ["arange(2, 3)", "3", "-1", "x"],
    ["arange(2, 3)", "", "-1", "x"],
]
TRACE = """
import json, sys
before = set(sys.modules)
for blocked in ("torch", "numpy", "matplotlib"):
    sys.modules[blocked] = None
from flatviz.live import render
for inputs in json.loads(sys.argv[1]):
    render(*inputs)
new = [n for n, m in sys.modules.items() if m and n not in before]
print(json.dumps(sorted(n for n in new if n.split(".")[0] not in sys.stdlib_module_names)))
"""

#: This build's downloads, by their path under site/explorer/ (made in on_pre_build).
_made: dict[str, bytes] = {}


def live_modules() -> dict[str, str]:
    """`{path: source}` of every module the live path imports, all of them flatviz's own."""
    run = subprocess.run(
        [sys.executable, "-c", TRACE, json.dumps(TRACE_INPUTS)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode != 0:
        raise PluginError(f"the explorer's live path failed without torch:\n{run.stderr}")
    names = json.loads(run.stdout)
    foreign = [n for n in names if n.partition(".")[0] != "flatviz"]
    if foreign:
        raise PluginError(f"the explorer's live path imports non-stdlib modules: {foreign}")
    modules = {}
    for name in names:
        path = ROOT / Path(*name.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        modules[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
    return modules


def _cached(name: str, *inputs: bytes) -> Path:
    key = hashlib.sha256()
    for part in inputs:
        key.update(hashlib.sha256(part).digest())
    stem, dot, suffix = name.partition(".")
    return CACHE / f"{stem}-{key.hexdigest()[:16]}{dot}{suffix}"


def python_library(modules_json: bytes) -> Path:
    """The explorer's Python library (the standard modules it needs and flatviz's live
    modules, as bytecode), made once per input and cached."""
    inputs = json.dumps(TRACE_INPUTS).encode()
    parts = [(PYODIDE / p).read_bytes() for p in (STDLIB, WASM)]
    cached = _cached(STDLIB, *parts, COMPILER.read_bytes(), modules_json, inputs)
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as work:
            given = [Path(work) / "modules.json", Path(work) / "inputs.json"]
            given[0].write_bytes(modules_json)
            given[1].write_bytes(inputs)
            partial = Path(work) / STDLIB
            run = subprocess.run(
                ["node", str(COMPILER), str(PYODIDE), *map(str, given), str(partial)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if run.returncode != 0:
                raise PluginError(f"making the explorer's Python library failed:\n{run.stderr}")
            partial.replace(cached)
    return cached


def packed(name: str, data: bytes) -> bytes:
    """``data`` gzip-compressed (level 9, no name, time 0), made once and cached."""
    cached = _cached(f"{name}.gz", data)
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        partial.replace(cached)
    return cached.read_bytes()


def downloads() -> dict[str, bytes]:
    """The files the build adds under site/explorer/, by their path there."""
    if not PYODIDE.is_dir():
        raise PluginError(f"{PYODIDE} is missing: run `make pyodide` (npm ci) first")
    modules = json.dumps(live_modules(), sort_keys=True).encode()
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text(encoding="utf-8"))
    made = {f"pyodide/{name}": (PYODIDE / name).read_bytes() for name in CORE}
    made[f"pyodide/{WASM}.gz"] = packed(WASM, (PYODIDE / WASM).read_bytes())
    made[f"pyodide/{STDLIB}.gz"] = packed(STDLIB, python_library(modules).read_bytes())
    made["pyodide/pyodide-lock.json"] = json.dumps(
        {"info": lock["info"], "packages": {}}, sort_keys=True
    ).encode()
    return made


def download_bytes(made: dict[str, bytes]) -> int:
    """What the explorer page downloads beyond the site's own pages: these files and its
    own scripts and stylesheet."""
    return sum(map(len, made.values())) + sum(p.stat().st_size for p in PAGE_FILES.iterdir())


def on_pre_build(config: Any, **kwargs: Any) -> None:
    """Make this build's downloads."""
    _made.clear()
    _made.update(downloads())


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """The explorer page states its download's real size, in MB (10^6 bytes)."""
    if page.file.src_uri != "explorer.md":
        return html
    if not SIZE.search(html):
        raise PluginError("explorer.md lost its <span data-flatviz-size></span>")
    size = f"{download_bytes(_made) / 1e6:.1f} MB"
    return SIZE.sub(lambda m: f"{m.group(1)}{size}{m.group(2)}", html)


def on_post_build(config: Any, **kwargs: Any) -> None:
    """Write the downloads into site/explorer/."""
    explorer = Path(config["site_dir"]) / "explorer"
    for name, data in _made.items():
        (explorer / name).parent.mkdir(parents=True, exist_ok=True)
        (explorer / name).write_bytes(data)
