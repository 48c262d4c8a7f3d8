"""flatviz.live, the explorer page's entry point, answers as the `flatviz` command does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flatviz.live import render


def flatviz(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, run as a shell would run it."""
    command = [sys.executable, "-m", "flatviz", *argv]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("expression", "start_dim", "end_dim", "name", "cell_text"),
    [
        ("arange(2, 3, 4).transpose(1, 2)", "1", "-1", "x", "address"),
        ("arange(10).unfold(0, 4, 2)", "0", "-1", "-h", "values"),
    ],
)
def test_same_plan_and_svg_as_the_command(
    expression: str, start_dim: str, end_dim: str, name: str, cell_text: str, tmp_path: Path
) -> None:
    options = [
        *("--start-dim", start_dim, "--end-dim", end_dim),
        *(f"--name={name}", "--labels", cell_text),  # the flag's older spelling, still taken
    ]
    plan = flatviz(expression, *options, cwd=tmp_path)
    drawn = flatviz(expression, *options, "-o", "x.svg", cwd=tmp_path)
    assert plan.returncode == drawn.returncode == 0, plan.stderr + drawn.stderr
    view = render(expression, start_dim, end_dim, name, cell_text)
    assert view["plan"] + "\n" == plan.stdout
    assert view["svg"] == (tmp_path / "x.svg").read_text(encoding="utf-8")
    assert view["command"].startswith("flatviz ")
    assert view["command"].endswith(f" -o x.svg -- '{expression}'")


@pytest.mark.parametrize(
    ("expression", "start_dim"),
    [("arange(2, 3)[5]", "0"), ("-1", "0"), ("--help", "0"), ("arange(2)", ""), ("arange(2)", "3")],
)
def test_bad_input_gives_the_commands_one_error_line(
    expression: str, start_dim: str, tmp_path: Path
) -> None:
    run = flatviz("--start-dim", start_dim, "--", expression, cwd=tmp_path)
    assert run.returncode == 2
    assert render(expression, start_dim) == {"error": run.stderr.removesuffix("\n")}
    assert "\n" not in render(expression, start_dim)["error"]


def test_one_keystroke_evaluates_the_expression_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page calls render on every edit: it parses and evaluates once, not once for the
    plan and again for the SVG."""
    import flatviz.expr

    calls: list[str] = []
    evaluate = flatviz.expr.evaluate

    def counted(text: str) -> object:
        calls.append(text)
        return evaluate(text)

    monkeypatch.setattr(flatviz.expr, "evaluate", counted)
    view = render("arange(2, 3, 4).transpose(1, 2)", "1")
    assert set(view) == {"plan", "svg", "command"}
    assert calls == ["arange(2, 3, 4).transpose(1, 2)"]
