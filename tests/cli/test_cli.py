"""The flatviz command: expressions built like torch builds them, and every bad input
ending in exit status 2 with one error line and no file."""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

import flatviz
from flatviz.cli import main
from flatviz.expr import MAX_BYTES, evaluate
from flatviz.files import render_bytes

VALID = {
    "arange(2, 3, 4).transpose(1, 2)": lambda: torch.arange(24).reshape(2, 3, 4).transpose(1, 2),
    "arange(2, 3, 4).permute(2, 0, 1)": lambda: torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1),
    "arange(3, 4).t()": lambda: torch.arange(12).reshape(3, 4).t(),
    "arange(2, 3, 4).mT": lambda: torch.arange(24).reshape(2, 3, 4).mT,
    "arange(4, 6).narrow(1, 2, 3)": lambda: torch.arange(24).reshape(4, 6).narrow(1, 2, 3),
    "arange(2, 3, 4).select(0, 1)": lambda: torch.arange(24).reshape(2, 3, 4).select(0, 1),
    "arange(3, 4).unsqueeze(1)": lambda: torch.arange(12).reshape(3, 4).unsqueeze(1),
    "arange(3, 1, 4).squeeze(1)": lambda: torch.arange(12).reshape(3, 1, 4).squeeze(1),
    "arange(1, 4).expand(3, -1)": lambda: torch.arange(4).reshape(1, 4).expand(3, -1),
    "arange(10).as_strided((4, 3), (2, 1), 1)": lambda: torch.arange(10).as_strided(
        (4, 3), (2, 1), 1
    ),
    "arange(10).unfold(0, 4, 2)": lambda: torch.arange(10).unfold(0, 4, 2),
    "arange(4, 4).diagonal()": lambda: torch.arange(16).reshape(4, 4).diagonal(),
    "arange(24).view(2, 3, 4)": lambda: torch.arange(24).view(2, 3, 4),
    "arange(24).reshape((4, 6))[:, ::2]": lambda: torch.arange(24).reshape(4, 6)[:, ::2],
    "arange(2, 3, 4)[1:, None, ..., 1]": lambda: torch.arange(24).reshape(2, 3, 4)[
        1:, None, ..., 1
    ],
    "arange(2, 3, 4, 5).contiguous(memory_format=channels_last)": lambda: (
        torch.arange(120).reshape(2, 3, 4, 5).contiguous(memory_format=torch.channels_last)
    ),
}


@pytest.mark.parametrize("text", VALID)
def test_expressions_build_what_torch_builds(text: str) -> None:
    got, want = evaluate(text), VALID[text]()
    assert (got.shape, got.stride(), got.storage_offset()) == (
        tuple(want.shape),
        want.stride(),
        want.storage_offset(),
    )
    assert got.tolist() == want.tolist()


def test_empty_makes_meta_tensors_of_any_size() -> None:
    t = evaluate("empty(1024, 3, 1024, 1024).permute(0, 2, 3, 1)")
    assert t.is_meta
    assert (
        t.stride() == torch.empty(1024, 3, 1024, 1024, device="meta").permute(0, 2, 3, 1).stride()
    )


def test_prints_the_text_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["arange(2, 3, 4).transpose(1, 2)", "--start-dim", "1"]) == 0
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    assert capsys.readouterr().out == str(flatviz.explain(x, 1)) + "\n"


def test_end_dim_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["arange(2, 3, 4, 5)", "-s", "1", "-e", "2"]) == 0
    assert "result : shape (2, 12, 5), view" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_writes_the_diagram(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"d.{suffix}"
    assert main(["arange(2, 3, 4).transpose(1, 2)", "--start-dim", "1", "-o", str(out)]) == 0
    x = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
    if suffix == "svg":
        assert out.read_text() == flatviz.svg(x, 1)
    else:
        assert out.read_bytes() == render_bytes(flatviz.draw(x, 1), suffix)


#: The torch code behind each refusal the command must quote, where `a(*shape)` is
#: `torch.arange(n).reshape(shape)`.
TORCH_CODE: dict[str, str] = {}


@functools.cache
def torch_first_lines() -> dict[str, str]:
    """torch's own first line for every code in TORCH_CODE, from one fresh process (torch
    warns about a deprecated use only once per process, and no test has run one yet),
    with warnings as errors and the note of where in torch's C++ a warning came from
    dropped."""
    program = (
        "import json, math, sys, torch\n"
        "a = lambda *s: torch.arange(math.prod(s)).reshape(s)\n"
        "said = {}\n"
        "for code in json.loads(sys.argv[1]):\n"
        "    try:\n        eval(code)\n"
        "    except Exception as err:\n        said[code] = str(err).strip().splitlines()[0]\n"
        "print(json.dumps(said))\n"
    )
    codes = json.dumps(sorted(set(TORCH_CODE.values())))
    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", program, codes],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    said: dict[str, str] = json.loads(run.stdout)
    return {c: re.sub(r" \(Triggered internally at .*\)$", "", m) for c, m in said.items()}


def torch_says(what: str, code: str) -> Callable[[], str]:
    """The error line the command must print for `code`: `torch refuses WHAT: ` and
    torch's own first line."""
    TORCH_CODE[what + code] = code

    def message() -> str:
        said = torch_first_lines()
        assert code in said, f"torch accepted {code}"
        return f"torch refuses {what}: {said[code]}"

    return message


BAD: list[tuple[str, str | Callable[[], str]]] = [
    ("__import__('os').system('true')", "unknown function '__import__'"),
    ("arange(2).__class__", "attribute '__class__' is not allowed"),
    ("arange(2)._base", "attribute '_base' is not allowed"),
    ("lambda: arange(2)", "'lambda: arange(2)' is not allowed"),
    ("[arange(i) for i in (1, 2)]", "is not allowed: expected a tensor expression"),
    ("arange(2).numpy()", "'numpy' is not allowed here"),
    ("arange(2).add_(1)", "'add_' is not allowed here"),
    ("torch.arange(2)", "name 'torch' is not a tensor"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("x", "name 'x' is not a tensor"),
    ("arange(2) + arange(2)", "is not allowed: expected a tensor expression"),
    ("arange(-1)", "arange() sizes must be >= 0, got (-1,)"),
    ("arange(2.5)", "argument '2.5' is not allowed"),
    ("arange('2')", "argument \"'2'\" is not allowed"),
    ("arange(n=2)", "arange() takes sizes only"),
    ("arange(2, 3).transpose(0, 5)", torch_says(".transpose()", "a(2, 3).transpose(0, 5)")),
    ("arange(2, 3).view(4)", torch_says(".view()", "a(2, 3).view(4)")),
    ("arange(2, 3)[::-1]", torch_says("indexing", "a(2, 3)[::-1]")),
    ("arange(2, 3)[5]", torch_says("indexing", "a(2, 3)[5]")),
    ("arange(2, 3).expand(**{'size': 3})", "**kwargs are not allowed"),
    ("arange(2, 3).contiguous(memory_format=sparse)", "unknown name 'sparse'"),
    (
        "arange(10).as_strided((4, 4), (4, 1))",
        torch_says(".as_strided()", "a(10).as_strided((4, 4), (4, 1))"),
    ),
    ("arange(2, 3, 4).T", torch_says(".T", "a(2, 3, 4).T")),
    ("arange(2, 3", "invalid syntax in 'arange(2, 3'"),
    ("", "invalid syntax"),
    ("arange(5000, 5000)", "would allocate 191 MB in all; expressions may allocate at most 100"),
    ("arange(3000, 3000).t().contiguous()", "would allocate 137 MB in all"),
    ("(" * 300 + "arange(2)" + ")" * 300, "too many nested parentheses"),
    ("arange(2)" + ".t()" * 1000, "is 4009 characters long; at most 2000"),
]


@pytest.mark.parametrize(("expression", "message"), BAD, ids=[b[0][:40] for b in BAD])
def test_bad_expressions(
    expression: str,
    message: str | Callable[[], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if callable(message):
        message = message()
    out = tmp_path / "d.svg"
    with pytest.raises(SystemExit) as exit_:
        main([expression, "-o", str(out)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("flatviz: error: "), err
    assert message in err
    assert list(tmp_path.iterdir()) == []


BAD_OPTIONS = [
    (["arange(4)", "-o", "{tmp}/d.jpg"], "cannot tell the format of"),
    (["arange(4)", "-o", "{tmp}/missing/d.svg"], "cannot write"),
    (["arange(4)", "--start-dim", "x"], "argument -s/--start-dim: expected an integer, got 'x'"),
    (["arange(4)", "-s", "3"], "start_dim=3 is out of range for a 1-d tensor"),
    (["arange(2, 3)", "-s", "1", "-e", "0"], "start_dim=1 comes after end_dim=0"),
    (["arange(4)", "--theme", "sepia"], "argument --theme: invalid choice: 'sepia'"),
    (["arange(4)", "--edge-items", "0", "-o", "{tmp}/d.svg"], "edge_items must be >= 1, got 0"),
    ([], "the following arguments are required: expression"),
    (["arange(4)", "--bogus"], "unrecognized arguments: --bogus"),
    # Options are spelt in full: argparse's default would read --start as --start-dim.
    (["arange(4)", "--start", "0"], "unrecognized arguments: --start (did you mean --start-dim?)"),
    (["arange(4)", "--strat-dim=0"], "unrecognized arguments: --strat-dim=0 (did you mean --start"),
    (["arange(4)", "--edge", "3"], "unrecognized arguments: --edge (did you mean --edge-items?)"),
    (["doctor", "net.py:Net", "--inptu", "8"], "--inptu (did you mean --input?)"),
    (["doctor", "net.py:Net"], "the following arguments are required: --input"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_OPTIONS, ids=[m for _, m in BAD_OPTIONS])
def test_bad_options(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([a.format(tmp=tmp_path) for a in argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("flatviz: error: "), err
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/flatviz-test.svg")  # root can write anywhere on disk, not here
    else:
        tmp_path.chmod(0o500)
        target = tmp_path / "d.svg"
    with pytest.raises(SystemExit) as exit_:
        main(["arange(4)", "-o", str(target)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith(f"flatviz: error: cannot write '{target}'")
    assert not target.exists()


@pytest.mark.parametrize("launcher", [["flatviz"], [sys.executable, "-m", "flatviz"]])
def test_console_script_and_module(launcher: list[str], tmp_path: Path) -> None:
    if launcher == ["flatviz"]:
        launcher = [str(Path(sys.executable).with_name("flatviz"))]
    ok = subprocess.run([*launcher, "arange(2, 3).t()"], capture_output=True, text=True)
    assert ok.returncode == 0
    assert ok.stdout.startswith("flatten(start_dim=0, end_dim=1)")
    bad = subprocess.run([*launcher, "arange(2).__class__"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr == "flatviz: error: attribute '__class__' is not allowed\n"


_MEMORY = """
import json, resource, sys
from flatviz.cli import main
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
main([sys.argv[1], "-s", "1", "-o", sys.argv[2]])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps((after - before) * 1024))
"""


@pytest.mark.parametrize(
    "expression",
    [
        "empty(1024, 3, 1024, 1024).contiguous(memory_format=channels_last)",
        "arange(1000, 1000, 12).transpose(0, 2)",
    ],
)
def test_cli_stays_within_its_memory_budget(expression: str, tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY, expression, str(tmp_path / "d.png")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    grew = json.loads(out.stdout)
    assert grew < MAX_BYTES * 1.2, f"peak memory grew by {grew / 2**20:.0f} MB"


def test_the_abbreviation_argparse_would_accept_is_refused() -> None:
    """The refusal above is flatviz's choice, not argparse's default: a stock parser with the
    same option takes `--start` for `--start-dim`."""
    stock = argparse.ArgumentParser()
    stock.add_argument("--start-dim", type=int)
    assert stock.parse_args(["--start", "1"]).start_dim == 1


def help_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What `flatviz ARGV` prints before exiting with status 0."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_the_usage_shows_the_doctor(capsys: pytest.CaptureFixture[str]) -> None:
    doctor_usage = help_text(["doctor", "-h"], capsys).split("\n\n")[0]
    usage = help_text(["-h"], capsys).split("\n\n")[0]
    assert usage.startswith("usage: flatviz [-h] [--version]")
    doctor_lines = doctor_usage.removeprefix("usage: ").splitlines()
    assert [line.strip() for line in usage.splitlines()[-len(doctor_lines) :]] == [
        line.strip() for line in doctor_lines
    ]


def test_version_is_the_projects(capsys: pytest.CaptureFixture[str]) -> None:
    """One source: the wheel's version is read from flatviz/__init__.py (the release check
    compares the built metadata), and --version prints it."""
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert '[tool.hatch.version]\npath = "flatviz/__init__.py"' in pyproject
    assert re.fullmatch(r"\d+\.\d+\.\d+", flatviz.__version__)
    assert help_text(["--version"], capsys) == f"flatviz {flatviz.__version__}\n"


_NO_TORCH = """
import contextlib, io, sys
from flatviz.cli import main
code = None
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit as exit_:
        code = exit_.code
print(code, sorted({m.partition(".")[0] for m in sys.modules} & {"torch", "numpy", "matplotlib"}))
"""


@pytest.mark.parametrize(
    "argv",
    [["doctor", "-h"], ["doctor", "net.py:Net"], ["doctor", "net.py", "--input", "8"], ["-h"]],
)
def test_help_and_usage_errors_answer_before_importing_torch(argv: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _NO_TORCH, *argv], capture_output=True, text=True, check=True
    )
    assert run.stdout.split(" ", 1)[1] == "[]\n"
    assert run.stdout.split(" ", 1)[0] in {"0", "2"}
