"""A strict margin for a binary contract.

The optimal binary contract w0 + w1 1{X >= k} leaves the annotator exactly indifferent between
the recommended effort and shirking (its utility has two peaks of equal height, up to the tie
rule ``problem.tie``): the principal's optimum sits on the
edge of incentive compatibility. In practice a slightly larger bonus makes the recommendation
a strict best response. :func:`strict_bonus` finds the smallest extra bonus (same base wage and
threshold) after which the annotator's best effort beats every shirking effort by a stated
margin of its utility, and what that costs the company.

The annotator's utility is U(e) = G(w0) + b P_k(e) - E(e), b = G(w0 + w1) - G(w0). Its lead is
U at its best effort (the highest peak, at or beyond the recommended effort) minus the best U
over the efforts on the other side of the valley that separates them (shirking).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import binomial_kernel, validation
from ..utility import UtilityProfile
from . import optimise as _optimise
from .agent import compare
from .optimise import refine_peak
from .problem import ContractError, ContractSolution

__all__ = ["StrictBonus", "strict_bonus", "MARGIN_POINTS"]

#: Efforts on which :func:`strict_bonus` reads the annotator's utility curve and its peaks.
MARGIN_POINTS = _optimise.MARGIN_POINTS



@dataclass(frozen=True)
class StrictBonus:
    """A binary contract with its bonus raised so that the annotator's best effort leads every
    shirking effort by at least ``margin`` of its utility (what :func:`strict_bonus` returns);
    the numbers are nan when the wage bounds do not allow it.

    Attributes
    ----------
    margin : float
        The lead asked for, in the annotator's utility.
    reachable : bool
        Whether the wage bounds allow it.
    extra_bonus, bonus : float
        What is added to w1, in wage units, and the new w1.
    induced_effort, lead : float
        The annotator's best effort under the new bonus, and its utility lead (>= ``margin``).
    expected_wage, principal_utility : float
        E[w(X)] and mu(eta) - E[w(X)] at that effort.
    cost : float
        What the company gives up against the optimal (tie) contract.

    Examples
    --------
    Under figure3 the annotator's utility G(w) = 1 - e^-w stays below 1, so no bonus can give it
    a lead of 1:

    >>> from annotator_incentives import contracts, utility
    >>> fig3 = utility.profile("figure3")
    >>> out = strict_bonus(contracts.solve("binary", 11, 0.98, fig3), fig3, margin=1.0)
    >>> out.reachable, out.extra_bonus
    (False, nan)
    """

    margin: float
    reachable: bool
    extra_bonus: float = float("nan")  # added to w1, in wage units
    bonus: float = float("nan")  # the new w1
    induced_effort: float = float("nan")
    lead: float = float("nan")  # the annotator's utility lead achieved (>= margin)
    expected_wage: float = float("nan")
    principal_utility: float = float("nan")
    cost: float = float("nan")  # what the company gives up against the optimal (tie) contract


def _lead(utility, grid: np.ndarray, start: float) -> tuple[float, float, float]:
    """(best effort, U there, lead over the best shirking effort) from the peak reached by
    climbing from ``start``, or from the highest peak beyond it; the shirking efforts are those
    before the valley, compared with the best by the package's one comparison
    (:func:`agent.compare`, exact)."""
    values = utility(grid)
    j = int(np.argmin(np.abs(grid - start)))
    j += int(np.argmax(values[j:]))  # the highest point at or beyond the recommendation
    while j + 1 < grid.size and values[j + 1] > values[j]:
        j += 1
    while j > 0 and values[j - 1] > values[j]:
        j -= 1
    best_eta, best = refine_peak(lambda e: float(utility(np.array([e]))[0]), grid, j, float(values[j]))
    valley = int(np.argmin(values[: j + 1]))
    if valley == 0:
        return best_eta, best, best - float(values[0])  # U rises from eta = 0: shirking means eta = 0
    shirking = compare(utility, best_eta, grid[: valley + 1], values[: valley + 1], allowance=0.0, exact=True)
    return best_eta, best, best - shirking.rival


def strict_bonus(solution: ContractSolution, profile: UtilityProfile, margin: float = 1e-3) -> StrictBonus:
    """The smallest extra bonus after which a binary solution's annotator strictly prefers its
    best effort, by ``margin`` of utility, to shirking; same base wage and threshold.

    Parameters
    ----------
    solution : ContractSolution
        A feasible binary solution with a positive bonus.
    profile : UtilityProfile
        The utility profile it was solved for.
    margin : float, optional
        The lead asked for, in the annotator's utility (> 0).

    Returns
    -------
    StrictBonus
        Extra bonus, new bonus, induced effort, lead, expected wage, the company's utility and
        its cost against the optimal contract; ``reachable`` False when the wage bounds do not
        allow the margin.

    Raises
    ------
    ContractError
        When the solution is not a feasible binary one with a positive bonus, the profile is not
        a UtilityProfile, or the margin is not positive.

    Examples
    --------
    >>> from annotator_incentives import contracts, utility
    >>> fig3 = utility.profile("figure3")
    >>> strict = strict_bonus(contracts.solve("binary", 51, 0.98, fig3), fig3)
    >>> f"{strict.extra_bonus:.2e}", f"{strict.lead:.4f}"
    ('1.26e-03', '0.0010')
    """
    validation.instance("solution", solution, ContractSolution, ContractError)
    validation.instance("profile", profile, UtilityProfile, ContractError)
    margin = validation.real("margin", margin, ContractError, 0.0, low_open=True)
    if solution.kind != "binary" or not solution.feasible or not solution.params.get("w1", 0) > 0:
        raise ContractError("a strict margin needs a feasible binary contract with a positive bonus")
    n, c = solution.n, solution.c
    w0, w1, k = solution.params["w0"], solution.params["w1"], int(solution.params["k"])
    grid = np.linspace(0.0, 1.0, MARGIN_POINTS)
    base = float(profile.G(w0))

    def outcome(extra: float):
        b = float(profile.G(w0 + w1 + extra)) - base
        def utility(e):
            return base + b * binomial_kernel.tail(k, n, binomial_kernel.pass_probability(e, c)) - profile.E(e)

        return _lead(utility, grid, solution.eta)

    room = profile.w_hi - (w0 + w1)
    if outcome(0.0)[2] >= margin:
        lo = hi = 0.0  # already strict by the margin
    elif room <= 0 or outcome(room)[2] < margin:
        return StrictBonus(margin, False)
    else:
        lo, hi = 0.0, min(room, max(1e-6, 4 * margin))
        while outcome(hi)[2] < margin:
            lo, hi = hi, min(2 * hi, room)
    for _ in range(60):
        if hi - lo <= 1e-10 * max(1.0, hi):
            break
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if outcome(mid)[2] < margin else (lo, mid)
    eta, _, lead = outcome(hi)
    if hi == 0.0:  # the optimal contract itself: its own numbers, no cost
        return StrictBonus(margin, True, 0.0, w1, solution.eta, lead, solution.expected_wage, solution.principal_utility, 0.0)
    passes = float(binomial_kernel.tail(k, n, binomial_kernel.pass_probability(eta, c)))
    wage = w0 + (w1 + hi) * passes
    value = float(profile.mu(eta)) - wage
    return StrictBonus(margin, True, hi, w1 + hi, eta, lead, wage, value, solution.principal_utility - value)
