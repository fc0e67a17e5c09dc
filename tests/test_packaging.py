"""The package installs what the book and tests need, and conda users get the same list."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import REPO_ROOT


def normalise(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "").replace("==", "=")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = {normalise(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {normalise(r) for r in extra}
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    listed = set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            listed |= {normalise(r) for r in entry["pip"]}
        elif entry != "pip" and not entry.startswith("python="):
            listed.add(normalise(entry))
    assert listed == wanted, f"only in environment.yml: {listed - wanted}; only in pyproject: {wanted - listed}"


def test_jupyter_book_is_pinned_below_2():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert "jupyter-book>=1.0.4,<2" in project["optional-dependencies"]["book"]


def test_ci_runs_the_readme_test_command():
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()
