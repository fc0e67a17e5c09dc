"""Findings of the part "Assessing annotators": where exact error sums sit against the expert
lower bound, where self-consistency carries more information than the expert agreement test,
and how many checks each method needs.

The curves themselves come from :mod:`annotator_incentives.monitoring`; the functions here read
them (or the dataset's p) and return what the chapters' sentences state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import monitoring, report

__all__ = [
    "figures_sentence",
    "spread_markdown",
    "spread_key_results",
    "comparison_markdown",
    "eta1_sentence",
    "ump_rows",
    "ump_sentence",
    "bound_sentence",
    "versus_bound",
    "checks_sentence",
    "N_MAX",
    "PSpread",
    "p_spread",
    "first_below",
    "agreement_checks",
    "UmpReading",
    "ump_reading",
    "BoundComparison",
    "compare_with_bound",
    "InformationCrossing",
    "information_crossing",
    "CheckCounts",
    "checks_needed",
]

N_MAX = 10**7  # the largest number of checks the sample-size searches consider


@dataclass(frozen=True)
class PSpread:
    """How far a dataset's folded preference probabilities sit from one half.

    Attributes
    ----------
    mean_p : float
        Mean folded p.
    c_bar : float
        The expert signal strength E|2p - 1|.
    share_below : float
        Share of pairs with p below ``low`` (a committed label is then close to a coin flip).
    share_above : float
        Share of pairs with p above ``high``.
    low, high : float
        The two cut points.
    """

    mean_p: float
    c_bar: float
    share_below: float
    share_above: float
    low: float
    high: float


def p_spread(p, low: float = 0.6, high: float = 0.9) -> PSpread:
    """Mean, c-bar and the shares of pairs near one half and near one.

    Examples
    --------
    >>> s = p_spread([0.5, 0.55, 0.95, 1.0])
    >>> s.share_below, s.share_above, round(s.c_bar, 3)
    (0.5, 0.5, 0.5)
    """
    p = np.asarray(p, dtype=float)
    return PSpread(float(p.mean()), monitoring.signal_strength(p), float((p < low).mean()), float((p > high).mean()),
                   float(low), float(high))


def first_below(curves: pd.DataFrame, level: float) -> dict[float, int | None]:
    """For each eta0 of :func:`~annotator_incentives.monitoring.expert_bound_curves`, the smallest
    n of the grid at which the lower bound is below ``level`` (``None``: at no n of the grid).

    Examples
    --------
    >>> import numpy as np
    >>> from annotator_incentives import monitoring
    >>> curves = monitoring.expert_bound_curves(np.full(10, 0.9), np.arange(10, 500, 10), [0.95, 0.6], eta1=1.0)
    >>> first_below(curves, 0.2)
    {0.95: None, 0.6: 20}
    """
    out: dict[float, int | None] = {}
    for eta0, block in curves.groupby("eta0", sort=False):
        hits = block[block.lower_bound < level].n
        out[float(eta0)] = int(hits.min()) if len(hits) else None
    return out


def agreement_checks(p, target: float, eta0s: Sequence[float], eta1: float = 1.0) -> dict[float, int | None]:
    """Checks the expert agreement test needs for an error sum of ``target``, per eta0 (exact;
    ``None`` when more than :data:`N_MAX` would be needed).

    Examples
    --------
    >>> import numpy as np
    >>> agreement_checks(np.full(10, 0.5005), 0.2, [0.8])  # c-bar = 0.001: out of reach
    {0.8: None}
    """
    expert = monitoring.expert_monitor(p)
    return {float(e): _needed(expert, target, e, eta1) for e in eta0s}


@dataclass(frozen=True)
class UmpReading:
    """The most powerful agreement test at a given size, and the estimate of effort it gives.

    Attributes
    ----------
    c_bar : float
        The expert signal strength.
    n, threshold : int
        Checked labels, and the number of agreements from which the test decides for eta1.
    size, power : float
        The test's exact size (at eta0) and power (at eta1).
    estimate : annotator_incentives.monitoring.EtaEstimate
        The estimate of effort, with its confidence interval, at the count expected for ``eta_true``.
    """

    c_bar: float
    n: int
    threshold: int
    size: float
    power: float
    estimate: monitoring.EtaEstimate


def ump_reading(p, n: int = 200, alpha: float = 0.05, eta0: float = 0.8, eta1: float = 0.95, eta_true: float = 0.9) -> UmpReading:
    """Most powerful test of eta0 against eta1 at size ``alpha``, and the estimate for ``eta_true``.

    Examples
    --------
    >>> import numpy as np
    >>> r = ump_reading(np.full(100, 1.0))  # c-bar = 1: every careful label agrees with the expert
    >>> r.size <= 0.05 < r.power
    True
    """
    expert = monitoring.expert_monitor(p)
    q0, q1 = float(expert.q(eta0)), float(expert.q(eta1))
    k = monitoring.ump_threshold(n, q0, alpha=alpha)
    size, miss = monitoring.threshold_test_errors(n, k, q0, q1)
    estimate = monitoring.estimate_eta(passes=int(round(n * float(expert.q(eta_true)))), n=n, c=expert.c)
    return UmpReading(expert.c, n, int(k), float(size), 1 - float(miss), estimate)


@dataclass(frozen=True)
class BoundComparison:
    """Exact self-consistency error sums against the expert lower bound on one grid of n.

    Attributes
    ----------
    eta0, eta1 : float
        The hypotheses.
    grid : numpy.ndarray
        The sample sizes n compared.
    below : dict of float to numpy.ndarray
        For each delta, the n of the grid at which the exact error sum is strictly below the bound.
    n_ref : int
        The sample size at which the values are quoted.
    bound_at_ref : float
        The lower bound at ``n_ref``.
    error_sums_at_ref : dict of float to float
        The exact error sum at ``n_ref`` for each delta.
    """

    eta0: float
    eta1: float
    grid: np.ndarray
    below: dict[float, np.ndarray]
    n_ref: int
    bound_at_ref: float
    error_sums_at_ref: dict[float, float] = field(default_factory=dict)

    @property
    def always(self) -> list[float]:
        """The deltas whose curve is below the bound at every n of the grid."""
        return [d for d, ns in self.below.items() if len(ns) == len(self.grid)]

    @property
    def never(self) -> list[float]:
        """The deltas whose curve is below the bound at no n of the grid."""
        return [d for d, ns in self.below.items() if len(ns) == 0]


def compare_with_bound(curves: pd.DataFrame, bound: pd.DataFrame, n_ref: int) -> BoundComparison:
    """Where each exact self-consistency curve lies below the expert lower bound.

    Parameters
    ----------
    curves : pandas.DataFrame
        :func:`annotator_incentives.monitoring.self_consistency_curves` for one (eta0, eta1).
    bound : pandas.DataFrame
        :func:`annotator_incentives.monitoring.expert_bound_curves` for the same eta0 and eta1,
        on the same n.
    n_ref : int
        A sample size of the grid at which to quote the values.

    Returns
    -------
    BoundComparison

    Raises
    ------
    ValueError
        If the two frames are not on the same grid of n, or ``n_ref`` is not on it.

    Examples
    --------
    >>> import numpy as np
    >>> from annotator_incentives import monitoring
    >>> n = np.arange(10, 110, 10)
    >>> p = np.full(100, 0.75)  # c-bar = 0.5
    >>> curves = monitoring.self_consistency_curves(n, [0.0, 0.6], eta0=0.8, eta1=1.0)
    >>> bound = monitoring.expert_bound_curves(p, n, [0.8], eta1=1.0)
    >>> result = compare_with_bound(curves, bound, n_ref=100)
    >>> result.always, result.never
    ([0.0], [0.6])
    """
    grid = np.sort(curves.n.unique())
    if not np.array_equal(grid, np.sort(bound.n.unique())):
        raise ValueError("the self-consistency curves and the bound are on different grids of n")
    if n_ref not in set(grid.tolist()):
        raise ValueError(f"n_ref = {n_ref} is not on the grid of n")
    merged = curves.merge(bound[["n", "lower_bound"]], on="n")
    below = {float(d): block.n[block.error_sum < block.lower_bound].to_numpy() for d, block in merged.groupby("delta")}
    at_ref = curves[curves.n == n_ref]
    return BoundComparison(
        eta0=float(curves.eta0.iloc[0]),
        eta1=float(curves.eta1.iloc[0]),
        grid=grid,
        below=below,
        n_ref=int(n_ref),
        bound_at_ref=float(bound.loc[bound.n == n_ref, "lower_bound"].iloc[0]),
        error_sums_at_ref={float(r.delta): float(r.error_sum) for r in at_ref.itertuples()},
    )


@dataclass(frozen=True)
class InformationCrossing:
    """Where self-consistency carries more Fisher information than the expert agreement test.

    Attributes
    ----------
    c_bar : float
        The expert signal strength of the dataset.
    delta_star : float
        The crossing ``1 - c_bar``: self-consistency carries more information for delta below it.
    better : list of float
        The deltas considered at which ``1 - delta > c_bar``.
    deltas : list of float
        All the deltas considered.
    """

    c_bar: float
    delta_star: float
    better: list[float]
    deltas: list[float]

    @property
    def everywhere(self) -> bool:
        """Self-consistency carries more information at every delta considered."""
        return len(self.better) == len(self.deltas)


def information_crossing(c_bar: float, deltas: Sequence[float]) -> InformationCrossing:
    """The crossing delta = 1 - c-bar of Proposition 4 and the deltas on the better side of it.

    Examples
    --------
    >>> crossing = information_crossing(0.85, [0.0, 0.1, 0.2, 0.3])
    >>> round(crossing.delta_star, 2), crossing.better
    (0.15, [0.0, 0.1])
    """
    deltas = [float(d) for d in deltas]
    better = [d for d in deltas if monitoring.self_consistency_needs_fewer(d, c_bar)]
    return InformationCrossing(float(c_bar), 1 - float(c_bar), better, deltas)


@dataclass(frozen=True)
class CheckCounts:
    """Checks needed for a target error sum by each method (exact, or the closed-form bound).

    A count is ``None`` when no number of checks up to :data:`N_MAX` reaches the target (out of
    reach): such a method is left out of every comparison below, not counted for or against it.

    Attributes
    ----------
    target, eta0, eta1 : float
        The target error sum and the hypotheses.
    bound : int or None
        No expert test, even one that knows every p, reaches the target with fewer checks.
    agreement : int or None
        The expert agreement test (exact).
    self_consistency : dict of float to int or None
        The self-consistency test for each delta (exact).
    """

    target: float
    eta0: float
    eta1: float
    bound: int | None
    agreement: int | None
    self_consistency: dict[float, int | None]

    def _reached(self) -> dict[float, int]:
        return {d: n for d, n in self.self_consistency.items() if n is not None}

    @property
    def out_of_reach(self) -> list[float]:
        """The deltas at which self-consistency cannot reach the target within N_MAX checks."""
        return [d for d, n in self.self_consistency.items() if n is None]

    @property
    def within_bound(self) -> list[float]:
        """Deltas at which self-consistency needs no more checks than any expert test must."""
        return [] if self.bound is None else [d for d, n in self._reached().items() if n <= self.bound]

    @property
    def beyond_bound(self) -> list[float]:
        """Deltas at which self-consistency needs more checks than the expert bound's minimum."""
        return [] if self.bound is None else [d for d, n in self._reached().items() if n > self.bound]

    @property
    def fewer_than_agreement(self) -> list[float]:
        """Deltas at which self-consistency needs fewer checks than the expert agreement test."""
        if self.agreement is None:
            return list(self._reached())
        return [d for d, n in self._reached().items() if n < self.agreement]

    @property
    def not_fewer_than_agreement(self) -> list[float]:
        """Deltas at which self-consistency needs at least as many checks as the agreement test."""
        return [] if self.agreement is None else [d for d, n in self._reached().items() if n >= self.agreement]


def _needed(monitor: monitoring.Monitor, target: float, eta0: float, eta1: float) -> int | None:
    try:
        return monitoring.samples_needed(target, float(monitor.q(eta0)), float(monitor.q(eta1)), n_max=N_MAX)
    except monitoring.OutOfReachError:
        return None


def checks_needed(p, deltas: Sequence[float], target: float = 0.1, eta0: float = 0.8, eta1: float = 0.95) -> CheckCounts:
    """Checks each method needs to reach an error sum of ``target`` between eta0 and eta1.

    Parameters
    ----------
    p : array_like
        The dataset's preference probabilities (they give the expert signal c-bar and the bound).
    deltas : sequence of float
        Self-disagreement rates of self-consistency.
    target : float, default 0.1
        Type I + type II error sum to reach.
    eta0, eta1 : float, default 0.8 and 0.95
        The hypotheses.

    Returns
    -------
    CheckCounts

    Raises
    ------
    annotator_incentives.monitoring.MonitoringError
        For parameters outside the model (probabilities outside [0, 1], eta0 >= eta1, ...).

    Examples
    --------
    >>> import numpy as np
    >>> counts = checks_needed(np.full(100, 0.9), deltas=[0.0], target=0.1, eta0=0.8, eta1=0.95)
    >>> counts.self_consistency[0.0] < counts.agreement  # c = 1 against c-bar = 0.8
    True
    """
    expert = monitoring.expert_monitor(p)
    try:
        bound: int | None = monitoring.samples_needed_lower_bound(target, monitoring.expert_kl_divergence(p, eta0, eta1))
    except monitoring.OutOfReachError:
        bound = None
    if bound is not None and bound > N_MAX:
        bound = None
    return CheckCounts(
        target=float(target),
        eta0=float(eta0),
        eta1=float(eta1),
        bound=bound,
        agreement=_needed(expert, target, eta0, eta1),
        self_consistency={float(d): _needed(monitoring.self_consistency_monitor(d), target, eta0, eta1) for d in deltas},
    )


def spread_markdown(spreads: dict[str, PSpread], caveats: Sequence[str] = ()) -> str:
    """The data chapter's reading of its p histograms: for each dataset (``spreads`` by label,
    :func:`p_spread`) the mean folded p, c̄ and the shares of pairs near one half and near one, as
    bullets, then the ``caveats`` of the samples among them.

    Parameters
    ----------
    spreads : dict of str to PSpread
        By the dataset's label.
    caveats : sequence of str, optional
        Sentences said after the bullets (a sample's caveat).

    Returns
    -------
    str
        Markdown: a lead line, one bullet per dataset, then the caveats.

    Examples
    --------
    >>> print(spread_markdown({"A": p_spread([0.5, 0.55, 0.95, 1.0])}, ["A is a sample."]))  # doctest: +NORMALIZE_WHITESPACE
    On this build's data:
    <BLANKLINE>
    - A: mean folded p = 0.750, c̄ = 0.500; 50 % of the pairs have p below 0.6 (a committed label is then
      close to a coin flip) and 50 % have p above 0.9.
    <BLANKLINE>
    A is a sample.
    """
    bullets = report.bullets("On this build's data:", [
        f"{label}: mean folded p = {report.number(s.mean_p)}, c̄ = {report.number(s.c_bar)}; {report.percent(s.share_below)} "
        f"of the pairs have p below {report.value(s.low)} (a committed label is then close to a coin flip) and "
        f"{report.percent(s.share_above)} have p above {report.value(s.high)}." for label, s in spreads.items()])
    return bullets + ("\n\n" + " ".join(caveats) if caveats else "")


def spread_key_results(spreads: dict[str, PSpread]) -> list[str]:
    """The data chapter's key results, for the box at the top of the chapter: each dataset's c̄
    and its share of pairs near one half (``spreads`` by label, :func:`p_spread`), and what p
    is to the later chapters.

    Parameters
    ----------
    spreads : dict of str to PSpread
        By the dataset's label.

    Returns
    -------
    list of str
        One line per dataset, then one on how p enters the later chapters.

    Examples
    --------
    >>> print(spread_key_results({"A": p_spread([0.5, 0.55, 0.95, 1.0])})[0])  # doctest: +NORMALIZE_WHITESPACE
    A: c̄ = 0.500, the signal of one expert check; 50 % of its pairs have p below 0.6, where a committed
    label is close to a coin flip
    """
    return [f"{label}: c̄ = {report.number(s.c_bar)}, the signal of one expert check; {report.percent(s.share_below)} of its "
            f"pairs have p below {report.value(s.low)}, where a committed label is close to a coin flip"
            for label, s in spreads.items()] + [
        "A dataset's p enters every later chapter only through c̄ (expert monitoring) or not at all (self-consistency)."]


def figures_sentence(datasets: Iterable) -> str:
    """Which of the paper's figures the data chapter rebuilds on this build: Figure 1's top row
    always, and Figure 6 (the calibration) for each loaded dataset with reward-model scores, that
    is with a ``calibration`` (PKU and Skywork in the paper); without one it says why Figure 6 is
    missing.

    Parameters
    ----------
    datasets : iterable
        The loaded datasets (``data.available_preference_data().loaded.values()``), each with a
        ``label`` and a ``calibration`` (None when its p is not recalibrated).

    Returns
    -------
    str
        One sentence.

    Examples
    --------
    >>> from types import SimpleNamespace as Loaded
    >>> figures_sentence([Loaded(label="PKU", calibration=object()), Loaded(label="HelpSteer", calibration=None)])
    "On this build, this page rebuilds the paper's Figure 1 (top row) and its Figure 6 for PKU."
    >>> figures_sentence([]).split(":")[0]
    "On this build, this page rebuilds the paper's Figure 1 (top row) only"
    """
    scored = [d.label for d in datasets if d.calibration is not None]
    if scored:
        return f"On this build, this page rebuilds the paper's Figure 1 (top row) and its Figure 6 for {report.series(scored)}."
    return ("On this build, this page rebuilds the paper's Figure 1 (top row) only: its Figure 6 needs a dataset with "
            "reward-model scores (PKU or Skywork), and none is available.")


def versus_bound(label: str, c: BoundComparison) -> str:
    """One panel of the self-consistency figure against the expert lower bound, in words
    (:func:`compare_with_bound`)."""
    sums = report.series([f"{report.number(e, floor=0.001)} at δ = {report.value(x)}" for x, e in c.error_sums_at_ref.items()])
    return (f"{label}, η₀ = {report.value(c.eta0)}, η₁ = {report.value(c.eta1)}: over the plotted {c.grid.min()} ≤ n ≤ "
            f"{c.grid.max()}, self-consistency is below the expert lower bound {report.where(c.below, c.grid)}. For scale, at "
            f"n = {c.n_ref} the bound is {report.number(c.bound_at_ref, floor=0.001)} and the error sums are {sums}.")


def checks_sentence(label: str, c: CheckCounts) -> str:
    """One dataset's checks needed by each method (:func:`checks_needed`), in words; a count out
    of the search's reach reads ``more than`` :data:`N_MAX`."""
    needs = report.series([f"{report.count(n, beyond=N_MAX)} at δ = {report.value(x)}" for x, n in c.self_consistency.items()])
    vs_bound = report.split("δ", {"no more than the bound's minimum": c.within_bound,
                                  "more than the bound's minimum": c.beyond_bound})
    vs_agree = report.split("δ", {"fewer than the agreement test": c.fewer_than_agreement,
                                  "at least as many as the agreement test": c.not_fewer_than_agreement})
    return (f"{label} (error sum {report.value(c.target)}, η₀ = {report.value(c.eta0)}, η₁ = {report.value(c.eta1)}): any expert "
            f"test needs {'at least ' if c.bound is not None else ''}{report.count(c.bound, beyond=N_MAX)} checks, "
            "the agreement test "
            f"{report.count(c.agreement, beyond=N_MAX)}; self-consistency needs {needs}: "
            + "; ".join(filter(None, [vs_bound, vs_agree])) + ".")


def bound_sentence(label: str, bounds: pd.DataFrame, p, c_bar: float, level: float, grid,
                   eta0s: Sequence[float] = (0.95, 0.8)) -> str:
    """Where the expert lower bound of one dataset first falls below ``level`` (:func:`first_below`
    on ``bounds``, over the n of ``grid``), beside the checks the agreement test needs
    (:func:`agreement_checks` at ``eta0s``, eta1 = 1), each in the figure legend's order, the
    largest eta0 first; a level not reached reads ``no n up to`` or ``more than`` :data:`N_MAX`,
    never ``nan``."""
    reached = first_below(bounds, level)
    checks = agreement_checks(p, level, eta0s, eta1=1.0)
    return (f"{label}: the lower bound first falls below {report.value(level)} at "
            + "; ".join(f"η₀ = {report.value(e)}: {report.first_at(n, grid)}" for e, n in reached.items())
            + f". The agreement test (c̄ = {report.number(c_bar)}) reaches an error sum of {report.value(level)} at "
            + "; ".join(f"η₀ = {report.value(e)}: n = {report.count(n, beyond=N_MAX)}" for e, n in checks.items()) + ".")


def eta1_sentence(datasets: Sequence, bounds: dict, bounds_eta1: dict, level: float, n) -> str:
    """Where the expert lower bound at eta0 = 0.8 first falls below ``level`` (:func:`first_below`)
    for eta1 = 0.98 and 0.96 (``bounds_eta1`` by dataset name and eta1) and for eta1 = 1
    (``bounds`` by dataset name), on the grid ``n`` (the paper's Figures 7 and 1)."""
    return (f"On this build's data, at η₀ = 0.8 the bound first falls below {report.value(level)} at "
            + "; ".join(f"{report.first_at(first_below(bounds_eta1[d.name, eta1], level)[0.8], n)} for {d.label} "
                        f"with η₁ = {report.value(eta1)}"
                        for d in datasets for eta1 in (0.98, 0.96))
            + " (η₁ = 1: " + "; ".join(f"{report.first_at(first_below(bounds[d.name], level)[0.8], n)} for {d.label}"
                                       for d in datasets) + ").")


def ump_rows(readings: dict) -> list[dict[str, str]]:
    """One table row per dataset of the agreement test's readings (:func:`ump_reading` by label,
    at n = 200, size 5 %, eta0 = 0.8 against eta1 = 0.95, an annotator at eta = 0.9)."""
    return [{"dataset": label, "c̄": report.number(r.c_bar),
             "UMP threshold (n = 200, size 5%)": f"{r.threshold} agreements",
             "exact size": report.number(r.size, floor=0.001), "power at η = 0.95": report.number(r.power, floor=0.001),
             "η̂ [95% interval] at the expected count for η = 0.9":
                 f"{r.estimate.eta_hat:.2f} [{r.estimate.low:.2f}, {r.estimate.high:.2f}]"} for label, r in readings.items()]


def ump_sentence(readings: dict) -> str:
    """The power and the interval of :func:`ump_rows`, in words."""
    return ("On this build's data, with 200 checked labels and the most powerful test: " + "; ".join(
        f"{label}: power {report.number(r.power, floor=0.001)} at η = 0.95 (size at most 5%), and the 95% interval for an "
        f"annotator with η = 0.9 is [{r.estimate.low:.2f}, {r.estimate.high:.2f}]" for label, r in readings.items())
        + ". The signal per check is scaled down by c̄.")


def comparison_markdown(panels: Sequence, crossings: Sequence) -> str:
    """What the self-consistency figure (the paper's Figure 2) shows on this build: one bullet per
    panel (:func:`versus_bound`, ``panels`` of (dataset, comparison)), then where self-consistency
    carries more Fisher information than the expert agreement test (``crossings`` of (dataset,
    :func:`information_crossing`))."""
    c_text = "; ".join(f"{d.label}: c̄ = {report.number(d.c_bar)}, so 1 − δ > c̄ for δ < {report.number(x.delta_star)}, "
                       f"which is {report.subset('δ', x.better, x.deltas)}" for d, x in crossings)
    return (report.bullets("On this build's data, the solid and dashed curves compare as follows.",
                           [versus_bound(d.label, c) for d, c in panels])
            + "\n\nIn the book's reading of {prf:ref}`prop-self-consistency` (the paper compares minimax rates; the Fisher "
              "information is our reading, see its proof), self-consistency carries more Fisher information than the expert "
              f"agreement test where 1 − δ > c̄ ({c_text}); the agreement test is not drawn in "
              "{numref}`fig-self-consistency`, and the table further down gives its sample sizes.")
