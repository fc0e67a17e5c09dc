"""Findings of the part "Incentivizing annotators": what the utility-gap figures show, counted,
how the paper's grid method compares with the exact solver, and what the binary-contract
chapter reads off its bell curves, rates and thresholds.

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

from .. import contracts, grid_reference, monitoring, rates, report
from ..report import markdown_table
from ..utility import UtilityProfile

__all__ = [
    "bell_sentence",
    "threshold_sentence",
    "grid_sentence",
    "restricted_rule_sentence",
    "doubling_sentence",
    "rate_fit_sentence",
    "effort_sentence",
    "two_level_sentence",
    "missed_bonus_sentence",
    "bell_peak_sentence",
    "wage_sentence",
    "monitors_sentence",
    "cramer_rao_sentence",
    "Tally",
    "GapOrderings",
    "gap_orderings",
    "gap_summary",
    "gap_summary_table",
    "gap_readings",
    "Crossover",
    "crossover",
    "CaptionClaims",
    "caption_claims",
    "PaymentSensitivity",
    "payment_sensitivity",
    "payment_sentence",
    "gap_key_results",
    "sensitivity_sentence",
    "SensitivityReading",
    "sensitivity_readings",
    "grid_comparison",
    "GridFindings",
    "grid_findings",
    "grid_key_results",
    "RestrictedRule",
    "restricted_rule",
    "BellPanel",
    "bell_panel",
    "BellReading",
    "bell_reading",
    "SlopeReading",
    "slope_reading",
    "slope_sentence",
    "ThresholdClasses",
    "threshold_classes",
    "WageAgreement",
    "wage_agreement",
    "monitor_spread",
    "RATE_CURVES",
    "rate_fits",
    "lenient_markdown",
    "binary_key_results",
    "monitor_spread_sentence",
    "last_decade",
    "rate_key_results",
    "LinearVsGeneral",
    "linear_vs_general",
    "EffortDistance",
    "effort_distance",
    "first_reach",
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


def _counted(t: Tally, noun: str = "comparisons", why: str = "without a feasible contract on one side") -> str:
    return report.tally(t.holds, t.total, t.infeasible, noun=noun, why=why)


@dataclass(frozen=True)
class Crossover:
    """Where binary and linear contracts swap places on one curve pair (see :func:`crossover`).

    Attributes
    ----------
    binary_lower : list of int
        The n at which the binary gap is below the linear one (both feasible).
    linear_lower_from : int or None
        The smallest n from which the linear gap is below the binary one at every n with both
        feasible (None: at no such n, or not at the last one).
    infeasible : list of int
        The n at which a side has no feasible contract (left out).
    ns : list of int
        The whole grid of n.
    """

    binary_lower: list[int]
    linear_lower_from: int | None
    infeasible: list[int]
    ns: list[int]


def crossover(table: pd.DataFrame, dataset: str, monitor: str = "expert", problem: str = "restricted") -> Crossover:
    """Binary against linear on one dataset, monitor and problem: the paper's example of its
    Figure 3 caption (PKU, expert monitoring, restricted problem: "binary is lower at first and
    linear is lower once n >= 100").

    Examples
    --------
    >>> t = pd.DataFrame({"dataset": "d", "monitor": "expert", "problem": "restricted", "feasible": True,
    ...                   "n": [1, 1, 11, 11, 21, 21], "kind": ["binary", "linear"] * 3,
    ...                   "normalised_gap": [0.5, 0.6, 0.3, 0.2, 0.2, 0.1]})
    >>> crossover(t, "d")
    Crossover(binary_lower=[1], linear_lower_from=11, infeasible=[], ns=[1, 11, 21])
    """
    block = _gaps(table)
    block = block[(block.dataset == dataset) & (block.monitor == monitor) & (block.problem == problem)]
    wide = block.pivot_table(index="n", columns="kind", values="normalised_gap", dropna=False).sort_index()
    both = wide.binary.notna() & wide.linear.notna()
    ns = [int(n) for n in wide.index]
    binary_lower = [int(n) for n in wide.index[both & (wide.binary < wide.linear - TIE)]]
    linear_lower = (wide.linear < wide.binary - TIE)[both]
    start = None
    for n in reversed(linear_lower.index):  # the longest run of "linear lower" that reaches the last n
        if not linear_lower[n]:
            break
        start = int(n)
    return Crossover(binary_lower, start, [int(n) for n in wide.index[~both]], ns)


@dataclass(frozen=True)
class CaptionClaims:
    """The three observations of the paper's Figure 3 caption, counted on a gap table
    (see :func:`caption_claims`).

    Attributes
    ----------
    self_below_expert : Tally
        (i) Self-consistency's gap below the expert's at equal dataset, n, contract class and problem.
    self_gap : float or None
        (ii) Self-consistency's gap of linear contracts, unrestricted problem, at the largest n.
    expert_gap : dict
        (ii) Per dataset: (c-bar, the expert gap of linear contracts, unrestricted problem, at
        the largest n; None without a feasible contract), in increasing c-bar.
    weaker_larger : Tally
        (ii) Pairs of datasets at equal n, contract class and problem in which the dataset with
        the smaller c-bar has the larger expert gap (ties count as larger).
    linear_below_binary : Tally
        (iii) Linear's gap below binary's at equal n >= n_from, dataset, monitor and problem.
    pku : Crossover or None
        (iii) The paper's example on PKU (expert, restricted); None when PKU is not in the table.
    weakest : tuple of (str, Crossover) or None
        The same on the dataset with the smallest c-bar.
    """

    self_below_expert: Tally
    expert_gap: dict[str, tuple[float, float | None]]
    weaker_larger: Tally
    linear_below_binary: Tally
    pku: Crossover | None
    weakest: tuple[str, Crossover] | None
    self_gap: float | None = None


PKU = "pku"  # the registry's name of the paper's PKU dataset


def caption_claims(table: pd.DataFrame, delta: float, n_from: int = 11) -> CaptionClaims:
    """Count the paper's Figure 3 caption claims (i)-(iii) on a gap table (as :func:`gap_orderings`).

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> t = contracts.gap_table(utility.profile("figure3"), {"self-consistency": 0.98, "expert": 0.5}, [1, 11])
    >>> c = caption_claims(t.assign(dataset="d", c_bar=0.5), delta=0.02)
    >>> c.self_below_expert.total, c.pku is None, c.weakest[0]
    (8, True, 'd')
    """
    o = gap_orderings(table, delta, n_from)
    gaps = _gaps(table)
    top = int(gaps.n.max())
    c_bars = gaps.groupby("dataset").c_bar.first().sort_values()
    expert = gaps[gaps.monitor == "expert"]
    at_top = expert[(expert.n == top) & (expert.kind == "linear") & (expert.problem == "unrestricted")].set_index("dataset")
    expert_gap = {str(d): (float(cb), None if d not in at_top.index or pd.isna(at_top.normalised_gap[d])
                           else float(at_top.normalised_gap[d])) for d, cb in c_bars.items()}
    holds = total = left_out = 0
    wide = expert.pivot_table(index=["kind", "problem", "n"], columns="dataset", values="normalised_gap", dropna=False)
    names = [str(d) for d in c_bars.index if d in wide.columns]
    for i, weak in enumerate(names):
        for strong in names[i + 1:]:
            if c_bars[weak] >= c_bars[strong]:
                continue
            t = _tally(wide[weak], wide[strong], lambda a, b: a >= b - TIE)
            holds, total, left_out = holds + t.holds, total + t.total, left_out + t.infeasible
    has_expert = len(expert) > 0
    sc = gaps[(gaps.monitor == "self-consistency") & (gaps.n == top) & (gaps.kind == "linear") & (gaps.problem == "unrestricted")]
    self_gap = float(sc.normalised_gap.iloc[0]) if len(sc) and pd.notna(sc.normalised_gap.iloc[0]) else None
    return CaptionClaims(
        self_below_expert=o.self_below_expert,
        expert_gap=expert_gap,
        weaker_larger=Tally(holds, total, left_out),
        linear_below_binary=o.linear_below_binary,
        pku=crossover(table, PKU) if has_expert and PKU in set(gaps.dataset) else None,
        weakest=(str(c_bars.index[0]), crossover(table, str(c_bars.index[0]))) if has_expert and len(c_bars) else None,
        self_gap=self_gap,
    )


def _crossover_text(x: Crossover, step: int) -> str:
    if len(x.infeasible) == len(x.ns):
        return "at no n do both contract classes have a feasible contract, so the example cannot be read there"
    lower = f"binary is lower at {report.ranges(x.binary_lower, step)}" if x.binary_lower else "binary is lower at no n"
    linear = (f"linear is lower at every n from {x.linear_lower_from} on" if x.linear_lower_from is not None else
              "linear is not lower at the largest n")
    left = (f" ({report.ranges(x.infeasible, step)} left out: a side has no feasible contract)" if x.infeasible else "")
    return f"{lower}; {linear}{left}"


def gap_readings(table: pd.DataFrame, delta: float, n_from: int = 11, labels: dict[str, str] | None = None) -> str:
    """What a utility-gap figure shows, as Markdown: the paper's three Figure 3 caption claims,
    each with what this table shows (:func:`caption_claims`), then what else the table shows
    (:func:`gap_orderings`); problems without a feasible contract are said, not counted.

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> table = contracts.gap_table(utility.profile("figure3"), {"expert": 0.03}, [1, 11, 201], kinds=("linear", "binary"))
    >>> text = gap_readings(table.assign(dataset="weak", c_bar=0.03), delta=0.02)  # c-bar near 0
    >>> "nan" in text, "are left out of every count" in text, "not checkable on this build" in text
    (False, True, True)
    """
    o, claims, top = gap_orderings(table, delta, n_from), caption_claims(table, delta, n_from), int(table.n.max())
    name = dict(labels or {})
    ns = sorted(int(n) for n in table.n.unique())
    step = ns[1] - ns[0] if len(ns) > 1 else 1
    fold = {k: f"{report.between(lo, hi)} (median {report.number(med)}) for the {size} {k} curves"
            for k, (lo, hi, med, size) in o.fall.items()}

    def label(d: str) -> str:
        return name.get(d, d)

    stronger = (f"$1 - \\delta = {report.value(1 - delta)}$ exceeds $\\bar c$ for every dataset shown"
                if len(o.self_stronger) == o.datasets else
                f"$1 - \\delta$ exceeds $\\bar c$ for {report.series([label(d) for d in o.self_stronger])} only"
                if o.self_stronger else "$\\bar c \\ge 1 - \\delta$ for every dataset shown")
    first = ("**(i) Self-consistency outperforms expert monitoring** for the same problem and contract class. "
             f"This build: {stronger}, and self-consistency has the smaller gap in {_counted(claims.self_below_expert)}.")
    gaps_text = report.series([(report.number(g, floor=1e-12) if g is not None else "no contract")
                               + f" on {label(d)} (c̄ = {report.number(cb)})" for d, (cb, g) in claims.expert_gap.items()])
    if claims.self_gap is not None:
        gaps_text += f", against {report.number(claims.self_gap, floor=1e-12)} for self-consistency"
    pku = claims.expert_gap.get(PKU)
    ranks = list(claims.expert_gap)
    absent = "PKU is not among this build's data, so the paper's PKU remark is not checkable on this build."
    pku_text = (absent if pku is None else
                f"PKU has the {'smallest' if ranks[0] == PKU else 'largest' if ranks[-1] == PKU else 'a middling'} $\\bar c$ of "
                "the datasets shown" + ("" if pku[1] is None or claims.self_gap is None else
                                        f", and its expert gap is {report.number(pku[1] / claims.self_gap, digits=2)} times "
                                        "self-consistency's at the same $n$, contract class and problem") + ".")
    second = ("**(ii) Expert monitoring depends on the distribution of $p$ and can do poorly (PKU).** This build: "
              + (f"the expert gap of linear contracts at $n = {top}$ (unrestricted problem) is {gaps_text}; "
                 if claims.expert_gap else "")
              + ("a dataset with a smaller $\\bar c$ has the larger expert gap in "
                 f"{_counted(claims.weaker_larger, 'comparisons of two datasets')}. "
                 if claims.weaker_larger.total or claims.weaker_larger.infeasible else "")
              + pku_text)
    example = ("PKU is not among this build's data, so the paper's example is not checkable on this build"
               if claims.pku is None else f"on PKU, {_crossover_text(claims.pku, step)} (the paper: from $n = 100$ on)")
    weakest = ("" if claims.weakest is None or claims.weakest[0] == PKU else
               f"; on this build's weakest expert signal, {label(claims.weakest[0])}, {_crossover_text(claims.weakest[1], step)}")
    third = ("**(iii) Linear contracts close the gap faster than binary ones** (its Theorems 1–2), e.g. on PKU under "
             "$\\tilde{\\mathcal C}_n$ with expert monitoring binary is lower at first and linear once $n \\ge 100$. This build: "
             f"the linear gap is below the binary one in {_counted(claims.linear_below_binary)} at equal $n \\ge {n_from}$, "
             "dataset, monitor and problem (at $n = 1$ the two classes coincide: one check, two wages); from "
             f"$n = {n_from}$ to $n = {top}$ "
             + (f"each curve's gap falls by a factor of {report.series([fold[k] for k in ('linear', 'binary') if k in fold])} "
                if fold else "no curve has a feasible gap at both ends ")
             + f"(the rates $1/n$ and $1/\\sqrt{{n\\log n}}$ would give {report.number(top / n_from)} and "
             f"{report.number(np.sqrt(top * np.log(top) / (n_from * np.log(n_from))))}). Under "
             f"$\\tilde{{\\mathcal C}}_n$ with expert monitoring, {example}{weakest}.")
    (b, bt), (li, lt) = o.rises.get("binary", (0, 0)), o.rises.get("linear", (0, 0))
    beyond = [
        f"the gap at $n = {top}$ is below the gap at $n = 1$ for "
        f"{_counted(o.shrink, 'curves', 'with an end without a feasible contract')};",
        f"the restricted gap is at least the unrestricted one in {_counted(o.restricted_not_below)} "
        "(as it must be: the restricted problem has fewer contracts to choose from);",
        (f"the binary curves are jagged: from one $n$ to the next their gap rises in {b} of {bt} steps, the linear curves' "
         f"in {li} of {lt} (the threshold $k$ is an integer, so the best binary contract jumps as $n$ changes)." if b > li else
         f"from one $n$ to the next the binary gap rises in {b} of {bt} steps and the linear gap in {li} of {lt}: here "
         "the integer threshold leaves no visible jumps."),
    ]
    if o.no_contract:
        beyond.append(f"{report.count(o.no_contract)} of the {report.count(len(table))} problems have no feasible contract "
                      "(no contract makes η* the annotator's best effort; the table says \"no contract\"): they are left "
                      "out of every count above.")
    if o.no_better_than_nobody:
        beyond.append(f"{report.count(o.no_better_than_nobody)} of the feasible problems have a normalised gap of exactly 1: a "
                      "contract exists, but the best one does no better than hiring nobody (the figure caps "
                      "$(\\mathcal C - \\mathcal C_n)/\\mathcal C$ at 1; where the gap exceeds $\\mathcal C$, the figure data's "
                      "`gap` column, it loses money). That is a different finding from \"no contract\", where no contract "
                      "induces η* at all.")
    claims_text = report.bullets("The paper's Figure 3 caption makes three observations; beside each, what this build computes:",
                                 [first, second, third])
    return claims_text + "\n\n" + report.bullets("Beyond the caption (this book's observations):", beyond)


@dataclass(frozen=True)
class PaymentSensitivity:
    """Why an annotator less sensitive to the payment has larger gaps (see :func:`payment_sensitivity`).

    Attributes
    ----------
    eta_star, wage, value : tuple of float
        First-best effort, wage and value C of the base profile and of the variant.
    marginal_utility : tuple of float
        G'(w*) of each: the utility of one more unit of pay at the first-best wage.
    risk_aversion : tuple of float
        -G''(w*)/G'(w*) of each, the absolute risk aversion at the first-best wage.
    predicted : float
        The variant's normalised gap over the base's by the risk-premium reading (the book's):
        gap ~ A E'(eta*)^2 / (2 G'(w*)^2 n I(eta*)), divided by C.
    observed : tuple of float
        (median, smallest, largest) ratio of the variant's normalised gap to the base's for
        self-consistency and linear contracts (unrestricted), over the n >= n_from of both tables.
    """

    eta_star: tuple[float, float]
    wage: tuple[float, float]
    value: tuple[float, float]
    marginal_utility: tuple[float, float]
    risk_aversion: tuple[float, float]
    predicted: float
    observed: tuple[float, float, float]


def payment_sensitivity(base: UtilityProfile, variant: UtilityProfile, base_table: pd.DataFrame,
                        variant_table: pd.DataFrame, c: float, n_from: int = 11) -> PaymentSensitivity:
    """Compare a variant profile's gaps with the base profile's and say why they differ.

    The gap is the annotator's risk premium (the paper's proof idea): in money about
    ½ A Var(w), with A = -G''/G' the absolute risk aversion; the incentive fixes the spread of
    pay *in utility* (for a linear contract Var G(w) ≈ E'(η*)²/(n I(η*))), so in money
    Var(w) ≈ Var G(w) / G'(w*)². An annotator whose utility moves less per unit of pay (a
    smaller G') needs a wider spread of pay for the same incentive. This first-order reading is
    the book's, and ``predicted`` is what it gives for the ratio of the normalised gaps.

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> base, variant = utility.profile("figure3"), utility.profile("figure10_G")
    >>> tables = [contracts.gap_table(p, {"self-consistency": 0.98}, [11, 101], kinds=("linear",),
    ...                               problems=("unrestricted",)) for p in (base, variant)]
    >>> s = payment_sensitivity(base, variant, *tables, c=0.98)
    >>> s.marginal_utility[1] < s.marginal_utility[0], s.observed[0] > 1
    (True, True)
    """
    def first(profile: UtilityProfile) -> tuple[float, float, float, float, float, float]:
        fb = contracts.first_best(profile)
        dg = float(profile.dG(fb.wage))
        risk = float(-profile.d2G(fb.wage) / dg)
        scale = risk * float(profile.dE(fb.eta)) ** 2 / (2 * dg**2 * float(monitoring.fisher_information(fb.eta, c))) / fb.value
        return fb.eta, fb.wage, fb.value, dg, risk, scale

    b, v = first(base), first(variant)

    def curve(table: pd.DataFrame) -> pd.Series:
        rows = _gaps(table)
        rows = rows[(rows.monitor == "self-consistency") & (rows.kind == "linear") & (rows.problem == "unrestricted")
                    & (rows.n >= n_from)]
        if "dataset" in rows:
            rows = rows[rows.dataset == rows.dataset.iloc[0]] if len(rows) else rows
        return rows.set_index("n").normalised_gap

    ratio = (curve(variant_table) / curve(base_table)).replace([np.inf, -np.inf], np.nan).dropna()
    if ratio.empty:
        raise ValueError("the two tables have no self-consistency, linear, unrestricted gap at a common n")
    return PaymentSensitivity((b[0], v[0]), (b[1], v[1]), (b[2], v[2]), (b[3], v[3]), (b[4], v[4]), v[5] / b[5],
                              (float(ratio.median()), float(ratio.min()), float(ratio.max())))


def payment_sentence(s: PaymentSensitivity) -> str:
    """:func:`payment_sensitivity` in words.

    Examples
    --------
    >>> s = PaymentSensitivity((0.9, 0.8), (0.15, 0.5), (0.3, 0.1), (0.86, 0.19), (1.0, 0.5), 9.0, (10.0, 8.0, 12.0))
    >>> payment_sentence(s).startswith("At the first-best wage one more unit of pay is worth")
    True
    """
    spread = s.marginal_utility[0] / s.marginal_utility[1]
    return (f"At the first-best wage one more unit of pay is worth $G'(w^*) = {report.number(s.marginal_utility[0])}$ "
            f"in utility to the Figure 3 annotator and only $\\tilde G'(\\tilde w^*) = {report.number(s.marginal_utility[1])}$ "
            f"to this one: to create the same incentive in utility, a contract must spread its pay about "
            f"{report.number(spread, digits=2)} times wider in money. The company pays the annotator's risk premium, "
            "½ × (risk aversion) × (variance of pay), so the gap grows with the square of that spread, while the "
            f"absolute risk aversion $-G''/G'$ halves ({report.number(s.risk_aversion[0])} against "
            f"{report.number(s.risk_aversion[1])}); and the first-best value it is divided by falls from "
            f"$\\mathcal C = {report.number(s.value[0])}$ to {report.number(s.value[1])} "
            f"($\\eta^* = {report.number(s.eta_star[0])}$ against {report.number(s.eta_star[1])}). Together this "
            "first-order reading (the book's, not the paper's; with $E'(\\eta^*)$ and $\\mathcal I(\\eta^*)$ at each "
            "profile's own "
            f"$\\eta^*$) predicts normalised gaps about {report.number(s.predicted, digits=2)} "
            f"times Figure 3's; the exact solutions (self-consistency, linear contracts, unrestricted) give "
            f"{report.number(s.observed[0], digits=2)} times (median over $n$; from {report.number(s.observed[1], digits=2)} "
            f"to {report.number(s.observed[2], digits=2)}).")


def gap_key_results(table: pd.DataFrame, delta: float, sensitivity: PaymentSensitivity, figure: str, variant: str,
                    summary: str, labels: dict[str, str] | None = None) -> list[str]:
    """The utility-gap chapter's key results, one line each with its figure or table reference
    (MyST), for the box at the top of the chapter.

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> t = contracts.gap_table(utility.profile("figure3"), {"self-consistency": 0.98, "expert": 0.5}, [1, 11, 21])
    >>> s = PaymentSensitivity((0.9, 0.8), (0.15, 0.5), (0.3, 0.1), (0.86, 0.19), (1.0, 0.5), 9.0, (10.0, 8.0, 12.0))
    >>> lines = gap_key_results(t.assign(dataset="d", c_bar=0.5), 0.02, s, "fig-a", "fig-b", "tab-c")
    >>> len(lines), lines[0].startswith("Self-consistency has the smaller gap in all")
    (4, True)
    """
    claims, o = caption_claims(table, delta), gap_orderings(table, delta)
    gaps, top = _gaps(table), int(table.n.max())
    sc = gaps[(gaps.monitor == "self-consistency") & (gaps.n == top) & (gaps.problem == "unrestricted")]
    sc = sc[sc.dataset == sc.dataset.iloc[0]].set_index("kind").normalised_gap if len(sc) else pd.Series(dtype=float)
    lines = [
        f"Self-consistency has the smaller gap in {_counted(claims.self_below_expert)} with expert monitoring, the paper's "
        f"claim (i) ({{numref}}`{figure}`).",
        f"Linear contracts have the smaller gap in {_counted(claims.linear_below_binary)} with binary ones, its claim (iii); "
        + (f"with self-consistency at $n = {top}$ the normalised gap is {report.number(sc['linear'], floor=1e-12)} (linear) "
           f"against {report.number(sc['binary'], floor=1e-12)} (binary) ({{numref}}`{summary}`)."
           if {"linear", "binary"} <= set(sc.dropna().index) else f"({{numref}}`{summary}`)."),
        ("PKU is not among this build's data: the paper's PKU remarks (its claims (ii) and (iii)) are not checkable on "
         "this build."
         if claims.pku is None else
         f"On PKU under $\\tilde{{\\mathcal C}}_n$ with expert monitoring, {_crossover_text(claims.pku, 10)} (the paper: linear "
         "lower from $n = 100$)."),
        "An annotator less sensitive to the payment has normalised gaps about "
        f"{report.number(sensitivity.observed[0], digits=2)} "
        f"times larger: it needs a wider spread of pay for the same incentive ({{numref}}`{variant}`).",
    ]
    if o.no_contract:
        lines.append(f"{report.count(o.no_contract)} of the {report.count(len(table))} problems of {{numref}}`{figure}` have "
                     "no feasible contract; they are said, not counted.")
    return lines


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



def gap_summary_table(summary: pd.DataFrame, labels: dict[str, str]) -> tuple[str, str]:
    """:func:`gap_summary` as the caption and the Markdown rows of the utility-gap chapter's
    table (the chapter writes the ``:::{table}`` around them with its name, so that the book's
    numbering finds the table in the chapter): one row per dataset (its label in ``labels``),
    monitor and n, the gaps by the number policy (a problem without a feasible contract reads
    "no contract"); the caption says what a gap of exactly 1 means only when one occurs.

    Examples
    --------
    >>> columns = pd.MultiIndex.from_tuples([("linear", "restricted")], names=["kind", "problem"])
    >>> summary = pd.DataFrame([[1.0]], columns=columns,
    ...                        index=pd.MultiIndex.from_tuples([("d", "sc", 11)], names=["dataset", "monitor", "n"]))
    >>> caption, rows = gap_summary_table(summary, {"d": "Toy"})
    >>> rows.splitlines()[-1], caption.endswith("hiring nobody.")
    ('| Toy | sc | 11 | 1.00 |', True)
    """
    rows = [{"dataset": labels[d], "monitor": m, "n": n,
             **{f"{kind}, {problem}": report.number(v, floor=1e-5, missing="no contract") for (kind, problem), v in row.items()}}
            for (d, m, n), row in summary.iterrows()]
    caption = ("Normalised utility gaps of {numref}`fig-utility-gap` at four values of $n$: "
               "$(\\mathcal C - \\mathcal C_n)/\\mathcal C$ (unrestricted) and "
               "$(\\mathcal C - \\tilde{\\mathcal C}_n)/\\mathcal C$ (restricted), by contract class; \"no contract\": no "
               "contract makes η* the annotator's best effort"
               + ("; 1.00: a contract exists but does no better than hiring nobody" if (summary == 1).any().any() else "")
               + ".")
    return caption, markdown_table(rows)


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


def sensitivity_sentence(r: SensitivityReading) -> str:
    """One profile's line of the delta-sensitivity reading (:func:`sensitivity_readings`).

    Examples
    --------
    >>> r = SensitivityReading("p", 0.9, True, Tally(5, 6), Tally(5, 5), True, False)
    >>> text = sensitivity_sentence(r)
    >>> text.startswith("`p` ("), "0.900" in text, text.endswith("both gaps are zero).")
    (True, True, True)
    """
    ahead = ("at every $\\delta$" if r.linear_ahead.always else
             "at every $\\delta > 0$" + (" (at $\\delta = 0$ both gaps are zero)" if r.tied_at_zero else "")
             if r.linear_ahead_above_zero.always else f"in {r.linear_ahead.holds} of {r.linear_ahead.total} cases")
    coincide = ("; the restricted and unrestricted gaps coincide (their curves overlap), since the best contract also induces "
                "full effort when $\\eta^* = 1$" if r.problems_coincide and r.eta_star >= 1 - 1e-12 else
                "; the restricted and unrestricted gaps coincide" if r.problems_coincide else "")
    return (f"`{r.profile}` ($\\eta^* = {report.number(r.eta_star)}$): every gap "
            + ("rises with $\\delta$" if r.rising else "does not rise steadily with $\\delta$")
            + f"; linear contracts are ahead of binary ones {ahead}{coincide}.")


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


def grid_key_results(g: GridFindings, first_best_value: float, figure: str, table: str, section: str) -> list[str]:
    """The grid-method chapter's key results, one line each with its figure, table or section
    reference (MyST), for the box at the top of the chapter.

    Examples
    --------
    >>> g = GridFindings(10, 4, 2, [("binary", 1)], [], 1, 6, 1, 0.003, 1e-9, (0.001, 0.01))
    >>> lines = grid_key_results(g, 0.3, "fig-a", "tab-b", "sec-c")
    >>> len(lines), lines[0].startswith("The paper's grid method reports a smaller gap than the exact optimum in 4 of the 10")
    (3, True)
    """
    return [
        f"The paper's grid method reports a smaller gap than the exact optimum in {report.tally(g.below_exact, g.total)} "
        f"configurations and a gap of zero in {report.count(len(g.zero))}; no contract can beat the exact optimum, so these "
        f"are artefacts of the method ({{numref}}`{figure}`).",
        f"In {report.tally(g.not_ic, g.total)} configurations the grid's contract is not incentive compatible: the annotator "
        f"would gain up to {report.number(g.largest_gain, digits=2)} in utility by choosing another effort "
        f"({{numref}}`{table}`).",
        f"The grid's own first-best lies {report.between(g.shortfall[0], g.shortfall[1], digits=2)} "
        f"below the true $\\mathcal C = {report.number(first_best_value)}$, a resolution floor of the wage grid "
        f"({{ref}}`{section}`).",
    ]


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


@dataclass(frozen=True)
class BellPanel:
    """The incentive of the optimal restricted binary contract at one n (the paper's Figure 4).

    Attributes
    ----------
    n, k : int
        Checks and the contract's threshold.
    bonus : float
        The bonus in utility, G(w0 + w1) - G(w0).
    height, peak : float
        The largest marginal incentive b dP(X >= k)/d eta on the efforts given, and where it is.
    crossings : numpy.ndarray
        The efforts at which the marginal incentive crosses the marginal cost E'.
    right : float or None
        The right-hand crossing (None: no crossing on the efforts given).
    width : float
        The width of the incentive curve at half its height.
    """

    n: int
    k: int
    bonus: float
    height: float
    peak: float
    crossings: np.ndarray
    right: float | None
    width: float


def bell_panel(profile: UtilityProfile, n: int, c: float, etas: np.ndarray) -> tuple[BellPanel, pd.DataFrame]:
    """The marginal incentive and marginal cost of the optimal restricted binary contract.

    Returns
    -------
    BellPanel
        What the panel shows.
    pandas.DataFrame
        Columns ``n``, ``k``, ``eta``, ``marginal_incentive``, ``marginal_cost`` (the figure's data).

    Examples
    --------
    >>> import numpy as np
    >>> from annotator_incentives import utility
    >>> panel, frame = bell_panel(utility.profile("figure3"), 50, 0.98, np.linspace(0.6, 1.0, 401))
    >>> len(panel.crossings), len(frame)
    (2, 401)
    """
    solution = contracts.solve("binary", n, c, profile, "restricted")
    k = solution.params["k"]
    bonus = float(profile.G(solution.params["w0"] + solution.params["w1"]) - profile.G(solution.params["w0"]))
    incentive = bonus * 0.5 * c * rates.tail_slope(k, n, contracts.pass_probability(etas, c))
    cost = profile.dE(etas)
    above = incentive > cost
    crossings = etas[1:][np.diff(above.astype(int)) != 0]
    panel = BellPanel(n=n, k=int(k), bonus=bonus, height=float(incentive.max()), peak=float(etas[int(np.argmax(incentive))]),
                      crossings=crossings, right=float(crossings.max()) if crossings.size else None,
                      width=float(np.sum(incentive >= incentive.max() / 2) * (etas[1] - etas[0])))
    return panel, pd.DataFrame({"n": n, "k": k, "eta": etas, "marginal_incentive": incentive, "marginal_cost": cost})


@dataclass(frozen=True)
class BellReading:
    """How the bell of Figure 4 changes from the first panel to the last (see :func:`bell_reading`)."""

    two_crossings: bool
    right_is_eta_star: bool
    growth: float
    shrink: float
    ratio_n: float
    shares: tuple[float, float]
    bonuses: tuple[float, float]
    shape: float
    predicted_height: float
    predicted_width: float


def bell_reading(panels: Sequence[BellPanel], eta_star: float, tol: float = 2e-3) -> BellReading:
    """Compare the first and last panels with the binomial lemma's part (e).

    Part (e) with each panel's own share s = k/n puts the peak of the slope in p at
    sqrt(n / (2 pi s (1 - s))) and its width at ~ sqrt(s (1 - s) / n); the curve drawn is that
    slope times b c / 2, so its height also carries the change of the bonus b.

    Examples
    --------
    >>> p = [BellPanel(50, 45, 1.0, 2.0, 0.9, np.array([0.7, 0.943]), 0.943, 0.2),
    ...      BellPanel(200, 180, 1.0, 4.0, 0.9, np.array([0.8, 0.944]), 0.944, 0.1)]
    >>> r = bell_reading(p, eta_star=0.944)
    >>> r.two_crossings, r.right_is_eta_star, r.growth, r.shrink, round(r.shape, 6)
    (True, True, 2.0, 2.0, 2.0)
    """
    first, last = panels[0], panels[-1]
    s0, s1 = first.k / first.n, last.k / last.n
    shape = float(rates.bell_peak(int(last.n), s1) / rates.bell_peak(int(first.n), s0))
    return BellReading(
        two_crossings=all(len(p.crossings) == 2 for p in panels),
        right_is_eta_star=all(p.right is not None and abs(p.right - eta_star) < tol for p in panels),
        growth=last.height / first.height,
        shrink=first.width / last.width,
        ratio_n=last.n / first.n,
        shares=(s0, s1),
        bonuses=(first.bonus, last.bonus),
        shape=shape,
        predicted_height=shape * last.bonus / first.bonus,
        predicted_width=shape,
    )


@dataclass(frozen=True)
class SlopeReading:
    """A computed curve's log-log slope against a theory's curve (see :func:`slope_reading`).

    Attributes
    ----------
    fits : list of dict
        :func:`annotator_incentives.rates.fit_against_reference` from each ``n_min``.
    steepest, flattest, last : dict
        The local-slope windows (``slope``, ``n_lo``, ``n_hi``, ``reference``) with the smallest
        and largest slope, and the last window.
    """

    fits: list[dict]
    steepest: dict
    flattest: dict
    last: dict


def slope_reading(n, values, reference, local: pd.DataFrame, n_mins: Sequence[float] = (100, 1000)) -> SlopeReading:
    """Fits of the slope from each ``n_min`` and the extreme local slopes.

    ``local`` is :func:`annotator_incentives.rates.local_slopes` of ``values`` with a column
    ``reference`` (the local slopes of the theory's curve).

    Examples
    --------
    >>> import numpy as np
    >>> from annotator_incentives import rates
    >>> n = np.unique(np.round(np.logspace(1, 5, 17)).astype(int))
    >>> local = rates.local_slopes(n, 1 / n).assign(reference=rates.local_slopes(n, 1 / n).slope)
    >>> r = slope_reading(n, 1 / n, 1 / n, local)
    >>> round(r.fits[0]["slope"], 6), round(r.last["slope"], 6)
    (-1.0, -1.0)
    """
    fits = [rates.fit_against_reference(n, values, reference, n_min=n_min) for n_min in n_mins]

    def window(row: pd.Series) -> dict:
        return {"slope": float(row.slope), "n_lo": float(row.n_lo), "n_hi": float(row.n_hi), "reference": float(row.reference)}

    return SlopeReading(fits, window(local.loc[local.slope.idxmin()]), window(local.loc[local.slope.idxmax()]),
                        window(local.iloc[-1]))


def slope_sentence(name: str, curve: str, r: SlopeReading) -> str:
    """A computed curve's slopes against the theory's ``curve`` (:func:`slope_reading`), in words:
    each fit, within two standard errors or how far and which way off, and the local slopes.

    Examples
    --------
    >>> import numpy as np
    >>> from annotator_incentives import rates
    >>> n = np.unique(np.round(np.logspace(1, 5, 17)).astype(int))
    >>> gap = (1 + 0.05 * np.cos(n)) / n  # a 1/n rate with some wiggle
    >>> local = rates.local_slopes(n, gap).assign(reference=rates.local_slopes(n, 1 / n).slope)
    >>> text = slope_sentence("Gap", "$1/n$", slope_reading(n, gap, 1 / n, local))
    >>> text.startswith("**Gap**: over $n = 100$"), "within two standard errors" in text
    (True, True)
    """
    fits = [f"over $n = {f['n_min']:.0f}$ to ${f['n_max']:.0f}$ ({f['points']} points) the fitted slope is "
            f"${report.estimate(f['slope'], f['stderr']) if f['stderr'] > 0 else report.number(f['slope'])}$ against "
            f"${report.number(f['reference_slope'])}$ for {curve} on the same points, "
            + ("within two standard errors" if f["in_stderr"] <= 2 else
               f"a difference of {report.number(abs(f['difference']), digits=2)}, {report.number(f['in_stderr'], digits=2)} "
               "standard errors, " + ("flatter" if f["difference"] > 0 else "steeper") + " than the theory's curve")
            for f in r.fits]
    w = {key: (report.number(v["slope"], digits=2), f"$n = {v['n_lo']:.0f}$–${v['n_hi']:.0f}$")
         for key, v in (("steep", r.steepest), ("flat", r.flattest), ("last", r.last))}
    return (f"**{name}**: " + "; ".join(fits) + f". Its local slopes run from {w['steep'][0]} (window {w['steep'][1]}) to "
            f"{w['flat'][0]} (window {w['flat'][1]}); over the last window, {w['last'][1]}, it is "
            f"{report.number(r.last['slope'])} against {report.number(r.last['reference'])} for the theory's curve.")


def lenient_markdown(slopes: dict[str, SlopeReading]) -> str:
    r"""The lenient-threshold figure's slopes in words: the threshold slack against
    :math:`\sqrt{\log n / n}` and the miss probability against :math:`1/\sqrt{n \log n}`
    (:func:`slope_sentence`, ``slopes`` by ``"slack"`` and ``"miss"``), and why only the windows at
    large n test the theorem.

    Examples
    --------
    >>> from annotator_incentives import rates
    >>> n = np.array([100, 300, 1000, 3000, 10000, 30000])
    >>> wiggly = [1.0, 1.02, 1.0, 0.98, 1.0, 1.01] / n
    >>> r = slope_reading(n, wiggly, 1 / n, rates.local_slopes(n, wiggly, points=3).assign(reference=-1.0))
    >>> text = lenient_markdown({"slack": r, "miss": r})
    >>> text.count("\n- **Threshold slack**: "), text.count("\n- **Miss probability**: ")
    (1, 1)
    """
    return (report.bullets("On this build's computation:", [
        slope_sentence("Threshold slack", r"$\sqrt{\log n / n}$", slopes["slack"]),
        slope_sentence("Miss probability", r"$1/\sqrt{n \log n}$", slopes["miss"])])
        + "\n\nA fit that starts where the local slopes are still far from the theory's (the small-$n$ end of the "
        "lower panels) reports an average, not the rate; the windows at large $n$ are the ones that show the "
        "asymptotics. The theorem fixes the order of these quantities, not their constants, so only the slopes "
        "at large $n$ are a test of it.")


def binary_key_results(bell: Sequence[BellPanel], eta_star: float, n: int, miss: float, miss_slopes: SlopeReading) -> list[str]:
    r"""The binary-contracts chapter's key results, for the box at the top of the chapter: how the
    incentive's bell curve grows and narrows from the first to the last panel (:func:`bell_reading`),
    the probability ``miss`` that an annotator who complies exactly misses the bonus at ``n``, and the
    miss probability's local slope over the last window of n, which the box names, against the
    theory's :math:`1/\sqrt{n \log n}` (``miss_slopes``, :func:`slope_reading`).

    Examples
    --------
    >>> import numpy as np
    >>> from annotator_incentives import rates
    >>> ns = np.unique(np.round(np.logspace(1, 4, 13)).astype(int))
    >>> curve = 1 / np.sqrt(ns * np.log(ns))
    >>> local = rates.local_slopes(ns, curve).assign(reference=rates.local_slopes(ns, curve).slope)
    >>> flat = BellPanel(10, 9, 0.1, 0.01, 0.9, np.array([]), None, 0.3)  # a panel without a crossing
    >>> binary_key_results([flat, flat], 0.9, 50, 0.0123, slope_reading(ns, curve, curve, local))[2][:75]
    "over the last window of $n$ (n = 1,000–10,000) the miss probability's local"
    """
    r, last = bell_reading(bell, eta_star), miss_slopes.last
    return [
        f"the incentive of the best binary contract is a bell curve in effort: from $n = {bell[0].n}$ to $n = {bell[-1].n}$ "
        f"its height grows {report.number(r.growth)}-fold and its width shrinks {report.number(r.shrink)}-fold "
        "({numref}`fig-bell`);",
        f"at $n = {n}$ an annotator who complies exactly still misses the bonus with probability {report.number(miss)} "
        "({numref}`fig-missed-bonus`);",
        f"over the last window of $n$ (n = {report.count(int(last['n_lo']))}–{report.count(int(last['n_hi']))}) the miss "
        f"probability's local slope is {report.number(last['slope'])} against "
        f"{report.number(last['reference'])} for the theory's $1/\\sqrt{{n \\log n}}$ ({{numref}}`fig-lenient`): that "
        "risk, times a bonus of order one, is the binary gap."]


@dataclass(frozen=True)
class ThresholdClasses:
    """Which thresholds k make eta* the annotator's best effort (see :func:`threshold_classes`).

    Attributes
    ----------
    left : list of int
        The bell peaks above eta*: eta* is the left crossing, a local minimum (fails the
        second-order condition).
    shirk : list of int
        eta* is the right-hand crossing, a local maximum, but another effort pays more.
    compatible : list of int
        eta* is the annotator's best effort.
    cheapest_compatible : int or None
        Among the compatible thresholds, the one that needs the smallest bonus.
    """

    left: list[int]
    shirk: list[int]
    compatible: list[int]
    cheapest_compatible: int | None


def threshold_classes(checks: pd.DataFrame, tol: float = 1e-9) -> ThresholdClasses:
    """Sort thresholds by why they do or do not make eta* the best effort.

    ``checks`` has one row per threshold: ``k``, ``b_k`` (the bonus that threshold needs),
    ``eta* right-hand crossing`` and ``gain from deviating``; a gain up to ``tol`` is a tie.

    Examples
    --------
    >>> import pandas as pd
    >>> checks = pd.DataFrame({"k": [1, 2, 3], "b_k": [0.5, 0.3, 0.4], "eta* right-hand crossing": [False, True, True],
    ...                        "gain from deviating": [0.1, 0.0, 0.2]})
    >>> threshold_classes(checks)
    ThresholdClasses(left=[1], shirk=[3], compatible=[2], cheapest_compatible=2)
    """
    right = checks["eta* right-hand crossing"].astype(bool)
    gain = checks["gain from deviating"]
    ok = checks[gain <= tol]
    return ThresholdClasses(
        left=[int(k) for k in checks.k[~right]],
        shirk=[int(k) for k in checks.k[right & (gain > tol)]],
        compatible=[int(k) for k in ok.k],
        cheapest_compatible=int(ok.k[ok.b_k.idxmin()]) if len(ok) else None,
    )


@dataclass(frozen=True)
class WageAgreement:
    """How close two wage schedules are on the likely outcomes (see :func:`wage_agreement`)."""

    x_low: int
    x_high: int
    largest_difference: float
    wage_range: float


def wage_agreement(pmf: np.ndarray, wages: np.ndarray, other: np.ndarray, mass: float = 0.999) -> WageAgreement:
    """The two schedules' largest difference on the most likely outcomes carrying ``mass``.

    Examples
    --------
    >>> import numpy as np
    >>> pmf = np.array([0.0005, 0.2, 0.5, 0.2995])
    >>> wage_agreement(pmf, np.array([9.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.1, 3.0]))
    WageAgreement(x_low=1, x_high=3, largest_difference=0.10000000000000009, wage_range=2.0)
    """
    order = np.argsort(pmf)[::-1]
    likely = np.sort(order[:int(np.searchsorted(np.cumsum(pmf[order]), mass)) + 1])
    return WageAgreement(int(likely.min()), int(likely.max()), float(np.abs(wages[likely] - other[likely]).max()),
                         float(np.ptp(other[likely])))


def monitor_spread(table: pd.DataFrame, monitors: Sequence[str]) -> dict[str, tuple[float, float, int, float, float]]:
    """How far dividing by the Fisher information brings two monitors' gaps together.

    ``table`` has ``monitor``, ``kind``, ``problem``, ``n``, ``gap`` and ``fisher``; a binary gap is
    scaled by sqrt(I n log n), a linear or general one by I n. Returns, per panel (``"binary"``
    and ``"linear and general"``), the smallest and largest ratio of the larger scaled gap to the
    smaller over all n, the smallest n, and the smallest and largest ratio there.
    """
    scaled = table.assign(scaled=np.where(table.kind == "binary", table.gap * np.sqrt(table.fisher * table.n * np.log(table.n)),
                                          table.gap * table.fisher * table.n))
    pair = scaled.pivot_table(index=["kind", "problem", "n"], columns="monitor", values="scaled").dropna()
    a, b = monitors
    spread = (np.maximum(pair[a], pair[b]) / np.minimum(pair[a], pair[b])).reset_index()
    spread.columns = ["kind", "problem", "n", "ratio"]
    out = {}
    for title, kinds in (("binary", ["binary"]), ("linear and general", ["linear", "general"])):
        block = spread[spread.kind.isin(kinds)]
        low = block[block.n == block.n.min()]
        out[title] = (float(block.ratio.min()), float(block.ratio.max()), int(block.n.min()), float(low.ratio.min()),
                      float(low.ratio.max()))
    return out


def monitor_spread_sentence(spread: dict[str, tuple[float, float, int, float, float]]) -> str:
    r"""How far dividing by the Fisher information brings the two monitors together in each panel of
    the normalised rate figure (:func:`monitor_spread`), in words.

    Examples
    --------
    >>> print(monitor_spread_sentence({"binary": (1.0, 1.31, 10, 1.2, 1.31)}))  # doctest: +NORMALIZE_WHITESPACE
    On this build's computation, in the binary panel the larger of the two monitors' normalised values is 1.00 to 1.31
    times the smaller (at $n = 10$: 1.20 to 1.31). A factor near 1 means that dividing by $\mathcal I$ brings the
    monitors together.
    """
    return ("On this build's computation, " + "; ".join(
        f"in the {title} panel the larger of the two monitors' normalised values is {report.between(lo, hi)} "
        f"times the smaller (at $n = {n1}$: {report.between(lo1, hi1)})"
        for title, (lo, hi, n1, lo1, hi1) in spread.items())
        + ". A factor near 1 means that dividing by $\\mathcal I$ brings the monitors together.")


RATE_CURVES = {"binary": lambda n: 1 / np.sqrt(n * np.log(n)), "linear": lambda n: 1 / n, "general": lambda n: 1 / n}


def rate_fits(table: pd.DataFrame) -> pd.DataFrame:
    """Log-log slopes of each gap curve over n >= 100 and over its last decade, beside the
    theory's curve (1/sqrt(n log n) binary, 1/n linear and general) on the same points.

    Returns one row per (monitor, kind, problem): ``slope``, ``stderr``, ``reference_slope``
    (n >= 100), ``last_slope``, ``last_stderr``, ``last_reference_slope``, ``last_difference``
    over the last decade, and that window's smallest and largest n, ``last_n_lo`` and
    ``last_n_hi`` (:func:`last_decade` says it in words).
    """
    fits = []
    for (monitor, kind, problem), block in table.groupby(["monitor", "kind", "problem"], sort=False):
        block = block.sort_values("n")
        n_vals = block.n.to_numpy(dtype=float)
        ref = RATE_CURVES[kind](n_vals)
        wide = rates.fit_against_reference(n_vals, block.gap, ref, n_min=100)
        last = rates.fit_against_reference(n_vals, block.gap, ref, n_min=n_vals.max() / 10 - 1e-9)
        fits.append({"monitor": monitor, "kind": kind, "problem": problem, "slope": wide["slope"], "stderr": wide["stderr"],
                     "reference_slope": wide["reference_slope"], "last_slope": last["slope"], "last_stderr": last["stderr"],
                     "last_reference_slope": last["reference_slope"], "last_difference": last["difference"],
                     "last_n_lo": last["n_min"], "last_n_hi": last["n_max"]})
    return pd.DataFrame(fits)


def last_decade(fits: pd.DataFrame) -> str:
    """The window of the last-decade fits of :func:`rate_fits`, in words, so that every sentence
    quoting a slope over it says over which n: one window when all ``fits`` share it, else each
    of their windows.

    Examples
    --------
    >>> last_decade(pd.DataFrame({"last_n_lo": [10_000.0, 10_000.0], "last_n_hi": [100_000.0, 100_000.0]}))
    'the last decade of n computed (n = 10,000–100,000)'
    >>> last_decade(pd.DataFrame({"last_n_lo": [100.0, 10_000.0], "last_n_hi": [1_000.0, 100_000.0]}))
    "each curve's last decade of n computed (n = 100–1,000 or 10,000–100,000)"
    """
    lo, hi = fits.last_n_lo.unique(), fits.last_n_hi.unique()
    if len(lo) == 1 and len(hi) == 1:
        return f"the last decade of n computed (n = {report.count(int(lo[0]))}–{report.count(int(hi[0]))})"
    windows = sorted({(int(a), int(b)) for a, b in zip(fits.last_n_lo, fits.last_n_hi, strict=True)})
    return "each curve's last decade of n computed (n = " + " or ".join(
        f"{report.count(a)}–{report.count(b)}" for a, b in windows) + ")"


def rate_key_results(fits: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """The linear-contracts chapter's key results, for the box at the top of the chapter: the log-log
    slope of the linear and the binary gap (the first monitor's unrestricted curve of :func:`rate_fits`)
    over the last decade of n (:func:`last_decade`, the window the results page reads too), each beside
    the theory's curve on the same points, and the general contract's gap against the linear one's at
    the largest n (:func:`linear_vs_general`).

    Examples
    --------
    >>> n = np.unique(np.round(np.logspace(1, 5, 13)))
    >>> curves = {"binary": 1 / np.sqrt(n * np.log(n)), "linear": 1 / n, "general": 0.999 / n}
    >>> table = pd.concat([pd.DataFrame({"monitor": "self-consistency (δ = 0.02)", "kind": k, "problem": "unrestricted",
    ...                                  "n": n, "gap": g}) for k, g in curves.items()])
    >>> lines = rate_key_results(rate_fits(table), table)
    >>> len(lines), lines[0].split(" slope")[0]
    (3, "over the last decade of n computed (n = 10,000–100,000), the linear gap's log–log")
    """
    first = {kind: fits[(fits.kind == kind) & (fits.problem == "unrestricted")].iloc[0] for kind in ("linear", "binary")}
    window = last_decade(pd.DataFrame(first.values()))
    lg = linear_vs_general(table)

    def slope(f: pd.Series) -> str:
        return report.estimate(f.last_slope, f.last_stderr) if f.last_stderr > 0 else report.number(f.last_slope)

    return [f"over {window}, the {kind} gap's log–log slope is ${slope(f)}$ against ${report.number(f.last_reference_slope)}$ "
            f"for the theory's {curve} on the same points ({f.monitor.split(' (')[0]}, unrestricted)"
            for kind, f, curve in (("linear", first["linear"], "$1/n$"), ("binary", first["binary"], "$1/\\sqrt{n\\log n}$"))
            ] + [f"the optimal general contract's gap is {report.between(*lg.ratio_at_largest_n, digits=4)} "
                 "times the linear one's at the largest $n$: "
                 "linear contracts are rate-optimal, the paper's claim"]


@dataclass(frozen=True)
class LinearVsGeneral:
    """The general contract's gap against the linear one's where both are computed."""

    ratio_at_largest_n: tuple[float, float]
    largest_relative_difference: float
    points: int


def linear_vs_general(table: pd.DataFrame) -> LinearVsGeneral:
    """Ratios general/linear at each curve's largest n, and the largest |1 - general/linear|."""
    common = table[table.kind.isin(["linear", "general"])].pivot_table(index=["monitor", "problem", "n"], columns="kind",
                                                                        values="gap").dropna()
    largest = common.reset_index().groupby(["monitor", "problem"]).n.max()
    ratios = [float(common.loc[(m, pr, n)].general / common.loc[(m, pr, n)].linear) for (m, pr), n in largest.items()]
    return LinearVsGeneral((min(ratios), max(ratios)), float((1 - common.general / common.linear).abs().max()), len(common))


@dataclass(frozen=True)
class EffortDistance:
    """How fast the induced effort approaches eta* for one contract class (see :func:`effort_distance`)."""

    slope: float
    bound_slope: float
    above: int
    points: int


def effort_distance(block: pd.DataFrame, eta_star: float, rate) -> EffortDistance:
    """Fit the log-log slope of (eta - eta*)^2 over n >= 100 and count the points above the bound
    ``rate`` scaled to the first point (``block``: columns ``n`` and ``eta`` of one contract class)."""
    b = block.sort_values("n")
    dist = ((b.eta - eta_star) ** 2).to_numpy()
    n_vals = b.n.to_numpy(dtype=float)
    scaled = rate(n_vals) * dist[0] / rate(n_vals[0])
    return EffortDistance(rates.fit_loglog(n_vals, dist, n_min=100).slope,
                          rates.fit_loglog(n_vals, rate(n_vals), n_min=100).slope,
                          int((dist > scaled * (1 + 1e-9)).sum()), len(b))


def first_reach(frame: pd.DataFrame, below: float = 1e-10) -> int | None:
    """The smallest n at which the gap is below ``below`` (None: at no n computed).

    Examples
    --------
    >>> first_reach(pd.DataFrame({"n": [1, 2, 3], "gap": [0.1, 1e-11, 0.0]}))
    2
    """
    hit = frame[frame.gap < below]
    return int(hit.n.min()) if len(hit) else None


# --- the chapters' computed sentences, one call each ------------------------------------------

def bell_sentence(panels: Sequence[BellPanel], eta_star: float, dE0: float) -> str:
    """What the bell-curve figure (the paper's Figure 4) shows on this build (:func:`bell_reading`):
    the crossings of incentive and marginal cost, and how the bell's height and width change from
    the first panel's n to the last's against Proposition 6(e) with each panel's own share k/n.
    ``dE0`` is the profile's E'(0) (a third crossing near 0 when it is not positive)."""
    r = bell_reading(panels, eta_star)
    (s0, s1), (b0, b1) = r.shares, r.bonuses
    return (
        "In this build's computation, on the plotted efforts, the incentive curve crosses the marginal cost "
        + ("exactly twice in every panel" if r.two_crossings else "a number of times other than two in some panel ("
           + ", ".join(f"n = {p.n}: {len(p.crossings)}" for p in panels) + ")")
        + (f" (the profile's $E'(0) = {report.number(dE0, digits=2)}$, so on all of $[0, 1]$ a third crossing lies near "
           "$\\eta = 0$, the low-effort local maximum; the paper's Assumption 2 asks $E' > 0$)" if dE0 <= 0 else "")
        + (", and the induced effort $\\eta^*$ is the right-hand crossing" if r.right_is_eta_star else
           ", and the induced effort $\\eta^*$ is not always the right-hand crossing")
        + f". From $n = {panels[0].n}$ to $n = {panels[-1].n}$ ({r.ratio_n:.0f} times as many checks) the bell's "
        f"height grows {report.number(r.growth)}-fold and its width at half height shrinks {report.number(r.shrink)}-fold. "
        f"Part (e) is stated for a fixed share $s = k/n$, which would give $\\sqrt{{{r.ratio_n:.0f}}} = "
        f"{report.number(np.sqrt(r.ratio_n))}$ "
        f"for both; but here the share moves from $k/n = {report.number(s0)}$ to ${report.number(s1)}$ and the bonus from "
        f"$b = {report.number(b0)}$ to ${report.number(b1)}$. Part (e) with each panel's own share, "
        "$\\sqrt{n/(2\\pi s(1-s))}$, "
        f"predicts a {report.number(r.shape)}-fold growth of the slope's peak and so, with the change of $b$, a "
        f"{report.number(r.predicted_height)}-fold growth of the height (measured {report.number(r.growth)}); the "
        f"Gaussian width $\\propto\\sqrt{{s(1-s)/n}}$ predicts a {report.number(r.predicted_width)}-fold shrinkage "
        f"(measured {report.number(r.shrink)}). The moving share accounts for most of the departure from $\\sqrt{{n}}$; "
        "what remains is the finite-$n$ correction of part (e). "
        "The bonus in utility stays of order one: $b$ = " + report.series([report.number(p.bonus) for p in panels]) + "."
    )


def threshold_sentence(t: ThresholdClasses, optimal_k: int, cheapest: int) -> str:
    """Which thresholds k of the binary-contract exercise make eta* the annotator's best effort
    (:func:`threshold_classes`), and whether the optimal restricted contract's ``optimal_k`` and
    the cheapest-bonus threshold ``cheapest`` are among them."""
    ks = {key: ", ".join(map(str, v)) or "none" for key, v in (("left", t.left), ("shirk", t.shirk), ("ok", t.compatible))}
    if cheapest in t.compatible:
        return f"The cheapest-bonus threshold $k = {cheapest}$ is incentive compatible here."
    return (
        f"For $k$ = {ks['left']} the bell peaks above $\\eta^*$, so $\\eta^*$ is the *left* crossing of the "
        "incentive and the marginal cost: a local minimum of the annotator's utility, failing the second-order "
        f"condition. For $k$ = {ks['shirk']}, $\\eta^*$ is the right-hand crossing, a local maximum, but the bonus is "
        "so small that shirking pays more (column \"agent's best effort\"). Of the thresholds shown, only "
        f"$k$ = {ks['ok']} make $\\eta^*$ the annotator's best effort, and the optimal restricted contract's "
        f"$k = {optimal_k}$ "
        + ("is the one among them that needs the smallest bonus." if optimal_k == t.cheapest_compatible else
           "is not the one among them that needs the smallest bonus: the risk of the bonus also matters.")
        + f" The cheapest-bonus threshold, $k = {cheapest}$, is excluded by incentive compatibility, not by a risk trade-off."
    )


def grid_sentence(g: GridFindings, first_best: float) -> str:
    """How the paper's grid method compares with the exact solver (:func:`grid_findings`), with
    the paper's tolerance and with tolerance 0; ``first_best`` is the model's C."""
    where_zero = {strict: report.series([f"{kind} $n = {n}$" for kind, n in zeros]) or "none"
                  for strict, zeros in ((False, g.zero), (True, g.zero_strict))}
    return (
        f"On this build's computation, the grid method reports a smaller gap than the exact optimum in "
        f"{report.tally(g.below_exact, g.total)} "
        f"configurations, and a gap of exactly zero in {len(g.zero)} ({where_zero[False]}). In {report.tally(g.not_ic, g.total)} "
        f"its chosen "
        "contract is not incentive compatible (a gain from deviating above the solver's tie rule $10^{-12}\\max(1, |U_a|)$): the "
        f"annotator would gain up to {report.number(g.largest_gain, digits=2)} in utility by moving to another effort "
        "(the exact solutions' largest gain is below $10^{-12}$). Its restricted problem reports a smaller gap than the exact "
        f"restricted optimum in {report.tally(g.restricted_below_exact, g.total)}. The grid's own first-best lies "
        f"{report.between(g.shortfall[0], g.shortfall[1], digits=2)} below the true "
        f"$\\mathcal C = {report.number(first_best)}$. It differs from "
        "one configuration to the next because it is not the model's first-best but the best grid point (effort, base wage, "
        "bonus and, for binary contracts, threshold share) that meets participation among that contract class's grid "
        "contracts for that $n$; the set of grid contracts, and with it the best of them, changes with $n$ and the class "
        "(columns \"grid first-best's effort e*\" and \"grid first-best − C\").\n\n"
        f"With tolerance 0 the same grids report a smaller gap than the exact optimum in "
        f"{report.tally(g.below_exact_strict, g.total)} "
        f"configurations and a gap of zero in {len(g.zero_strict)} ({where_zero[True]}); of their contracts, "
        f"{report.tally(g.not_ic_strict, g.total)} are still not incentive compatible"
        + (f", by up to {report.number(g.largest_gain_strict, digits=2)}; the other gains in that column are rounding-sized, "
           "below the tie rule." if g.not_ic_strict else ".")
    )


def restricted_rule_sentence(rule: RestrictedRule) -> str:
    """Whether the paper's published restricted rule and the three-point neighbourhood it meant
    give the same restricted answers on this profile (:func:`restricted_rule`), and where not, by how much."""
    stars = ", ".join(f"{e:.2f}" for e in rule.grid_stars)
    if rule.near_end:
        return (
            f"On the Figure 3 profile the grid first-best's effort is $e^* = {stars}$ in every configuration above "
            f"(the exact $\\eta^* = {report.number(rule.eta_star)}$), within one grid step of the end of the effort grid: there "
            "the published slice and the three-point neighbourhood hold the same efforts, so the two rules give the same "
            "restricted answers, and what separates the paper's restricted curves from the exact ones is the target "
            "effort ($e^*$ instead of $\\eta^*$), the grids and the tolerance-free comparison on the effort grid.")
    listed = "; ".join(f"{kind} $n = {n}$: {report.number(published)} (published) against {report.number(meant)} (neighbourhood)"
                       for (kind, n), published, meant in rule.changed)
    return (
        f"On this profile the grid first-best's effort is $e^* \\in \\{{{stars}\\}}$ across the configurations above "
        f"(the exact $\\eta^* = {report.number(rule.eta_star)}$). Where $e^* < 0.99$ the two slices differ, and the three-point "
        f"neighbourhood changes the grid's normalised restricted gap in {len(rule.changed)} of those {rule.compared} "
        "configurations" + (f": {listed}." if rule.changed else "."))


def doubling_sentence(slopes: dict[str, float], corrected: float) -> str:
    """The exercise on the utility gap's log-log slopes: the linear slope against -1, the raw
    binary slope against -1/2, and the binary slope with the logarithm removed (``corrected``)."""
    return (
        f"Here the linear slope is {report.number(slopes['linear'], digits=2)}, "
        + ("close to $-1$" if abs(slopes["linear"] + 1) < 0.05 else "not close to $-1$")
        + f"; the raw binary slope is {report.number(slopes['binary'], digits=2)}, "
        + ("steeper than $-\\tfrac12$ as the logarithm predicts" if slopes["binary"] < -0.5 else "not steeper than $-\\tfrac12$")
        + f", and with the logarithm removed it is {report.number(corrected, digits=2)}"
        + (" — on the other side of $-\\tfrac12$: between $n = 50$ and $800$ the logarithm and the lower-order terms of the "
           "gap cannot be told apart, which is why the rate chapters fit over a much wider range of $n$."
           if corrected > -0.5 > slopes["binary"] else "."))


def rate_fit_sentence(fits: pd.DataFrame, table: pd.DataFrame, n_max: int) -> str:
    """How close the rate figure's fitted slopes come to the theory's (:func:`rate_fits`: the
    worst fit of each contract class over the last decade of n) and how the general contract's
    gap compares with the linear one's (:func:`linear_vs_general`); ``n_max`` is the largest n."""
    worst = {kind: fits.loc[block.last_difference.abs().idxmax()] for kind, block in fits.groupby("kind", sort=False)}
    lg = linear_vs_general(table)
    return (
        "On this build's computation, " + "; ".join(
            f"{kind}: over {last_decade(fits[fits.kind == kind])} the fitted slopes differ from the theory's by "
            f"{report.at_most(abs(w.last_difference), digits=2, floor=0.001)} ({w.monitor.split(' (')[0]}, {w.problem})"
            for kind, w in worst.items()) + ". "
        "The local slope of $1/\\sqrt{n \\log n}$ is $-\\tfrac12(1 + 1/\\log n)$, which still differs from $-1/2$ by "
        f"{report.number(0.5 / np.log(n_max))} at $n = {n_max:,}$: that $\\sqrt{{\\log n}}$ factor is why the range goes to "
        "$10^5$, and why a binary fit is compared with the theory's curve on the same points rather than with $-1/2$. "
        f"At the largest $n$ computed for the general contract its gap is {report.number(lg.ratio_at_largest_n[0], digits=4)} to "
        f"{report.number(lg.ratio_at_largest_n[1], digits=4)} times the linear contract's"
        + (": linear contracts are not just rate-optimal here but nearly optimal outright." if lg.ratio_at_largest_n[1] > 0.95
           else ".")
        + f" Over all {lg.points} points where both are computed, the two gaps differ by "
        f"{report.at_most(100 * lg.largest_relative_difference, digits=2, floor=0.001)} % of the linear gap, which is why the "
        "general contracts' points sit on the linear curves in {numref}`fig-rates`."
    )


def effort_sentence(block: pd.DataFrame, eta_star: float) -> str:
    """How fast the induced effort approaches eta* (:func:`effort_distance`) for binary and
    linear contracts, against the theorem's orders 1/sqrt(n log n) and 1/n."""
    distances = {kind: effort_distance(block[block.kind == kind], eta_star, RATE_CURVES[kind]) for kind in ("binary", "linear")}
    orders = {"binary": "1/\\sqrt{n\\log n}", "linear": "1/n"}
    return (
        "The theorem's orders are upper bounds. On this build's computation " + "; ".join(
            f"the {kind} one has a fitted log–log slope of {report.number(d.slope, digits=2)} over $n \\ge 100$ (the bound "
            f"${orders[kind]}$ has {report.number(d.bound_slope, digits=2)}), with {d.above} of {d.points} points above the "
            "scaled bound"
            for kind, d in distances.items()) + ". "
        "The binary distance jumps around its trend because the threshold $k$ is an integer, so single points can sit above "
        "a reference line scaled to the first point."
    )


def two_level_sentence(frames: Sequence[pd.DataFrame], eta_star: float, n_max: int, continuous_gap: float) -> str:
    """When the gap with two effort levels (one frame per lower level, column ``low``) first falls
    below 1e-10 (:func:`first_reach`), beside the continuous-effort binary gap at ``n_max``."""
    two_level = pd.concat(frames)
    reach = {low: first_reach(frame, below=1e-10) for low, frame in sorted(two_level.groupby("low", sort=False))}
    return (
        "On this build's computation the two-level gap first falls below $10^{-10}$ " + ", ".join(
            f"with a lower level of {low / eta_star:g}η* " + (f"at $n = {n}$" if n else f"not within $n \\le {n_max}$")
            for low, n in reach.items())
        + f", while the continuous-effort binary gap at $n = {n_max}$ is still {report.number(continuous_gap, digits=2)}. "
        "The continuous action space — the annotator can shade its effort a little — is what slows monitoring-based pay "
        "down to the rates of {prf:ref}`thm-binary` and {prf:ref}`thm-linear`.\n\n"
        f"The smallest two-level gaps drawn, down to about {report.order(two_level[two_level.gap > 0].gap.min())}, are "
        "not money anyone could notice: they are far below the precision of the utilities themselves (about $10^{-16}$ of "
        "$\\mathcal C$), and a difference of two computed utilities could not show them. The library computes them directly as "
        "the annotator's risk premium from the chance that a complying annotator misses the bonus (a binomial tail, at "
        f"$n = {n_max}$ as small as about {report.order(two_level[two_level.miss_probability > 0].miss_probability.min())}). "
        "They show the shape of the decline, a straight line on this axis, $e^{-\\Theta(n)}$; for a company they mean a "
        "gap of zero."
    )


def missed_bonus_sentence(k: int, n: int, q_star: float, miss: float, at_threshold: float) -> str:
    """The missed-bonus figure (the paper's Figure 5) in words: the threshold share k/n against the
    pass probability q(eta*), the chance ``miss`` = P(X < k | eta*) that an annotator at eta*
    misses the bonus, and the mass ``at_threshold`` = P(X = k)."""
    return (
        f"Here the threshold share is $k/n = {k}/{n} = {report.number(k / n)}$, "
        + (f"below the pass probability $q(\\eta^*) = {report.number(q_star)}$: the contract is lenient" if k / n < q_star else
           f"not below the pass probability $q(\\eta^*) = {report.number(q_star)}$")
        + f". Even so, an annotator who exerts exactly $\\eta^*$ misses the bonus with probability "
        f"$P(X < k \\mid \\eta^*) = {report.number(miss)}$, and the mass at the threshold itself is "
        f"$P(X = k) = {report.number(at_threshold)}$."
    )


def bell_peak_sentence(ratios: dict[int, float]) -> str:
    """The exercise on part (e) of the binomial lemma: whether the ratio of the tail slope's peak to
    the lemma's sqrt(n/(2 pi s(1-s))) (``ratios`` at n = 100, 1000, 10000) tends to 1, and how fast."""
    errors = {n: abs(1 - r) for n, r in ratios.items()}
    factors = [errors[a] / errors[b] for a, b in ((100, 1000), (1000, 10_000))]
    return (
        "The ratio " + ("tends to 1, as the lemma says" if errors[10_000] < errors[1000] < errors[100] else
                        "does not approach 1 steadily")
        + f": its distance from 1 shrinks by factors of {report.number(factors[0])} and {report.number(factors[1])} "
        "per tenfold $n$" + (", so the correction is of order $1/n$." if all(5 < f < 20 for f in factors) else ".")
    )


def wage_sentence(pmf: np.ndarray, general, linear) -> str:
    """How close the optimal general contract's wages come to the linear contract's on the likely
    outcomes (:func:`wage_agreement`, 99.9 % of the mass of ``pmf``), and their gaps (``general`` and
    ``linear``: solutions with ``wages`` and ``gap``)."""
    w = wage_agreement(pmf, general.wages, linear.wages, mass=0.999)
    return (
        f"On the outcomes that carry 99.9 % of the probability at $\\eta^*$ ($X = {w.x_low}$ to ${w.x_high}$) the two wage "
        f"schedules differ by at most {report.number(w.largest_difference)}, against a wage range of "
        f"{report.number(w.wage_range)} there; far from the likely outcomes the general contract bends away (at $X = 0$ it "
        f"pays {report.number(general.wages[0])}, the linear one {report.number(linear.wages[0])}). Their gaps are "
        f"{report.number(general.gap)} and {report.number(linear.gap)}"
        + (f" (the general one smaller by {report.percent(1 - general.gap / linear.gap)})." if general.gap < linear.gap else ".")
    )


def monitors_sentence(monitors: dict[str, float], table: pd.DataFrame, general: pd.DataFrame, expert, eta_star: float) -> str:
    """The rate figure's monitors (name to c) with their Fisher information at ``eta_star``, whether
    the expert's c-bar comes from a named sample, and the largest n computed per contract class."""
    return ("Monitors: " + "; ".join(f"{name}: c = {c:.3f}, I(η*) = {float(monitoring.fisher_information(eta_star, c)):.3f}"
                                      for name, c in monitors.items())
            + (f". The expert signal uses c̄ of the {expert.label}, a named sample (see {{ref}}`chap-data`)."
               if expert is not None and expert.is_sample else ".")
            + f" The largest $n$ computed is {table[table.kind != 'general'].n.max():,} for binary and linear contracts, and "
            + " and ".join(f"{general[general.problem == pr].n.max():,} for the {pr}" for pr in ("restricted", "unrestricted"))
            + " problem of the general contract.")


def cramer_rao_sentence(variance: float, bound: float) -> str:
    """The exercise on the linear contract and the Cramér–Rao bound: the ratio of the variance of
    the pay in utility to the bound, and whether the bound is attained (to 1 %)."""
    off = abs(variance / bound - 1)
    return (
        f"The ratio is {report.number(variance / bound, digits=4)}"
        + (f": the bound is attained to within {report.number(100 * off, digits=2, floor=1e-6)} %. The linear contract's pay in "
           "utility is nearly an affine function of the score, the case of equality in Cauchy–Schwarz, which is why it is "
           "rate-optimal." if off < 0.01 else ", not close to 1 on this build.")
    )
