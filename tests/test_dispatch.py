"""A second CPU in every test run: the numerical tests once more in a subprocess, with numpy's
highest SIMD tier on this machine switched off (tests/dispatch.py), so that exp, log and power
take other code paths, as on a CPU without that tier. They must pass under both."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dispatch import NOTHING_TO_LOWER, environment, highest_tier
from suite import REPO_ROOT

pytestmark = pytest.mark.slow  # about a minute: a second run of the numerical tests

NUMERICAL_TESTS = ("test_contracts_answers.py", "test_binomial.py", "test_monitoring.py", "test_rates.py",
                   "test_utility.py", "test_welfare.py", "test_grid_reference.py")


def run_lowered(targets: list[str], *args: str) -> subprocess.CompletedProcess:
    """``python *args`` in the checkout with ``targets`` switched off."""
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=environment(targets), capture_output=True, text=True,
                          timeout=1200)


def test_numerical_tests_pass_with_the_highest_simd_tier_switched_off():
    tier = highest_tier()
    if tier is None:
        pytest.skip(NOTHING_TO_LOWER)
    name, targets = tier
    check = run_lowered(targets, "-W", "error::ImportWarning", "-c",
                        "from numpy._core import _multiarray_umath as m; print(' '.join(sorted(t for t in m.__cpu_dispatch__ "
                        "if m.__cpu_features__.get(t))))")
    assert check.returncode == 0, check.stderr[-2000:]  # numpy refuses names it cannot switch off
    assert not set(targets) & set(check.stdout.split()), f"{name} ({targets}) still on: {check.stdout}"
    run = run_lowered(targets, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q",
                      *(f"tests/{file}" for file in NUMERICAL_TESTS))
    assert run.returncode == 0, f"with {name} off ({' '.join(targets)}):\n{run.stdout[-6000:]}{run.stderr[-2000:]}"
