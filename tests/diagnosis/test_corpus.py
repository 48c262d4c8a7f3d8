"""The doctor on the corpus of issue 14: real broken models and sound zoo architectures.

Ground truth is torch on CPU: each broken model raises, or returns rows that are not its
samples, and each hand-written fix runs at two batch sizes with the batch in dim 0. The
doctor must name each bug's kind, place and numbers; its `--diff`, applied with `git apply`
to a copy of the model's file, must give a model that computes what the hand-written fix
computes (same weights, same outputs) and that the doctor then calls clean. Sound models
must get no error.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import re
import shutil
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch
from torch import nn

import flatviz
from flatviz.cli import main
from flatviz.diagnosis import Finding, Report
from tests.diagnosis.corpus.cases import Sound, call, first_tensor
from tests.helpers.examples import some

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = CORPUS.parents[2]
BROKEN = sorted(p.stem for p in CORPUS.glob("broken_*.py"))
SOUND_MODULES = ("sound_torchvision", "sound_timm", "sound_transformers")


def broken(name: str) -> ModuleType:
    return importlib.import_module(f"tests.diagnosis.corpus.{name}")


def sound_cases() -> dict[str, tuple[str, str, Sound]]:
    """Every sound case by name: its module, the factory's name, and the case."""
    cases = {}
    for module in SOUND_MODULES:
        for name, case in importlib.import_module(f"tests.diagnosis.corpus.{module}").CASES.items():
            cases[name] = (module, case.build.__name__, case)
    return cases


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Any attempt to open a network connection fails: the zoos must build from code."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access while building a model: {args}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        yield


def build(module: ModuleType) -> nn.Module:
    model: nn.Module = getattr(module, getattr(module, "ATTR", "Net"))()
    return model


def example(module: ModuleType, batch: int | None = None) -> Any:
    """The model's example input at its own batch size, or at `batch` (unbatched inputs
    get the batch dim when a batch is asked for)."""
    gen = torch.Generator().manual_seed(0)
    shapes = []
    for shape in module.INPUTS:
        if batch is not None:
            shape = (batch, *shape) if getattr(module, "UNBATCHED", False) else (batch, *shape[1:])
        shapes.append(shape)
    tensors = tuple(torch.randn(s, generator=gen) for s in shapes)
    return tensors[0] if len(tensors) == 1 else tensors


def batches(module: ModuleType) -> tuple[int, int]:
    """Two batch sizes to check a fix at: the example's and twice it (1 and 2 when the
    example is one unbatched sample)."""
    if getattr(module, "UNBATCHED", False):
        return 1, 2
    b = module.INPUTS[0][0]
    return b, 2 * b


def run(model: nn.Module, inputs: Any) -> torch.Tensor:
    """The model's main output on CPU, eval mode, no grad (user warnings allowed)."""
    model.eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return first_tensor(call(model, inputs))


def keeps_batch(model: nn.Module, module: ModuleType) -> bool:
    """The model runs at both batch sizes and returns one row per sample."""
    try:
        return all(run(model, example(module, b)).shape[0] == b for b in batches(module))
    except RuntimeError:
        return False


def line_of(path: Path, text: str) -> int:
    """The 1-based line of `path` that starts with `text` (after its indent): one only."""
    lines = path.read_text().splitlines()
    hits = [i for i, line in enumerate(lines, 1) if line.strip().startswith(text)]
    assert len(hits) == 1, f"{text!r} occurs on lines {hits} of {path.name}"
    return hits[0]


def at_place(where: str, places: tuple[str, ...], path: Path) -> bool:
    """Whether a finding's place is one of `places`: `module:QUALNAME` (the module's
    qualified name, exactly) or `line:SOURCE` (that source line of the model's file)."""
    for place in places:
        kind, _, text = place.partition(":")
        if kind == "module" and where == text:
            return True
        if kind == "line" and f"{path.name}:{line_of(path, text)}" in where:
            return True
    return False


def kinds_of(expected: dict[str, Any]) -> tuple[str, ...] | None:
    kind = expected["kind"]
    return None if kind is None else (kind,) if isinstance(kind, str) else tuple(kind)


def same_function(model: nn.Module, fixed: nn.Module, module: ModuleType) -> bool:
    """With the patched model's weights copied into the known-good fix (by position, so
    shapes must agree), both give the same outputs at both batch sizes."""
    mine = [*model.parameters(), *model.buffers()]
    theirs = [*fixed.parameters(), *fixed.buffers()]
    if [t.shape for t in mine] != [t.shape for t in theirs]:
        return False
    with torch.no_grad():
        for src, dst in zip(mine, theirs, strict=True):
            dst.copy_(src)
    return all(
        torch.allclose(run(model, x), run(fixed, x), atol=1e-5)
        for x in (example(module, b) for b in batches(module))
    )


def cli(args: list[str]) -> tuple[int, str, str]:
    """`flatviz ARGS` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def cli_inputs(module: ModuleType) -> list[str]:
    texts = getattr(module, "CLI_INPUTS", None) or [",".join(map(str, s)) for s in module.INPUTS]
    return [arg for text in texts for arg in ("--input", text)]


def unified_diff(text: str) -> str:
    """The unified diff in the command's output: from its first `--- ` or `diff ` line, the
    lines a diff is made of."""
    lines = text.splitlines()
    start = next((i for i, s in enumerate(lines) if s.startswith(("--- ", "diff "))), None)
    if start is None:
        return ""
    body = []
    for line in lines[start:]:
        if not line.startswith((" ", "+", "-", "@@", "diff ", "index ", "\\")) and line:
            break
        body.append(line)
    return "\n".join(body) + "\n"


def load_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def edits(finding: Finding) -> tuple[Any, ...]:
    """The finding's structured source edits, where the doctor gives them."""
    return tuple(getattr(finding, "edits", ()))


def report_text(report: Report) -> str:
    return "\n" + str(report)


# ground truth: the corpus itself -----------------------------------------------------------


def test_the_corpus_is_as_large_as_issue_14_asks() -> None:
    assert len(BROKEN) >= 20
    assert len(sound_cases()) >= 25
    for name in BROKEN:
        assert "https://" in (broken(name).__doc__ or ""), f"{name} cites no source"


@pytest.mark.parametrize("name", BROKEN)
def test_broken_model_breaks_on_cpu_and_its_known_fix_runs(name: str) -> None:
    module = broken(name)
    path = Path(module.__file__ or "")
    model = build(module)
    assert not keeps_batch(model, module) or getattr(module, "UNBATCHED", False)
    if getattr(module, "UNBATCHED", False):
        with pytest.raises(RuntimeError):
            run(model, example(module))
    for make in module.FIXES:
        assert keeps_batch(make(), module), f"{make.__name__} does not keep the batch"
    names = {n for n, _ in model.named_modules()}
    for expected in module.EXPECTED:
        for place in expected["at"]:
            kind, _, text = place.partition(":")
            assert kind in ("module", "line"), place
            if kind == "module":
                assert text in names, f"{name}: no module {text!r}"
            else:
                line_of(path, text)


# the doctor on the broken models -----------------------------------------------------------


@pytest.mark.parametrize("name", BROKEN)
def test_doctor_names_each_bugs_kind_place_and_numbers(name: str) -> None:
    module = broken(name)
    path = Path(module.__file__ or "")
    report = flatviz.doctor(build(module), example(module))
    assert not report.ok, report_text(report)
    errors = report.errors
    fixes = " ".join([f.fix for f in errors] + [e.new for f in errors for e in edits(f)])
    places = tuple(p for e in module.EXPECTED for p in e["at"])
    for expected in module.EXPECTED:
        kinds = kinds_of(expected)
        found = [
            f
            for f in errors
            if (kinds is None or f.kind in kinds) and at_place(f.where, expected["at"], path)
        ]
        assert found, f"no {kinds} error at {expected['at']}:{report_text(report)}"
        for number in expected.get("numbers", ()):
            assert re.search(rf"(?<![\d.]){number}(?![\d.])", fixes), (
                f"the fix never gives {number}:{report_text(report)}"
            )
        for features, out in expected.get("linear", ()):
            assert re.search(rf"Linear\(\s*{features}\s*,\s*{out}\s*\)", fixes), (
                f"the fix never gives nn.Linear({features}, {out}):{report_text(report)}"
            )
        for word in expected.get("words", ()):
            assert word in fixes, f"the fix never says {word!r}:{report_text(report)}"
    if not getattr(module, "UNBATCHED", False):
        baked = re.search(rf"\(\s*{module.INPUTS[0][0]}\s*,\s*-1\s*\)", fixes)
        assert not baked, f"a fix holds the example's batch size:{report_text(report)}"
    strays = [f for f in errors if not at_place(f.where, places, path)]
    assert not strays, f"errors at other places: {strays}{report_text(report)}"


@pytest.mark.parametrize("name", [n for n in BROKEN if not getattr(broken(n), "UNBATCHED", 0)])
def test_the_doctors_diff_applied_gives_the_known_fix(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = broken(name)
    attr = getattr(module, "ATTR", "Net")
    shutil.copy(CORPUS / f"{name}.py", tmp_path / f"{name}.py")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        code, out, err = cli(["doctor", f"{name}.py:{attr}", *cli_inputs(module), "--diff"])
    finally:
        sys.modules.pop(name, None)
    assert code == 1, f"exit {code}\n{out}{err}"
    diff = unified_diff(out)
    assert diff.strip(), f"no diff printed:\n{out}"
    applied = subprocess.run(
        ["git", "apply", "--verbose", "-"], input=diff, cwd=tmp_path,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert applied.returncode == 0, f"{applied.stderr}\n{diff}"
    patched = load_file(tmp_path / f"{name}.py", f"patched_{name}")
    assert keeps_batch(build(patched), patched), f"the patched model is still broken:\n{diff}"
    assert any(same_function(build(patched), make(), module) for make in module.FIXES), (
        f"the patched model computes something else than the known fix:\n{diff}"
    )
    after = flatviz.doctor(build(patched), example(patched))
    assert after.ok, f"the patched model is not clean:{report_text(after)}\n{diff}"


@pytest.mark.parametrize("name", [n for n in BROKEN if getattr(broken(n), "UNBATCHED", 0)])
def test_an_unbatched_input_is_fixed_at_the_call(name: str) -> None:
    module = broken(name)
    model = build(module)
    assert flatviz.doctor(model, example(module).unsqueeze(0)).ok
    assert keeps_batch(model, module)


def test_a_shape_and_a_torch_size_stand_for_an_input() -> None:
    module = broken("broken_mnist_dropout2d")
    shape = module.INPUTS[0]
    by_tensor = flatviz.doctor(build(module), example(module))
    for given in (shape, torch.Size(shape)):
        report = flatviz.doctor(build(module), given)
        assert [(f.kind, f.where) for f in report.errors] == [
            (f.kind, f.where) for f in by_tensor.errors
        ]


@pytest.mark.parametrize(
    "name", ["broken_in_features_androidkt", "broken_lenet_mnist_view", "broken_se_block"]
)
def test_the_command_line_exits_1_on_a_broken_model_and_its_json_names_the_kind(
    name: str,
) -> None:
    module = broken(name)
    target = f"{CORPUS / name}.py:{getattr(module, 'ATTR', 'Net')}"
    code, out, err = cli(["doctor", target, *cli_inputs(module), "--json"])
    assert code == 1, f"{out}{err}"
    data = json.loads(out)
    kind = kinds_of(module.EXPECTED[0])
    assert kind is not None and any(k in json.dumps(data) for k in kind), out


# the doctor on the sound models ------------------------------------------------------------


@pytest.mark.parametrize("name", some(sorted(sound_cases())))
def test_a_sound_architecture_gets_no_error(name: str) -> None:
    _, _, case = sound_cases()[name]
    with offline():
        model = case.build()
    batch = first_tensor(case.tensors()).shape[0]
    out = run(model, case.tensors())
    assert out.shape[0] == batch  # torch runs it: the case is sound at this input
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    report = flatviz.doctor(model, case.tensors())
    assert report.errors == [], report_text(report)
    notes = [(f.kind, f.where) for f in report.findings if f.severity != "error"]
    assert len(notes) == len(set(notes)), f"notes not grouped by place:{report_text(report)}"
    assert model.training
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before), "the doctor changed the model"


#: Sound models the command line must pass (0), or call "cannot check" (3) where issue 14
#: says meta cannot run them (BERT's `.item()`, Llama's autocast, RegNet's build).
CLI_SOUND = {
    "resnet18": {0},
    "timm_swinv2_cr_tiny": {0},
    "hf_gpt2": {0},
    "regnet_y_400mf": {0, 3},
    "hf_bert": {0, 3},
    "hf_llama": {0, 3},
}


@pytest.mark.parametrize("name", sorted(CLI_SOUND))
def test_the_command_line_never_calls_a_sound_model_broken(name: str) -> None:
    module, factory, case = sound_cases()[name]
    target = f"{CORPUS / module}.py:{factory}"
    with offline():
        code, out, err = cli(["doctor", target, *case.cli()])
    assert code in CLI_SOUND[name], f"exit {code}\n{out}{err}"
    if code == 3:
        assert "cannot check" in out + err


def test_the_installed_command_exits_0_on_a_sound_model() -> None:
    _, factory, case = sound_cases()["resnet18"]
    target = f"{CORPUS / 'sound_torchvision'}.py:{factory}"
    done = subprocess.run(
        [sys.executable, "-m", "flatviz", "doctor", target, *case.cli()],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
