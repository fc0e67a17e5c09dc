"""The pieces of a binary contract w(X) = w0 + w1 1{X >= k} (Algorithm 3).

For a threshold k and a target effort eta, the agent's first-order condition fixes the bonus
in utility, b = G(w0 + w1) - G(w0) = E'(eta)/P_k'(eta) (P_k(eta) = P(X >= k | eta)), and
binding participation the base utility G(w0) = U_0 + E(eta) - b P_k(eta). Such a contract is
incentive compatible only when eta is the agent's *global* best response
(:func:`incentive_slack`); cheap necessary conditions screen candidates first (:func:`terms`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import binomial
from ..binomial import _pass_probability
from ..utility import UtilityProfile
from .optimise import global_max
from .problem import Problem, tie

__all__ = ["Terms", "Offer", "terms", "candidates", "incentive_slack", "is_incentive_compatible", "best_at", "wages"]

SCREEN_POINTS = 41  # efforts screened for every threshold at once
SLACK_POINTS = 401  # effort grid of the binary incentive check
SMALL_TABLE = 4096  # up to this many cells, wages are computed everywhere and masked


@dataclass
class Terms:
    """The cheapest binary contract inducing a target effort with a given threshold, before
    the global check of incentive compatibility (arrays broadcast over thresholds and efforts)."""

    bonus_utility: np.ndarray  # b = G(w0 + w1) - G(w0), from the agent's first-order condition
    base_utility: np.ndarray  # G(w0), from binding participation
    feasible: np.ndarray  # the necessary conditions hold
    value: np.ndarray  # principal utility; -inf where a necessary condition fails


class Offer(NamedTuple):
    """One binary contract, in the agent's utilities: G(w0) = ``base_utility`` and
    G(w0 + w1) - G(w0) = ``bonus_utility``, paid when X >= k; ``value`` is the principal's."""

    value: float
    k: int
    base_utility: float
    bonus_utility: float


def terms(pb: Problem, k, eta, tail, slope, ends=None) -> Terms:
    """Threshold(s) k inducing effort(s) eta, given P_k(eta) = ``tail`` and P_k'(eta) =
    ``slope``: b = E'(eta)/P_k'(eta), base utility max(U_0 + E(eta) - b P_k(eta), G(w_lo)) and
    the principal's value mu(eta) - E[w(X)].

    Necessary conditions, for all k and eta at once: the top wage is affordable; with
    ``ends`` = (P_k(0), P_k(1)) also the second-order condition b P_k'' < E'' (binomial lemma
    (c)) and that neither shirking (eta' = 0) nor full effort (eta' = 1) pays more than eta
    under the tie rule. Without ``ends`` only affordability is checked: for a caller whose
    agent's utility is concave in effort (one check, :func:`one_check`), the rest is implied."""
    n, c, profile = pb
    eta = np.asarray(eta, dtype=float)
    q = _pass_probability(eta, c)
    cost, marginal_cost = profile.E(eta), profile.dE(eta)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b = np.where(slope > 0, marginal_cost / np.where(slope > 0, slope, 1.0), np.inf)
        base = np.maximum(profile.U0 + cost - b * tail, profile.u_lo)
        feasible = np.isfinite(b) & (base + b <= profile.u_hi)
        if ends is not None:
            tail0, tail1 = ends
            own = b * tail - cost
            curvature = b * slope * 0.5 * c * (n - 1) / (q * (1 - q)) * ((k - 1) / (n - 1) - q) if n > 1 else 0.0
            lo, hi = np.maximum(eta - 1e-6, 0.0), np.minimum(eta + 1e-6, 1.0)
            d2E = (profile.dE(hi) - profile.dE(lo)) / (hi - lo)
            shirk = own - (b * tail0 - profile.E(0.0)) + tie(own)
            full = own - (b * tail1 - profile.E(1.0)) + tie(own)
            feasible &= (d2E - curvature > 0) & (shirk >= 0) & (full >= 0)
        value = _value(profile, eta, tail, base, b, feasible)
    return Terms(b, base, feasible, value)


def _value(profile: UtilityProfile, eta, tail, base, b, feasible) -> np.ndarray:
    """mu(eta) - (1 - P) G^{-1}(base) - P G^{-1}(base + b) where feasible, else -inf."""
    if feasible.size <= SMALL_TABLE:  # few cells: wages everywhere, masked afterwards
        wage = ((1 - tail) * profile.wage_for_utility(np.where(feasible, base, profile.U0))
                + tail * profile.wage_for_utility(np.where(feasible, base + b, profile.U0)))
        return np.where(feasible, profile.mu(eta) - wage, -np.inf)
    value = np.full(feasible.shape, -np.inf)  # wages only where feasible: G^-1 may be costly
    pays = np.broadcast_to(tail, feasible.shape)[feasible]
    wage = (1 - pays) * profile.wage_for_utility(base[feasible]) + pays * profile.wage_for_utility(base[feasible] + b[feasible])
    value[feasible] = np.broadcast_to(profile.mu(eta), feasible.shape)[feasible] - wage
    return value


def _ends(pb: Problem, k) -> tuple[np.ndarray, np.ndarray]:
    """(P_k(0), P_k(1)) for thresholds k (any shape)."""
    return binomial._tail(k, pb.n, _pass_probability(0.0, pb.c)), binomial._tail(k, pb.n, _pass_probability(1.0, pb.c))


def candidates(pb: Problem, eta: float, ks=None) -> tuple[np.ndarray, Terms]:
    """(k, terms) for every threshold k (or those in ``ks``) inducing eta: :func:`terms` with
    a coarse grid of deviations also screened for every k at once (an effort that beats eta
    rules its k out before the full check)."""
    n, c, profile = pb
    q = float(_pass_probability(eta, c))
    if ks is None:
        k = np.arange(1, n + 1)
        tail = binomial._tails_all(binomial._pmf_all(n, q))
    else:
        k = np.asarray(sorted(ks), dtype=np.int64)
        tail = binomial._tail(k, n, q)
    screen = np.linspace(0.0, 1.0, SCREEN_POINTS)
    found = terms(pb, k, eta, tail, binomial._tail_eta_slope(k, n, c, q), _ends(pb, k))
    b, feasible = found.bonus_utility, found.feasible.copy()
    alive = np.flatnonzero(feasible)
    if alive.size:
        own = b[alive] * tail[alive] - float(profile.E(eta))
        deviation = (
            b[alive, None] * binomial._tail(k[alive, None], n, _pass_probability(screen, c)[None, :]) - profile.E(screen)[None, :]
        )
        feasible[alive] &= deviation.max(axis=1) <= own + tie(own)
    return k, dataclasses.replace(found, feasible=feasible, value=np.where(feasible, found.value, -np.inf))


def incentive_slack(pb: Problem, k: int, b: float, eta: float, exact: bool = True) -> float:
    """U(eta) minus the agent's best utility elsewhere on [0, 1] under the contract paying
    utility bonus b when X >= k, U(e) = b P_k(e) - E(e) (>= -tie means incentive compatible).

    Grid efforts give exact lower bounds on the competitor; competing grid peaks are refined to
    their exact local maxima, roots of b P_k' = E'. With ``exact`` every peak that could be the
    best competitor is refined; without, the answer is exact only in sign."""
    n, c, profile = pb
    grid = np.linspace(0.0, 1.0, SLACK_POINTS)

    def agent(e):
        return b * binomial._tail(k, n, _pass_probability(e, c)) - profile.E(e)

    values, own = agent(grid), float(agent(eta))
    outside = np.abs(grid - eta) > 1.5 * (grid[1] - grid[0])
    near = values[~outside]
    if near.size and near.max() > own + tie(own):
        return own - float(near.max())  # eta is not even a local maximum
    competitor = float(values[outside].max()) if outside.any() else -np.inf
    if not exact and competitor > own + tie(own):
        return own - competitor

    def slope(e: float) -> float:
        return b * float(binomial._tail_eta_slope(k, n, c, float(_pass_probability(e, c)))) - float(profile.dE(e))

    _, best = global_max(lambda e: float(agent(e)), grid, values, exclude=eta,
                         threshold=competitor if exact else own - tie(own), slope=slope)
    return own - max(best, competitor)


def is_incentive_compatible(pb: Problem, k: int, b: float, eta: float) -> bool:
    """Is eta a global maximiser of b P_k(e) - E(e) over [0, 1] (the tie rule on b + E(eta))?"""
    return incentive_slack(pb, k, b, eta, exact=False) >= -tie(abs(b) + float(pb.profile.E(eta)))


def best_at(pb: Problem, eta: float, ks=None) -> Offer | None:
    """The cheapest incentive-compatible binary contract inducing eta (None if there is none):
    candidates in order of value, the first to pass the global check."""
    thresholds, cand = candidates(pb, eta, ks)
    for i in np.argsort(-cand.value, kind="stable"):
        if not np.isfinite(cand.value[i]):
            break
        k = int(thresholds[i])
        if is_incentive_compatible(pb, k, float(cand.bonus_utility[i]), eta):
            return Offer(float(cand.value[i]), k, float(cand.base_utility[i]), float(cand.bonus_utility[i]))
    return None


def wages(pb: Problem, k: int, base: float, bonus: float) -> tuple[np.ndarray, dict]:
    """w(x) = G^{-1}(base) + [G^{-1}(base + bonus) - G^{-1}(base)] 1{x >= k}, and its params."""
    w0 = float(pb.profile.wage_for_utility(base))
    w1 = float(pb.profile.wage_for_utility(base + bonus)) - w0
    return np.where(np.arange(pb.n + 1) >= k, w0 + w1, w0), {"w0": w0, "w1": w1, "k": k}
