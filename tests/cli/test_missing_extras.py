"""Without an optional dependency, the command says which extra brings it in one line with
exit status 2, and Python raises an ImportError with the same hint. The packages are
blocked in a fresh interpreter (a None in sys.modules fails an import as if the package
were not installed); scripts/smoke.py checks the same in a real install of the wheel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = "from torch import nn\nNet = lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 2))\n"


def blocked(code: str, cwd: Path, *modules: str) -> subprocess.CompletedProcess[str]:
    """Run `code` with `modules` made unimportable and this checkout's flatviz first."""
    head = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
    head += "".join(f"sys.modules[{m!r}] = None\n" for m in modules)
    return subprocess.run(
        [sys.executable, "-c", head + code], cwd=cwd, capture_output=True, text=True
    )


def command(argv: list[str], cwd: Path, *modules: str) -> subprocess.CompletedProcess[str]:
    return blocked(f"from flatviz.cli import main\nraise SystemExit(main({argv!r}))", cwd, *modules)


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_png_and_pdf_without_matplotlib(fmt: str, tmp_path: Path) -> None:
    run = command(["arange(2, 3)", "-o", f"x.{fmt}"], tmp_path, "matplotlib")
    hint = f"{fmt.upper()} output needs matplotlib: pip install 'flatviz[png]'"
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"flatviz: error: {hint}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_doctor_without_torch(tmp_path: Path) -> None:
    (tmp_path / "net.py").write_text(MODEL)
    run = command(["doctor", "net.py:Net", "--input", "2,3,4"], tmp_path, "torch")
    hint = "flatviz doctor needs torch: pip install 'flatviz[torch]'"
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"flatviz: error: {hint}\n")


def test_svg_and_json_need_none_of_them(tmp_path: Path) -> None:
    heavy = ("torch", "numpy", "matplotlib")
    run = command(["arange(2, 3).t()", "-o", "x.svg"], tmp_path, *heavy)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "x.svg").read_text().startswith("<svg ")
    run = command(["arange(2, 3).t()", "--json"], tmp_path, *heavy)
    assert run.returncode == 0 and '"verdict": "copy"' in run.stdout, run.stderr


def test_python_raises_import_error_with_the_hint(tmp_path: Path) -> None:
    code = """
import flatviz
calls = [
    lambda: flatviz.draw(flatviz.Layout((2, 3), (3, 1))),
    lambda: flatviz.doctor,
    lambda: flatviz.save(flatviz.Layout((2,), (1,)), "x.png"),
    lambda: flatviz.explain(flatviz.Layout((2,), (1,))).offsets(),
]
for call in calls:
    try:
        call()
    except ImportError as err:
        print(err)
"""
    run = blocked(code, tmp_path, "torch", "numpy", "matplotlib")
    assert run.stdout.splitlines() == [
        "flatviz.draw needs matplotlib: pip install 'flatviz[png]'",
        "flatviz.doctor needs torch: pip install 'flatviz[torch]'",
        "PNG output needs matplotlib: pip install 'flatviz[png]'",
        "FlattenPlan.offsets() needs numpy: pip install numpy",
    ], run.stderr
