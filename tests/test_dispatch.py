"""A second CPU in every test run: the numerical tests once more in a subprocess, with numpy's
highest SIMD tier on this machine switched off (``NPY_DISABLE_CPU_FEATURES``), so that exp, log
and power take other code paths, as on a CPU without that tier. They must pass under both.

The tier is read from numpy, not written here: the dispatch targets this CPU has of the AVX-512
group (X86_V4 and the AVX512_* levels above it) or, without AVX-512, of the AVX2/FMA3 group
(X86_V3, or AVX, F16C, FMA3, AVX2 under numpy's older names). Elsewhere (a CPU with only the
baseline numpy was built for, or not x86) there is nothing to lower and the test says so."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from numpy._core import _multiarray_umath as simd

from conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # about a minute: a second run of the numerical tests

NUMERICAL_TESTS = ("test_contracts_answers.py", "test_binomial.py", "test_monitoring.py", "test_rates.py",
                   "test_utility.py", "test_welfare.py", "test_grid_reference.py")
TIERS = (
    ("AVX-512", lambda target: target == "X86_V4" or target.startswith("AVX512")),
    ("AVX2/FMA3", lambda target: target in ("X86_V3", "AVX", "F16C", "FMA3", "AVX2")),
)


def highest_tier() -> tuple[str, list[str]] | None:
    """(name, numpy's dispatch targets in it that this CPU has) of the highest tier numpy can
    switch off here; None when there is none."""
    present = [target for target in simd.__cpu_dispatch__ if simd.__cpu_features__.get(target)]
    for name, member in TIERS:
        targets = [target for target in present if member(target)]
        if targets:
            return name, targets
    return None


def run_lowered(targets: list[str], *args: str) -> subprocess.CompletedProcess:
    """``python *args`` in the checkout with ``targets`` switched off; the hermetic settings of
    conftest (HF_HUB_OFFLINE, ...) are in os.environ and carry over, pytest-xdist's don't."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST"))}
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(targets)
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1200)


def test_numerical_tests_pass_with_the_highest_simd_tier_switched_off():
    tier = highest_tier()
    if tier is None:
        pytest.skip(f"nothing to lower: numpy's dispatch targets {simd.__cpu_dispatch__} above its baseline "
                    f"{simd.__cpu_baseline__} include no AVX-512 or AVX2 tier this CPU has")
    name, targets = tier
    check = run_lowered(targets, "-W", "error::ImportWarning", "-c",
                        "from numpy._core import _multiarray_umath as m; print(' '.join(sorted(t for t in m.__cpu_dispatch__ "
                        "if m.__cpu_features__.get(t))))")
    assert check.returncode == 0, check.stderr[-2000:]  # numpy refuses names it cannot switch off
    assert not set(targets) & set(check.stdout.split()), f"{name} ({targets}) still on: {check.stdout}"
    run = run_lowered(targets, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q",
                      *(f"tests/{file}" for file in NUMERICAL_TESTS))
    assert run.returncode == 0, f"with {name} off ({' '.join(targets)}):\n{run.stdout[-6000:]}{run.stderr[-2000:]}"
