"""Another CPU on this one: numpy's highest SIMD tier here, switched off.

numpy reads ``NPY_DISABLE_CPU_FEATURES`` at import and then takes lower code paths for exp, log
and power, as on a CPU without that tier. The tier is read from numpy, not written here: the
dispatch targets this CPU has of the AVX-512 group (X86_V4 and the AVX512_* levels above it) or,
without AVX-512, of the AVX2/FMA3 group (X86_V3, or AVX, F16C, FMA3, AVX2 under numpy's older
names). Elsewhere (a CPU with only numpy's baseline, or not x86) there is nothing to lower."""

from __future__ import annotations

import os

from numpy._core import _multiarray_umath as simd

TIERS = (
    ("AVX-512", lambda target: target == "X86_V4" or target.startswith("AVX512")),
    ("AVX2/FMA3", lambda target: target in ("X86_V3", "AVX", "F16C", "FMA3", "AVX2")),
)
NOTHING_TO_LOWER = (f"nothing to lower: numpy's dispatch targets {simd.__cpu_dispatch__} above its baseline "
                    f"{simd.__cpu_baseline__} include no AVX-512 or AVX2 tier this CPU has")


def highest_tier() -> tuple[str, list[str]] | None:
    """(name, numpy's dispatch targets in it that this CPU has) of the highest tier numpy can
    switch off here; None when there is none (:data:`NOTHING_TO_LOWER` says so)."""
    present = [target for target in simd.__cpu_dispatch__ if simd.__cpu_features__.get(target)]
    for name, member in TIERS:
        targets = [target for target in present if member(target)]
        if targets:
            return name, targets
    return None


def environment(targets: list[str] | None) -> dict[str, str]:
    """This process's environment for a subprocess, with ``targets`` switched off (none: numpy's
    normal dispatch). The hermetic settings of conftest (HF_HUB_OFFLINE, ...) carry over;
    pytest-xdist's own variables and any inherited NPY_DISABLE_CPU_FEATURES don't."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST")) and k != "NPY_DISABLE_CPU_FEATURES"}
    if targets:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(targets)
    return env
