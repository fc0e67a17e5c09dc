"""Findings of the part "Incentivizing annotators": what the utility-gap figures show, counted,
and how the paper's grid method compares with the exact solver.

The gap tables come from :func:`annotator_incentives.contracts.gap_table` (one row per monitor,
n, contract class and problem, with ``feasible`` and ``normalised_gap``). A problem without a
feasible contract (the restricted problem at a weak signal: no contract makes eta* the
annotator's best effort) has no gap; every count here leaves such a case out of its comparison
and reports how many were left out (:class:`Tally`). A feasible contract whose normalised gap is
1 is a different finding: the best contract does no better than hiring nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import contracts, grid_reference
from ..utility import UtilityProfile

__all__ = [
    "Tally",
    "GapOrderings",
    "gap_orderings",
    "gap_summary",
    "SensitivityReading",
    "sensitivity_readings",
    "grid_comparison",
    "GridFindings",
    "grid_findings",
    "RestrictedRule",
    "restricted_rule",
]

RISE = 1e-9  # a step of a gap curve smaller than this relative to the gap is rounding, not a rise
TIE = 1e-12  # gaps closer than this are equal


@dataclass(frozen=True)
class Tally:
    """How many comparisons a statement holds in.

    Attributes
    ----------
    holds : int
        Comparisons in which it holds.
    total : int
        Comparisons that could be made (both sides have a feasible contract).
    infeasible : int
        Comparisons left out because a side has no feasible contract (not counted against it).
    """

    holds: int
    total: int
    infeasible: int = 0

    @property
    def always(self) -> bool:
        """It holds in every comparison that could be made (and there was at least one)."""
        return self.total > 0 and self.holds == self.total


def _tally(left: pd.Series, right: pd.Series, holds) -> Tally:
    """``holds(left, right)`` counted where both sides exist."""
    both = left.notna() & right.notna()
    return Tally(int(holds(left[both], right[both]).sum()), int(both.sum()), int((~both).sum()))


def _gaps(table: pd.DataFrame) -> pd.DataFrame:
    """The table with the gap of an infeasible problem as missing (whatever the solver wrote)."""
    return table.assign(normalised_gap=table.normalised_gap.where(table.feasible.astype(bool)))


@dataclass(frozen=True)
class GapOrderings:
    """What a utility-gap figure shows, counted (see :func:`gap_orderings`)."""

    curves: int
    shrink: Tally
    linear_below_binary: Tally
    fall: dict[str, tuple[float, float, float, int]]
    self_stronger: list[str]
    datasets: int
    self_below_expert: Tally
    restricted_not_below: Tally
    rises: dict[str, tuple[int, int]]
    no_contract: int
    no_better_than_nobody: int


def gap_orderings(table: pd.DataFrame, delta: float, n_from: int = 11) -> GapOrderings:
    """Count the regularities of a utility-gap figure (the paper's Figure 3).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`annotator_incentives.contracts.gap_table` with a column ``dataset`` and
        the dataset's ``c_bar``, monitors named ``"self-consistency"`` and ``"expert"``.
    delta : float
        The self-disagreement rate of the self-consistency monitor.
    n_from : int, default 11
        The smallest n at which the contract classes are compared (at n = 1 they coincide).

    Returns
    -------
    GapOrderings
        ``shrink``: curves whose gap at the largest n is below the gap at the smallest;
        ``linear_below_binary``: comparisons at equal n >= n_from, monitor and problem;
        ``fall``: per contract class, (min, max, median, count) of the factor by which each
        curve's gap falls from n_from to the largest n; ``self_stronger``: datasets with
        1 - delta > c-bar; ``self_below_expert``, ``restricted_not_below``: comparisons at
        equal everything else; ``rises``: per contract class, (steps in which the gap rises,
        steps); ``no_contract``: problems without a feasible contract;
        ``no_better_than_nobody``: feasible contracts with a normalised gap of 1.

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> table = contracts.gap_table(utility.profile("figure3"), {"expert": 0.03}, [1, 11, 201], kinds=("linear",))
    >>> o = gap_orderings(table.assign(dataset="weak", c_bar=0.03), delta=0.02)  # c-bar near 0, as on PKU
    >>> o.no_contract, o.restricted_not_below.total, o.restricted_not_below.infeasible
    (3, 0, 3)
    """
    table = _gaps(table)
    top = int(table.n.max())
    curves = table.groupby(["dataset", "monitor", "kind", "problem"])
    ends = [b.sort_values("n").normalised_gap.iloc[[0, -1]].to_numpy() for _, b in curves]
    first, last = pd.Series([e[0] for e in ends]), pd.Series([e[1] for e in ends])
    wide = table[table.n >= n_from].pivot_table(index=["dataset", "monitor", "problem", "n"], columns="kind",
                                                values="normalised_gap", dropna=False)
    ratio = table[table.n.isin([n_from, top])].pivot_table(index=["dataset", "monitor", "problem", "kind"], columns="n",
                                                           values="normalised_gap", dropna=False)
    fall = {}
    if n_from in ratio.columns and n_from != top:
        folds = (ratio[n_from] / ratio[top]).replace([np.inf, -np.inf], np.nan).dropna().groupby("kind")
        fall = {str(kind): (float(f.min()), float(f.max()), float(f.median()), int(f.size)) for kind, f in folds}
    monitors = table.pivot_table(index=["dataset", "kind", "problem", "n"], columns="monitor", values="normalised_gap",
                                 dropna=False)
    problems = table.pivot_table(index=["dataset", "monitor", "kind", "n"], columns="problem", values="normalised_gap",
                                 dropna=False)
    c_bars = table.groupby("dataset").c_bar.first()
    rises: dict[str, list[int]] = {}
    for (_, _, kind, _), block in curves:
        gaps = block.sort_values("n").normalised_gap.to_numpy()
        steps = np.diff(gaps)
        counted = ~np.isnan(steps)
        rose = steps[counted] > RISE * np.maximum(np.abs(gaps[:-1][counted]), 1e-12)
        total = rises.setdefault(str(kind), [0, 0])
        total[0] += int(rose.sum())
        total[1] += int(counted.sum())
    has = set(table.monitor)
    return GapOrderings(
        curves=len(ends),
        shrink=_tally(last, first, lambda a, b: a < b),
        linear_below_binary=(_tally(wide["linear"], wide["binary"], lambda a, b: a < b)
                             if {"linear", "binary"} <= set(wide.columns) else Tally(0, 0)),
        fall=fall,
        self_stronger=[str(d) for d, cb in c_bars.items() if 1 - delta > cb],
        datasets=int(table.dataset.nunique()),
        self_below_expert=(_tally(monitors["self-consistency"], monitors["expert"], lambda a, b: a < b)
                           if {"self-consistency", "expert"} <= has else Tally(0, 0)),
        restricted_not_below=_tally(problems["restricted"], problems["unrestricted"], lambda a, b: a >= b - TIE),
        rises={kind: (r[0], r[1]) for kind, r in rises.items()},
        no_contract=int(table.normalised_gap.isna().sum()),
        no_better_than_nobody=int((table.normalised_gap == 1).sum()),
    )


def gap_summary(table: pd.DataFrame, ns: Iterable[int]) -> pd.DataFrame:
    """The normalised gaps at a few n: one row per dataset, monitor and n, one column per
    (contract class, problem); a problem without a feasible contract is missing (NaN).

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> table = contracts.gap_table(utility.profile("figure3"), {"sc": 0.98}, [1, 11]).assign(dataset="d")
    >>> gap_summary(table, [11]).shape
    (1, 4)
    """
    table = _gaps(table)
    return table[table.n.isin(list(ns))].pivot_table(index=["dataset", "monitor", "n"], columns=["kind", "problem"],
                                                     values="normalised_gap", dropna=False)


@dataclass(frozen=True)
class SensitivityReading:
    """How one profile's mean gaps move with delta (see :func:`sensitivity_readings`)."""

    profile: str
    eta_star: float
    rising: bool
    linear_ahead: Tally
    linear_ahead_above_zero: Tally
    tied_at_zero: bool
    problems_coincide: bool


def sensitivity_readings(means: pd.DataFrame, profiles: Sequence[UtilityProfile]) -> list[SensitivityReading]:
    """Per profile: does every mean gap rise with delta, is linear ahead of binary, do the two
    problems coincide.

    Parameters
    ----------
    means : pandas.DataFrame
        Columns ``profile``, ``delta``, ``kind``, ``problem``, ``normalised_gap`` (the mean over n).
    profiles : sequence of UtilityProfile
        The profiles, in the order to report them (their ``name`` is the ``profile`` column).
    """
    out = []
    for profile in profiles:
        block = means[means.profile == profile.name]
        rising = all(bool(np.all(np.diff(b.sort_values("delta").normalised_gap) > 0))
                     for _, b in block.groupby(["kind", "problem"]))
        wide = block.pivot_table(index=["delta", "problem"], columns="kind", values="normalised_gap")
        positive = wide[wide.index.get_level_values("delta") > 0]
        deltas = set(wide.index.get_level_values("delta"))
        tied0 = bool(np.allclose(wide.loc[0.0].linear, wide.loc[0.0].binary, atol=TIE)) if 0.0 in deltas else False
        by_problem = block.pivot_table(index=["delta", "kind"], columns="problem", values="normalised_gap")
        out.append(SensitivityReading(
            profile=profile.name,
            eta_star=float(contracts.first_best(profile).eta),
            rising=rising,
            linear_ahead=_tally(wide.linear, wide.binary, lambda a, b: a < b),
            linear_ahead_above_zero=_tally(positive.linear, positive.binary, lambda a, b: a < b),
            tied_at_zero=tied0,
            problems_coincide=bool(np.allclose(by_problem.restricted, by_problem.unrestricted, rtol=0, atol=TIE)),
        ))
    return out


def grid_comparison(profile: UtilityProfile, ns: Sequence[int], c: float) -> tuple[pd.DataFrame, dict]:
    """The paper's grid method beside the exact solver, per contract class and n.

    Returns
    -------
    comparison : pandas.DataFrame
        One row per (kind, n): exact and grid gaps (unrestricted, restricted, grid with
        tolerance 0), the grid first-best's effort and shortfall, the grid contract's effort,
        the agent's real best effort and gain from deviating (with and without the grid's
        tolerance), and ``not IC`` / ``not IC, tolerance 0``: a gain above the solver's tie rule.
    grids : dict
        The :class:`~annotator_incentives.grid_reference.GridResult` of each (kind, n).
    """
    rows, grids = [], {}
    for kind in ("binary", "linear"):
        for n in ns:
            grid = grids[kind, n] = grid_reference.grid_method(kind, n, c, profile)
            exact = contracts.solve(kind, n, c, profile, "unrestricted")
            assert exact.first_best is not None, "a solved problem carries its first-best"
            exact_restricted = contracts.solve(kind, n, c, profile, "restricted")
            gains = {}
            for which in ("second_best", "second_best_strict"):
                answer = getattr(grid, which)
                check = contracts.incentive_check(answer.wages(n), answer.eta, n, c, profile, points=contracts.GRID_POINTS)
                gains[which] = (check.rival - check.own, check.rival_eta, check.own)
            answer = grid.second_best
            rows.append({
                "kind": kind, "n": n,
                "exact gap": exact.normalised_gap,
                "grid gap (paper)": grid.normalised_gap(),
                "grid gap, tolerance 0": grid.normalised_gap("second_best_strict"),
                "exact restricted gap": exact_restricted.normalised_gap,
                "grid restricted gap (paper)": grid.normalised_gap("restricted"),
                "grid first-best's effort e*": grid.first_best.eta,
                "grid first-best − C": grid.first_best.value - exact.first_best.value,
                "grid C_n − exact C_n": answer.value - exact.principal_utility,
                "grid contract's effort": answer.eta,
                "agent's real best effort": gains["second_best"][1],
                "agent's gain from deviating": gains["second_best"][0],
                "gain from deviating, tolerance 0": gains["second_best_strict"][0],
                "own": gains["second_best"][2], "own, tolerance 0": gains["second_best_strict"][2],
            })
    comparison = pd.DataFrame(rows)
    # a gain counts when it exceeds the solver's tie rule, 1e-12 max(1, |U|), at the annotator's own utility
    comparison["not IC"] = comparison["agent's gain from deviating"] > contracts.tie(comparison["own"].to_numpy())
    comparison["not IC, tolerance 0"] = (comparison["gain from deviating, tolerance 0"]
                                         > contracts.tie(comparison["own, tolerance 0"].to_numpy()))
    return comparison, grids


@dataclass(frozen=True)
class GridFindings:
    """What :func:`grid_comparison` shows, counted (gaps compared with a 1e-12 tolerance)."""

    total: int
    below_exact: int
    below_exact_strict: int
    zero: list[tuple[str, int]]
    zero_strict: list[tuple[str, int]]
    restricted_below_exact: int
    not_ic: int
    not_ic_strict: int
    largest_gain: float
    largest_gain_strict: float
    shortfall: tuple[float, float]


def grid_findings(comparison: pd.DataFrame) -> GridFindings:
    """Count where the grid method looks better than the exact optimum, and why it cannot be.

    Examples
    --------
    >>> import pandas as pd
    >>> row = {"kind": "binary", "n": 1, "exact gap": 0.1, "grid gap (paper)": 0.0, "grid gap, tolerance 0": 0.2,
    ...        "exact restricted gap": 0.2, "grid restricted gap (paper)": 0.2, "grid first-best − C": -0.01,
    ...        "agent's gain from deviating": 0.003, "gain from deviating, tolerance 0": 0.0,
    ...        "not IC": True, "not IC, tolerance 0": False}
    >>> f = grid_findings(pd.DataFrame([row]))
    >>> f.below_exact, f.zero, f.not_ic_strict
    (1, [('binary', 1)], 0)
    """
    def below(column: str, exact: str) -> int:
        return int((comparison[column] < comparison[exact] - TIE).sum())

    def zero(column: str) -> list[tuple[str, int]]:
        return [(str(r.kind), int(r.n)) for r in comparison[comparison[column] <= 0].itertuples()]

    shortfall = -comparison["grid first-best − C"]
    return GridFindings(
        total=len(comparison),
        below_exact=below("grid gap (paper)", "exact gap"),
        below_exact_strict=below("grid gap, tolerance 0", "exact gap"),
        zero=zero("grid gap (paper)"),
        zero_strict=zero("grid gap, tolerance 0"),
        restricted_below_exact=below("grid restricted gap (paper)", "exact restricted gap"),
        not_ic=int(comparison["not IC"].sum()),
        not_ic_strict=int(comparison["not IC, tolerance 0"].sum()),
        largest_gain=float(comparison["agent's gain from deviating"].max()),
        largest_gain_strict=float(comparison["gain from deviating, tolerance 0"].max()),
        shortfall=(float(shortfall.min()), float(shortfall.max())),
    )


@dataclass(frozen=True)
class RestrictedRule:
    """Whether the published restricted rule and the three-point neighbourhood can differ.

    Attributes
    ----------
    grid_stars : list of float
        The grid first-best's efforts e* across the configurations (to 0.01).
    eta_star : float
        The exact first-best effort.
    near_end : bool
        Every e* is within one grid step of full effort: the two rules hold the same efforts.
    compared : int
        Configurations with e* below 0.99, where the two rules were both run.
    changed : list of tuple
        ((kind, n), published restricted gap, neighbourhood restricted gap) where they differ.
    """

    grid_stars: list[float]
    eta_star: float
    near_end: bool
    compared: int
    changed: list[tuple[tuple[str, int], float, float]]


def restricted_rule(grids: dict, profile: UtilityProfile, c: float) -> RestrictedRule:
    """Run the neighbourhood rule wherever it can differ from the published one."""
    grid_stars = sorted({round(g.first_best.eta, 2) for g in grids.values()})
    near_end = all(e >= 1 - 0.01 - 1e-9 for e in grid_stars)
    neighbourhood = {} if near_end else {
        (kind, n): grid_reference.grid_method(kind, n, c, profile, restricted_rule="neighbourhood")
        for (kind, n), g in grids.items() if g.first_best.eta < 1 - 0.01 - 1e-9}
    changed = [(key, grids[key].normalised_gap("restricted"), g.normalised_gap("restricted")) for key, g in neighbourhood.items()
               if abs(g.normalised_gap("restricted") - grids[key].normalised_gap("restricted")) > TIE]
    return RestrictedRule(grid_stars, float(contracts.first_best(profile).eta), near_end, len(neighbourhood), changed)
