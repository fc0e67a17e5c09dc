"""The package installs what the book and tests need, and conda users get the same list."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from suite import REPO_ROOT


def normalise(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(normalise(r) for r in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted |= dict(normalise(r) for r in extra)
    return wanted


def locked(file: str = "lock.txt") -> dict[str, str]:
    pins = {}
    for line in (REPO_ROOT / "requirements" / file).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[normalise(match[1])[0]] = match[2]
    return pins


def markers(file: str = "lock.txt") -> dict[str, str]:
    """The environment marker of each pin that has one (``name==1.0 ; sys_platform == 'win32'``)."""
    text = (REPO_ROOT / "requirements" / file).read_text()
    return {normalise(name)[0]: marker for name, marker in re.findall(r"^([A-Za-z0-9_.\-]+)==[^\s;]+ ; (.+)$", text, re.M)}


def test_lock_pins_every_dependency_within_pyproject():
    pins = locked()
    for name, spec in pyproject_requirements().items():
        assert name in pins, f"{name} is not in requirements/lock.txt (run `make lock`)"
        assert Version(pins[name]) in SpecifierSet(spec), f"{name}=={pins[name]} breaks pyproject's {spec}"
    assert Version(pins["setuptools"]) >= Version("77")  # the wheel of the book's downloads is built offline with it


def test_the_lock_is_one_resolution_for_every_platform():
    """uv's universal resolution: the pins of Windows and macOS only are there, under markers, so
    pip installs exactly the lock on Linux, macOS and Windows (Python 3.11-3.13)."""
    found = markers()
    assert found.get("colorama") == "sys_platform == 'win32'", found
    assert found.get("appnope") == "sys_platform == 'darwin'", found
    assert "--universal" in (REPO_ROOT / "Makefile").read_text()


def test_the_readers_constraints_are_the_librarys_dependencies_at_the_locked_pins():
    """requirements/runtime.txt ships beside the downloaded notebooks as their constraints."""
    runtime, lock = locked("runtime.txt"), locked()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert {normalise(r)[0] for r in project["dependencies"]} <= set(runtime)
    for name, version in runtime.items():
        assert lock.get(name) == version, f"runtime.txt has {name}=={version}, the lock {lock.get(name)} (run `make lock`)"
    book_and_tests = {"jupyter-book", "pytest", "zizmor", "setuptools"}
    assert not book_and_tests & set(runtime), "the readers' constraints hold only what the library needs"


def test_environment_yml_pins_the_locked_versions():
    pins = locked()
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    listed = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            listed |= {normalise(r)[0]: normalise(r)[1].removeprefix("==") for r in entry["pip"]}
        elif entry != "pip" and not entry.startswith("python="):
            listed[normalise(entry)[0]] = normalise(entry)[1].removeprefix("=")
    wanted = pyproject_requirements()
    assert set(listed) == set(wanted), (
        f"only in environment.yml: {set(listed) - set(wanted)}; only in pyproject: {set(wanted) - set(listed)}"
    )
    for name, version in listed.items():
        assert version == pins[name], f"environment.yml has {name} {version or '(unpinned)'}, the lock {pins[name]}"


def test_every_file_of_the_package_data_is_in_the_wheel_listing():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["annotator_incentives"]
    package = REPO_ROOT / "lib" / "annotator_incentives"
    shipped = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    # every file of the package that is not Python source: the real data and the data registry's records
    data = {p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert package / "data" / "registry.toml" in data
    assert shipped == data


def test_jupyter_book_is_pinned_below_2():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert "jupyter-book>=1.0.4,<2" in project["optional-dependencies"]["book"]


def test_ci_runs_the_readme_test_command():
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()
