"""mkdocs hook: self-host Pyodide and the flatviz modules for the explorer page.

After each build it copies the pinned npm `pyodide` core (node_modules/pyodide, put there by
`npm ci`) into site/explorer/pyodide/, with a lockfile that lists no packages, so Pyodide
can fetch nothing beyond its core. Its standard library goes in precompiled (stdlib_pyc.mjs
compiles it with Pyodide's own Python, under node): started from source, Pyodide spends
most of its start-up compiling some 200 modules.

It also writes site/explorer/flatviz-modules.json: the source of each flatviz module that
`flatviz.live` imports, which the page writes into Pyodide's file system. The modules are
found by running the live path with torch, numpy and matplotlib blocked, so the build
fails if that path ever needs one of them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = ROOT / "node_modules" / "pyodide"
#: The core files the page loads as they are: the loader, the runtime and its wasm.
CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
#: The standard library, which the page loads precompiled.
STDLIB = "python_stdlib.zip"
COMPILER = Path(__file__).with_name("stdlib_pyc.mjs")
#: Precompiled libraries, by the hash of what they were made from (a build takes ~8 s).
CACHE = ROOT / ".cache" / "pyodide"
#: Inputs the trace renders, to reach the plan, the SVG and the error paths.
TRACE_INPUTS = [
    ["arange(2, 3, 4).transpose(1, 2)", "1", "-1", "x"],
    ["empty(1000000, 1000000).t()", "0", "-1", "big"],
    ["arange(2, 3)[5]", "0", "-1", "x"],
    ["arange(2, 3).__class__", "x", "-1", "x"],
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


def precompiled_stdlib() -> Path:
    """Pyodide's standard library as bytecode, made once per input and cached."""
    key = hashlib.sha256()
    for part in (PYODIDE / STDLIB, PYODIDE / "pyodide.asm.wasm", COMPILER):
        key.update(part.read_bytes())
    cached = CACHE / f"python_stdlib-{key.hexdigest()[:16]}.zip"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        run = subprocess.run(
            ["node", str(COMPILER), str(PYODIDE), str(partial)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode != 0:
            raise PluginError(f"precompiling Pyodide's standard library failed:\n{run.stderr}")
        partial.replace(cached)
    return cached


def on_post_build(config: Any, **kwargs: Any) -> None:
    """Write site/explorer/pyodide/ and site/explorer/flatviz-modules.json."""
    if not PYODIDE.is_dir():
        raise PluginError(f"{PYODIDE} is missing: run `make pyodide` (npm ci) first")
    explorer = Path(config["site_dir"]) / "explorer"
    target = explorer / "pyodide"
    target.mkdir(parents=True, exist_ok=True)
    for name in CORE:
        shutil.copyfile(PYODIDE / name, target / name)
    shutil.copyfile(precompiled_stdlib(), target / STDLIB)
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text(encoding="utf-8"))
    (target / "pyodide-lock.json").write_text(
        json.dumps({"info": lock["info"], "packages": {}}, sort_keys=True), encoding="utf-8"
    )
    (explorer / "flatviz-modules.json").write_text(
        json.dumps(live_modules(), sort_keys=True), encoding="utf-8"
    )
