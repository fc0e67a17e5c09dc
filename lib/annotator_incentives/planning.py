"""Planning an annotation programme: which monitor, how many checks, which contract.

:func:`plan` combines the assessment results (exact sample sizes of expert-based and
self-consistency monitoring, Propositions 2-4) with the exact contract solver (binary and
linear contracts for the chosen number of checks). Inputs can be a dataset of the registry, a
file of the user's own preference probabilities or scores, and a utility profile written in a
small TOML file (:func:`~annotator_incentives.planning_inputs.profile_from_toml`); the files are
read by :mod:`annotator_incentives.planning_inputs`, whose functions are importable from here.
"""

from __future__ import annotations

import os
from typing import Any, TypedDict

import numpy as np

from . import contracts, monitoring, validation
from .data import DATASETS, SAMPLES, load_preference_data
from .data import DataError as DataError  # re-exported: the errors of the planner's inputs
from .monitoring import MonitoringError, OutOfReachError
from .planning_inputs import p_from_file, profile_from_toml
from .utility import PROFILES, UtilityProfile, profile
from .utility import ProfileError as ProfileError
from .validation import AnnotatorInputError

__all__ = [
    "PlanningError",
    "MIN_PAIRS",
    "MAX_PLAN_CHECKS",
    "DEFAULT_MARGIN",
    "p_from_file",
    "profile_from_toml",
    "plan",
    "format_plan",
]


class PlanningError(AnnotatorInputError):
    """A planning request that cannot be answered as asked.

    Examples
    --------
    >>> try:
    ...     plan(p=[0.9] * 5)
    ... except PlanningError as error:
    ...     print(error)
    a plan needs at least 10 preference probabilities ...; got 5
    """


MIN_PAIRS = 10  #: fewer preference probabilities than this do not estimate c-bar
MAX_PLAN_CHECKS = 100_000  #: largest n the planner solves contracts for (about 10 s on 2 cores)
DEFAULT_MARGIN = 1e-3  #: the annotator's utility lead that the strict binary bonus buys


def plan(*, p: np.ndarray | None = None, dataset: str | None = None, data_dir: str | os.PathLike[str] | None = None,
         delta: float = 0.05, eta0: float = 0.8, eta1: float = 0.95, error: float = 0.1,
         utility: UtilityProfile | str = "baseline", n: int | None = None, source: str | None = None,
         margin: float = DEFAULT_MARGIN) -> dict[str, Any]:
    """Which monitor, how many checks, which contract: a plan for an annotation programme.

    Compares the two monitors for the test H0: eta <= eta0 against H1: eta >= eta1 at a target
    error sum (exact sample sizes, :func:`~annotator_incentives.monitoring.samples_needed`, with
    the lower bound of any expert test: Propositions 1, 2 and 4), then solves the best binary
    (Theorem 1) and linear (Theorem 2) contracts with n checks for each monitor. n defaults to the
    smaller of the two sample sizes (at most ``MAX_PLAN_CHECKS``). A monitor that cannot reach the
    target (within ``samples_needed``'s n_max) is reported as out of reach; with n given, the
    contracts are still solved. Each binary contract comes with the extra bonus that makes the
    recommended effort a strict best response by ``margin`` (the annotator's utility) and its cost.

    Parameters
    ----------
    p : numpy.ndarray, optional
        Preference probabilities (at least ``MIN_PAIRS``), in [0, 1]; give p or ``dataset``.
    dataset : str, optional
        A dataset of the registry, instead of p.
    data_dir : str or os.PathLike, optional
        A folder of local copies of the datasets (else ``ANNOTATOR_DATA_DIR``, the hub, the
        packaged samples).
    delta : float, default 0.05
        A committed annotator's disagreement rate with itself, in [0, 1).
    eta0, eta1 : float, optional
        The careless and the careful effort, 0 <= eta0 < eta1 <= 1; by default 0.8 and 0.95.
    error : float, default 0.1
        The target type I + type II error sum, in (0, 1).
    utility : UtilityProfile or str, default "baseline"
        The utility profile, or a registered profile's name.
    n : int, optional
        Checks for the contracts, 1 to ``MAX_PLAN_CHECKS``.
    source : str, optional
        A description of supplied p (the plan's "data" entry).
    margin : float, optional
        The annotator's utility lead the strict bonus buys, > 0; by default ``DEFAULT_MARGIN``.

    Returns
    -------
    dict
        JSON-ready: data, c_bar, test, monitoring (each monitor's c, Fisher information and
        samples_needed), recommended_monitor, profile (with its first-best), n, strict_margin and
        contracts (per monitor and kind).

    Raises
    ------
    PlanningError
        Both or neither of p and dataset, an argument out of range, fewer than ``MIN_PAIRS``
        probabilities, or no monitor reaching the target without n given.
    DataError
        A dataset that cannot be loaded.
    ProfileError
        An unknown profile name.

    Examples
    --------
    >>> result = plan(p=np.full(20, 0.75), utility="figure3", n=10)  # c-bar = 0.5; self-consistency: c = 0.95
    >>> result["recommended_monitor"], result["monitoring"]["self-consistency"]["samples_needed"]
    ('self-consistency', 156)
    >>> result["monitoring"]["expert"]["samples_needed"], result["monitoring"]["expert"]["any_expert_test_needs_at_least"]
    (1554, 471)
    """
    if (p is None) == (dataset is None):
        raise PlanningError("give either preference probabilities (a file) or a dataset name, not both")
    test = _hypothesis_test(delta, eta0, eta1, error)
    margin = validation.real("the strict margin", margin, PlanningError, 0.0, low_open=True)
    if n is not None:
        n = validation.checks("n (checks for the contracts)", n, PlanningError, MAX_PLAN_CHECKS)
    prof = _utility_profile(utility)
    p, source = _preference_probabilities(p, dataset, data_dir, source)
    fb = contracts.first_best(prof)
    methods, signals = _monitoring(p, test)
    best = _recommended(methods)
    n = _checks(n, best, methods, test["target_error_sum"])
    return {
        "data": source,
        "c_bar": methods["expert"]["c"],
        "test": test,
        "monitoring": methods,
        "recommended_monitor": best,
        "profile": _profile_entry(prof, fb),
        "n": n,
        "strict_margin": margin,
        "contracts": _contracts(signals, n, prof, fb, margin),
    }


# --- the plan's steps, in the order plan takes them -------------------------------------------

class _Test(TypedDict):
    """The test H0: eta <= eta0 against H1: eta >= eta1 (the plan's "test" entry)."""

    eta0: float
    eta1: float
    target_error_sum: float
    delta: float


def _hypothesis_test(delta: float, eta0: float, eta1: float, error: float) -> _Test:
    """The test's hypotheses, its target type I + type II error sum and the self-consistency
    monitor's delta, each checked (in this order: error, eta0, eta1, their order, delta)."""
    error = validation.open_probability("the target error sum", error, PlanningError)
    eta0 = validation.probability("eta0", eta0, PlanningError)
    eta1 = validation.probability("eta1", eta1, PlanningError)
    if not eta0 < eta1:
        raise PlanningError(
            f"need 0 <= eta0 < eta1 <= 1 (careless at or below eta0, careful at or above eta1); got eta0={eta0}, eta1={eta1}"
        )
    delta = validation.real("delta", delta, PlanningError, 0.0, 1.0, high_open=True)
    return {"eta0": eta0, "eta1": eta1, "target_error_sum": error, "delta": delta}


def _utility_profile(utility: UtilityProfile | str) -> UtilityProfile:
    """The profile asked for: one of the library's by its name, or a :class:`UtilityProfile`."""
    if isinstance(utility, str):
        return profile(utility)
    return validation.instance("utility", utility, UtilityProfile, PlanningError, " or a profile's name")


def _preference_probabilities(p: np.ndarray | None, dataset: str | None, data_dir: str | os.PathLike[str] | None,
                              source: str | None) -> tuple[np.ndarray, str]:
    """The preference probabilities (a dataset's, or those supplied), at least ``MIN_PAIRS`` of
    them in [0, 1], and where they come from."""
    if dataset is not None:
        if not isinstance(dataset, str):
            raise PlanningError(f"dataset must be a name; got {type(dataset).__name__}")
        data = load_preference_data(dataset, data_dir)
        p, source = data.p, data.provenance()
    else:
        assert p is not None  # exactly one of p and dataset is given (checked by plan)
        source = source or f"{len(np.atleast_1d(p)):,} preference probabilities supplied"
    p = validation.probabilities("preference probabilities p", p, PlanningError)
    if p.ndim != 1 or p.size < MIN_PAIRS:
        raise PlanningError(f"a plan needs at least {MIN_PAIRS} preference probabilities (pairs) to estimate c-bar; got {p.size}")
    return p, source


def _monitoring(p: np.ndarray, test: _Test) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Both monitors assessed (the "monitoring" entry; the expert's with the lower bound of any
    expert test), and the signal strength c of each monitor that has a signal."""
    methods: dict[str, dict[str, Any]] = {}
    signals: dict[str, float] = {}
    for name in ("expert", "self-consistency"):
        methods[name], c = _assess(name, p, test)
        if c is not None:
            signals[name] = c
    methods["expert"]["any_expert_test_needs_at_least"] = _expert_lower_bound(p, test)
    return methods, signals


def _assess(name: str, p: np.ndarray, test: _Test) -> tuple[dict[str, Any], float | None]:
    """One monitor's signal strength c (expert: c-bar of p, Proposition 2; self-consistency:
    1 - delta, Proposition 4), Fisher information at the midpoint of eta0 and eta1, and exact
    sample size for the test (None, with the reason, when out of reach); and c, None when the
    monitor has no signal (every p is 1/2)."""
    try:
        monitor = monitoring.expert_monitor(p) if name == "expert" else monitoring.self_consistency_monitor(test["delta"])
    except MonitoringError:  # c-bar = 0: every p is 1/2
        return {"c": 0.0, "fisher_information": 0.0, "samples_needed": None,
                "out_of_reach": "every preference probability is 1/2: agreement with an expert carries no signal"}, None
    q0, q1 = float(monitor.q(test["eta0"])), float(monitor.q(test["eta1"]))
    method: dict[str, Any] = {"c": monitor.c, "fisher_information": float(monitor.fisher((test["eta0"] + test["eta1"]) / 2))}
    try:
        method["samples_needed"] = monitoring.samples_needed(test["target_error_sum"], q0, q1)
    except OutOfReachError as reach:
        method |= {"samples_needed": None, "out_of_reach": str(reach)}
    return method, monitor.c


def _expert_lower_bound(p: np.ndarray, test: _Test) -> int | None:
    """The fewest checks with which any expert test, even one that knows every p, can reach the
    target error sum (the KL bound of Proposition 1); None when the hypotheses cannot be told apart."""
    try:
        kl = monitoring.expert_kl_divergence(p, test["eta0"], test["eta1"])
        return monitoring.samples_needed_lower_bound(test["target_error_sum"], kl)
    except MonitoringError:
        return None


def _recommended(methods: dict[str, dict[str, Any]]) -> str | None:
    """The monitor that reaches the target with fewer inspected samples (the comparison of
    Proposition 4, computed exactly); None when neither reaches it."""
    reachable = [m for m in methods if methods[m]["samples_needed"] is not None]
    return min(reachable, key=lambda m: methods[m]["samples_needed"]) if reachable else None


def _checks(n: int | None, best: str | None, methods: dict[str, dict[str, Any]], error: float) -> int:
    """The number of checks to solve the contracts for: n when given, else the recommended
    monitor's sample size; an error when there is none or it exceeds ``MAX_PLAN_CHECKS``."""
    if n is not None:
        return n
    if best is None:
        raise PlanningError(
            f"neither monitor reaches the target error sum {error} "
            f"({'; '.join(m['out_of_reach'] for m in methods.values())}); "
            "give --n to get the contracts for a number of checks anyway"
        )
    needed: int = methods[best]["samples_needed"]
    if needed > MAX_PLAN_CHECKS:
        raise PlanningError(
            f"{best} monitoring needs {needed:,} checks, more than the {MAX_PLAN_CHECKS:,} for which the planner solves "
            f"contracts; give --n (at most {MAX_PLAN_CHECKS:,}) for the contracts with fewer checks"
        )
    return needed


def _profile_entry(prof: UtilityProfile, fb: contracts.FirstBest) -> dict[str, Any]:
    """The profile's name and description, and its first-best (Proposition 5): effort, wage and
    the company's utility (the plan's "profile" entry)."""
    return {
        "name": prof.name,
        "description": prof.description,
        "first_best": {"effort": fb.eta, "wage": fb.wage, "principal_utility": fb.value},
    }


def _contracts(signals: dict[str, float], n: int, prof: UtilityProfile, fb: contracts.FirstBest,
               margin: float) -> dict[str, dict[str, dict[str, Any]]]:
    """The best binary and linear contracts with n checks for each monitor that has a signal
    (the plan's "contracts" entry)."""
    return {name: {kind: _offer(kind, n, c, prof, fb, margin) for kind in ("binary", "linear")} for name, c in signals.items()}


def _offer(kind: str, n: int, c: float, prof: UtilityProfile, fb: contracts.FirstBest, margin: float) -> dict[str, Any]:
    """The best contract of one kind with n checks of signal strength c, JSON-ready (binary:
    Theorem 1, with its strict-margin bonus; linear: Theorem 2): its pay, the effort it
    induces, the company's utility, the gap to the first-best, absolute and relative (None when
    the first-best utility is not positive)."""
    try:
        s = contracts.solve(kind, n, c, prof, "unrestricted")  # certified (contracts.certify), or an error
    except contracts.UncertifiedContractError as error:
        return {"uncertified": str(error)}
    if kind == "binary":
        pay = {"base_wage": s.params.get("w0"), "bonus": s.params.get("w1"), "threshold": s.params.get("k")}
    else:
        pay = {"base_wage": s.params.get("w0"), "slope": s.params.get("w1")}
    offer = pay | {
        "induced_effort": s.eta, "expected_wage": s.expected_wage,
        "principal_utility": s.principal_utility, "gap_to_first_best": s.gap,
        "relative_gap": s.gap / fb.value if fb.value > 0 else None,
    }
    if kind == "binary":
        offer["strict"] = _strict(s, prof, margin)
    return offer


def _strict(solution: contracts.ContractSolution, prof: UtilityProfile, margin: float) -> dict[str, Any] | None:
    """The extra bonus that makes a binary solution's effort a strict best response by ``margin``
    of the annotator's utility, and its cost, JSON-ready (None without a bonus)."""
    if not solution.params.get("w1", 0) > 0:
        return None
    s = contracts.strict_bonus(solution, prof, margin)
    return {"margin": margin, "reachable": s.reachable, "extra_bonus": _finite(s.extra_bonus), "bonus": _finite(s.bonus),
            "induced_effort": _finite(s.induced_effort), "lead": _finite(s.lead), "expected_wage": _finite(s.expected_wage),
            "principal_utility": _finite(s.principal_utility), "cost": _finite(s.cost)}


def _finite(x) -> float | None:
    """A float for JSON: None for nan (no number to report)."""
    return float(x) if x is not None and np.isfinite(x) else None


# --- the report -------------------------------------------------------------------------------

def format_plan(result: dict[str, Any]) -> str:
    r"""A short human-readable report of :func:`plan`'s result (what ``annotator-plan`` prints).

    Parameters
    ----------
    result : dict
        What :func:`plan` returned.

    Returns
    -------
    str
        The data and the test, each monitor's sample size with the recommendation, and each
        contract's pay, induced effort and gap to the first-best, one per line.

    Raises
    ------
    KeyError
        When ``result`` lacks a key that :func:`plan` writes (``"monitoring"``, ``"contracts"``, ``"n"``, ...):
        a dictionary that is not a plan.

    Examples
    --------
    >>> report = format_plan(plan(p=np.full(20, 0.75), utility="figure3", n=10))
    >>> print("\n".join(report.splitlines()[:2]))
    Data: 20 preference probabilities supplied
    Test: H0 eta <= 0.8 against H1 eta >= 0.95, target type I + type II error 0.1
    """
    lines = [*_monitoring_lines(result), "", _contracts_heading(result)]
    for monitor, offers in result["contracts"].items():
        for kind, offer in offers.items():
            lines.append(_offer_line(monitor, kind, offer, result["n"]))
            strict = _strict_line(offer.get("strict")) if "uncertified" not in offer else None
            if strict is not None:
                lines.append(strict)
    return "\n".join(lines)


def _monitoring_lines(result: dict[str, Any]) -> list[str]:
    """The data, the test, and each monitor's sample size, with the recommendation."""
    t, m = result["test"], result["monitoring"]
    bound = m["expert"]["any_expert_test_needs_at_least"]
    return [
        f"Data: {result['data']}",
        f"Test: H0 eta <= {t['eta0']} against H1 eta >= {t['eta1']}, target type I + type II error {t['target_error_sum']}",
        "",
        "Monitoring (exact binomial tests):",
        f"  expert agreement (c-bar = {m['expert']['c']:.3f}): {_needs(m['expert'], 'checked labels')}"
        + (f" (no expert test can do with fewer than {bound:,})" if bound is not None else ""),
        f"  self-consistency (delta = {t['delta']}): {_needs(m['self-consistency'], 'repeated pairs')}",
        (
            f"  -> {result['recommended_monitor']} needs fewer inspected samples"
            if result["recommended_monitor"]
            else "  -> neither monitor reaches the target; contracts for the n asked for"
        ),
    ]


def _needs(method: dict[str, Any], unit: str) -> str:
    """A monitor's sample size in its unit, or why it is out of reach."""
    if method["samples_needed"] is None:
        return f"out of reach ({method['out_of_reach']})"
    return f"{method['samples_needed']:,} {unit}"


def _contracts_heading(result: dict[str, Any]) -> str:
    """The line above the contracts: n, the profile and its first-best."""
    first_best = result["profile"]["first_best"]
    return (f"Contracts with n = {result['n']} checks, profile {result['profile']['name']} "
            f"(first-best: effort {first_best['effort']:.3f}, utility {first_best['principal_utility']:.4f}):")


def _money(x: float) -> str:
    """A wage to four decimals."""
    return f"{round(x, 4) + 0.0:.4f}"  # + 0.0 turns a rounded -0.0 into 0.0


def _pay(kind: str, offer: dict[str, Any], n: int) -> str:
    """How a contract pays: a bonus above a threshold (binary), per passed check (linear), or a
    fixed wage when it has no incentive."""
    incentive = (
        f"base {_money(offer['base_wage'])} + bonus {_money(offer['bonus'])} if at least {offer['threshold']} of {n} checks pass"
        if kind == "binary"
        else f"{_money(offer['base_wage'])} + {_money(offer['slope'])} x (share of passed checks)"
    )
    if not offer["bonus" if kind == "binary" else "slope"]:
        return f"fixed wage {_money(offer['base_wage'])} (no {kind} incentive beats it)"
    return incentive


def _offer_line(monitor: str, kind: str, offer: dict[str, Any], n: int) -> str:
    """One contract: its pay, the effort it induces, its gap to the first-best (or why no
    contract could be certified)."""
    if "uncertified" in offer:
        return f"  {monitor:>16}, {kind:>6}: no certified contract ({offer['uncertified']})"
    relative = (f"{100 * offer['relative_gap']:.2f}% of first-best" if offer["relative_gap"] is not None
                else "no relative gap: the first-best utility is not positive")
    return (f"  {monitor:>16}, {kind:>6}: {_pay(kind, offer, n)}; effort {offer['induced_effort']:.3f}, "
            f"gap {offer['gap_to_first_best']:.2e} ({relative})")


def _strict_line(strict: dict[str, Any] | None) -> str | None:
    """A binary contract's strict-margin bonus: already strict, its extra bonus and cost, or
    out of reach within the wage bounds; None without a bonus."""
    if strict is None:
        return None
    indent = f"{'':>26}"
    if not strict["reachable"]:
        return f"{indent}no bonus within the wage bounds makes it strict by {strict['margin']:g}"
    if strict["extra_bonus"] == 0:
        return (f"{indent}already strict: following beats shirking by {strict['lead']:.2e} "
                f"(at least {strict['margin']:g} asked, annotator's utility)")
    return (f"{indent}strict by {strict['margin']:g} (annotator's utility): bonus +{strict['extra_bonus']:.2e} "
            f"(effort {strict['induced_effort']:.3f}), costs the company {strict['cost']:.2e}")


def known_inputs() -> str:
    """The dataset and profile names the planner accepts (``dataset=`` and ``utility=`` of
    :func:`plan`), as one line for the command's help and its errors.

    Parameters
    ----------
    (none)
        The names come from the data and utility registries.

    Returns
    -------
    str
        "datasets: ...; profiles: ...", the registry's names in order.

    Examples
    --------
    >>> known_inputs()  # doctest: +ELLIPSIS
    'datasets: pku, ...; profiles: figure3, ...'
    """
    return f"datasets: {', '.join([*DATASETS, *SAMPLES])}; profiles: {', '.join(PROFILES)}"
