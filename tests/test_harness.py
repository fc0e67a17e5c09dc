"""The suite runs every usual way: with two xdist workers (``make test``), which keep the book's
tests together in one worker, and without xdist (``-p no:xdist``, ``-n 0``), as one process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from suite import BOOK_TEST_FILES, REPO_ROOT

# each test notes the worker that ran it; pytest-xdist names them gw0, gw1, ...
INNER = '''
import os, pytest

@pytest.mark.parametrize("i", range(4))
def test_unit(i):
    print("ran on", os.environ.get("PYTEST_XDIST_WORKER", "main"))
'''


def inner_project(tmp_path: Path, book_files: list[str], other_files: list[str]) -> Path:
    """The suite's real conftest.py and scheduling plugin, with small test modules of our own:
    some named as the book's test files, some not."""
    for name in ("conftest.py", "suite.py", "book_scheduling.py"):
        shutil.copyfile(REPO_ROOT / "tests" / name, tmp_path / name)
    for name in book_files + other_files:
        (tmp_path / name).write_text(INNER)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return tmp_path


def run_inner(project: Path, *options: str) -> tuple[subprocess.CompletedProcess, dict[str, set[str]]]:
    """Run pytest on the project; which workers ran each module."""
    # the outer run's options and worker name are not the inner run's
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS" and not k.startswith("PYTEST_XDIST")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider", *options, str(project)],
                         capture_output=True, text=True, cwd=project, env=env, timeout=300)
    workers: dict[str, set[str]] = {}
    # xdist: "[gw1] PASSED test_x.py::test_unit[0]"; one process: "test_x.py::test_unit[0] ran on main"
    for worker, module in re.findall(r"^\[(gw\d+)\] [^\n]*?PASSED ([\w.]+)::", run.stdout, re.M):
        workers.setdefault(module, set()).add(worker)
    for module in re.findall(r"^([\w.]+)::test_unit\[\d\] ran on main", run.stdout, re.M):
        workers.setdefault(module, set()).add("main")
    return run, workers


@pytest.mark.slow  # 3 s: a pytest run with two workers in a subprocess
def test_two_workers_keep_the_books_tests_in_one(tmp_path):
    book = sorted(BOOK_TEST_FILES)[:3]
    project = inner_project(tmp_path, book, ["test_alpha.py", "test_beta.py", "test_gamma.py", "test_delta.py"])
    run, workers = run_inner(project, "-n", "2")
    assert run.returncode == 0 and "28 passed" in run.stdout, run.stdout[-3000:] + run.stderr[-3000:]
    book_workers = set().union(*(workers[name] for name in book))
    assert len(book_workers) == 1, f"the book's tests ran on {sorted(book_workers)}: {workers}"
    # the other modules are shared out: the second worker is not idle
    assert set().union(*workers.values()) == {"gw0", "gw1"}, workers


@pytest.mark.slow  # 3 s: two pytest runs in subprocesses
def test_without_xdist_the_suite_is_one_plain_process(tmp_path):
    project = inner_project(tmp_path, sorted(BOOK_TEST_FILES)[:1], ["test_alpha.py"])
    for options in (["-p", "no:xdist"], ["-n", "0"]):
        run, workers = run_inner(project, *options)
        assert run.returncode == 0 and "8 passed" in run.stdout, (options, run.stdout[-3000:] + run.stderr[-3000:])
        assert set().union(*workers.values()) == {"main"}, (options, workers)
