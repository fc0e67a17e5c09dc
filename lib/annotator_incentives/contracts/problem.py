"""Records, validation, the tie rule and the first-best (the paper's Section 3; Proposition 5).

The bottom of the package: everything else imports from here, and this module imports only
the utility profiles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, overload

import numpy as np
from scipy import optimize

from .. import validation
from ..utility import UtilityProfile
from ..validation import AnnotatorInputError

__all__ = [
    "ContractError",
    "TIE",
    "tie",
    "WAGE_SLACK",
    "within_bounds",
    "Problem",
    "check_problem",
    "FirstBest",
    "first_best",
    "corner_upper_bound",
    "ContractSolution",
]

TIE = 1e-12  #: an agent within TIE * max(1, abs(its utility)) of indifference follows the recommendation (relative)
PROBLEMS = ("restricted", "unrestricted")
WAGE_SLACK = 1e-12  #: wages may leave [w_lo, w_hi] by this much (rounding of closed forms)


class ContractError(AnnotatorInputError):
    """Invalid contract-problem input (n < 1, c outside (0, 1], ...).

    Examples
    --------
    >>> try:
    ...     check_problem("both")
    ... except ContractError as error:
    ...     print(error)
    problem must be 'restricted' or 'unrestricted'; got 'both'
    """


@overload
def tie(own: float) -> float: ...
@overload
def tie(own: np.ndarray) -> np.ndarray: ...
def tie(own):
    """The tie rule, the one place it is written: the agent follows the recommended effort when
    no deviation gains more than ``TIE`` relative to its utility there, TIE max(1, abs(own)) (an
    arbitrarily small extra bonus would break such a tie the principal's way). Every check of
    the package (``agent.compare``, through which
    :func:`~annotator_incentives.contracts.agent.incentive_check` and the solvers' checks run, the
    screens of candidate contracts and :func:`~annotator_incentives.contracts.certify.certify`) takes
    its allowance from here.

    Parameters
    ----------
    own : float or numpy.ndarray
        The agent's utility at the recommended effort.

    Returns
    -------
    float or numpy.ndarray
        The largest gain from deviating that still counts as a tie.

    Raises
    ------
    TypeError
        When ``own`` is not a number or an array of numbers.

    Examples
    --------
    >>> float(tie(0.5)), float(tie(-3.0))
    (1e-12, 3e-12)
    """
    return TIE * np.maximum(1.0, np.abs(own))


@dataclass(frozen=True)
class Problem:
    """One contract problem's data: n checks, signal strength c, the utility profile (which
    carries the wage bounds [w_lo, w_hi] and the outside option U_0). Build it with
    :meth:`make`, which validates; unpacks as ``n, c, profile = problem``.

    Attributes
    ----------
    n : int
        Inspected samples (checks), from 1 to ``validation.MAX_CHECKS``.
    c : float
        The monitor's signal strength, in (0, 1].
    profile : UtilityProfile
        G, E, mu, U_0 and the wage bounds.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> pb = Problem.make(11, 0.98, utility.profile("figure3"))
    >>> round(pb.first_best.eta, 6)  # the first-best of its profile
    0.943809
    """

    n: int
    c: float
    profile: UtilityProfile

    @classmethod
    def make(cls, n: int, c: float, profile: UtilityProfile) -> Problem:
        """Validate n (a whole number from 1 to ``validation.MAX_CHECKS``), c (in (0, 1]) and
        the profile (a :class:`~annotator_incentives.utility.UtilityProfile`; a registered one by
        ``utility.profile(name)``) once, at the boundary.

        Parameters
        ----------
        n, c
            Checks (a whole number from 1) and signal strength (in (0, 1]).
        profile : UtilityProfile
            G, E, mu, the wage bounds and the outside option.

        Returns
        -------
        Problem
            The validated problem.

        Raises
        ------
        ContractError
            Naming the first input that is invalid.

        Examples
        --------
        >>> from annotator_incentives import utility
        >>> n, c, profile = Problem.make(11, 0.98, utility.profile("figure3"))
        >>> n, c, profile.name
        (11, 0.98, 'figure3')
        """
        n = validation.checks("the number of inspected samples n", n, ContractError)
        c = validation.signal_strength("the signal strength c", c, ContractError)
        validation.instance("profile", profile, UtilityProfile, ContractError, " (a registered one: utility.profile(name))")
        return cls(n, c, profile)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.n, self.c, self.profile))

    @property
    def first_best(self) -> FirstBest:
        """The first-best of the problem's profile (:func:`first_best`)."""
        return first_best(self.profile)


def within_bounds(profile: UtilityProfile, lowest, highest):
    """Do wages from ``lowest`` to ``highest`` respect the bounds, w_lo - s <= lowest and
    highest <= w_hi + s with s = ``WAGE_SLACK`` (the rounding of closed-form wages)? Every
    solver asks this of its candidate contracts (the wage bounds of the paper's Section 3).

    Parameters
    ----------
    profile : UtilityProfile
        Carries the bounds [w_lo, w_hi].
    lowest, highest : float or numpy.ndarray
        A contract's lowest and highest wage (arrays: one contract each).

    Returns
    -------
    bool or numpy.ndarray
        True where both bounds hold.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")  # wages in [-10, 10]
    >>> bool(within_bounds(fig3, -10.0, 10.0)), bool(within_bounds(fig3, -10.5, 1.0))
    (True, False)
    """
    return (lowest >= profile.w_lo - WAGE_SLACK) & (highest <= profile.w_hi + WAGE_SLACK)


def check_problem(problem: str) -> None:
    """Check that ``problem`` names one of the paper's two problems: 'restricted' (induce the
    first-best effort eta*, value C~_n) or 'unrestricted' (any effort, value C_n).

    Parameters
    ----------
    problem : str
        The name to check.

    Returns
    -------
    None

    Raises
    ------
    ContractError
        For any other value (the example of :class:`ContractError`).

    Examples
    --------
    >>> check_problem("restricted") is None
    True
    """
    if not isinstance(problem, str) or problem not in PROBLEMS:
        raise ContractError(f"problem must be 'restricted' or 'unrestricted'; got {problem!r}")


@dataclass(frozen=True)
class FirstBest:
    """eta* = argmax mu(eta) - G^{-1}(E(eta) + U_0), w* and C (Proposition 5), as
    :func:`first_best` returns them.

    Attributes
    ----------
    eta : float
        The first-best effort eta*.
    wage : float
        The wage w* = G^{-1}(E(eta*) + U_0) that pays for it.
    value : float
        The principal's utility C = mu(eta*) - w*, the bound every contract's value is
        compared with.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> fb = first_best(fig3)
    >>> round(fb.value, 6), round(float(fig3.mu(fb.eta)) - fb.wage, 6)  # C = mu(eta*) - w*
    (0.302637, 0.302637)
    """

    eta: float
    wage: float
    value: float


def first_best(profile: UtilityProfile) -> FirstBest:
    """The first-best (effort observable, Proposition 5): eta* = argmax mu(eta) -
    G^{-1}(E(eta) + U_0), the wage w* = G^{-1}(E(eta*) + U_0) and the principal's utility
    C = mu(eta*) - w*, solved to machine precision: the objective is strictly concave (mu
    concave, G^{-1} convex increasing, E convex), so its derivative has one root (Brent).
    Cached per profile (``first_best.cache_clear()`` empties the cache).

    Parameters
    ----------
    profile : UtilityProfile
        Its G, E, mu and outside option U_0 (the wage bounds do not bind the first-best).

    Returns
    -------
    FirstBest
        ``eta``, ``wage`` and ``value``.

    Raises
    ------
    ContractError
        When ``profile`` is not a UtilityProfile.

    Examples
    --------
    Paying for an observed effort: the wage is exactly what the effort costs the agent.

    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> fb = first_best(fig3)
    >>> round(fb.eta, 6), round(fb.value, 6)
    (0.943809, 0.302637)
    >>> bool(abs(fig3.G(fb.wage) - fig3.E(fb.eta)) < 1e-15)
    True
    """
    validation.instance("profile", profile, UtilityProfile, ContractError, " (a registered one: utility.profile(name))")
    return _first_best(profile)


@lru_cache(maxsize=32)
def _first_best(profile: UtilityProfile) -> FirstBest:
    def value(eta):
        return float(profile.mu(eta) - profile.wage_for_utility(profile.E(eta) + profile.U0))

    def slope(eta):
        wage = profile.wage_for_utility(profile.E(eta) + profile.U0)
        return float(profile.dmu(eta) - profile.dE(eta) / profile.dG(wage))

    lo, hi = 1e-12, 1.0
    if slope(hi) >= 0:
        eta = 1.0
    elif slope(lo) <= 0:
        eta = 0.0
    else:
        eta = optimize.brentq(slope, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200)
    wage = float(profile.wage_for_utility(profile.E(eta) + profile.U0))
    return FirstBest(eta=float(eta), wage=wage, value=value(eta))


first_best.cache_clear = _first_best.cache_clear  # type: ignore[attr-defined]


def corner_upper_bound(profile: UtilityProfile) -> float:
    """mu(1) - G^{-1}(E(1) + U_0): no contract inducing full effort eta = 1 can beat paying
    the wage that exactly covers its cost (the first-best argument of Proposition 5 at
    eta = 1). The linear solver compares the corner only when this bound exceeds its interior
    answer.

    Parameters
    ----------
    profile : UtilityProfile
        Its mu, E, G^{-1} and U_0.

    Returns
    -------
    float
        The bound on the value of any contract inducing eta = 1.

    Examples
    --------
    Figure 3's profile: mu(1) = 1/2, E(1) = 0.18 and G^{-1}(u) = -log(1 - u), so the bound is
    1/2 + log 0.82:

    >>> from annotator_incentives import utility
    >>> round(corner_upper_bound(utility.profile("figure3")), 6)
    0.301549
    """
    return float(profile.mu(1.0) - profile.wage_for_utility(profile.E(1.0) + profile.U0))


@dataclass(frozen=True)
class ContractSolution:
    """A solved contract: its wages, the effort it induces and what each party gets (the
    record every solver of the paper's Section 3 returns, certified).

    Attributes
    ----------
    kind : str
        'binary', 'linear', 'general' or 'none' (a constant wage, no incentive).
    problem : str
        'restricted' (induce eta*) or 'unrestricted'.
    n, c : int, float
        Checks and signal strength.
    feasible : bool
        Whether a contract exists; when False the numbers below are nan and ``wages`` empty.
    eta : float
        The effort the contract induces.
    params : dict
        The class's parameters: w0 and w1 (bonus or slope), and the threshold k of a binary one.
    wages : numpy.ndarray
        The wage w(x) at each outcome x = 0..n.
    expected_wage, principal_utility, agent_utility : float
        E[w(X)] at eta, mu(eta) - E[w(X)] and E[G(w(X))] - E(eta).
    first_best : FirstBest or None
        The first-best it is measured against (:attr:`gap`).

    Examples
    --------
    The best binary contract of Figure 3 at n = 11 pays a bonus from 10 passes on:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts import solve
    >>> s = solve("binary", 11, 0.98, utility.profile("figure3"))
    >>> s.kind, s.params["k"], round(s.gap, 5), round(s.normalised_gap, 4)
    ('binary', 10, 0.00195, 0.0064)
    """

    kind: str  # "binary", "linear", "general" or "none" (constant wage, no incentive)
    problem: str  # "restricted" (induce eta*) or "unrestricted"
    n: int
    c: float
    feasible: bool
    eta: float = float("nan")
    params: dict = field(default_factory=dict)  # w0; w1 (bonus or slope); k for binary
    wages: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)  # w(x), x = 0..n
    expected_wage: float = float("nan")
    principal_utility: float = float("nan")
    agent_utility: float = float("nan")
    first_best: FirstBest | None = None

    @property
    def gap(self) -> float:
        """What the principal loses against the first-best, C - C_n (or C - C~_n)."""
        if not self.feasible or self.first_best is None:
            return float("nan")
        return self.first_best.value - self.principal_utility

    @property
    def normalised_gap(self) -> float:
        """(C - C_n)/C clipped to [0, 1], as the paper's Figure 3 plots it; defined only when the
        first-best utility C is positive (nan otherwise, and for an infeasible solution: report
        the absolute :attr:`gap` then)."""
        if not self.feasible or self.first_best is None or not self.first_best.value > 0:
            return float("nan")
        return float(np.clip(self.gap / self.first_best.value, 0, 1))

    def as_row(self) -> dict:
        """One row of a table (:func:`~annotator_incentives.contracts.tables.gap_table`): the
        attributes, each parameter as ``param_<name>``, ``first_best`` as its value, and the gaps."""
        return {"kind": self.kind, "problem": self.problem, "n": self.n, "c": self.c, "feasible": self.feasible,
                "eta": self.eta, **{f"param_{k}": v for k, v in self.params.items()},
                "expected_wage": self.expected_wage, "principal_utility": self.principal_utility,
                "agent_utility": self.agent_utility, "first_best": self.first_best.value if self.first_best else np.nan,
                "gap": self.gap, "normalised_gap": self.normalised_gap}
