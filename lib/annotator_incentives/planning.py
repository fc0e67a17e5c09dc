"""Planning an annotation programme: which monitor, how many checks, which contract.

:func:`plan` combines the assessment results (exact sample sizes of expert-based and
self-consistency monitoring, Propositions 2-4) with the exact contract solver (binary and
linear contracts for the chosen number of checks). Inputs can be a dataset of the registry, a
file of the user's own preference probabilities or scores, and a utility profile written in a
small TOML file (:func:`profile_from_toml`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import contracts, monitoring
from .data import DATASETS, SAMPLES, DataError, Scores, load_preference_data, preference_probabilities
from .utility import PROFILES, ProfileError, UtilityProfile, cara, profile

__all__ = ["PlanningError", "p_from_file", "profile_from_toml", "plan", "format_plan"]


class PlanningError(ValueError):
    """A planning request that cannot be answered as asked."""


def p_from_file(path: str | os.PathLike[str]) -> tuple[np.ndarray, str]:
    """Preference probabilities from a CSV or Parquet file: a column ``p`` in [0, 1], or the
    columns ``chosen_score`` and ``rejected_score`` (then p = sigmoid of their difference, as in
    the book's data chapter, folded, ties dropped). Returns (p folded to >= 1/2, description)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such file: {path}")
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        frame = pd.read_csv(path)
    else:
        raise DataError(f"{path}: unsupported file type {path.suffix!r}; use .csv or .parquet")
    if frame.empty:
        raise DataError(f"{path}: the file has no rows")
    if "p" in frame.columns:
        p = pd.to_numeric(frame["p"], errors="coerce")
        if p.isna().any():
            raise DataError(f"{path}: column p has {int(p.isna().sum())} missing or non-numeric value(s)")
        if ((p < 0) | (p > 1)).any():
            bad = p[(p < 0) | (p > 1)].iloc[0]
            raise DataError(f"{path}: column p must lie in [0, 1]; found {bad}")
        values = p.to_numpy(float)
        return np.maximum(values, 1 - values), f"{len(values):,} preference probabilities from {path}"
    if {"chosen_score", "rejected_score"} <= set(frame.columns):
        chosen = pd.to_numeric(frame["chosen_score"], errors="coerce").to_numpy(float)
        rejected = pd.to_numeric(frame["rejected_score"], errors="coerce").to_numpy(float)
        data = preference_probabilities(Scores("file", path.name, chosen, rejected, str(path), False, False))
        return data.p, f"{data.n_eval:,} pairs (evaluation half of {data.n_pairs:,}) scored in {path}"
    raise DataError(f"{path}: needs a column p, or the columns chosen_score and rejected_score; found {', '.join(map(str, frame.columns))}")


_MU = {
    "power": lambda a: (lambda e: a["scale"] * np.power(np.asarray(e, float), a["power"])),
    "exp": lambda a: (lambda e: a["scale"] * -np.expm1(-a["rate"] * np.asarray(e, float))),
    "log": lambda a: (lambda e: a["scale"] * np.log1p(a["rate"] * np.asarray(e, float))),
}
_MU_KEYS = {"power": ("scale", "power"), "exp": ("scale", "rate"), "log": ("scale", "rate")}


def profile_from_toml(path: str | os.PathLike[str]) -> UtilityProfile:
    """A utility profile from a TOML file, for example::

        name = "my-team"
        U0 = 0.0
        wage_bounds = [-10.0, 10.0]
        [G]                      # G(w) = scale (1 - exp(-rate w))
        kind = "cara"
        rate = 1.0
        scale = 1.0
        [E]                      # E(eta) = sum_i coefficients[i] eta^i
        coefficients = [0.0, 0.02, 0.18]
        [mu]                     # power: scale eta^power; exp: scale (1 - exp(-rate eta)); log: scale log(1 + rate eta)
        kind = "exp"
        scale = 0.5
        rate = 1.2

    The model's assumptions are checked; a violation names the assumption."""
    path = Path(path)
    try:
        config = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ProfileError(f"no such profile file: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML ({error})") from None

    def section(name: str) -> dict[str, Any]:
        if not isinstance(config.get(name), dict):
            raise ProfileError(f"{path}: missing section [{name}]")
        return config[name]

    g = section("G")
    if g.get("kind", "cara") != "cara":
        raise ProfileError(f"{path}: [G] kind must be 'cara' (G(w) = scale (1 - exp(-rate w))); got {g.get('kind')!r}")
    try:
        G, G_inv, dG = cara(float(g.get("rate", 1.0)), float(g.get("scale", 1.0)))
        coefficients = [float(v) for v in section("E")["coefficients"]]
        m = section("mu")
        kind = m.get("kind")
        if kind not in _MU:
            raise ProfileError(f"{path}: [mu] kind must be one of {', '.join(_MU)}; got {kind!r}")
        mu = _MU[kind]({key: float(m[key]) for key in _MU_KEYS[kind]})
        bounds = [float(v) for v in config.get("wage_bounds", [-10.0, 10.0])]
    except KeyError as missing:
        raise ProfileError(f"{path}: missing key {missing}") from None
    except (TypeError, ValueError) as error:
        raise ProfileError(f"{path}: {error}") from None
    if len(bounds) != 2:
        raise ProfileError(f"{path}: wage_bounds must be [low, high]")
    polynomial = np.polynomial.Polynomial(coefficients)
    derivative = polynomial.deriv()
    return UtilityProfile(
        str(config.get("name", path.stem)), G=G, G_inv=G_inv, dG=dG,
        E=lambda e: polynomial(np.asarray(e, float)), dE=lambda e: derivative(np.asarray(e, float)),
        mu=mu, U0=float(config.get("U0", 0.0)), w_lo=bounds[0], w_hi=bounds[1],
        cara=(float(g.get("rate", 1.0)), float(g.get("scale", 1.0))), description=f"from {path}",
    )


def plan(
    *,
    p: np.ndarray | None = None,
    dataset: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    delta: float = 0.05,
    eta0: float = 0.8,
    eta1: float = 0.95,
    error: float = 0.1,
    utility: UtilityProfile | str = "baseline",
    n: int | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Compare the two monitors for the test H0: eta <= eta0 against H1: eta >= eta1 at a
    target error sum, then solve the best binary and linear contracts with n checks (default:
    the smaller of the two sample sizes); ``source`` describes supplied p. Returns a JSON-ready
    dictionary."""
    if (p is None) == (dataset is None):
        raise PlanningError("give either preference probabilities (a file) or a dataset name, not both")
    if dataset is not None:
        data = load_preference_data(dataset, data_dir)
        p, source = data.p, data.provenance()
    else:
        source = source or f"{len(p):,} preference probabilities supplied"
    if not 0 < error < 1:
        raise PlanningError(f"the target error sum must lie in (0, 1); got {error}")
    if not 0 <= eta0 < eta1 <= 1:
        raise PlanningError(f"need 0 <= eta0 < eta1 <= 1 (careless at or below eta0, careful at or above eta1); got eta0={eta0}, eta1={eta1}")
    if not 0 <= delta < 1:
        raise PlanningError(f"delta must lie in [0, 1); got {delta}")
    prof = profile(utility) if isinstance(utility, str) else utility
    expert = monitoring.expert_monitor(p)
    selfc = monitoring.self_consistency_monitor(delta)
    methods = {}
    for name, monitor in (("expert", expert), ("self-consistency", selfc)):
        q0, q1 = float(monitor.q(eta0)), float(monitor.q(eta1))
        methods[name] = {"c": monitor.c, "fisher_information": float(monitor.fisher((eta0 + eta1) / 2)),
                         "samples_needed": monitoring.samples_needed(error, q0, q1)}
    methods["expert"]["any_expert_test_needs_at_least"] = monitoring.samples_needed_lower_bound(
        error, monitoring.expert_kl_divergence(p, eta0, eta1))
    best = min(methods, key=lambda m: methods[m]["samples_needed"])
    checks = int(n) if n is not None else methods[best]["samples_needed"]
    if checks < 1:
        raise PlanningError(f"n must be at least 1; got {checks}")
    fb = contracts.first_best(prof)
    offers = {}
    for name in methods:
        offers[name] = {}
        for kind in ("binary", "linear"):
            s = contracts.solve(kind, checks, methods[name]["c"], prof, "unrestricted")
            offers[name][kind] = {
                "base_wage": s.params.get("w0"), ("bonus" if kind == "binary" else "slope"): s.params.get("w1"),
                **({"threshold": s.params.get("k")} if kind == "binary" else {}),
                "induced_effort": s.eta, "expected_wage": s.expected_wage,
                "principal_utility": s.principal_utility, "gap_to_first_best": s.gap, "relative_gap": s.normalised_gap,
            }
    return {
        "data": source, "c_bar": expert.c, "test": {"eta0": eta0, "eta1": eta1, "target_error_sum": error, "delta": delta},
        "monitoring": methods, "recommended_monitor": best,
        "profile": {"name": prof.name, "description": prof.description,
                    "first_best": {"effort": fb.eta, "wage": fb.wage, "principal_utility": fb.value}},
        "n": checks, "contracts": offers,
    }


def format_plan(result: dict[str, Any]) -> str:
    """A short human-readable report of :func:`plan`'s result."""
    t, m = result["test"], result["monitoring"]
    lines = [
        f"Data: {result['data']}",
        f"Test: H0 eta <= {t['eta0']} against H1 eta >= {t['eta1']}, target type I + type II error {t['target_error_sum']}",
        "",
        "Monitoring (exact binomial tests):",
        f"  expert agreement (c-bar = {m['expert']['c']:.3f}): {m['expert']['samples_needed']:,} checked labels"
        f" (no expert test can do with fewer than {m['expert']['any_expert_test_needs_at_least']:,})",
        f"  self-consistency (delta = {t['delta']}): {m['self-consistency']['samples_needed']:,} repeated pairs",
        f"  -> {result['recommended_monitor']} needs fewer inspected samples",
        "",
        f"Contracts with n = {result['n']} checks, profile {result['profile']['name']} "
        f"(first-best: effort {result['profile']['first_best']['effort']:.3f}, utility {result['profile']['first_best']['principal_utility']:.4f}):",
    ]
    def money(x: float) -> str:
        return f"{round(x, 4) + 0.0:.4f}"  # + 0.0 turns a rounded -0.0 into 0.0

    for monitor, offers in result["contracts"].items():
        for kind, o in offers.items():
            pay = (f"base {money(o['base_wage'])} + bonus {money(o['bonus'])} if at least {o['threshold']} of {result['n']} checks pass"
                   if kind == "binary" else f"{money(o['base_wage'])} + {money(o['slope'])} x (share of passed checks)")
            lines.append(f"  {monitor:>16}, {kind:>6}: {pay}; effort {o['induced_effort']:.3f}, "
                         f"gap {o['gap_to_first_best']:.2e} ({100 * o['relative_gap']:.2f}% of first-best)")
    return "\n".join(lines)


def known_inputs() -> str:
    """The dataset and profile names the planner accepts."""
    return f"datasets: {', '.join([*DATASETS, *SAMPLES])}; profiles: {', '.join(PROFILES)}"
