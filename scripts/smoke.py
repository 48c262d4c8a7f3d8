"""Smoke test of an installed flatviz, run in a fresh virtual environment by the release
workflow (through scripts/release_check.py) and by `make test`.

`python smoke.py core` where only flatviz is installed: the command, SVG, JSON and the
Python API work, and what needs an extra fails with one line that names it.
`python smoke.py all` where `flatviz[all]` is installed: PNG, PDF and the doctor work too.
Prints one `ok:` line per check; a failed check stops it with exit status 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

EXPR = "arange(2, 3, 4).transpose(1, 2)"
HEAVY = ("torch", "numpy", "matplotlib")
MODEL = """\
from torch import nn

def make():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(start_dim=0), nn.Linear(4 * 6 * 6, 2))
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `flatviz` command in the current directory."""
    command = Path(sys.executable).parent / "flatviz"
    return subprocess.run([str(command), *args], capture_output=True, text=True, check=False)


def check(ok: bool, what: str, detail: object = "") -> None:
    if not ok:
        raise SystemExit(f"FAILED: {what}\n{detail}")
    print(f"ok: {what}")


def one_error_line(run: subprocess.CompletedProcess[str], message: str, what: str) -> None:
    """The run failed with status 2 and exactly the line `flatviz: error: MESSAGE`."""
    got = (run.returncode, run.stdout, run.stderr)
    check(got == (2, "", f"flatviz: error: {message}\n"), what, got)


def common() -> None:
    """What works with no extra installed."""
    import flatviz
    from flatviz.expr import evaluate

    here = Path(flatviz.__file__).resolve()
    check(here.is_relative_to(Path(sys.prefix).resolve()), f"flatviz is imported from {here}")
    code = f"import sys, flatviz; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    check(loaded.stdout == "[]\n", "import flatviz loads no torch, numpy or matplotlib", loaded)
    run = cli("--version")
    want = f"flatviz {flatviz.__version__}\n"
    check(run.stdout == want and flatviz.__version__ == version("flatviz"), want.strip(), run)
    run = cli(EXPR, "-s", "1")
    check(run.returncode == 0, "flatviz EXPR prints the plan", run)
    check(run.stdout.splitlines()[2] == "  result : shape (2, 12), copy", "the plan says copy", run)
    run = cli(EXPR, "-s", "1", "-o", "x.svg")
    svg = flatviz.svg(evaluate(EXPR), 1)
    same = Path("x.svg").read_text(encoding="utf-8") == svg
    check(run.returncode == 0 and same, "flatviz EXPR -o x.svg writes flatviz.svg's bytes", run)
    check(isinstance(svg, str) and svg.startswith("<svg "), "flatviz.svg returns SVG text")
    run = cli(EXPR, "-s", "1", "--json")
    data = json.loads(run.stdout)
    check(data["verdict"] == "copy" and data["blocking"] == [1, 2], "--json prints the plan")
    plan = flatviz.explain(flatviz.Layout((2, 4, 3), (12, 1, 4)), 1)
    check(plan.shape == (2, 12) and not plan.is_view, "flatviz.explain on a Layout")


def core() -> None:
    """Without extras: one line naming the extra, exit status 2, no file."""
    import flatviz

    png = "PNG output needs matplotlib: pip install 'flatviz[png]'"
    one_error_line(cli(EXPR, "-o", "x.png"), png, "-o x.png names the [png] extra")
    check(not Path("x.png").exists(), "-o x.png leaves no file")
    Path("net.py").write_text(MODEL, encoding="utf-8")
    doctor = "flatviz doctor needs torch: pip install 'flatviz[torch]'"
    one_error_line(cli("doctor", "net.py:make", "--input", "2,3,8,8"), doctor, "doctor")
    for call, hint in [
        (lambda: flatviz.draw(flatviz.Layout((2, 3), (3, 1))), "flatviz.draw needs matplotlib"),
        (lambda: flatviz.doctor, "flatviz.doctor needs torch"),
        (lambda: flatviz.save(flatviz.Layout((2,), (1,)), "x.pdf"), "PDF output needs"),
        (lambda: flatviz.explain(flatviz.Layout((2,), (1,))).offsets(), "FlattenPlan.offsets"),
    ]:
        try:
            call()
        except ImportError as err:
            check(str(err).startswith(hint), f"ImportError: {err}")
        else:
            check(False, f"no ImportError for {hint}")


def extras() -> None:
    """With flatviz[all]: PNG, PDF, tensors and the doctor."""
    import torch

    import flatviz

    for fmt, magic in [("png", b"\x89PNG"), ("pdf", b"%PDF")]:
        run = cli(EXPR, "-s", "1", "-o", f"x.{fmt}")
        good = run.returncode == 0 and Path(f"x.{fmt}").read_bytes()[:4] == magic
        check(good, f"flatviz EXPR -o x.{fmt}", run)
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    path = flatviz.save(x, "t.png", start_dim=1)
    check(path.read_bytes()[:4] == b"\x89PNG", "flatviz.save(tensor, 't.png')")
    Path("net.py").write_text(MODEL, encoding="utf-8")
    run = cli("doctor", "net.py:make", "--input", "2,3,8,8")
    check(run.returncode == 1 and "batch-mixing" in run.stdout, "flatviz doctor finds the bug", run)
    sys.path.insert(0, os.getcwd())
    from net import make

    report = flatviz.doctor(make(), torch.zeros(2, 3, 8, 8))
    check(not report.ok, "flatviz.doctor reports the error")


def main(argv: list[str]) -> None:
    if argv not in (["core"], ["all"]):
        raise SystemExit("usage: smoke.py core|all")
    with tempfile.TemporaryDirectory() as where:
        os.chdir(where)
        common()
        if argv == ["core"]:
            core()
        else:
            extras()


if __name__ == "__main__":
    main(sys.argv[1:])
