"""The hosted CI runs the same commands as the README."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def run_steps(workflow: str) -> list[str]:
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())["jobs"]
    return [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]


def test_ci_and_deploy_use_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert run_steps("test.yml") == ["make test"]
    assert run_steps("docs.yml") == ["make build"]
    assert "make test" in readme and "make build" in readme
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")
