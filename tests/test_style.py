"""Lint and types are part of the test command: ruff over the code, mypy over the library."""

from __future__ import annotations

import subprocess
import sys

from suite import REPO_ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    done = run("ruff", "check", "--no-cache", "lib", "tests", "_ext", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing_in_the_library():
    done = run("mypy", "lib/annotator_incentives")
    assert done.returncode == 0, done.stdout + done.stderr
