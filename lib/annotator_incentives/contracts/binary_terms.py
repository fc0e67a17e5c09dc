"""The pieces of a binary contract w(X) = w0 + w1 1{X >= k} (Algorithm 3).

For a threshold k and a target effort eta, the agent's first-order condition fixes the bonus
in utility, b = G(w0 + w1) - G(w0) = E'(eta)/P_k'(eta) (P_k(eta) = P(X >= k | eta)), and
binding participation the base utility G(w0) = U_0 + E(eta) - b P_k(eta), or equivalently the
top utility G(w0 + w1) = U_0 + E(eta) + b (1 - P_k(eta)). Such a contract is incentive
compatible only when eta is the agent's *global* best response (:func:`incentive_slack`); cheap
necessary conditions screen candidates first (:func:`terms`).

Utilities are computed in the form that does not cancel: with a large bonus utility b (a wage
floor far below zero under an exponential G gives b ~ 1e21) the product b P_k is huge, and
U_0 + E - b P_k would lose everything below b's rounding (participation off by 0.2 at b = 5e21).
Where the bonus is likely (P_k >= 1/2) the top utility is computed first, from the exact lower
tail 1 - P_k = P(X < k), and the base as top - b; otherwise the base first and the top as base + b.
The agent's utility against its rivals is compared in the same way (:func:`incentive_slack`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import binomial_kernel
from ..utility import UtilityProfile
from .agent import compare
from .optimise import SCREEN_POINTS, check_grid, check_points
from .problem import Problem, tie

__all__ = ["Terms", "Offer", "participation", "terms", "ends", "support_thresholds", "candidates", "binary_curve",
           "incentive_slack", "own_utility", "is_incentive_compatible", "best_at", "wages"]

SMALL_TABLE = 4096  # up to this many cells, wages are computed everywhere and masked


@dataclass
class Terms:
    """The cheapest binary contract inducing a target effort with a given threshold, before the
    global check of incentive compatibility (Algorithm 3's candidates; arrays broadcast over
    thresholds and efforts): what :func:`terms` returns.

    Attributes
    ----------
    bonus_utility : numpy.ndarray
        b = G(w0 + w1) - G(w0), from the agent's first-order condition b P_k'(eta) = E'(eta).
    base_utility, top_utility : numpy.ndarray
        G(w0) from binding participation, and G(w0 + w1) = base + b, computed without
        cancellation (:func:`participation`).
    feasible : numpy.ndarray
        Whether the necessary conditions hold (bool).
    value : numpy.ndarray
        The principal's utility mu(eta) - E[w(X)]; -inf where a necessary condition fails.

    Examples
    --------
    >>> import numpy as np
    >>> found = Terms(np.array(0.5), np.array(-0.25), np.array(0.25), np.array(True), np.array(0.3))
    >>> float(found.top_utility - found.base_utility)
    0.5
    """

    bonus_utility: np.ndarray  # b = G(w0 + w1) - G(w0), from the agent's first-order condition
    base_utility: np.ndarray  # G(w0), from binding participation
    top_utility: np.ndarray  # G(w0 + w1) = base + b, computed without cancellation
    feasible: np.ndarray  # the necessary conditions hold
    value: np.ndarray  # principal utility; -inf where a necessary condition fails


class Offer(NamedTuple):
    """One binary contract w0 + w1 1{X >= k}, in the agent's utilities: what :func:`best_at` and
    ``binary.corner`` return (Algorithm 3).

    Attributes
    ----------
    value : float
        The principal's utility, mu(eta) - E[w(X)].
    k : int
        The threshold: the bonus is paid when X >= k.
    base_utility, bonus_utility, top_utility : float
        G(w0), G(w0 + w1) - G(w0) and G(w0 + w1).

    Examples
    --------
    >>> offer = Offer(value=0.3, k=10, base_utility=-0.5, bonus_utility=0.75, top_utility=0.25)
    >>> offer.top_utility == offer.base_utility + offer.bonus_utility
    True
    """

    value: float
    k: int
    base_utility: float
    bonus_utility: float
    top_utility: float


def participation(profile: UtilityProfile, need, b, tail, below) -> tuple[np.ndarray, np.ndarray]:
    """(base, top) utilities G(w0) and G(w0 + w1) of the cheapest contract that pays the utility
    bonus b with probability P = ``tail`` and gives the agent ``need`` = U_0 + E(eta): binding
    participation (1 - P) base + P top = need, so base = max(need - b P, G(w_lo)) and
    top = base + b (Algorithm 3). Where P >= 1/2 the top is computed first, need + b (1 - P),
    which does not cancel when b is huge.

    Parameters
    ----------
    profile : UtilityProfile
        Gives G(w_lo), the floor of the base utility.
    need, b, tail, below : float or numpy.ndarray
        U_0 + E(eta); the bonus utility; P = P(X >= k | eta) and ``below`` = 1 - P, computed
        exactly (broadcast together).

    Returns
    -------
    tuple of numpy.ndarray
        The base and top utilities.

    Examples
    --------
    Paying b = 0.5 with probability 1/4 to give the agent 0.1: base = 0.1 - 0.5/4 = -0.025.

    >>> from annotator_incentives import utility
    >>> base, top = participation(utility.profile("figure3"), 0.1, 0.5, 0.25, 0.75)
    >>> round(float(base), 6), round(float(top), 6)
    (-0.025, 0.475)
    """
    with np.errstate(invalid="ignore", over="ignore"):
        likely = tail >= 0.5
        base = np.where(likely, need + b * below - b, need - b * tail)
        top = np.where(likely, need + b * below, base + b)
        floor = base < profile.u_lo  # participation slack at the wage floor
        return np.where(floor, profile.u_lo, base), np.where(floor, profile.u_lo + b, top)


def terms(pb: Problem, k, eta, tail, slope, ends=None, below=None) -> Terms:
    """Threshold(s) k inducing effort(s) eta, all at once (Algorithm 3's candidates, Theorem 1):
    b = E'(eta)/P_k'(eta) from the first-order condition, base and top utilities from
    :func:`participation`, the principal's value mu(eta) - E[w(X)].

    Necessary conditions, for all k and eta at once: the top wage is affordable; with ``ends``
    also the second-order condition b P_k'' < E'' (binomial lemma (c)) and that neither shirking
    (eta' = 0) nor full effort (eta' = 1) pays the agent more than eta under the tie rule.

    Parameters
    ----------
    pb : Problem
        Gives n, c, and the profile's E, E', mu and wage bounds.
    k, eta : int or numpy.ndarray
        Thresholds and target efforts (broadcast together).
    tail, slope : float or numpy.ndarray
        P_k(eta) = P(X >= k | eta) and its derivative P_k'(eta).
    ends : tuple, optional
        ((P_k(0), P_k(1)), (1 - P_k(0), 1 - P_k(1))), as :func:`ends` gives; without it only
        affordability is checked.
    below : float or numpy.ndarray, optional
        1 - P_k(eta), computed exactly (default ``1 - tail``).

    Returns
    -------
    Terms
        Bonus, base and top utilities, feasibility and value.

    Examples
    --------
    One check (k = 1) at eta = 0.5 under figure3 (c = 0.98, E = 0.18 eta^2): P_1 = q = 0.745 and
    P_1' = c/2 = 0.49, so the bonus utility is b = 0.18/0.49.

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> one = Problem.make(1, 0.98, utility.profile("figure3"))
    >>> found = terms(one, 1, 0.5, 0.745, 0.49)
    >>> round(float(found.bonus_utility), 6), round(0.18 / 0.49, 6), bool(found.feasible)
    (0.367347, 0.367347, True)
    """
    n, c, profile = pb
    eta = np.asarray(eta, dtype=float)
    q = binomial_kernel.pass_probability(eta, c)
    below = 1 - tail if below is None else below
    cost, marginal_cost = profile.E(eta), profile.dE(eta)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b = np.where(slope > 0, marginal_cost / np.where(slope > 0, slope, 1.0), np.inf)
        base, top = participation(profile, profile.U0 + cost, b, tail, below)
        feasible = np.isfinite(b) & (top <= profile.u_hi)
        if ends is not None:
            (tail0, tail1), (below0, below1) = ends
            own = base + b * tail - cost  # the agent's utility, for the tie rule
            curvature = b * slope * 0.5 * c * (n - 1) / (q * (1 - q)) * ((k - 1) / (n - 1) - q) if n > 1 else 0.0
            lo, hi = np.maximum(eta - 1e-6, 0.0), np.minimum(eta + 1e-6, 1.0)
            d2E = (profile.dE(hi) - profile.dE(lo)) / (hi - lo)
            likely = tail >= 0.5  # P_k(eta) - P_k(e) from the tails that do not cancel
            shirk = b * np.where(likely, below0 - below, tail - tail0) - (cost - profile.E(0.0)) + tie(own)  # U(eta) - U(0)
            full = b * np.where(likely, below1 - below, tail - tail1) - (cost - profile.E(1.0)) + tie(own)  # U(eta) - U(1)
            feasible &= (d2E - curvature > 0) & (shirk >= 0) & (full >= 0)
        value = _value(profile, eta, tail, below, base, top, feasible)
    return Terms(b, base, top, feasible, value)


def _value(profile: UtilityProfile, eta, tail, below, base, top, feasible) -> np.ndarray:
    """mu(eta) - (1 - P) G^{-1}(base) - P G^{-1}(top) where feasible, else -inf."""
    if feasible.size <= SMALL_TABLE:  # few cells: wages everywhere, masked afterwards
        wage = (below * profile.wage_for_utility(np.where(feasible, base, profile.U0))
                + tail * profile.wage_for_utility(np.where(feasible, top, profile.U0)))
        return np.where(feasible, profile.mu(eta) - wage, -np.inf)
    value = np.full(feasible.shape, -np.inf)  # wages only where feasible: G^-1 may be costly
    pays = np.broadcast_to(tail, feasible.shape)[feasible]
    misses = np.broadcast_to(below, feasible.shape)[feasible]
    wage = misses * profile.wage_for_utility(base[feasible]) + pays * profile.wage_for_utility(top[feasible])
    value[feasible] = np.broadcast_to(profile.mu(eta), feasible.shape)[feasible] - wage
    return value


def ends(pb: Problem, k) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The tails at the two ends of the effort interval, P_k(0) and P_k(1) with their
    complements, each exact: the shirking and full-effort checks of :func:`terms`.

    Parameters
    ----------
    pb : Problem
        Gives n and c.
    k : int or numpy.ndarray
        Thresholds (any shape).

    Returns
    -------
    tuple
        ((P_k(0), P_k(1)), (1 - P_k(0), 1 - P_k(1))).

    Examples
    --------
    With one check the tail is the pass probability, q(0) = 1/2 and q(1) = (1 + c)/2:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> (p0, p1), (m0, m1) = ends(Problem.make(1, 0.98, utility.profile("figure3")), 1)
    >>> [round(float(x), 6) for x in (p0, p1, m0, m1)]
    [0.5, 0.99, 0.5, 0.01]
    """
    q0, q1 = binomial_kernel.pass_probability(0.0, pb.c), binomial_kernel.pass_probability(1.0, pb.c)
    return ((binomial_kernel.tail(k, pb.n, q0), binomial_kernel.tail(k, pb.n, q1)),
            (binomial_kernel.below(k, pb.n, q0), binomial_kernel.below(k, pb.n, q1)))


def support_thresholds(n: int, q: float) -> np.ndarray:
    """The thresholds k = 1..n worth trying at pass probability q: those with k - 1 in the window of
    Bin(n - 1, q) that carries the mass (:func:`annotator_incentives.binomial.window`). Elsewhere
    P_k'(eta) = (c/2) n P(Bin(n - 1, q) = k - 1) < 1e-40, so inducing effort there needs a bonus
    utility beyond 1e38. For large n the window is about 28 standard deviations wide, so memory
    grows like sqrt(n).

    Parameters
    ----------
    n : int
        Checks.
    q : float
        The pass probability at the target effort.

    Returns
    -------
    numpy.ndarray
        The thresholds, increasing (int64).

    Examples
    --------
    For a million checks at q = 1/2 (standard deviation 500) only about 14,000 thresholds remain:

    >>> k = support_thresholds(10**6, 0.5)
    >>> int(k[0]), int(k[-1]), k.size
    (492998, 507002, 14005)
    """
    window = binomial_kernel.window(max(n - 1, 0), q)
    return np.arange(max(window.start + 1, 1), min(window.stop + 1, n + 1), dtype=np.int64)


def candidates(pb: Problem, eta: float, ks=None) -> tuple[np.ndarray, Terms]:
    """(k, terms) for every threshold k (or those in ``ks``) inducing eta: :func:`terms` with its
    necessary conditions, and a coarse grid of deviations screened for every k at once (an
    effort that beats eta rules its k out before the global check of :func:`best_at`).

    Parameters
    ----------
    pb, eta : Problem, float
        The contract problem and the effort to induce.
    ks : iterable of int, optional
        Thresholds to try (default :func:`support_thresholds`).

    Returns
    -------
    tuple
        The thresholds (numpy.ndarray) and their :class:`Terms`.

    Examples
    --------
    For 11 checks (figure3, c = 0.98) and eta = 0.95, thresholds 6 to 10 survive the screen:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> k, found = candidates(Problem.make(11, 0.98, utility.profile("figure3")), 0.95)
    >>> k[found.feasible].tolist()
    [6, 7, 8, 9, 10]
    """
    n, c, profile = pb
    q = float(binomial_kernel.pass_probability(eta, c))
    if ks is None:  # the thresholds whose marginal incentive P_k' is not negligible (all of them for small n)
        k = support_thresholds(n, q)
        if k.size == n:  # every threshold: the tails by summing the pmf from either end
            pmf = binomial_kernel.pmf_all(n, q)
            tail, below = binomial_kernel.tails_all(pmf), np.cumsum(pmf)[:-1]
        else:
            tail, below = binomial_kernel.tail(k, n, q), binomial_kernel.below(k, n, q)
    else:
        k = np.asarray(sorted(ks), dtype=np.int64)
        tail, below = binomial_kernel.tail(k, n, q), binomial_kernel.below(k, n, q)
    screen = np.linspace(0.0, 1.0, SCREEN_POINTS)
    found = terms(pb, k, eta, tail, binomial_kernel.tail_eta_slope(k, n, c, q), ends(pb, k), below)
    b, feasible = found.bonus_utility, found.feasible.copy()
    alive = np.flatnonzero(feasible)
    if alive.size:
        likely = tail[alive] >= 0.5  # U(e) - U(eta) in the form that does not cancel
        q_screen = binomial_kernel.pass_probability(screen, c)[None, :]
        ka = k[alive, None]
        change = np.empty((alive.size, screen.size))
        change[likely] = below[alive][likely, None] - binomial_kernel.below(ka[likely], n, q_screen)
        change[~likely] = binomial_kernel.tail(ka[~likely], n, q_screen) - tail[alive][~likely, None]
        gain = b[alive, None] * change - (profile.E(screen)[None, :] - float(profile.E(eta)))
        own = found.base_utility[alive] + b[alive] * tail[alive] - float(profile.E(eta))
        feasible[alive] &= gain.max(axis=1) <= tie(own)
    return k, dataclasses.replace(found, feasible=feasible, value=np.where(feasible, found.value, -np.inf))


def binary_curve(pb: Problem, k: int, b: float, eta: float):
    """(U, U') of the agent under the contract paying the utility bonus b when X >= k, up to the
    constant G(w0), in the form that does not cancel (Section 3's incentive check): b P_k(e) - E(e),
    or, where the bonus is likely at eta (P_k(eta) >= 1/2), -b (1 - P_k(e)) - E(e) with the exact
    lower tail (the two differ by the constant b).

    Parameters
    ----------
    pb : Problem
        Gives n, c and E.
    k, b : int, float
        The threshold and the bonus utility G(w0 + w1) - G(w0).
    eta : float
        The recommended effort; it chooses the form.

    Returns
    -------
    tuple of callable
        U (vectorised in effort) and U' (at one effort).

    Examples
    --------
    One check with the first-order bonus b = E'(0.5)/(c/2) = 0.18/0.49: U' vanishes at 0.5, and
    U(0.5) - U(0) = b (0.745 - 0.5) - E(0.5) = 0.09 - 0.045.

    >>> import numpy as np
    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> curve, slope = binary_curve(Problem.make(1, 0.98, utility.profile("figure3")), 1, 0.18 / 0.49, 0.5)
    >>> u = curve(np.array([0.0, 0.5]))
    >>> round(float(u[1] - u[0]), 6), round(slope(0.5), 12)
    (0.045, 0.0)
    """
    n, c, profile = pb
    likely = float(binomial_kernel.tail(k, n, float(binomial_kernel.pass_probability(eta, c)))) >= 0.5

    def curve(e):
        q = binomial_kernel.pass_probability(e, c)
        return (-b * binomial_kernel.below(k, n, q) if likely else b * binomial_kernel.tail(k, n, q)) - profile.E(e)

    def slope(e: float) -> float:
        q = float(binomial_kernel.pass_probability(e, c))
        return b * float(binomial_kernel.tail_eta_slope(k, n, c, q)) - float(profile.dE(e))

    return curve, slope


def incentive_slack(pb: Problem, k: int, b: float, eta: float) -> float:
    """U(eta) minus the agent's best utility outside eta's own grid cell on [0, 1], exact, under the
    contract paying the utility bonus b when X >= k: the package's one comparison
    (:func:`~annotator_incentives.contracts.agent.compare`, ``exact``) on :func:`binary_curve`,
    competing peaks refined by roots of its slope b P_k' = E'. At least minus the tie rule's
    allowance means incentive compatible (Theorem 1's global condition); its roots bound the
    compatible efforts.

    Parameters
    ----------
    pb, k, b, eta : Problem, int, float, float
        The problem, the threshold, the bonus utility and the recommended effort.

    Returns
    -------
    float
        The slack; negative when the agent would deviate.

    Examples
    --------
    Without a bonus the agent's utility -E(e) falls with effort, so asking for 0.5 fails; the
    first-order bonus 0.18/0.49 of one check makes U concave with its peak at 0.5:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> one = Problem.make(1, 0.98, utility.profile("figure3"))
    >>> incentive_slack(one, 1, 0.0, 0.5) < 0, incentive_slack(one, 1, 0.18 / 0.49, 0.5) >= 0
    (True, True)
    """
    curve, slope = binary_curve(pb, k, b, eta)
    grid = check_grid(check_points(pb.n, pb.c))
    check = compare(curve, eta, grid, curve(grid), allowance=0.0, exact=True, slope=slope)
    return check.own - check.rival


def is_incentive_compatible(pb: Problem, k: int, b: float, eta: float, base: float, top: float) -> bool:
    """Is eta a global maximiser of the agent's utility G(w0) + b P_k(e) - E(e) over [0, 1], under
    the package's tie rule on the agent's utility at eta (Theorem 1's condition)?
    :func:`~annotator_incentives.contracts.agent.compare` on :func:`binary_curve`.

    Parameters
    ----------
    pb : Problem
        n, c and E.
    k, b, eta : int, float, float
        Threshold, bonus utility and recommended effort.
    base, top : float
        G(w0) and G(w0 + w1), which fix the agent's utility at eta for the tie rule.

    Returns
    -------
    bool
        True when no effort beats eta beyond the tie rule.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> one, b = Problem.make(1, 0.98, utility.profile("figure3")), 0.18 / 0.49
    >>> is_incentive_compatible(one, 1, b, 0.5, 0.045 - 0.745 * b, 0.045 + 0.255 * b)
    True
    >>> is_incentive_compatible(one, 1, 0.0, 0.5, 0.045, 0.045)
    False
    """
    curve, slope = binary_curve(pb, k, b, eta)
    allowance = float(tie(own_utility(pb, k, b, eta, base, top)))
    grid = check_grid(check_points(pb.n, pb.c))
    return compare(curve, eta, grid, curve(grid), allowance=allowance, slope=slope).compatible


def own_utility(pb: Problem, k: int, b: float, eta: float, base: float, top: float) -> float:
    """The agent's utility at eta, G(w0) + b P_k(eta) - E(eta), from whichever of base and top is
    paid more often (top - b (1 - P_k) when P_k >= 1/2), so that a huge b does not cancel.

    Parameters
    ----------
    pb, k, b, eta : Problem, int, float, float
        Gives n, c and E; the threshold, the bonus utility b = top - base, the effort.
    base, top : float
        G(w0) and G(w0 + w1).

    Returns
    -------
    float
        U(eta).

    Examples
    --------
    Participation binds in Algorithm 3's contracts, so the agent gets U_0 = 0 (figure3):

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> one, b = Problem.make(1, 0.98, utility.profile("figure3")), 0.18 / 0.49
    >>> abs(own_utility(one, 1, b, 0.5, 0.045 - 0.745 * b, 0.045 + 0.255 * b)) < 1e-12
    True
    """
    q = float(binomial_kernel.pass_probability(eta, pb.c))
    tail = float(binomial_kernel.tail(k, pb.n, q))
    level = top - b * float(binomial_kernel.below(k, pb.n, q)) if tail >= 0.5 else base + b * tail
    return level - float(pb.profile.E(eta))


def best_at(pb: Problem, eta: float, ks=None) -> Offer | None:
    """The cheapest incentive-compatible binary contract inducing eta (Algorithm 3 at one effort):
    the :func:`candidates` in order of the principal's value, the first to pass the global check
    (:func:`is_incentive_compatible`).

    Parameters
    ----------
    pb : Problem
        The contract problem.
    eta : float
        The target effort.
    ks : iterable of int, optional
        Thresholds to try (default all that matter).

    Returns
    -------
    Offer or None
        The contract, or None when no threshold induces eta.

    Examples
    --------
    One check: the bonus utility is the first-order one, 0.18/0.49 at eta = 0.5 (figure3):

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> offer = best_at(Problem.make(1, 0.98, utility.profile("figure3")), 0.5)
    >>> offer.k, round(offer.bonus_utility, 6)
    (1, 0.367347)
    """
    thresholds, cand = candidates(pb, eta, ks)
    for i in np.argsort(-cand.value, kind="stable"):
        if not np.isfinite(cand.value[i]):
            break
        k = int(thresholds[i])
        b, base, top = float(cand.bonus_utility[i]), float(cand.base_utility[i]), float(cand.top_utility[i])
        if is_incentive_compatible(pb, k, b, eta, base, top):
            return Offer(float(cand.value[i]), k, base, b, top)
    return None


def wages(pb: Problem, k: int, base: float, top: float) -> tuple[np.ndarray, dict]:
    """The wage schedule of a binary contract given in utilities: w(x) = G^{-1}(base) for x < k and
    G^{-1}(top) for x >= k, and its params (w0, the bonus w1 = G^{-1}(top) - w0, k).

    Parameters
    ----------
    pb : Problem
        Gives n and G^{-1}.
    k : int
        The threshold.
    base, top : float
        G(w0) and G(w0 + w1).

    Returns
    -------
    tuple
        The wages w(x), x = 0..n (numpy.ndarray), and the params (dict).

    Examples
    --------
    Under figure3, G(w) = 1 - e^-w: utilities 0 and 1 - e^-1 are the wages 0 and 1.

    >>> import math
    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> w, params = wages(Problem.make(3, 0.98, utility.profile("figure3")), 2, 0.0, 1 - math.exp(-1))
    >>> w.round(6).tolist(), params["k"], round(params["w1"], 6)
    ([0.0, 0.0, 1.0, 1.0], 2, 1.0)
    """
    w0 = float(pb.profile.wage_for_utility(base))
    w_top = float(pb.profile.wage_for_utility(top))
    return np.where(np.arange(pb.n + 1) >= k, w_top, w0), {"w0": w0, "w1": w_top - w0, "k": k}
