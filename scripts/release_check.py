"""Build flatviz's sdist and wheel and check them as the release workflow does, before upload.

    python scripts/release_check.py --out dist [--venvs DIR] [--tag v0.1.0] [--all]

Builds with the pinned hatchling already installed (no download), runs `twine check
--strict`, checks the wheel's metadata (license file, project URLs, classifiers, no
required dependency, the version), installs the wheel with no index into a fresh virtual
environment and runs scripts/smoke.py there; with `--all`, installs `flatviz[all]` against
constraints.txt into a second one and smoke-tests that too. The environments go under
`--venvs` (by default a temporary folder, removed at the end), never into `--out`.
`make test` runs all but `--all` (tests/package/test_release.py); the release workflow
runs everything.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = {"Documentation", "Source", "Issues", "Changelog"}


def run(*command: str | Path, cwd: Path = ROOT) -> None:
    """Run a command with no PYTHONPATH (so a checkout never stands in for the install)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    print("$", " ".join(map(str, command)), flush=True)
    if subprocess.run([str(c) for c in command], cwd=cwd, env=env).returncode:
        raise SystemExit(f"release check failed at: {' '.join(map(str, command))}")


def version() -> str:
    """`__version__` as flatviz/__init__.py spells it, the one source of the version."""
    for line in (ROOT / "flatviz" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__ = "):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("no __version__ in flatviz/__init__.py")


def check_metadata(wheel: Path, sdist: Path, want: str) -> None:
    """The wheel's METADATA has what PyPI shows, and both archives carry the license."""
    with zipfile.ZipFile(wheel) as archive:
        info = f"flatviz-{want}.dist-info"
        meta = HeaderParser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
        licensed = f"{info}/licenses/LICENSE" in archive.namelist()
    problems = []
    if meta["Version"] != want:
        problems.append(f"Version {meta['Version']!r}, expected {want!r}")
    if meta["License-Expression"] != "MIT" or meta.get_all("License-File") != ["LICENSE"]:
        problems.append("License-Expression MIT and License-File LICENSE")
    if not licensed:
        problems.append("LICENSE in the wheel's .dist-info/licenses/")
    urls = {u.split(",")[0] for u in meta.get_all("Project-URL") or []}
    if urls != URLS:
        problems.append(f"Project-URLs {sorted(urls)}, expected {sorted(URLS)}")
    if len(meta.get_all("Classifier") or []) < 5:
        problems.append("classifiers")
    required = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    if required:
        problems.append(f"required dependencies {required}: the core installs with none")
    with tarfile.open(sdist) as archive:
        if f"flatviz-{want}/LICENSE" not in archive.getnames():
            problems.append("LICENSE in the sdist")
    if problems:
        raise SystemExit("metadata check failed: " + "; ".join(problems))
    print(f"ok: metadata of {wheel.name} and {sdist.name}")


def venv(where: Path, *requirements: str) -> Path:
    """A fresh virtual environment (no pip of its own) with `requirements` installed by this
    interpreter's pip; returns its python."""
    run(sys.executable, "-m", "venv", "--without-pip", where)
    python = where / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", *requirements)
    return python


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="where the sdist and wheel go")
    parser.add_argument("--venvs", type=Path, help="where the test environments go")
    parser.add_argument("--tag", help="the release tag, which must be v + __version__")
    parser.add_argument("--all", action="store_true", help="also smoke-test flatviz[all]")
    args = parser.parse_args(argv)
    want = version()
    if args.tag is not None and args.tag != f"v{want}":
        raise SystemExit(f"tag {args.tag!r} does not match __version__ {want!r}")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    run(sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out)
    wheel, sdist = out / f"flatviz-{want}-py3-none-any.whl", out / f"flatviz-{want}.tar.gz"
    run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    check_metadata(wheel, sdist, want)
    with tempfile.TemporaryDirectory() as scratch:
        smoke_test(wheel, (args.venvs or Path(scratch)).resolve(), args.all)


def smoke_test(wheel: Path, venvs: Path, extras: bool) -> None:
    """Install the wheel alone (no index: nothing else may be needed) and run smoke.py core;
    with `extras`, install flatviz[all] against constraints.txt and run smoke.py all."""
    smoke = ROOT / "scripts" / "smoke.py"
    core = venv(venvs / "core", "--no-index", str(wheel))
    run(core, smoke, "core", cwd=venvs)
    if extras:
        constraints = str(ROOT / "constraints.txt")
        python = venv(venvs / "all", "-c", constraints, f"flatviz[all] @ {wheel.as_uri()}")
        run(python, smoke, "all", cwd=venvs)


if __name__ == "__main__":
    main()
