"""Results at a glance: for each figure of the paper and each claim of its abstract, what this
build computes and whether it agrees with the paper.

The book's page *Results at a glance* is filled in by the build after every chapter has run,
from the data those chapters saved with their figures (:mod:`annotator_incentives.plotting`
writes every figure's data as a CSV beside it). :func:`readings` reads those tables with the
findings functions the chapters themselves call (:mod:`.assessing`, :mod:`.incentives`,
:mod:`.principal_agent`, :mod:`.downstream`), so the page and the chapters cannot disagree.

Every reading ends in one of three verdicts (:data:`VERDICTS`): the build's numbers agree with
the paper's statement, they differ (and the reading says why), or the statement cannot be
checked on this build (its data are missing, or it is not a statement a number can check). A
reading never fails on a weak signal: a restricted problem without a feasible contract is left
out of a count and said (:class:`~annotator_incentives.findings.incentives.Tally`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import report
from . import assessing, downstream, incentives, principal_agent

__all__ = ["VERDICTS", "AGREES", "DIFFERS", "UNCHECKED", "Reading", "reading", "readings", "READERS", "tally_counts"]

AGREES, DIFFERS, UNCHECKED = "agrees", "differs", "not checkable on this build"
VERDICTS = (AGREES, DIFFERS, UNCHECKED)

LEVEL = 0.2  # the error sum the expert-bound figures are read at (as in the chapter on expert monitoring)
FEW = 100  # "hundreds of checked samples": fewer than this is not hundreds
RATE_TOLERANCE = 0.05  # a log-log slope within this of the theory's curve on the same points agrees with it
DELTA_FIG3 = 0.02  # the self-disagreement rate of the paper's Figure 3
SLACK = 1e-6  # the annotator's utility within this of U0: participation binds
FLOOR = 1e-12


@dataclass(frozen=True)
class Reading:
    """What this build computes for one of the paper's items.

    Attributes
    ----------
    computed : str
        The headline numbers, in Markdown (``$...$`` for math).
    verdict : str
        One of :data:`VERDICTS`.
    why : str
        Why: the rule the verdict follows, how the numbers differ, or what is missing.
    """

    computed: str
    verdict: str
    why: str

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")


Tables = Mapping[str, pd.DataFrame]


def _missing(*names: str) -> Reading:
    return Reading("nothing: the figure was not drawn on this build", UNCHECKED,
                   "its data (" + ", ".join(names) + ") were not made on this build")


def _label(name) -> str:
    """A dataset's name in the figure data (``ultrafeedback-sample``) as the book shows it."""
    from ..data.registry import DATASETS, SAMPLES

    spec = DATASETS.get(str(name)) or SAMPLES.get(str(name))
    return spec.label if spec is not None else str(name)


def _p_histograms(t: Tables) -> Reading:
    h = t["fig1_top_p_histograms"]
    parts, spread = [], []
    for name, block in h.groupby("dataset", sort=False):
        below = float(block.percent[block.bin_right <= 0.9 + 1e-9].sum())
        parts.append(f"{_label(name)}: mean of $\\max(p, 1-p)$ {report.number(block.mean_p.iloc[0])}, "
                     f"{report.number(below)} % of pairs below 0.9")
        spread.append(below >= 10)
    verdict = AGREES if all(spread) else DIFFERS
    return Reading("; ".join(parts), verdict,
                   "a tenth or more of the pairs of each dataset at hand has $p$ below 0.9: committed annotators would often "
                   "disagree"
                   if verdict == AGREES else "some dataset has fewer than a tenth of its pairs below $p = 0.9$")


def _first_below(bound: pd.DataFrame, eta0: float = 0.8) -> dict[str, int | None]:
    out = {}
    for name, block in bound.groupby("dataset", sort=False):
        out[_label(name)] = assessing.first_below(block[np.isclose(block.eta0, eta0)], LEVEL).get(eta0)
    return out


def _grid_text(n: int | None, grid: pd.Series) -> str:
    return "at " + report.first_at(n, sorted(grid.unique()))


def _expert_bound(t: Tables) -> Reading:
    bound = t["fig1_bottom_expert_bound"]
    bound = bound[np.isclose(bound.eta1, 1.0)]
    first = _first_below(bound)
    strong = [name for name, n in first.items() if n is not None and n < FEW and "skywork" not in name.lower()]
    text = "; ".join(f"{name}: the bound on the error sum ($\\eta_0 = 0.8$, $\\eta_1 = 1$) falls below {LEVEL} "
                     f"{_grid_text(n, bound.n)}" for name, n in first.items())
    if strong:
        return Reading(text, DIFFERS, f"{', '.join(strong)} would allow fewer than {FEW} checks: its preferences are "
                       "further from ½ than those of the paper's datasets (a sample on another score scale, or another dataset)")
    return Reading(text, AGREES, f"no test reaches an error sum of {LEVEL} with fewer than {FEW} expert checks on these data")


def _imperfect_target(t: Tables) -> Reading:
    eta1 = t["fig7_expert_bound_eta1"]
    rows, ordered = [], True
    for name, block in eta1.groupby("dataset", sort=False):
        firsts = {float(e1): _first_below(b).get(_label(name)) for e1, b in block.groupby("eta1")}
        cap = float(block.n.max()) + 1
        reach = [float(n) if (n := firsts[e1]) is not None else cap for e1 in sorted(firsts, reverse=True)]
        ordered &= all(a <= b for a, b in zip(reach, reach[1:], strict=False))
        rows.append(f"{_label(name)}: " + ", ".join(f"$\\eta_1 = {report.value(e1)}$ {_grid_text(firsts[e1], block.n)}"
                                           for e1 in sorted(firsts, reverse=True)))
    return Reading(f"where the bound ($\\eta_0 = 0.8$) falls below {LEVEL}: " + "; ".join(rows),
                   AGREES if ordered else DIFFERS,
                   "a less demanding target $\\eta_1$ needs at least as many checks" if ordered else
                   "a less demanding target needed fewer checks somewhere")


def _versus_bound(table: pd.DataFrame) -> list[tuple[str, float, assessing.BoundComparison]]:
    out = []
    exact = table[table.kind == "self-consistency exact"].drop(columns=["kl", "lower_bound"], errors="ignore")
    bound = table[table.kind == "expert lower bound"]
    for (name, eta0), curves in exact.groupby(["dataset", "eta0"], sort=False):
        b = bound[(bound.dataset == name) & np.isclose(bound.eta0, eta0)]
        if len(b):
            out.append((_label(name), float(eta0), assessing.compare_with_bound(curves, b, int(curves.n.max()))))
    return out


def _self_consistency_figure(table_name: str) -> Callable[[Tables], Reading]:
    def read(t: Tables) -> Reading:
        panels = _versus_bound(t[table_name])
        if not panels:
            return _missing(table_name)
        parts, somewhere, only_zero = [], False, False
        for name, eta0, c in panels:
            under = [d for d, ns in c.below.items() if len(ns)]
            somewhere |= any(d > 0 for d in under)  # δ = 0, an annotator who never contradicts itself, proves little
            only_zero |= bool(under) and not any(d > 0 for d in under)
            parts.append(f"{name}, $\\eta_0 = {report.value(eta0)}$: below the expert bound {report.where(c.below, c.grid)}")
        here = ("here it does for some δ > 0" if somewhere else
                "here it does only at δ = 0, an annotator who never contradicts itself" if only_zero else
                "here it does for no δ shown")
        return Reading("; ".join(parts), AGREES if somewhere else DIFFERS,
                       "the paper's reading: self-consistency can beat even an expert test that knows every $p$, "
                       "depending on the data and δ; " + here)
    return read


def tally_counts(t: incentives.Tally) -> str:
    """A :class:`~annotator_incentives.findings.incentives.Tally` as "x of y comparisons" with
    the comparisons left out said.

    Examples
    --------
    >>> tally_counts(incentives.Tally(28, 28, 4))
    'all 28 comparisons (4 more, without a feasible contract on one side, are not counted)'
    """
    return report.tally(t.holds, t.total, t.infeasible, noun="comparisons")


def _gap_figure(*names: str) -> Callable[[Tables], Reading]:
    def read(t: Tables) -> Reading:
        parts, agree = [], True
        for name in names:
            o = incentives.gap_orderings(t[name], DELTA_FIG3 if name != "fig10a_gap_delta0" else 0.0)
            fall = {k: v[2] for k, v in o.fall.items()}
            faster = "linear" in fall and "binary" in fall and fall["linear"] > fall["binary"]
            prefix = f"{name.split('_')[0].replace('fig', 'Figure ')}: " if len(names) > 1 else ""
            parts.append(prefix + f"self-consistency has the smaller gap in {tally_counts(o.self_below_expert)}"
                         + (f"; the median gap falls {report.number(fall['linear'])}-fold (linear) and "
                            f"{report.number(fall['binary'])}-fold (binary) from $n = 11$ to the largest $n$"
                            if "linear" in fall and "binary" in fall else ""))
            agree &= o.self_below_expert.always and faster
        why = ("self-consistency is below expert monitoring in every comparison that can be made, and "
               "the linear gap falls faster than the binary one" if agree else
               "self-consistency is not below expert monitoring everywhere, or the linear gap does not fall faster")
        pku = _pku_expert(t[names[0]])
        if pku is None:
            why += "; the remark about PKU is not checkable on this build (PKU is not at hand)"
        else:
            worst, text = pku
            parts.append(text)
            agree &= worst
            why += "; with expert monitoring PKU has the largest gap" if worst else "; PKU does not have the largest expert gap"
        return Reading("; ".join(parts), AGREES if agree else DIFFERS, why)
    return read


def _pku_expert(table: pd.DataFrame) -> tuple[bool, str] | None:
    """Whether PKU has the largest median normalised gap under expert monitoring (feasible problems only)."""
    if "pku" not in set(table.dataset.astype(str)):
        return None
    expert = table[(table.monitor == "expert") & table.feasible.astype(bool)]
    medians = expert.groupby("dataset").normalised_gap.median()
    text = "median expert-monitoring gap: " + ", ".join(f"{_label(d)} {report.number(v)}" for d, v in medians.items())
    return bool(medians.idxmax() == "pku"), text


def _bell(t: Tables) -> Reading:
    bell = t["fig4_bell_curve"]
    rows, twice = [], True
    for n, block in bell.groupby("n"):
        block = block.sort_values("eta")
        above = (block.marginal_incentive > block.marginal_cost).to_numpy()
        crossings = int(np.count_nonzero(above[1:] != above[:-1]))
        twice &= crossings == 2
        rows.append((int(n), float(block.marginal_incentive.max()) / np.sqrt(n), crossings))
    ratios = [r for _, r, _ in rows]
    steady = max(ratios) / min(ratios) < 1.5
    return Reading(f"peak over $\\sqrt n$: {report.between(min(ratios), max(ratios))} at "
                   f"{report.values('n', [n for n, _, _ in rows])}; crossings of the marginal cost: "
                   + ", ".join(str(c) for _, _, c in rows),
                   AGREES if twice and steady else DIFFERS,
                   "the peak grows like $\\sqrt n$ (its ratio to $\\sqrt n$ varies by less than 1.5-fold) and the cost "
                   "curve crosses the bell twice" if twice and steady else "the peak does not grow like $\\sqrt n$, "
                   "or the cost curve does not cross the bell twice, at some n shown")


def _lenient(t: Tables) -> Reading:
    pmf = t["fig5_missed_bonus"]
    n = int(pmf.x.max())
    missed = float(pmf.pmf[pmf.missed.astype(bool)].sum())
    at_k = float(pmf.pmf[pmf.x == pmf.k.iloc[0]].sum())
    text = (f"at $n = {n}$: the complying annotator misses the bonus with probability {report.number(missed)} "
            f"($1/\\sqrt{{n \\log n}}$ = {report.number(1 / np.sqrt(n * np.log(n)))}); mass at the threshold "
            f"{report.number(at_k)} ($1/n$ = {report.number(1 / n)})")
    if "binary_lenient_threshold" in t:
        local = t["binary_lenient_threshold"].dropna(subset=["slope"])
        miss = local[local.series.astype(str) == "miss"].sort_values("n_lo")
        if len(miss):
            last = miss.iloc[-1]
            off = abs(float(last.slope - last.reference))
            return Reading(text + f"; over $n = {last.n_lo:,.0f}$–${last.n_hi:,.0f}$ the miss probability's log-log slope is "
                           f"{report.number(last.slope)} against {report.number(last.reference)} for $1/\\sqrt{{n\\log n}}$",
                           AGREES if off <= RATE_TOLERANCE else DIFFERS,
                           f"the rate is read from the slope over the last window (agreement: within {RATE_TOLERANCE})")
    return Reading(text, UNCHECKED, "a rate cannot be read at one $n$")


def _calibration(t: Tables) -> Reading:
    return Reading("drawn from the reward-model scores at hand", UNCHECKED,
                   "this page does not score calibration curves: the figure shows them before and after binning")


def _participation(t: Tables) -> Reading:
    runs = t["fig9_participation_binds"]
    feasible = runs[runs.feasible.astype(bool)]
    slack = principal_agent.largest_slack(feasible.agent_utility, 0.0)
    left_out = len(runs) - len(feasible)
    return Reading(f"the annotator's utility at the optimum is within {report.number(slack, floor=FLOOR)} of $U_0 = 0$ "
                   f"in all {len(feasible):,} feasible runs" + (f" ({left_out:,} without a feasible contract left out)"
                                                                if left_out else ""),
                   AGREES if slack <= SLACK else DIFFERS,
                   "participation binds (the criterion: within $10^{-6}$ of $U_0$)" if slack <= SLACK
                   else "participation does not bind")


def _hard_examples(t: Tables) -> Reading:
    hard = t["hard_examples"]
    return Reading(f"{len(hard):,} MT-Bench items on which real judges split, shown verbatim", UNCHECKED,
                   "the paper's three examples are HelpSteer texts; this book shows other real items where careful "
                   "people disagree")


def _sensitivity(t: Tables) -> Reading:
    s = t["delta_sensitivity"]
    wide = s.pivot_table(index=["profile", "problem", "delta"], columns="kind", values="normalised_gap")
    below = incentives._tally(wide.get("linear", pd.Series(dtype=float)), wide.get("binary", pd.Series(dtype=float)),
                              lambda a, b: a < b)
    rising = [(p, k, pr) for (p, k, pr), b in s.groupby(["profile", "kind", "problem"])
              if b.sort_values("delta").normalised_gap.diff().dropna().ge(-FLOOR).all()]
    curves = s.groupby(["profile", "kind", "problem"]).ngroups
    return Reading(f"the gap averaged over $n$ grows with δ on {len(rising)} of {curves} curves; linear below binary in "
                   f"{tally_counts(below)}", UNCHECKED, "later work by the authors, without a stated finding to check")


def _grid(t: Tables) -> Reading:
    g = t["grid_vs_exact"]
    not_ic = int(g["not IC"].astype(bool).sum())
    lower = int((g["grid gap (paper)"] < g["exact gap"] - FLOOR).sum())
    return Reading(f"of {len(g):,} configurations, the grid's contract is not incentive compatible in {not_ic:,}; its "
                   f"gap is below the exact optimum's in {lower:,}", DIFFERS if not_ic or lower else AGREES,
                   "the grid's 0.01 tolerance admits contracts the annotator would deviate from, and its wage "
                   "steps put the grid's own first-best below the true one" if not_ic or lower
                   else "the grid's answers match the exact ones")


def _rates(t: Tables) -> Reading:
    fits = incentives.rate_fits(t["rates_headline"])
    fits = fits[fits.kind.isin(["binary", "linear"])]
    worst = float(fits.last_difference.abs().max())
    parts = [f"{kind}: slopes {report.between(b.last_slope.min(), b.last_slope.max())} against the "
             f"theory's {report.number(b.last_reference_slope.mean())} over {incentives.last_decade(b)}"
             for kind, b in fits.groupby("kind")]
    return Reading("; ".join(parts), AGREES if worst <= RATE_TOLERANCE else DIFFERS,
                   f"every curve's slope is within {RATE_TOLERANCE} of its rate's slope on the same points"
                   if worst <= RATE_TOLERANCE else f"a slope differs from its rate's by {report.number(worst)}")


def _general(t: Tables) -> Reading:
    table = t["rates_headline"]
    if "general" not in set(table.kind):
        return _missing("general contracts")
    lg = incentives.linear_vs_general(table)
    low, high = lg.ratio_at_largest_n
    return Reading(f"the optimal general contract's gap over the linear one's at the largest $n$: "
                   f"{report.between(low, high)}", AGREES if low > 0.5 else DIFFERS,
                   "no general contract does better than a constant fraction of the linear gap: the same rate"
                   if low > 0.5 else "a general contract does far better than the linear one")


def _discrete(t: Tables) -> Reading:
    rows = t["discrete_action_gap"]
    continuous = rows[rows["low"].isna()].sort_values("n")
    discrete = rows[rows["low"].notna()]
    if discrete.empty:
        return _missing("discrete_action_gap")
    top = int(discrete.n.max())
    parts, steep = [], True
    for low, frame in discrete.groupby("low", sort=False):
        frame = frame.sort_values("n")
        fall = float(np.log10(frame.gap.iloc[0] / frame.gap.iloc[-1]))
        steep &= fall >= 3
        reach = incentives.first_reach(frame, below=1e-10)
        parts.append(f"lower effort level {report.number(low)}: the gap falls {report.number(fall, digits=2)} orders of "
                     f"magnitude by $n = {int(frame.n.max()):,}$"
                     + (f" (below $10^{{-10}}$ from $n = {reach:,}$)" if reach is not None else ""))
    tail = (f"; the continuous-effort binary gap at $n = {top:,}$: {report.number(continuous.gap.iloc[-1], digits=2)}"
            if len(continuous) else "")
    note = " (computed directly as the annotator's risk premium: far below what a difference of two utilities could show)"
    return Reading("; ".join(parts) + tail + note, AGREES if steep else DIFFERS,
                   "with two effort levels the gap falls exponentially in $n$ (at least three orders of magnitude over "
                   "the $n$ computed), far faster than with a continuous effort" if steep else
                   "some two-level gap falls less than three orders of magnitude over the $n$ computed")


def _complements(t: Tables) -> Reading:
    table = t["complements_table"]
    first_best_value = float(table["principal utility"].iloc[0] + table["gap to first-best"].iloc[0])
    r = principal_agent.complements_reading(table, first_best_value)
    both = r.alone_same and r.binary_short < r.weak_short and r.linear_short < 1
    return Reading(f"monitoring alone, a contract alone and neither earn the company the same "
                   f"({report.number(r.alone[0])}); monitoring with a contract closes the gap to "
                   f"{report.number(r.linear_short)} of the first-best (linear) and {report.number(r.binary_short)} (binary)",
                   AGREES if both else DIFFERS,
                   "neither alone does anything; together they close most of the gap" if both else
                   "one of the two alone already helps, or together they do not")


def _heterogeneity(t: Tables) -> Reading:
    pairs = t["real_pairwise_agreement"]
    sure = int((pairs.high < 1).sum())
    return Reading(f"MT-Bench judges (real annotators): {sure:,} of {len(pairs):,} pairs of judges certainly do not "
                   f"always agree (the 95 % interval of their agreement rate lies below 1); "
                   f"agreement {report.between(pairs.rate.min(), pairs.rate.max())}",
                   AGREES if sure else DIFFERS,
                   "careful people disagree" if sure else "no pair of judges certainly disagrees on these data")


def _downstream(t: Tables) -> Reading:
    curve = t["downstream_effort"]
    curve = curve[curve.method.isna() | (curve.method.astype(str) == "")] if "method" in curve else curve
    rows = []
    agree = True
    for name, block in curve.groupby("dataset", sort=False):
        s = downstream.accuracy_spread(block)
        top = float(s.mean.index.max())
        near = [e for e in s.mean.index if e >= 0.8 - 1e-9]
        if not near:
            continue
        low_eta = min(near)
        drop = float(s.mean[top] - s.mean[low_eta])
        overlap = float(s.high[low_eta]) >= float(s.low[top])
        agree &= overlap
        rows.append(f"{name}: held-out accuracy {report.number(s.mean[top])} at $\\eta = {report.value(top)}$ and "
                    f"{report.number(s.mean[low_eta])} at $\\eta = {report.value(low_eta)}$ (a difference of "
                    f"{report.number(drop)})")
    if not rows:
        return _missing("downstream_effort")
    return Reading("; ".join(rows), AGREES if agree else DIFFERS,
                   "the seeds' accuracies at the two efforts overlap: the model's accuracy does not reveal the effort"
                   if agree else "the accuracies at the two efforts are separated: here accuracy does reveal effort")


def _fisher(t: Tables) -> Reading:
    r = t["fisher_information_ratio"]
    consistent = bool(((r.ratio > 1) == (1 - r.delta > r.c_bar)).all())
    crossings = [assessing.information_crossing(float(c), sorted(r.delta.unique())) for c in sorted(r.c_bar.unique())]
    return Reading("the crossing $\\delta = 1 - \\bar c$ at " + ", ".join(
        f"$\\bar c = {report.number(c.c_bar)}$: δ = {report.number(c.delta_star)}" for c in crossings[:4])
                   + (f" and {len(crossings) - 4} more" if len(crossings) > 4 else ""),
                   AGREES if consistent else DIFFERS,
                   "self-consistency carries more Fisher information exactly where $1 - \\delta > \\bar c$ "
                   f"(all {len(r):,} points computed)" if consistent else "the ratio crosses 1 elsewhere")


# key of paper_items.toml -> (the figure data it reads, the reader)
READERS: dict[str, tuple[tuple[str, ...], Callable[[Tables], Reading]]] = {
    "fig1-top": (("fig1_top_p_histograms",), _p_histograms),
    "fig1-bottom": (("fig1_bottom_expert_bound",), _expert_bound),
    "fig2": (("fig2_self_consistency",), _self_consistency_figure("fig2_self_consistency")),
    "fig3": (("fig3_utility_gap",), _gap_figure("fig3_utility_gap")),
    "fig4": (("fig4_bell_curve",), _bell),
    "fig5": (("fig5_missed_bonus",), _lenient),
    "fig6": (("fig6_calibration",), _calibration),
    "fig7": (("fig7_expert_bound_eta1",), _imperfect_target),
    "fig8": (("fig8_self_consistency_eta1_095",), _self_consistency_figure("fig8_self_consistency_eta1_095")),
    "fig9": (("fig9_participation_binds",), _participation),
    "fig10": (("fig10a_gap_delta0", "fig10b_gap_mu", "fig10c_gap_G"),
              _gap_figure("fig10a_gap_delta0", "fig10b_gap_mu", "fig10c_gap_G")),
    "text-examples": (("hard_examples",), _hard_examples),
    "delta-sensitivity": (("delta_sensitivity",), _sensitivity),
    "claim-rates": (("rates_headline",), _rates),
    "claim-linear-optimal": (("rates_headline",), _general),
    "claim-discrete": (("discrete_action_gap",), _discrete),
    "claim-complements": (("complements_table",), _complements),
    "claim-heterogeneity": (("real_pairwise_agreement",), _heterogeneity),
    "challenge-downstream": (("downstream_effort",), _downstream),
    "claim-self-consistency": (("fisher_information_ratio",), _fisher),
    "paper-method": (("grid_vs_exact",), _grid),
}


def reading(key: str, tables: Tables) -> Reading:
    """What this build shows for one paper item, read from its figure data.

    Parameters
    ----------
    key : str
        A key of :data:`READERS` (the paper's figure or claim, as the book's chapters name it).
    tables : mapping of str to pandas.DataFrame
        The figure data this build wrote, by file name (``fig3_utility_gap`` ...); a figure not
        drawn on this build is absent.

    Returns
    -------
    Reading
        "not checkable on this build" when the figure data it needs are absent.

    Raises
    ------
    KeyError
        For a key that is not one of the paper's items.

    Examples
    --------
    >>> r = reading("fig9", {"fig9_participation_binds": pd.DataFrame({"feasible": [True, False],
    ...                      "agent_utility": [1e-13, 0.4]})})
    >>> r.verdict, r.computed.endswith("in all 1 feasible runs (1 without a feasible contract left out)")
    ('agrees', True)
    >>> reading("fig9", {}).verdict
    'not checkable on this build'
    """
    names, read = READERS[key]
    absent = [name for name in names if name not in tables]
    if absent:
        return _missing(*absent)
    return read(tables)


def readings(tables: Tables) -> dict[str, Reading]:
    """:func:`reading` for every item of :data:`READERS`, in the paper's order."""
    return {key: reading(key, tables) for key in READERS}
