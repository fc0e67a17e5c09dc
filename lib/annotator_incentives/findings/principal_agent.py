"""Findings of the principal–agent chapter: the profiles against the paper's assumptions, what
monitoring and a contract earn together and apart, who gains from the bonus scheme and from
sharing it, and what the annotator's utility curve shows under the optimal binary contracts.

The quantities come from :mod:`annotator_incentives.contracts` and
:mod:`annotator_incentives.welfare`; the functions here read them as the chapter states them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import contracts, report, utility, welfare
from ..utility import UtilityProfile

__all__ = [
    "gains_sentence",
    "STEEP",
    "assumption_table",
    "AssumptionDepartures",
    "assumption_departures",
    "ComplementsReading",
    "complements_reading",
    "largest_slack",
    "GainsReading",
    "gains_reading",
    "surplus_table",
    "SurplusReading",
    "surplus_reading",
    "BIND",
    "AgentView",
    "agent_curves",
    "departures_sentence",
    "complements_sentence",
    "surplus_sentence",
    "agent_sentence",
    "participation_sentence",
]

STEEP = 100.0  # a slope of mu above this just above zero is the infinite slope of eta^(4/5)
BIND = 1e-9  # an incentive slack below this binds (the curve is evaluated exactly at each grid effort)


def assumption_table(names: Iterable[str]) -> pd.DataFrame:
    """Each profile's marginal cost of effort at zero, the slope of mu just above zero (at 1e-6)
    and its first-best effort, with the two conditions the chapter checks.

    Examples
    --------
    >>> t = assumption_table(["figure3", "baseline"])
    >>> t.profile.tolist(), t["E'(0) > 0"].tolist()
    (['figure3', 'baseline'], [False, True])
    """
    rows = []
    for name in names:
        prof = utility.profile(name)
        eta_star = contracts.first_best(prof).eta
        slope = float(prof.dE(0.0))
        rows.append({"profile": name, "E'(0)": slope, "μ'(10⁻⁶)": float(prof.dmu(1e-6)), "η*": eta_star,
                     "E'(0) > 0": slope > 0, "η* ∈ (0, 1)": 0 < eta_star < 1})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class AssumptionDepartures:
    """The profiles of :func:`assumption_table` that depart from the paper's assumptions.

    Attributes
    ----------
    no_slope : list of str
        E'(0) = 0: Assumption 2 (E' > 0) fails at zero effort.
    steep : list of str
        mu has a slope above :data:`STEEP` just above zero (not twice differentiable there).
    corner : list of str
        The first-best effort is 1: Assumption 5 fails.
    """

    no_slope: list[str]
    steep: list[str]
    corner: list[str]


def assumption_departures(table: pd.DataFrame) -> AssumptionDepartures:
    """Which profiles of ``table`` (:func:`assumption_table`) depart from which assumption.

    Examples
    --------
    >>> assumption_departures(assumption_table(["figure3", "baseline"]))
    AssumptionDepartures(no_slope=['figure3'], steep=[], corner=[])
    """
    return AssumptionDepartures(no_slope=table.profile[~table["E'(0) > 0"]].tolist(),
                                steep=table.profile[table["μ'(10⁻⁶)"] > STEEP].tolist(),
                                corner=table.profile[~table["η* ∈ (0, 1)"]].tolist())


@dataclass(frozen=True)
class ComplementsReading:
    """What :func:`annotator_incentives.contracts.complements_table` shows.

    Attributes
    ----------
    alone_same : bool
        Monitoring alone, a contract alone and neither earn the company the same (to 1e-12).
    alone : list of float
        The company's utility in those three rows; ``alone_effort`` the first row's effort.
    weak, binary, linear : float
        The company's utility with the weak signal (binary contract) and with the strong one.
    weak_short, binary_short, linear_short : float
        Their gaps to the first-best as a share of the first-best value.
    """

    alone_same: bool
    alone: list[float]
    alone_effort: float
    weak: float
    binary: float
    linear: float
    weak_short: float
    binary_short: float
    linear_short: float


def complements_reading(table: pd.DataFrame, first_best_value: float) -> ComplementsReading:
    """Read the rows of :func:`annotator_incentives.contracts.complements_table` in its order:
    three rows without the pair, the weak signal, the strong signal with binary and linear
    contracts.

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> profile = utility.profile("figure3")
    >>> r = complements_reading(contracts.complements_table(profile, n=11, c=0.98), contracts.first_best(profile).value)
    >>> r.alone_same, r.linear_short < r.weak_short
    (True, True)
    """
    alone = table["principal utility"].iloc[:3]
    weak, binary, linear = (table.iloc[i] for i in (3, 4, 5))
    return ComplementsReading(
        alone_same=bool(np.allclose(alone, alone.iloc[0], atol=1e-12)), alone=[float(v) for v in alone],
        alone_effort=float(table.effort.iloc[0]), weak=float(weak["principal utility"]),
        binary=float(binary["principal utility"]), linear=float(linear["principal utility"]),
        weak_short=float(weak["gap to first-best"] / first_best_value),
        binary_short=float(binary["gap to first-best"] / first_best_value),
        linear_short=float(linear["gap to first-best"] / first_best_value))


def largest_slack(utilities, U0: float) -> float:
    """The largest |U_a - U_0| over the annotator's utilities: 0 where participation binds.

    Examples
    --------
    >>> largest_slack([0.0, -2e-12, 1e-13], 0.0)
    2e-12
    """
    return float(np.abs(np.asarray(utilities, dtype=float) - U0).max())


@dataclass(frozen=True)
class GainsReading:
    """What :func:`annotator_incentives.welfare.gains_table` shows (see :func:`gains_reading`).

    Attributes
    ----------
    company_gain : tuple of float
        The smallest and largest company gain over the flat wage among the contracts.
    least_share_percent : float
        The smallest of those gains as a percentage of the first-best's gain, rounded down to
        two decimals (so that "this much or more" is true).
    annotator_slack : float
        The largest |U_a - U_0| among the contracts.
    """

    company_gain: tuple[float, float]
    least_share_percent: float
    annotator_slack: float


def gains_reading(gains: pd.DataFrame, U0: float) -> GainsReading:
    """Read :func:`annotator_incentives.welfare.gains_table`: its contract rows against its last
    row, the first-best.

    Examples
    --------
    >>> g = pd.DataFrame({"setting": ["flat", "binary contract", "linear contract", "first-best"],
    ...                   "company gain": [0.0, 0.3, 0.35, 0.4], "annotator utility": [0.0, 1e-13, 0.0, 0.0]})
    >>> gains_reading(g, 0.0)
    GainsReading(company_gain=(0.3, 0.35), least_share_percent=75.0, annotator_slack=1e-13)
    """
    rows = gains[gains.setting.str.contains("contract")]
    least, most = float(rows["company gain"].min()), float(rows["company gain"].max())
    return GainsReading((least, most), math.floor(1e4 * least / float(gains["company gain"].iloc[-1])) / 100,
                        largest_slack(rows["annotator utility"], U0))


def surplus_table(profile: UtilityProfile, n: int, c: float, shares: Sequence[float] = (0.0, 0.25, 0.5, 0.75),
                  kinds: Sequence[str] = ("binary", "linear")) -> pd.DataFrame:
    """:func:`annotator_incentives.welfare.surplus_split` for each contract class, with what the
    company gives up (its gain at share 0 minus its gain) and what is lost to efficiency (given
    up minus the annotator's gain as a flat raise). ``shares`` must include 0."""
    if 0.0 not in shares:
        raise ValueError("the shares must include 0, the company's full gain")
    splits = pd.concat([welfare.surplus_split(kind, n, c, profile, shares).assign(contract=kind) for kind in kinds],
                       ignore_index=True)
    full = splits[splits.share == 0].set_index("contract")["company gain"]
    splits["given up"] = splits.contract.map(full) - splits["company gain"]
    splits["lost"] = splits["given up"] - splits["flat raise equivalent"]
    return splits


@dataclass(frozen=True)
class SurplusReading:
    """What :func:`surplus_table` shows (see :func:`surplus_reading`).

    Attributes
    ----------
    shares : tuple of float
        The smallest and largest positive share.
    both_better : bool
        At every positive share both parties gain strictly over the flat wage.
    effort_falls : bool
        For every contract class the induced effort falls as the share rises.
    example : pandas.Series
        The binary contract's row at the smallest positive share.
    lost_share : tuple of float
        The smallest and largest loss to efficiency as a share of what the company gives up.
    """

    shares: tuple[float, float]
    both_better: bool
    effort_falls: bool
    example: pd.Series
    lost_share: tuple[float, float]


def surplus_reading(splits: pd.DataFrame) -> SurplusReading:
    """Read :func:`surplus_table` at its positive shares."""
    inner = splits[splits.share > 0]
    if inner.empty:
        raise ValueError("no positive share to read")
    lost = inner.lost / inner["given up"]
    return SurplusReading(
        shares=(float(inner.share.min()), float(inner.share.max())),
        both_better=bool((inner["company gain"] > 0).all() and (inner["annotator gain"] > 0).all()),
        effort_falls=bool(all(np.all(np.diff(b.sort_values("share").effort) < 0) for _, b in splits.groupby("contract"))),
        example=inner[inner.contract == "binary"].iloc[0] if (inner.contract == "binary").any() else inner.iloc[0],
        lost_share=(float(lost.min()), float(lost.max())))


@dataclass(frozen=True)
class AgentView:
    """The annotator's utility curve under one optimal binary contract.

    Attributes
    ----------
    problem : str
        ``"restricted"`` or ``"unrestricted"``.
    eta, utility : float
        The induced effort and the annotator's utility there.
    k, bonus : float
        The contract's threshold and bonus wage ``w1``.
    at_zero : float
        The utility of shirking completely (eta = 0).
    low, low_eta : float
        The curve's lowest point (the dip between low and induced effort) and where it is.
    alternative, alternative_eta : float
        The best effort below the dip (the low-effort alternative) and its utility.
    binds : bool
        The alternative's utility is within :data:`BIND` of the induced utility.
    """

    problem: str
    eta: float
    utility: float
    k: int
    bonus: float
    at_zero: float
    low: float
    low_eta: float
    alternative: float
    alternative_eta: float
    binds: bool


def agent_curves(profile: UtilityProfile, n: int, c: float, etas: np.ndarray,
                 problems: Sequence[str] = ("unrestricted", "restricted")) -> tuple[pd.DataFrame, dict[str, AgentView | None]]:
    """The annotator's expected utility against effort under each problem's optimal binary
    contract, and what each curve shows. A problem without a feasible contract (the restricted
    one at a weak signal: no contract makes eta* the annotator's best effort) has no curve and
    the view ``None``.

    Returns
    -------
    pandas.DataFrame
        Columns ``problem``, ``eta``, ``agent_utility`` (the figure's data).
    dict of str to AgentView or None
        One per problem, in the order of ``problems`` (None: no feasible contract).

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> frame, views = agent_curves(utility.profile("figure3"), 11, 0.98, np.linspace(0, 1, 101))
    >>> len(frame), list(views), views["restricted"].low <= views["restricted"].utility
    (202, ['unrestricted', 'restricted'], True)
    """
    frames: list[pd.DataFrame] = []
    views: dict[str, AgentView | None] = {}
    for problem in problems:
        solution = contracts.solve("binary", n, c, profile, problem)
        if not solution.feasible:
            views[problem] = None
            continue
        curve = contracts.agent_utility_curve(solution.wages, n, c, profile, etas)
        frames.append(pd.DataFrame({"problem": problem, "eta": etas, "agent_utility": curve}))
        dip = int(np.argmin(curve))
        left = etas <= etas[dip]
        best_left = int(np.argmax(curve[left]))
        alternative = float(curve[left].max())
        views[problem] = AgentView(problem=problem, eta=solution.eta, utility=solution.agent_utility, k=int(solution.params["k"]),
                                   bonus=float(solution.params["w1"]), at_zero=float(curve[0]), low=float(curve[dip]),
                                   low_eta=float(etas[dip]), alternative=alternative,
                                   alternative_eta=float(etas[left][best_left]),
                                   binds=solution.agent_utility - alternative < BIND)
    return pd.concat(frames, ignore_index=True), views


def departures_sentence(departs: AssumptionDepartures) -> str:
    """The departures of :func:`assumption_departures` in words (none: said so)."""
    names = {k: report.series([f"`{p}`" for p in v]) for k, v in vars(departs).items()}
    return (
        (f"In {names['no_slope']} the marginal cost of effort vanishes at zero, $E'(0) = 0$, so the paper's "
         "{prf:ref}`Assumption 2 <asm-utilities>` ($E' > 0$) fails at $\\eta = 0$. "
         + (f"In {names['steep']}, moreover, $\\mu(\\eta) \\propto \\eta^{{4/5}}$ has an infinite slope at zero (column "
            "$\\mu'(10^{-6})$) and is not twice differentiable there, as the paper's {prf:ref}`Assumption 3 <asm-value>` asks. "
            if departs.steep else "")
         + "These are the paper's own Figure 3 parameters and its robustness variants. The exact solver needs neither property, "
         "but with $E'(0) = 0$ a bonus scheme creates a local maximum of the annotator's utility at low effort, which the solver "
         "must check (see {ref}`sec-how-the-solver-works`). " if departs.no_slope else "Every profile has $E'(0) > 0$. ")
        + (f"In {names['corner']} the first-best effort is full effort, $\\eta^* = 1$: the paper's "
           "{prf:ref}`Assumption 5 <asm-interior>` fails, the rate theorems do not apply to it as stated, and its restricted and "
           "unrestricted problems have the same answer (see {doc}`utility_gap`)." if departs.corner else
           "Every profile has an interior first-best effort."))


def complements_sentence(together: ComplementsReading, first_best_value: float) -> str:
    """What :func:`complements_reading` shows, in words."""
    return (
        (f"Neither monitoring alone nor a bonus contract alone changes anything: the first three rows all earn the company "
         f"{report.number(together.alone[0], 4)}, with effort {report.number(together.alone_effort, 2)}. "
         if together.alone_same else
         f"Monitoring alone and a contract alone earn the company different amounts: "
         f"{report.series([report.number(v, 4) for v in together.alone])}. ")
        + f"Together, with the strong signal, the binary contract earns {report.number(together.binary, 4)} and the linear one "
        f"{report.number(together.linear, 4)}, against $\\mathcal C = {report.number(first_best_value, 4)}$: they leave "
        f"{report.number(100 * together.binary_short)} % and {report.number(100 * together.linear_short)} % of the "
        f"first-best on the "
        f"table. With the weak signal the binary contract earns {report.number(together.weak, 4)} "
        f"({report.number(100 * together.weak_short)} % "
        "short of the first-best): how much the pair closes depends on the quality of the signal $c$.")


def surplus_sentence(s: SurplusReading) -> str:
    """What :func:`surplus_reading` shows, in words."""
    ex = s.example
    return (
        (f"For every share $s$ between {report.value(s.shares[0])} and {report.value(s.shares[1])} shown, both parties "
         f"are strictly "
         "better off than without monitoring: the company keeps $(1 - s)$ of its gain and the annotator's utility rises by "
         "$\\Delta > 0$. " if s.both_better else
         "For some share shown, one party is not strictly better off than without monitoring (see the table). ")
        + ("A better-paid annotator is also induced to a lower effort in this computation (column \"effort\"): with "
           "$G(w) = 1 - e^{-w}$ a higher guaranteed utility lowers the marginal utility of the bonus, so incentives "
           "cost more. " if s.effort_falls else "")
        + f"The annotator does not receive all that the company gives up: at $s = {report.value(ex.share)}$ with the "
        f"{ex.contract} contract the company gives up {report.number(ex['given up'], 4)} and the annotator gains "
        f"$\\Delta = {report.number(ex.premium, 4)}$ in utility, worth {report.number(ex['flat raise equivalent'], 4)} as a flat "
        f"raise; the remaining {report.number(ex.lost, 4)} ({report.number(100 * ex.lost / ex['given up'], 2)} % of "
        f"what the company "
        f"gives up) is lost to efficiency. Across the shares and contracts shown, the loss is "
        f"{report.number(100 * s.lost_share[0], 2)} % "
        f"to {report.number(100 * s.lost_share[1], 2)} % of what the company gives up. Participation still binds at "
        f"the new outside "
        "option, so within the model it is the guarantee, not the contract, that moves value to the annotator.")


def agent_sentence(views: dict[str, AgentView | None]) -> str:
    """What the annotator's curves of :func:`agent_curves` show, in words (both problems feasible)."""
    r, u = views["restricted"], views["unrestricted"]
    if r is None or u is None:
        raise ValueError("both problems need a feasible contract to be compared")
    lowest = min((r, u), key=lambda v: v.low)
    return (
        f"The restricted contract induces $\\eta^* = {report.number(r.eta, 4)}$ with a bonus of {report.number(r.bonus)}; the "
        f"unrestricted one induces {report.number(u.eta, 4)} with a bonus of {report.number(u.bonus)}, "
        + ("a smaller bonus" if u.bonus < r.bonus else "a bonus no smaller")
        + f". Shirking completely ($\\eta = 0$) gives the annotator {report.number(r.at_zero, 4)} under the restricted "
          f"contract and "
        f"{report.number(u.at_zero, 4)} under the unrestricted one, against {report.number(r.utility, 4)} and "
        f"{report.number(u.utility, 4)} at the induced efforts, while intermediate efforts are much worse (as low as "
        f"{report.number(lowest.low)} near $\\eta = {lowest.low_eta:.2f}$). The two dots nearly coincide: the induced efforts "
        f"differ by {report.number(abs(r.eta - u.eta), 2, floor=1e-4)}. "
        + " ".join(
            (f"Under the {v.problem} contract the best low effort ($\\eta = {v.alternative_eta:.2f}$) gives the induced utility "
             f"(they differ by {report.at_most(abs(v.utility - v.alternative), 1, floor=1e-12)}): that deviation "
             f"binds, and a smaller "
             "bonus would make the annotator stop working." if v.binds else
             f"Under the {v.problem} contract the best low effort ($\\eta = {v.alternative_eta:.2f}$) falls "
             f"{report.number(v.utility - v.alternative, 4)} short of the induced utility: that deviation is slack, "
             f"and the bonus "
             "is set by the first-order condition at the induced effort.") for v in (r, u))
        + (" Where shirking binds, it is what keeps the bonus from shrinking as $n$ grows (the heart of {prf:ref}`thm-binary`)."
           if r.binds or u.binds else ""))


def gains_sentence(gains: pd.DataFrame, u0: float) -> str:
    """Who gains, as the principal-agent chapter says it (:func:`gains_reading` of
    :func:`annotator_incentives.welfare.gains_table`): the company's gain over the flat wage and
    its share of the first-best's, and how far the annotator's utility is from ``u0``."""
    g = gains_reading(gains, u0)
    return (f"On this build's computation the company gains {report.number(g.company_gain[0], 4)} to "
            f"{report.number(g.company_gain[1], 4)} over the flat wage, {g.least_share_percent:.2f} % or more of what observing "
            f"effort would give it, while the annotator's utility differs from $U_0 = {report.value(u0)}$ by "
            f"{report.at_most(g.annotator_slack, 2, floor=1e-12)} in every case: all of the gain goes to the company.")


def participation_sentence(slack: float) -> str:
    """Whether participation binds in every run (``slack``, the :func:`largest_slack`, below
    :data:`BIND`), and why it must: the principal-agent chapter's reading of the paper's Figure 9.

    Examples
    --------
    >>> participation_sentence(1e-13)[:47]
    'Participation binds in every run, as it must: a'
    """
    return (("Participation binds in every run, as it must" if slack < BIND else
             f"Participation does not bind in every run on this build (largest slack {report.number(slack, 2)}), "
             "although it should")
            + ": any utility above $U_0$ could be taken back by lowering the base wage without changing the annotator's "
            "incentives.")
