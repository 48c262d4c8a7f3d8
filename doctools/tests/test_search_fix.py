"""The search worker guard: applied once to Material's real worker, refused where the loop is
not found, and it leaves a word the index holds untouched."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from doctools.search_fix import GUARDED, UNGUARDED, guard

SPEC = importlib.util.find_spec("material")
assert SPEC is not None and SPEC.origin is not None
WORKERS = Path(SPEC.origin).parent / "templates" / "assets" / "javascripts" / "workers"


def test_materials_pinned_worker_holds_the_loop_once() -> None:
    (worker,) = sorted(WORKERS.glob("search.*.min.js"))
    patched = guard(worker.read_text(encoding="utf-8"))
    assert patched.count(GUARDED) == 1 and UNGUARDED not in patched


def test_a_worker_without_the_loop_is_refused() -> None:
    with pytest.raises(PluginError, match="0 times"):
        guard("function(){}")


def run_loop(code: str, inverted_index: str) -> str:
    """What the loop body sees for the expansions ["held", "lost"] of a term, in node."""
    script = (
        f"const v=['held','lost'],c={{fields:['text']}},seen=[];"
        f"function f(){{for(var b=0;b<v.length;b++){code}{{seen.push(E+':'+R)}}}}"
        f"f.call({{invertedIndex:{inverted_index}}});console.log(seen.join(','))"
    )
    run = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=False)
    return run.stdout.strip() if run.returncode == 0 else "TypeError" * ("TypeError" in run.stderr)


def test_the_guard_skips_only_a_word_the_index_lacks() -> None:
    index = "{held:{_index:7,text:{}}}"
    assert run_loop(UNGUARDED, index) == "TypeError"
    assert run_loop(GUARDED, index) == "held:7"
