"""Planning an annotation programme: which monitor, how many checks, which contract.

:func:`plan` combines the assessment results (exact sample sizes of expert-based and
self-consistency monitoring, Propositions 2-4) with the exact contract solver (binary and
linear contracts for the chosen number of checks). Inputs can be a dataset of the registry, a
file of the user's own preference probabilities or scores, and a utility profile written in a
small TOML file (:func:`profile_from_toml`).
"""

from __future__ import annotations

import csv
import io
import os
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import contracts, monitoring, validation
from .data import DATASETS, SAMPLES, DataError, Scores, load_preference_data, preference_probabilities
from .monitoring import MonitoringError, OutOfReachError
from .utility import PROFILES, ProfileError, UtilityProfile, cara, profile
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
    """A planning request that cannot be answered as asked."""


MIN_PAIRS = 10  # fewer preference probabilities than this do not estimate c-bar
MAX_PLAN_CHECKS = 100_000  # largest n the planner solves contracts for (about 10 s on 2 cores)
DEFAULT_MARGIN = 1e-3  # the annotator's utility lead that the strict binary bonus buys


def _read_error(path: Path, error: OSError) -> DataError:
    reason = "permission denied" if isinstance(error, PermissionError) else (error.strerror or str(error))
    return DataError(f"cannot read {path}: {reason}")


def _first_line(failure: Exception) -> str:
    return (str(failure).strip().splitlines() or [type(failure).__name__])[0]


def _text(path: Path, error: type[AnnotatorInputError]) -> str:
    """The file's text (UTF-8), or the named error: missing, a directory, unreadable, binary."""
    if path.is_dir():
        raise error(f"{path} is a directory, not a file")
    if not path.exists():
        raise error(f"no such file: {path}")
    try:
        raw = path.read_bytes()
    except OSError as failure:
        raise error(str(_read_error(path, failure))) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise error(f"{path} is not a UTF-8 text file (byte {failure.start} cannot be decoded; a binary file?)") from None


def _csv_frame(path: Path) -> pd.DataFrame:
    text = _text(path, DataError)
    if not text.strip():
        raise DataError(f"{path}: the file is empty")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    ragged = next((i for i, row in enumerate(rows[1:], start=2) if row and len(row) != len(header)), None)
    if ragged is not None:
        raise DataError(f"{path}: line {ragged} has {len(rows[ragged - 1])} field(s), the header {len(header)}")
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise DataError(f"{path}: column name(s) {', '.join(map(repr, twice))} appear more than once in the header")
    try:
        return pd.read_csv(io.StringIO(text), skip_blank_lines=False, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as failure:
        raise DataError(f"{path}: not a readable CSV file ({_first_line(failure)})") from None


def _parquet_frame(path: Path) -> pd.DataFrame:
    import pyarrow

    if path.is_dir():
        raise DataError(f"{path} is a directory, not a file")
    try:
        frame = pd.read_parquet(path)
    except OSError as failure:
        if isinstance(failure, (PermissionError, FileNotFoundError)):
            raise _read_error(path, failure) from None
        raise DataError(f"{path}: not a readable Parquet file ({_first_line(failure)})") from None
    except (ValueError, pyarrow.ArrowException) as failure:
        raise DataError(f"{path}: not a readable Parquet file ({_first_line(failure)})") from None
    twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if twice:
        raise DataError(f"{path}: column name(s) {', '.join(map(repr, twice))} appear more than once")
    return frame


def _numeric_column(frame: pd.DataFrame, column: str, where: str, first_line: int) -> np.ndarray:
    """A column as floats; booleans, blanks and text are named errors with their line (CSV) or row."""
    values = frame[column]
    if (
        values.dtype == bool
        or values.map(lambda v: isinstance(v, (bool, np.bool_)) or str(v).strip().lower() in ("true", "false")).any()
    ):
        raise DataError(f"{where}: column {column} holds True/False values, not numbers")
    blank = values.isna() | values.map(lambda v: isinstance(v, str) and not v.strip())
    if blank.any():
        line = int(np.flatnonzero(blank.to_numpy())[0]) + first_line
        raise DataError(f"{where}: column {column} has {int(blank.sum())} blank value(s) or line(s), the first at "
                        f"{'line' if first_line == 2 else 'row'} {line}")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna()
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + first_line
        raise DataError(f"{where}: column {column} has {int(bad.sum())} non-numeric value(s), e.g. {values[bad].iloc[0]!r} "
                        f"at {'line' if first_line == 2 else 'row'} {line}")
    return numbers.to_numpy(float)


def p_from_file(path: str | os.PathLike[str]) -> tuple[np.ndarray, str]:
    """Preference probabilities from a CSV (UTF-8) or Parquet file: a column ``p`` in [0, 1], or
    the columns ``chosen_score`` and ``rejected_score`` (then p = sigmoid of their difference, as
    in the book's data chapter, folded, ties dropped), not both. Blank lines, True/False values,
    text, NaN, duplicated column names and unreadable files are :class:`DataError`. Returns
    (p folded to >= 1/2, description)."""
    if not isinstance(path, (str, os.PathLike)):
        raise DataError(f"a data file must be given by its path; got {type(path).__name__}")
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame, first_line = _parquet_frame(path), 1
    elif path.suffix.lower() in (".csv", ".txt"):
        frame, first_line = _csv_frame(path), 2
    else:
        raise DataError(f"{path}: unsupported file type {path.suffix!r}; use .csv or .parquet")
    if frame.empty:
        raise DataError(f"{path}: the file has no rows")
    scored = {"chosen_score", "rejected_score"} <= set(frame.columns)
    if "p" in frame.columns and scored:
        raise DataError(f"{path}: has both a column p and the columns chosen_score, rejected_score; keep one of them")
    if "p" in frame.columns:
        values = _numeric_column(frame, "p", str(path), first_line)
        outside = (values < 0) | (values > 1) | ~np.isfinite(values)
        if outside.any():
            raise DataError(f"{path}: column p must lie in [0, 1]; found {values[outside][0]}")
        return np.maximum(values, 1 - values), f"{len(values):,} preference probabilities from {path}"
    if scored:
        chosen, rejected = (_numeric_column(frame, c, str(path), first_line) for c in ("chosen_score", "rejected_score"))
        data = preference_probabilities(Scores("file", path.name, chosen, rejected, str(path), False, False))
        return data.p, f"{data.n_eval:,} pairs (evaluation half of {data.n_pairs:,}) scored in {path}"
    raise DataError(
        f"{path}: needs a column p, or the columns chosen_score and rejected_score; found {', '.join(map(str, frame.columns))}"
    )


def _power(a):
    scale, power = a["scale"], a["power"]
    mu = lambda e: scale * np.power(np.asarray(e, float), power)  # noqa: E731
    dmu = lambda e: scale * power * np.power(np.maximum(np.asarray(e, float), 1e-300), power - 1)  # noqa: E731
    return mu, dmu


_MU = {  # kind: (its keys, (mu, dmu) from them)
    "power": (("scale", "power"), _power),
    "exp": (("scale", "rate"), lambda a: (lambda e: a["scale"] * -np.expm1(-a["rate"] * np.asarray(e, float)),
                                          lambda e: a["scale"] * a["rate"] * np.exp(-a["rate"] * np.asarray(e, float)))),
    "log": (("scale", "rate"), lambda a: (lambda e: a["scale"] * np.log1p(a["rate"] * np.asarray(e, float)),
                                          lambda e: a["scale"] * a["rate"] / (1 + a["rate"] * np.asarray(e, float)))),
}
_TOP_KEYS = ("name", "U0", "wage_bounds", "G", "E", "mu")
_G_KEYS = ("kind", "rate", "scale")


def _known(where: str, table: dict, keys) -> None:
    unknown = [key for key in table if key not in keys]
    if unknown:
        raise ProfileError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(keys)}")


def profile_from_toml(path: str | os.PathLike[str]) -> UtilityProfile:
    """A utility profile from a TOML file (UTF-8), for example::

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

    Every key must be one of these (a misspelt key is an error naming it and the known ones);
    numbers must be finite (not true/false, not text); rates, scales and the power are positive.
    The model's assumptions are checked; a violation names the assumption."""
    if not isinstance(path, (str, os.PathLike)):
        raise ProfileError(f"a profile file must be given by its path; got {type(path).__name__}")
    path = Path(path)
    text = _text(path, ProfileError)
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML ({error})") from None
    _known(str(path), config, _TOP_KEYS)

    def section(name: str, keys) -> dict[str, Any]:
        if not isinstance(config.get(name), dict):
            raise ProfileError(f"{path}: missing section [{name}]")
        _known(f"{path} [{name}]", config[name], keys)
        return config[name]

    def number(where: str, table: dict, key: str, default=None, positive: bool = False) -> float:
        if key not in table and default is None:
            raise ProfileError(f"{path}: missing key {key!r} in {where}")
        return validation.real(f"{path}: {where} {key}", table.get(key, default), ProfileError, 0.0 if positive else -np.inf,
                               low_open=positive)

    g = section("G", _G_KEYS)
    if g.get("kind", "cara") != "cara":
        raise ProfileError(f"{path}: [G] kind must be 'cara' (G(w) = scale (1 - exp(-rate w))); got {g.get('kind')!r}")
    rate, scale = number("[G]", g, "rate", 1.0, True), number("[G]", g, "scale", 1.0, True)
    G, G_inv, dG = cara(rate, scale)
    e = section("E", ("coefficients",))
    raw = e.get("coefficients")
    if not isinstance(raw, list) or not raw:
        raise ProfileError(
            f"{path}: [E] coefficients must be a non-empty list of numbers (E(eta) = sum_i c_i eta^i); got {raw!r}"
        )
    coefficients = [validation.real(f"{path}: [E] coefficients[{i}]", v, ProfileError) for i, v in enumerate(raw)]
    kind = section("mu", config.get("mu", {})).get("kind")  # the keys are checked below, once the kind is known
    if not isinstance(kind, str) or kind not in _MU:
        raise ProfileError(f"{path}: [mu] kind must be one of {', '.join(_MU)}; got {kind!r}")
    keys, build = _MU[kind]
    m = section("mu", ("kind", *keys))
    mu, dmu = build({key: number("[mu]", m, key, positive=True) for key in keys})
    bounds = config.get("wage_bounds", [-10.0, 10.0])
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise ProfileError(f"{path}: wage_bounds must be [low, high]; got {bounds!r}")
    bounds = [validation.real(f"{path}: wage_bounds[{i}]", v, ProfileError) for i, v in enumerate(bounds)]
    name = config.get("name", path.stem)
    if not isinstance(name, str):
        raise ProfileError(f"{path}: name must be a string; got {name!r}")
    polynomial = np.polynomial.Polynomial(coefficients)
    derivative = polynomial.deriv()
    return UtilityProfile(
        name, G=G, G_inv=G_inv, dG=dG,
        E=lambda e: polynomial(np.asarray(e, float)), dE=lambda e: derivative(np.asarray(e, float)),
        mu=mu, dmu=dmu, U0=number("the top level", config, "U0", 0.0), w_lo=bounds[0], w_hi=bounds[1],
        cara=(rate, scale), description=f"from {path}",
    )


def _finite(x) -> float | None:
    """A float for JSON: None for nan (no number to report)."""
    return float(x) if x is not None and np.isfinite(x) else None


def _strict(solution: contracts.ContractSolution, prof: UtilityProfile, margin: float) -> dict[str, Any] | None:
    """The strict-margin bonus of a binary solution, JSON-ready (None without a bonus)."""
    if not solution.params.get("w1", 0) > 0:
        return None
    s = contracts.strict_bonus(solution, prof, margin)
    return {"margin": margin, "reachable": s.reachable, "extra_bonus": _finite(s.extra_bonus), "bonus": _finite(s.bonus),
            "induced_effort": _finite(s.induced_effort), "lead": _finite(s.lead), "expected_wage": _finite(s.expected_wage),
            "principal_utility": _finite(s.principal_utility), "cost": _finite(s.cost)}


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
    margin: float = DEFAULT_MARGIN,
) -> dict[str, Any]:
    """Compare the two monitors for the test H0: eta <= eta0 against H1: eta >= eta1 at a
    target error sum, then solve the best binary and linear contracts with n checks (default:
    the smaller of the two sample sizes; at most ``MAX_PLAN_CHECKS``); ``source`` describes
    supplied p. A monitor that cannot reach the target (within ``samples_needed``'s n_max) is
    reported as out of reach; with n given, the contracts are still solved. Each binary
    contract comes with the extra bonus that makes the recommended effort a strict best
    response by ``margin`` (the annotator's utility) and its cost. Returns a JSON-ready
    dictionary; bad inputs raise :class:`PlanningError` (or the library's other named errors)."""
    if (p is None) == (dataset is None):
        raise PlanningError("give either preference probabilities (a file) or a dataset name, not both")
    error = validation.open_probability("the target error sum", error, PlanningError)
    eta0 = validation.probability("eta0", eta0, PlanningError)
    eta1 = validation.probability("eta1", eta1, PlanningError)
    if not eta0 < eta1:
        raise PlanningError(
            f"need 0 <= eta0 < eta1 <= 1 (careless at or below eta0, careful at or above eta1); got eta0={eta0}, eta1={eta1}"
        )
    delta = validation.real("delta", delta, PlanningError, 0.0, 1.0, high_open=True)
    margin = validation.real("the strict margin", margin, PlanningError, 0.0, low_open=True)
    if n is not None:
        n = validation.checks("n (checks for the contracts)", n, PlanningError, MAX_PLAN_CHECKS)
    if isinstance(utility, str):
        prof = profile(utility)
    else:
        prof = validation.instance("utility", utility, UtilityProfile, PlanningError, " or a profile's name")
    if dataset is not None:
        if not isinstance(dataset, str):
            raise PlanningError(f"dataset must be a name; got {type(dataset).__name__}")
        data = load_preference_data(dataset, data_dir)
        p, source = data.p, data.provenance()
    else:
        assert p is not None  # exactly one of p and dataset is given (checked above)
        source = source or f"{len(np.atleast_1d(p)):,} preference probabilities supplied"
    p = validation.probabilities("preference probabilities p", p, PlanningError)
    if p.ndim != 1 or p.size < MIN_PAIRS:
        raise PlanningError(f"a plan needs at least {MIN_PAIRS} preference probabilities (pairs) to estimate c-bar; got {p.size}")
    fb = contracts.first_best(prof)
    methods: dict[str, dict[str, Any]] = {}
    signals: dict[str, float] = {}
    for name in ("expert", "self-consistency"):
        try:
            monitor = monitoring.expert_monitor(p) if name == "expert" else monitoring.self_consistency_monitor(delta)
        except MonitoringError:  # c-bar = 0: every p is 1/2
            methods[name] = {"c": 0.0, "fisher_information": 0.0, "samples_needed": None,
                             "out_of_reach": "every preference probability is 1/2: agreement with an expert carries no signal"}
            continue
        signals[name] = monitor.c
        q0, q1 = float(monitor.q(eta0)), float(monitor.q(eta1))
        methods[name] = {"c": monitor.c, "fisher_information": float(monitor.fisher((eta0 + eta1) / 2))}
        try:
            methods[name]["samples_needed"] = monitoring.samples_needed(error, q0, q1)
        except OutOfReachError as reach:
            methods[name] |= {"samples_needed": None, "out_of_reach": str(reach)}
    try:
        bound = monitoring.samples_needed_lower_bound(error, monitoring.expert_kl_divergence(p, eta0, eta1))
    except MonitoringError:
        bound = None
    methods["expert"]["any_expert_test_needs_at_least"] = bound
    reachable = [m for m in methods if methods[m]["samples_needed"] is not None]
    best = min(reachable, key=lambda m: methods[m]["samples_needed"]) if reachable else None
    if n is None:
        if best is None:
            raise PlanningError(
                f"neither monitor reaches the target error sum {error} "
                f"({'; '.join(m['out_of_reach'] for m in methods.values())}); "
                "give --n to get the contracts for a number of checks anyway"
            )
        n = methods[best]["samples_needed"]
        if n > MAX_PLAN_CHECKS:
            raise PlanningError(
                f"{best} monitoring needs {n:,} checks, more than the {MAX_PLAN_CHECKS:,} for which the planner solves "
                f"contracts; give --n (at most {MAX_PLAN_CHECKS:,}) for the contracts with fewer checks"
            )
    offers: dict[str, dict[str, Any]] = {}
    for name, c in signals.items():
        offers[name] = {}
        for kind in ("binary", "linear"):
            s = contracts.solve(kind, n, c, prof, "unrestricted")
            offers[name][kind] = {
                "base_wage": s.params.get("w0"), ("bonus" if kind == "binary" else "slope"): s.params.get("w1"),
                **({"threshold": s.params.get("k")} if kind == "binary" else {}),
                "induced_effort": s.eta, "expected_wage": s.expected_wage,
                "principal_utility": s.principal_utility, "gap_to_first_best": s.gap,
                "relative_gap": s.gap / fb.value if fb.value > 0 else None,
                **({"strict": _strict(s, prof, margin)} if kind == "binary" else {}),
            }
    return {
        "data": source,
        "c_bar": methods["expert"]["c"],
        "test": {"eta0": eta0, "eta1": eta1, "target_error_sum": error, "delta": delta},
        "monitoring": methods,
        "recommended_monitor": best,
        "profile": {
            "name": prof.name,
            "description": prof.description,
            "first_best": {"effort": fb.eta, "wage": fb.wage, "principal_utility": fb.value},
        },
        "n": n,
        "strict_margin": margin,
        "contracts": offers,
    }


def format_plan(result: dict[str, Any]) -> str:
    """A short human-readable report of :func:`plan`'s result."""
    t, m = result["test"], result["monitoring"]

    def needs(method: dict[str, Any], unit: str) -> str:
        if method["samples_needed"] is None:
            return f"out of reach ({method['out_of_reach']})"
        return f"{method['samples_needed']:,} {unit}"

    bound = m["expert"]["any_expert_test_needs_at_least"]
    lines = [
        f"Data: {result['data']}",
        f"Test: H0 eta <= {t['eta0']} against H1 eta >= {t['eta1']}, target type I + type II error {t['target_error_sum']}",
        "",
        "Monitoring (exact binomial tests):",
        f"  expert agreement (c-bar = {m['expert']['c']:.3f}): {needs(m['expert'], 'checked labels')}"
        + (f" (no expert test can do with fewer than {bound:,})" if bound is not None else ""),
        f"  self-consistency (delta = {t['delta']}): {needs(m['self-consistency'], 'repeated pairs')}",
        (
            f"  -> {result['recommended_monitor']} needs fewer inspected samples"
            if result["recommended_monitor"]
            else "  -> neither monitor reaches the target; contracts for the n asked for"
        ),
        "",
        f"Contracts with n = {result['n']} checks, profile {result['profile']['name']} "
        f"(first-best: effort {result['profile']['first_best']['effort']:.3f}, "
        f"utility {result['profile']['first_best']['principal_utility']:.4f}):",
    ]

    def money(x: float) -> str:
        return f"{round(x, 4) + 0.0:.4f}"  # + 0.0 turns a rounded -0.0 into 0.0

    for monitor, offers in result["contracts"].items():
        for kind, o in offers.items():
            pay = (
                f"base {money(o['base_wage'])} + bonus {money(o['bonus'])} "
                f"if at least {o['threshold']} of {result['n']} checks pass"
                if kind == "binary"
                else f"{money(o['base_wage'])} + {money(o['slope'])} x (share of passed checks)"
            )
            if not o[("bonus" if kind == "binary" else "slope")]:
                pay = f"fixed wage {money(o['base_wage'])} (no {kind} incentive beats it)"
            relative = (f"{100 * o['relative_gap']:.2f}% of first-best" if o["relative_gap"] is not None
                        else "no relative gap: the first-best utility is not positive")
            lines.append(f"  {monitor:>16}, {kind:>6}: {pay}; effort {o['induced_effort']:.3f}, "
                         f"gap {o['gap_to_first_best']:.2e} ({relative})")
            strict = o.get("strict")
            if strict is not None and strict["reachable"] and strict["extra_bonus"] == 0:
                lines.append(f"{'':>26}already strict: following beats shirking by {strict['lead']:.2e} "
                             f"(at least {strict['margin']:g} asked, annotator's utility)")
            elif strict is not None and strict["reachable"]:
                lines.append(f"{'':>26}strict by {strict['margin']:g} (annotator's utility): bonus +{strict['extra_bonus']:.2e} "
                             f"(effort {strict['induced_effort']:.3f}), costs the company {strict['cost']:.2e}")
            elif strict is not None:
                lines.append(f"{'':>26}no bonus within the wage bounds makes it strict by {strict['margin']:g}")
    return "\n".join(lines)


def known_inputs() -> str:
    """The dataset and profile names the planner accepts."""
    return f"datasets: {', '.join([*DATASETS, *SAMPLES])}; profiles: {', '.join(PROFILES)}"
