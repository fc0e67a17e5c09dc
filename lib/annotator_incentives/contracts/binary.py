"""Binary contracts w(X) = w0 + w1 1{X >= k} (Algorithm 3; Theorem 1).

Top-down: :func:`solve_binary` takes the restricted route (the cheapest incentive-compatible
contract inducing eta*, :func:`~annotator_incentives.contracts.binary_terms.best_at`; the
corner :func:`corner` when eta* = 1) or the unrestricted one
(:func:`~annotator_incentives.contracts.binary_search.best_interior`, then the corner
eta = 1), through the package's solve skeleton. One check (n = 1) takes the same routes.

The pieces (bonus and base from the first-order condition and participation, the screening
of candidates, the global incentive check) are in
:mod:`~annotator_incentives.contracts.binary_terms`.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .. import binomial_kernel
from ..utility import UtilityProfile
from . import binary_search
from .binary_terms import Offer, best_at, candidates, participation, support_thresholds, wages
from .optimise import CORNER_POINTS, value_of, zoom_maximise
from .problem import ContractSolution, Problem, corner_upper_bound
from .skeleton import Best, Found, solve_class

__all__ = ["solve_binary", "restricted", "unrestricted", "corner"]

CORNER_BLOCK = 2**21  # largest pmf block (cells) the corner's tails are summed from


def _corner_value(profile: UtilityProfile, top: np.ndarray, below: np.ndarray,
                  bonus: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, base utility, top utility) at eta = 1 paying utility ``bonus`` when X >= k
    (P = ``top``, 1 - P = ``below`` exactly), participation binding (:func:`participation`);
    -inf where the top wage is unaffordable."""
    with np.errstate(invalid="ignore", over="ignore"):
        base, high = participation(profile, profile.U0 + float(profile.E(1.0)), bonus, top, below)
        ok = np.isfinite(bonus) & (high <= profile.u_hi)  # G^-1 may clip unaffordable utilities
        wage = below * profile.wage_for_utility(np.where(ok, base, profile.U0)) + top * profile.wage_for_utility(
            np.where(ok, high, profile.U0)
        )
    return np.where(ok, float(profile.mu(1.0)) - wage, -np.inf), base, high


def _tails_on_grid(n: int, k: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """P(Bin(n, q) >= k) for consecutive thresholds k (rows) and each q (columns): by summing
    the pmf from the top when that block is small (``CORNER_BLOCK`` cells), else by scipy's tail."""
    rows = n + 1 - int(k[0])
    if rows * qs.size > CORNER_BLOCK:
        return binomial_kernel.tail(k[:, None], n, qs[None, :])
    pmf = np.exp(binomial_kernel.log_pmf(np.arange(int(k[0]), n + 1)[:, None], n, qs[None, :]))
    return np.cumsum(pmf[::-1], axis=0)[::-1][: k.size]


def corner(pb: Problem, points: int = CORNER_POINTS, beat: float = -np.inf) -> Offer | None:
    """The best binary contract inducing full effort eta = 1 (Algorithm 3 at the corner, where the
    first-order condition becomes an inequality): the cheapest utility bonus with threshold k is
    b_k = sup_{e < 1} (E(1) - E(e)) / (P_k(1) - P_k(e)), at least its limit E'(1)/P_k'(1).

    Parameters
    ----------
    pb : Problem
        n, c and the profile; the corner needs E(1), E'(1) and mu(1).
    points : int, optional
        Efforts the supremum is screened on (default ``CORNER_POINTS``).
    beat : float, optional
        Give up at once when even the limit bonuses cannot give the principal more than this.

    Returns
    -------
    ~annotator_incentives.contracts.binary_terms.Offer or None
        The best threshold's contract; None when no k is affordable or none can beat ``beat``.

    Examples
    --------
    With one check P_1(e) = (1 + c e)/2, so under figure3 (E = 0.18 e^2) the ratio is
    0.36 (1 + e)/c, largest as e -> 1: b_1 = 0.72/0.98.

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> offer = corner(Problem.make(1, 0.98, utility.profile("figure3")))
    >>> offer.k, round(offer.bonus_utility, 6), round(0.72 / 0.98, 6)
    (1, 0.734694, 0.734694)
    """
    n, c, profile = pb
    q1 = float(binomial_kernel.pass_probability(1.0, c))
    k = support_thresholds(n, q1)  # elsewhere the limit bonus E'(1)/P_k'(1) exceeds 1e38
    top, below = binomial_kernel.tail(k, n, q1), binomial_kernel.below(k, n, q1)
    with np.errstate(divide="ignore"):
        limit = float(profile.dE(1.0)) / binomial_kernel.tail_eta_slope(k, n, c, q1)  # the ratio as e -> 1
    if not np.max(_corner_value(profile, top, below, limit)[0]) > beat:
        return None
    grid = np.linspace(0.0, 1.0, points)[:-1]
    tails = _tails_on_grid(n, k, binomial_kernel.pass_probability(grid, c))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            top[:, None] > tails, (float(profile.E(1.0)) - profile.E(grid))[None, :] / (top[:, None] - tails), -np.inf
        )
    bonus = np.maximum(ratio.max(axis=1), limit)
    leaders = np.argsort(-_corner_value(profile, top, below, bonus)[0])[:3]
    refine = leaders[np.isfinite(bonus[leaders])]
    if refine.size:  # the ratio's supremum, from around its grid maximum
        def ratios(e: np.ndarray) -> np.ndarray:
            gain = top[refine, None] - binomial_kernel.tail(k[refine, None], n, binomial_kernel.pass_probability(e, c))
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(gain > 0, (float(profile.E(1.0)) - profile.E(e)) / gain, -np.inf)

        j = np.argmax(ratio[refine], axis=1)
        # the ratio's limit at e -> 1 is ``limit``; closer to 1 than the grid the gain cancels
        _, sup = zoom_maximise(ratios, grid[np.maximum(j - 1, 0)], grid[np.minimum(j + 1, grid.size - 1)])
        bonus[refine] = np.maximum(bonus[refine], sup)
    keep = np.zeros(k.size, bool)
    keep[leaders] = True
    value, base, high = _corner_value(profile, top, below, np.where(keep, bonus, np.inf))  # the others were only screened
    i = int(np.argmax(value))
    return Offer(float(value[i]), int(k[i]), float(base[i]), float(bonus[i]), float(high[i])) if np.isfinite(value[i]) else None


def _found(pb: Problem, eta: float, k: int, base: float, top: float) -> Found:
    """The contract inducing eta that pays utility ``top`` when X >= k and ``base`` otherwise."""
    return Found(eta, *wages(pb, k, base, top))


def restricted(pb: Problem) -> Found | None:
    """The restricted problem (C~_n, Theorem 1): the cheapest incentive-compatible binary contract
    inducing the first-best effort eta*
    (:func:`~annotator_incentives.contracts.binary_terms.best_at`, or :func:`corner` when
    eta* = 1).

    Parameters
    ----------
    pb : Problem
        The problem; its first-best effort is the target.

    Returns
    -------
    ~annotator_incentives.contracts.skeleton.Found or None
        The contract inducing eta*; None when no threshold can.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> pb = Problem.make(11, 0.98, utility.profile("figure3"))
    >>> found = restricted(pb)
    >>> found.eta == pb.first_best.eta, found.params["k"]
    (True, 10)
    """
    eta = pb.first_best.eta
    offer = corner(pb) if eta >= 1.0 else best_at(pb, eta)
    return None if offer is None else _found(pb, eta, offer.k, offer.base_utility, offer.top_utility)


def unrestricted(pb: Problem, search=binary_search.best_interior) -> Best | None:
    """The unrestricted problem (C_n, Theorem 1): the best interior binary contract by ``search``
    against the corner eta = 1 (:func:`corner`, tried only when its upper bound can beat the
    interior answer).

    Parameters
    ----------
    pb : Problem
        Checks, signal strength and profile.
    search : callable, optional
        Problem -> :class:`~annotator_incentives.contracts.binary_search.Interior` or None: the
        table search for small n, else the scan (default
        :func:`~annotator_incentives.contracts.binary_search.best_interior`), or
        :func:`~annotator_incentives.contracts.binary_search.scan_search` alone, the safe route
        that checks every candidate.

    Returns
    -------
    ~annotator_incentives.contracts.skeleton.Best or None
        The best contract with its value; None when nothing is feasible.

    Examples
    --------
    Under risk_averse_poly the first-best effort is 1, and so is the best binary contract's:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> best = unrestricted(Problem.make(5, 0.98, utility.profile("risk_averse_poly")))
    >>> best.found.eta, best.found.params["k"]
    (1.0, 5)
    """
    interior = search(pb)
    value = value_of(interior)
    top = corner(pb, beat=value) if corner_upper_bound(pb.profile) > value else None
    if top is not None and top.value > value:
        return Best(top.value, _found(pb, 1.0, top.k, top.base_utility, top.top_utility))
    if interior is None:
        return None
    found = candidates(pb, interior.eta, ks=(interior.k,))[1]  # the search checked (k, eta) globally; read its utilities
    return Best(value, _found(pb, interior.eta, interior.k, float(found.base_utility[0]), float(found.top_utility[0])))


def solve_binary(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Best binary contract w0 + w1 1{X >= k} (Algorithm 3, Theorem 1).

    Parameters
    ----------
    n, c, profile, problem
        As for :func:`~annotator_incentives.contracts.solve.solve` (the restricted problem
        induces eta* with the cheapest bonus; the unrestricted one, the default, chooses k and
        eta).

    Returns
    -------
    ContractSolution
        params w0, w1 (the bonus) and k (paid when X >= k).

    Raises
    ------
    ContractError
        When n, c, the profile or the problem is invalid.
    ~annotator_incentives.contracts.certify.UncertifiedContractError
        When neither the answer nor the scan search's (which checks every candidate) passes
        its certificate.

    Examples
    --------
    With one check the bonus is paid on a pass; at eta* = 0.9438 (figure3) the cheapest bonus
    utility is E'(eta*)/(c/2) = 0.36 eta*/0.49:

    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> s = solve_binary(1, 0.98, fig3, "restricted")
    >>> s.params["k"], round(float(fig3.G(s.params["w0"] + s.params["w1"]) - fig3.G(s.params["w0"])), 5)
    (1, 0.69341)
    """
    return solve_class("binary", n, c, profile, problem, restricted, unrestricted, {"w1": 0.0, "k": 0},
                       safe=partial(unrestricted, search=binary_search.scan_search))
