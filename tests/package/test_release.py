"""The release path, short of the upload: scripts/release_check.py builds the sdist and the
wheel, runs twine check, checks the metadata, installs the wheel alone in a fresh virtual
environment and smoke-tests it there (scripts/smoke.py core). The release workflow runs
the same script, plus a flatviz[all] install this test leaves out: it copies about 1 GB of
torch and matplotlib into a new environment (about 45 s here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest
import yaml

import flatviz
from flatviz.expr import evaluate

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
EXPR = "arange(2, 3, 4).transpose(1, 2)"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The folder the check built into and smoke-tested under, and what it printed."""
    where = tmp_path_factory.mktemp("release")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = ROOT / "scripts" / "release_check.py"
    command = [sys.executable, script, "--out", where / "dist", "--venvs", where / "venvs"]
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return where, run.stdout


def test_the_check_runs_every_step(release: tuple[Path, str]) -> None:
    where, out = release
    assert sorted(p.name for p in (where / "dist").iterdir()) == [
        f"flatviz-{flatviz.__version__}-py3-none-any.whl",
        f"flatviz-{flatviz.__version__}.tar.gz",
    ]
    assert out.count("PASSED") == 2  # twine check --strict, on the wheel and the sdist
    for line in [
        "ok: import flatviz loads no torch, numpy or matplotlib",
        f"ok: flatviz {flatviz.__version__}",
        "ok: -o x.png names the [png] extra",
        "ok: ImportError: flatviz.doctor needs torch: pip install 'flatviz[torch]'",
    ]:
        assert line in out.splitlines()


def test_the_wheel_metadata_is_what_pypi_shows(release: tuple[Path, str]) -> None:
    where, _ = release
    wheel = where / "dist" / f"flatviz-{flatviz.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        info = f"flatviz-{flatviz.__version__}.dist-info"
        meta = HeaderParser().parsestr(archive.read(f"{info}/METADATA").decode())
        license_text = archive.read(f"{info}/licenses/LICENSE").decode()
    assert meta["License-Expression"] == "MIT" and meta.get_all("License-File") == ["LICENSE"]
    assert license_text == (ROOT / "LICENSE").read_text() and "MIT License" in license_text
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert sorted(urls) == ["Changelog", "Documentation", "Issues", "Source"]
    assert all(u.startswith("https://") for u in urls.values())
    assert "Programming Language :: Python :: 3" in meta.get_all("Classifier")
    required = meta.get_all("Requires-Dist")
    assert all("; extra ==" in r for r in required), required  # the core needs nothing
    extras = meta.get_all("Provides-Extra")
    assert {"png", "torch", "all"} <= set(extras)
    assert meta.get_payload().startswith("# flatviz\n")


def test_the_installed_command_writes_the_checkouts_bytes(release: tuple[Path, str]) -> None:
    where, _ = release
    command = where / "venvs" / "core" / "bin" / "flatviz"
    out = where / "x.svg"
    run = subprocess.run([command, EXPR, "-s", "1", "-o", out], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.read_text() == flatviz.svg(evaluate(EXPR), 1)


def test_the_release_workflow_runs_the_check_and_publishes_by_trust() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML reads the key `on` as True
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert runs[-1] == ('python scripts/release_check.py --out dist --tag "$GITHUB_REF_NAME" --all')
    assert "cpu" in build["env"]["PIP_EXTRA_INDEX_URL"]  # never CUDA torch
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in step.get("with", {}) for step in publish["steps"])


def test_the_readme_reads_right_on_pypi() -> None:
    """PyPI shows the README as the project page: it opens with the install line and the
    extras, and every link is absolute (a relative one breaks there)."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```text\n(.*?)```", readme, re.S)
    assert blocks[0] == "pip install flatviz\n"
    assert readme.index("pip install flatviz") < readme.index("\n## ")
    for extra in ("png", "torch", "all"):
        assert f"pip install 'flatviz[{extra}]'" in blocks[1]
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert links and [u for u in links if not u.startswith("https://")] == []
