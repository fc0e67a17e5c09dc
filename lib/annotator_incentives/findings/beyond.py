"""Findings of the part "Beyond the paper": what the real-annotator chapter reads off real judges.

The estimates themselves come from :mod:`annotator_incentives.annotators`; the functions here
summarise them as the chapter's sentences state them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import annotators, monitoring, report
from ..data import DatasetUnavailableError

__all__ = ["annotator_data", "Spread", "spread", "first_narrow", "strength_of", "expert_checks_needed", "key_results",
           "near_certain", "DawidSkeneCheck",
           "crowdkit_check", "agreement_sentence",
           "calibration_sentence", "interval_sentence", "pair_intervals_sentence",
           "rankings_sentence", "aggregators_sentence",
           "repeats_sentence", "pool_meets_monitors", "consistency_sentence", "repeats_needed", "repeats_rows"]


def annotator_data() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """MT-Bench's turn-1 human votes and PandaLM's three-annotator labels
    (:func:`annotators.load_mt_bench`, :func:`annotators.load_pandalm`), or None when this build
    has neither (the chapter then says so instead of showing numbers).

    Examples
    --------
    >>> mt, panda = annotator_data()  # shipped with the library
    >>> mt.judge.nunique(), panda["item"].nunique()
    (65, 999)
    """
    try:
        return annotators.load_mt_bench(), annotators.load_pandalm()
    except DatasetUnavailableError:
        return None


@dataclass(frozen=True)
class Spread:
    """Smallest, median and largest of a set of values (interval widths, spans, ...)."""

    low: float
    median: float
    high: float
    count: int


def spread(values) -> Spread:
    """Smallest, median and largest value.

    Examples
    --------
    >>> spread([0.2, 0.5, 0.9])
    Spread(low=0.2, median=0.5, high=0.9, count=3)
    """
    values = pd.Series(values, dtype=float).dropna()
    if values.empty:
        raise ValueError("no values to summarise")
    return Spread(float(values.min()), float(values.median()), float(values.max()), len(values))


def first_narrow(checks: Sequence[int], lows: Sequence[float], highs: Sequence[float], width: float = 0.2) -> int | None:
    """The first number of checks at which an interval is at most ``width`` wide (None: at none).

    Examples
    --------
    >>> first_narrow([10, 100, 1000], [0.1, 0.4, 0.45], [0.9, 0.65, 0.55])
    1000
    >>> first_narrow([10], [0.0], [1.0]) is None
    True
    """
    return next((int(k) for k, lo, hi in zip(checks, lows, highs, strict=True) if hi - lo <= width), None)


def strength_of(rho: float) -> str:
    """A rank correlation in words: strongly (|ρ| ≥ 0.7), moderately (≥ 0.4) or only weakly.

    Examples
    --------
    >>> strength_of(-0.75), strength_of(0.5), strength_of(0.1)
    ('strongly', 'moderately', 'only weakly')
    """
    return "strongly" if abs(rho) >= 0.7 else "moderately" if abs(rho) >= 0.4 else "only weakly"


def near_certain(posterior: pd.Series, margin: float = 0.1) -> float:
    """Share of items whose posterior is above 1 - margin or below margin.

    Examples
    --------
    >>> near_certain(pd.Series([0.95, 0.5, 0.02, 0.3]))
    0.5
    """
    return float(((posterior > 1 - margin) | (posterior < margin)).mean())


@dataclass(frozen=True)
class DawidSkeneCheck:
    """How often the library's Dawid–Skene and crowd-kit's pick the same likely label."""

    same: float
    items: int


def crowdkit_check(labels: pd.DataFrame, posterior: pd.Series, iterations: int = 200) -> DawidSkeneCheck | None:
    """Cross-check :func:`annotator_incentives.annotators.dawid_skene` with crowd-kit's implementation.

    Returns ``None`` when crowd-kit is not installed (a dependency of the library; it may be missing where the
    library was installed without its dependencies).
    """
    try:
        from crowdkit.aggregation import DawidSkene
    except ImportError:
        return None
    decisive = labels.dropna(subset=["label"]).drop_duplicates(["item", "judge"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = DawidSkene(n_iter=iterations).fit_predict(
            pd.DataFrame({"task": decisive.item.astype(str), "worker": decisive.judge, "label": decisive.label.astype(int)}))
    same = float(((posterior.loc[theirs.index] > 0.5).astype(int).to_numpy() == theirs.to_numpy()).mean())
    return DawidSkeneCheck(same, len(theirs))


def agreement_sentence(mt: pd.DataFrame, panda: pd.DataFrame) -> str:
    """How often real judges agree, as the real-annotator chapter states it: MT-Bench's ties and
    the agreement of two judges' decisive votes on one item (:func:`annotators.tie_rates`,
    :func:`annotators.pairwise_agreement`), PandaLM's three annotators, and the share of single
    votes against the preferred answer that this agreement would mean if every item had one p."""
    ties = annotators.tie_rates(mt)
    pairs = annotators.pairwise_agreement(mt)
    overall = pairs.agree.sum() / pairs.shared.sum()
    panda_pairs = annotators.pairwise_agreement(panda)
    return (
        f"MT-Bench: {len(mt):,} votes, of which {int(mt.label.isna().sum()):,} ties ({mt.label.isna().mean():.0%}); "
        f"judges call a tie in {ties.tie_share.min():.0%} to {ties.tie_share.max():.0%} of their votes. "
        f"On the {int(pairs.shared.sum()):,} pairs of decisive votes two judges cast on the same item, they agree "
        f"{overall:.1%} of the time. PandaLM's three annotators agree on "
        + ", ".join(f"{r.rate:.1%}" for r in panda_pairs.itertuples()) + " of their shared decisive items. "
        f"So about one pair of MT-Bench votes on the same item in {1 / (1 - overall):.0f} disagrees. That is a rate for "
        "*pairs* of votes, not for single votes: if every item had the same preference probability $p$ and every judge were "
        f"committed, an agreement of {overall:.1%} would mean that {(1 - np.sqrt(2 * overall - 1)) / 2:.1%} of decisive votes go "
        "against the preferred answer ({ref}`the first exercise <ex-real-one-p>` derives this)."
    )


def pair_intervals_sentence(pairs: pd.DataFrame, min_shared: int = 3) -> str:
    """How many judge pairs the agreement figure shows and how wide their exact 95% intervals are.

    ``pairs`` is :func:`annotators.pairwise_agreement` (columns ``shared``, ``low``, ``high``):
    every pair of judges who share a decisive item; the figure shows those sharing at least
    ``min_shared``, and the sentence gives the smallest, median and largest width of their intervals
    (:func:`spread`) as percentages of agreement.

    Parameters
    ----------
    pairs : DataFrame
        One row per judge pair, as :func:`annotators.pairwise_agreement` gives it.
    min_shared : int, default 3
        The fewest shared decisive items of a pair the figure shows.

    Returns
    -------
    str
        One sentence, numbers by the book's number policy (:func:`report.percent`).

    Raises
    ------
    ValueError
        When no pair shares ``min_shared`` items (there is no width to state).

    Examples
    --------
    >>> pairs = pd.DataFrame({"shared": [1, 4, 9], "low": [0.0, 0.3, 0.6], "high": [1.0, 0.9, 0.8]})
    >>> print(pair_intervals_sentence(pairs))  # doctest: +NORMALIZE_WHITESPACE
    Of the 3 judge pairs who share a decisive item, 2 share at least three; their 95% intervals are
    20 % to 60 % wide (median 40 %), too wide to rank individual pairs of judges.
    """
    enough = pairs[pairs.shared >= min_shared]
    w = spread(enough.high - enough.low)
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    return (f"Of the {report.count(len(pairs))} judge pairs who share a decisive item, {report.count(len(enough))} share at "
            f"least {words.get(min_shared, report.count(min_shared))}; their 95% intervals are {report.percent(w.low)} to "
            f"{report.percent(w.high)} wide (median {report.percent(w.median)}), too wide to rank individual pairs of judges.")


def rankings_sentence(rho: float, judges: int, posterior: pd.Series) -> str:
    """How alike Dawid–Skene and the agreement-based estimate rank the judges (Spearman's ``rho``
    over ``judges`` judges, in words by :func:`strength_of`), and the share of items whose
    Dawid–Skene ``posterior`` is near-certain (:func:`near_certain`, above 0.9 or below 0.1).

    Parameters
    ----------
    rho : float
        Spearman's rank correlation of the two rankings.
    judges : int
        The judges both rank.
    posterior : Series
        Dawid–Skene's posterior probability of each item's label (:func:`annotators.dawid_skene`).

    Returns
    -------
    str
        How strongly the rankings agree (ρ at two figures), then the near-certain share as a percentage.

    Examples
    --------
    >>> print(rankings_sentence(0.52, 21, pd.Series([0.95, 0.5, 0.02, 0.3])))  # doctest: +NORMALIZE_WHITESPACE
    The two rankings agree moderately (Spearman's ρ = 0.52 over 21 judges). Dawid–Skene calls 50 % of
    the items near-certain (posterior above 0.9 or below 0.1).
    """
    return (f"The two rankings agree {strength_of(rho)} (Spearman's ρ = {report.number(rho, digits=2)} over "
            f"{report.count(judges)} judges). Dawid–Skene calls {report.percent(near_certain(posterior, margin=0.1))} of the "
            "items near-certain (posterior above 0.9 or below 0.1).")


def aggregators_sentence(tau: pd.DataFrame, pandalm: dict[str, pd.Series], monitor: str = "expert monitor") -> str:
    r"""How alike the aggregators rank the MT-Bench judges, how they rank against the expert
    monitor's estimate, and how they order PandaLM's annotators.

    ``tau`` is :func:`agreement.rank_agreement` of the aggregators' reliabilities and of the
    expert monitor's estimate (its name starts with ``monitor``); the aggregators rank the judges
    "alike" when the smallest τ between two of them is at least 0.8. ``pandalm`` gives each
    aggregator's reliability of PandaLM's annotators (by the short names of
    :data:`agreement.METHODS`); their orders are said as one when they agree.

    Parameters
    ----------
    tau : DataFrame
        Columns ``method_a``, ``method_b``, ``workers``, ``tau``, ``p_value``.
    pandalm : dict of str to Series
        Each aggregator's reliability, indexed by annotator.
    monitor : str, default "expert monitor"
        How the expert monitor's name in ``tau`` starts.

    Returns
    -------
    str
        The aggregators' τ among themselves (least and most alike pair), against the monitor (with how
        many p-values fall below 0.05), and PandaLM's order: three sentences, τ at three figures.

    Examples
    --------
    >>> tau = pd.DataFrame({"method_a": ["DS", "DS", "MACE", "DS", "MACE"],
    ...                     "method_b": ["GLAD", "MACE", "GLAD", "expert monitor η̂", "expert monitor η̂"],
    ...                     "workers": [30, 30, 30, 12, 12], "tau": [0.912, 0.634, 0.71, 0.41, 0.225],
    ...                     "p_value": [0, 0, 0, 0.04, 0.3]})
    >>> same = {"ds": pd.Series({"a": 0.9, "b": 0.8}), "glad": pd.Series({"a": 2.0, "b": 1.0})}
    >>> print(aggregators_sentence(tau, same))  # doctest: +NORMALIZE_WHITESPACE
    On MT-Bench the four aggregators rank the judges alike only in part: Kendall's τ between two of them runs from 0.634
    (DS and MACE) to 0.912 (DS and GLAD). Against the expert monitor's $\hat\eta$, on the 12 judges both rank, τ is
    0.225 to 0.410, p below 0.05 for 1 of the 2 aggregators. On PandaLM the aggregators order the three annotators the same way,
    a > b.
    """
    from ..agreement import METHODS

    versus = tau[tau.method_b.str.startswith(monitor)]
    among = tau[~tau.method_b.str.startswith(monitor)]
    close, far = among.loc[among.tau.idxmax()], among.loc[among.tau.idxmin()]
    order = {m: " > ".join(r.sort_values(ascending=False).index) for m, r in pandalm.items()}
    orders = (f"the same way, {next(iter(order.values()))}" if len(set(order.values())) == 1
              else "differently: " + "; ".join(f"{METHODS.get(m, m)} {o}" for m, o in order.items()))
    return (f"On MT-Bench the four aggregators rank the judges {'alike' if far.tau >= 0.8 else 'alike only in part'}: "
            f"Kendall's τ between two of them runs from {report.number(far.tau)} ({far.method_a} and {far.method_b}) to "
            f"{report.number(close.tau)} ({close.method_a} and {close.method_b}). Against the expert monitor's $\\hat\\eta$, on "
            f"the {report.count(int(versus.workers.max()))} judges both rank, τ is "
            f"{report.between(versus.tau.min(), versus.tau.max())}, "
            f"p below 0.05 for {report.tally(int((versus.p_value < 0.05).sum()), len(versus), noun='aggregators')}. "
            f"On PandaLM the aggregators order the three annotators {orders}.")


def calibration_sentence(cal) -> str:
    """How the real-annotator chapter calibrates c-bar on the authors' votes and how many checks
    the expert judges have (``cal``: :func:`annotators.expert_based_estimates`)."""
    judges = cal.judges
    return (
        f"Authors share {cal.expert_pairs} decisive item pairs and agree on {cal.expert_agreement:.1%}, so "
        f"$\\bar c = {cal.c_bar:.2f}$ (95% interval {cal.c_bar_low:.2f} to {cal.c_bar_high:.2f}). "
        f"{len(judges)} expert judges share decisive items with an author; the median judge has "
        f"{int(judges.checks.median())} such checks, the most checked has {int(judges.checks.max())}."
    )


def interval_sentence(judges: pd.DataFrame, checks: Sequence[int], widths: Sequence) -> str:
    """How wide the judges' intervals for eta are (columns checks, eta_low, eta_high of ``judges``),
    and at how many ``checks`` an interval of the dashed line (``widths``: one estimate with low
    and high per number of checks) first narrows to 0.2 (:func:`first_narrow`)."""
    span = spread(judges.eta_high - judges.eta_low)
    top = judges.loc[judges.checks.idxmax()]
    target = first_narrow(checks, [w.low for w in widths], [w.high for w in widths], width=0.2)
    return (
        "The median judge's interval for $\\hat\\eta$ "
        + ("covers the whole of $[0, 1]$" if span.median > 0.995 else f"spans {span.median:.2f} of $[0, 1]$")
        + f"; the most-checked judge ({int(top.checks)} checks) gets an interval from {top.eta_low:.2f} to {top.eta_high:.2f}. "
        + "On the dashed line, "
        + (f"an interval shrinks to a width of 0.2 (±0.1) only at {report.count(target)} checks" if target
           else f"an interval is still wider than 0.2 (±0.1) at {report.count(max(checks))} checks")
        + ". This is the sample-complexity point of {doc}`expert_monitoring`, now on real people."
    )


def expert_checks_needed(c_bar: float) -> int:
    """Checked items the agreement test with experts of signal ``c_bar`` needs to tell eta0 = 0.8
    from eta1 = 0.95 with an error sum of 0.1 (:func:`monitoring.samples_needed`), the chapter's test."""
    expert_real = monitoring.Monitor("real experts", c_bar)
    return int(monitoring.samples_needed(0.1, float(expert_real.q(0.8)), float(expert_real.q(0.95))))


def key_results(pairs: pd.DataFrame, judges: pd.DataFrame, c_bar: float, rho: float, needed: Sequence[int]) -> str:
    """The real-annotators chapter's "What this chapter shows" bullets: the judges' agreement on
    decisive votes (``pairs`` from :func:`annotators.pairwise_agreement`), the median width of their
    intervals for eta (``judges``), how alike Dawid-Skene and the agreement estimate rank them
    (Spearman's ``rho``), and repeated items ``needed`` against :func:`expert_checks_needed`."""
    overall = pairs.agree.sum() / pairs.shared.sum()
    span = spread(judges.eta_high - judges.eta_low)
    return report.bullets("On this build's data:", [
        f"two MT-Bench judges voting on the same item agree on {report.percent(overall, digits=3)} of their decisive votes: "
        "committed people disagree ({numref}`fig-agreement`);",
        f"checked against MT-Bench's authors ($\\bar c = {report.number(c_bar, digits=2)}$), the median judge's 95% interval "
        f"for its effort η is {report.number(span.median, digits=2)} wide: far too few checks per judge "
        "({numref}`fig-real-eta`);",
        f"a \"true label\" method (Dawid–Skene) and the agreement-based estimate rank the judges {strength_of(rho)} alike "
        f"(Spearman's ρ = {report.number(rho, digits=2)}; {{numref}}`fig-rankings`);",
        f"{report.count(min(needed))} to {report.count(max(needed))} repeated items would settle what "
        f"{report.count(expert_checks_needed(c_bar))} expert-checked items settle;",
        "the pool's agreement statistics (Krippendorff's α, Fleiss' κ) and the standard aggregators beside the paper's "
        "monitors ({numref}`fig-agreement-rankings`)."])


REPEAT_KINDS = {"identical": "identical items", "swapped": "same pair, order swapped"}  #: the kinds of repeat, in words


def repeats_rows(repeats: pd.DataFrame) -> list[dict[str, str]]:
    """PandaLM's repeats as a table: each annotator and kind of repeat (:data:`REPEAT_KINDS`), the
    repeats, how many got the same answer, that share and its exact 95% interval, in percent
    (:func:`report.percent` with three figures).

    Parameters
    ----------
    repeats : DataFrame
        :func:`annotators.pandalm_repeats`: columns ``judge``, ``kind``, ``repeats``, ``consistent``, ``low``, ``high``.

    Returns
    -------
    list of dict
        One row of text per annotator and kind, for :func:`plotting.markdown_table`.

    Examples
    --------
    >>> repeats_rows(pd.DataFrame({"judge": ["a"], "kind": ["swapped"], "repeats": [40], "consistent": [39],
    ...                            "low": [0.868], "high": [0.9994]}))[0]["share consistent"]
    '97.5 %'
    """
    return [{"annotator": r.judge, "kind of repeat": REPEAT_KINDS.get(r.kind, r.kind), "repeats": report.count(r.repeats),
             "consistent": report.count(r.consistent), "share consistent": report.percent(r.consistent / r.repeats, digits=3),
             "95% interval, low": report.percent(r.low, digits=3), "95% interval, high": report.percent(r.high, digits=3)}
            for r in repeats.itertuples()]


def consistency_sentence(repeats: pd.DataFrame) -> str:
    """How many of each annotator's repeated items got the same answer, over all kinds of repeat
    (``repeats``: :func:`annotators.pandalm_repeats`, columns ``judge``, ``repeats``, ``consistent``).

    Parameters
    ----------
    repeats : DataFrame
        One row per annotator and kind of repeat.

    Returns
    -------
    str
        One sentence, the annotators in order.

    Examples
    --------
    >>> consistency_sentence(pd.DataFrame({"judge": ["a", "a", "b"], "repeats": [10, 5, 8], "consistent": [9, 5, 8]}))
    'Consistent answers on repeats: a, 14 of 15; b, 8 of 8.'
    """
    total = repeats.groupby("judge")[["repeats", "consistent"]].sum()
    return ("Consistent answers on repeats: "
            + "; ".join(f"{judge}, {report.count(r.consistent)} of {report.count(r.repeats)}" for judge, r in total.iterrows())
            + ".")


def repeats_needed(repeats: pd.DataFrame, target: float = 0.1, eta0: float = 0.8, eta1: float = 0.95) -> pd.DataFrame:
    """The repeated items a self-consistency test would need per annotator, taking δ at the upper
    end of the annotator's exact 95% interval for its inconsistency rate (``repeats``:
    :func:`annotators.pandalm_repeats`, all kinds of repeat together): the pessimistic reading of
    what the repeats allow. The test tells ``eta0`` from ``eta1`` at the error sum ``target``
    (:func:`monitoring.samples_needed` with c = 1 - δ).

    Parameters
    ----------
    repeats : DataFrame
        Columns ``judge``, ``repeats``, ``consistent``.
    target, eta0, eta1 : float
        The test's error sum and hypotheses.

    Returns
    -------
    DataFrame
        Columns ``annotator``, ``repeats``, ``consistent``, ``δ, top of its 95% interval`` and ``repeated items
        needed``, one row per annotator, ready to show.

    Examples
    --------
    >>> repeats_needed(pd.DataFrame({"judge": ["a"], "repeats": [40], "consistent": [40]}))["repeated items needed"].tolist()
    [204]
    """
    rows = []
    for judge, block in repeats.groupby("judge"):
        reps, ok = int(block.repeats.sum()), int(block.consistent.sum())
        delta_high = 1 - float(annotators.clopper_pearson(ok, reps)[0])
        sc = monitoring.self_consistency_monitor(delta_high)
        rows.append({"annotator": judge, "repeats": reps, "consistent": ok, "δ, top of its 95% interval": delta_high,
                     "repeated items needed": monitoring.samples_needed(target, float(sc.q(eta0)), float(sc.q(eta1)))})
    return pd.DataFrame(rows)


def repeats_sentence(needed: Sequence[int], c_bar: float) -> str:
    """Repeated items against expert checks: the range of repeated items ``needed`` by the judges'
    self-consistency, beside the checked items the agreement test with the authors' ``c_bar`` needs
    for the same error sum 0.1 (eta0 = 0.8 against eta1 = 0.95, :func:`monitoring.samples_needed`)."""
    n_expert_real = expert_checks_needed(c_bar)
    return (
        f"Even at the pessimistic end of what the repeats allow, {report.count(min(needed))} to {report.count(max(needed))} "
        f"repeated items settle the question; the agreement test against MT-Bench's authors, with their estimated "
        f"$\\bar c = {c_bar:.2f}$, would need {report.count(n_expert_real)} checked items for the same error sum, and an "
        "expert for each."
    )


def pool_meets_monitors(team: dict[str, pd.DataFrame], alpha_decisive: dict, shared: dict[str, pd.DataFrame],
                        delta: float = 0.05) -> str:
    r"""Where a pool's agreement statistic and the paper's monitors meet, per team: Krippendorff's α
    with ties left out beside :math:`2A - 1` from the raw agreement of decisive votes, the checks
    against a committed peer with :math:`\bar c = \alpha` that the chapter's test needs
    (:func:`expert_checks_needed`), and whether the best-covered annotator shares that many tasks;
    then the repeated tasks self-consistency with ``delta`` needs for the same test, whatever the
    pool's agreement.

    Parameters
    ----------
    team : dict of str to DataFrame
        Each team's label frame (``annotators.load_mt_bench``, ``annotators.load_pandalm``).
    alpha_decisive : dict of str to agreement.Interval
        Each team's α with ties left out (``agreement.krippendorff_alpha``).
    shared : dict of str to DataFrame
        Each team's tasks shared per worker (``agreement.shared_tasks``).
    delta : float, default 0.05
        The self-consistency monitor's δ.

    Returns
    -------
    str
        Markdown: a lead line, one bullet per team, then the self-consistency paragraph.

    Examples
    --------
    >>> from annotator_incentives import agreement
    >>> labels = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "judge": ["a", "b"] * 3, "label": [1, 1, 0, 0, 1, 0]})
    >>> alpha = agreement.Interval(0.4, None, None, units=3, replicates=0, level=0.95)
    >>> text = pool_meets_monitors({"T": labels}, {"T": alpha}, {"T": pd.DataFrame({"shared": [3, 3]})})
    >>> text.splitlines()[2][:88]
    '- T: α with ties left out is 0.400 and $2A - 1$ from the raw agreement of decisive votes'
    """
    lines = []
    for name, labels in team.items():
        raw = annotators.pairwise_agreement(labels)
        n_peer = expert_checks_needed(alpha_decisive[name].value)
        most = int(shared[name].shared.max())
        lines.append(
            f"{name}: α with ties left out is {report.number(alpha_decisive[name].value)} and $2A - 1$ from the raw agreement "
            f"of decisive votes is {report.number(2 * raw.agree.sum() / raw.shared.sum() - 1)}. Taken as $\\bar c$, a check "
            f"against a peer needs {report.count(n_peer)} checks per annotator to tell $\\eta \\le 0.8$ from "
            f"$\\eta \\ge 0.95$ with an error sum of 0.1; the best-covered annotator shares {report.count(most)} tasks with "
            "others, " + ("enough" if most >= n_peer else "not enough") + " for one such test.")
    sc = monitoring.self_consistency_monitor(delta)
    n_sc = monitoring.samples_needed(0.1, float(sc.q(0.8)), float(sc.q(0.95)))
    return (report.bullets("Where the pool's statistic and the monitors meet:", lines)
            + f"\n\nSelf-consistency with $\\delta = {report.value(delta)}$ needs {report.count(n_sc)} repeated tasks per "
            "annotator for the same test, whatever the pool's agreement: the monitor's cost is set by δ, η₀, η₁ and the "
            "error target, not by how much the annotators agree with each other.")
