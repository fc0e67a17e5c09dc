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
    """The cheapest binary contract inducing a target effort with a given threshold, before
    the global check of incentive compatibility (arrays broadcast over thresholds and efforts)."""

    bonus_utility: np.ndarray  # b = G(w0 + w1) - G(w0), from the agent's first-order condition
    base_utility: np.ndarray  # G(w0), from binding participation
    top_utility: np.ndarray  # G(w0 + w1) = base + b, computed without cancellation
    feasible: np.ndarray  # the necessary conditions hold
    value: np.ndarray  # principal utility; -inf where a necessary condition fails


class Offer(NamedTuple):
    """One binary contract, in the agent's utilities: G(w0) = ``base_utility``,
    G(w0 + w1) - G(w0) = ``bonus_utility`` and G(w0 + w1) = ``top_utility``, paid when X >= k;
    ``value`` is the principal's."""

    value: float
    k: int
    base_utility: float
    bonus_utility: float
    top_utility: float


def participation(profile: UtilityProfile, need, b, tail, below) -> tuple[np.ndarray, np.ndarray]:
    """(base, top) utilities G(w0) and G(w0 + w1) of the cheapest contract paying utility bonus
    b with probability ``tail`` (``below`` = 1 - tail, exactly) that gives the agent ``need`` =
    U_0 + E(eta): (1 - P) base + P top = need, base = max(need - b P, G(w_lo)), top = base + b.
    Computed without cancellation: the top first, need + b (1 - P), where P >= 1/2."""
    with np.errstate(invalid="ignore", over="ignore"):
        likely = tail >= 0.5
        base = np.where(likely, need + b * below - b, need - b * tail)
        top = np.where(likely, need + b * below, base + b)
        floor = base < profile.u_lo  # participation slack at the wage floor
        return np.where(floor, profile.u_lo, base), np.where(floor, profile.u_lo + b, top)


def terms(pb: Problem, k, eta, tail, slope, ends=None, below=None) -> Terms:
    """Threshold(s) k inducing effort(s) eta, given P_k(eta) = ``tail`` (and ``below`` = 1 - P_k,
    computed exactly; 1 - tail if not given) and P_k'(eta) = ``slope``: b = E'(eta)/P_k'(eta),
    base and top utilities from :func:`participation` and the principal's value
    mu(eta) - E[w(X)].

    Necessary conditions, for all k and eta at once: the top wage is affordable; with
    ``ends`` = ((P_k(0), P_k(1)), (1 - P_k(0), 1 - P_k(1))) also the second-order condition
    b P_k'' < E'' (binomial lemma (c)) and that neither shirking (eta' = 0) nor full effort
    (eta' = 1) pays more than eta under the tie rule. Without ``ends`` only affordability is
    checked."""
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
    """((P_k(0), P_k(1)), (1 - P_k(0), 1 - P_k(1))) for thresholds k (any shape), each exact."""
    q0, q1 = binomial_kernel.pass_probability(0.0, pb.c), binomial_kernel.pass_probability(1.0, pb.c)
    return ((binomial_kernel.tail(k, pb.n, q0), binomial_kernel.tail(k, pb.n, q1)),
            (binomial_kernel.below(k, pb.n, q0), binomial_kernel.below(k, pb.n, q1)))


def support_thresholds(n: int, q: float) -> np.ndarray:
    """The thresholds k = 1..n with k - 1 within the window of Bin(n - 1, q) that carries the
    mass (:func:`binomial.window`): elsewhere P_k'(eta) = (c/2) n P(Bin(n - 1, q) = k - 1)
    < 1e-40, so inducing effort there needs a bonus utility beyond 1e38 (every k for n up to a
    few hundred; about 28 standard deviations' worth for large n, so memory grows like sqrt(n))."""
    window = binomial_kernel.window(max(n - 1, 0), q)
    return np.arange(max(window.start + 1, 1), min(window.stop + 1, n + 1), dtype=np.int64)


def candidates(pb: Problem, eta: float, ks=None) -> tuple[np.ndarray, Terms]:
    """(k, terms) for every threshold k (or those in ``ks``) inducing eta: :func:`terms` with
    a coarse grid of deviations also screened for every k at once (an effort that beats eta
    rules its k out before the full check)."""
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
    """(U, U') of the agent under the contract paying utility bonus b when X >= k, up to the
    constant G(w0), in the form that does not cancel (vectorised in effort): b P_k(e) - E(e), or,
    where the bonus is likely at eta (P_k(eta) >= 1/2), -b (1 - P_k(e)) - E(e) with the exact lower
    tail (the two differ by the constant b)."""
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
    """U(eta) minus the agent's best utility outside eta's own grid cell on [0, 1] (exact; >= -tie
    of the agent's utility means incentive compatible), under the contract paying utility bonus
    b when X >= k: the package's one comparison (:func:`agent.compare`, ``exact``) on
    :func:`binary_curve`, competing peaks refined by roots of its slope b P_k' = E'."""
    curve, slope = binary_curve(pb, k, b, eta)
    grid = check_grid(check_points(pb.n, pb.c))
    check = compare(curve, eta, grid, curve(grid), allowance=0.0, exact=True, slope=slope)
    return check.own - check.rival


def is_incentive_compatible(pb: Problem, k: int, b: float, eta: float, base: float, top: float) -> bool:
    """Is eta a global maximiser of the agent's utility G(w0) + b P_k(e) - E(e) over [0, 1],
    under the package's tie rule on the agent's utility at eta (base utility ``base`` = G(w0),
    top utility ``top`` = G(w0 + w1))? :func:`agent.compare` on :func:`binary_curve`."""
    curve, slope = binary_curve(pb, k, b, eta)
    allowance = float(tie(own_utility(pb, k, b, eta, base, top)))
    grid = check_grid(check_points(pb.n, pb.c))
    return compare(curve, eta, grid, curve(grid), allowance=allowance, slope=slope).compatible


def own_utility(pb: Problem, k: int, b: float, eta: float, base: float, top: float) -> float:
    """The agent's utility at eta, from whichever of base and top is paid more often."""
    q = float(binomial_kernel.pass_probability(eta, pb.c))
    tail = float(binomial_kernel.tail(k, pb.n, q))
    level = top - b * float(binomial_kernel.below(k, pb.n, q)) if tail >= 0.5 else base + b * tail
    return level - float(pb.profile.E(eta))


def best_at(pb: Problem, eta: float, ks=None) -> Offer | None:
    """The cheapest incentive-compatible binary contract inducing eta (None if there is none):
    candidates in order of value, the first to pass the global check."""
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
    """w(x) = G^{-1}(base) for x < k and G^{-1}(top) for x >= k, and its params (w1 the bonus,
    the difference of the two)."""
    w0 = float(pb.profile.wage_for_utility(base))
    w_top = float(pb.profile.wage_for_utility(top))
    return np.where(np.arange(pb.n + 1) >= k, w_top, w0), {"w0": w0, "w1": w_top - w0, "k": k}
