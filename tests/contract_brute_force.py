"""Brute-force references for the contract solvers (tests only; independent of the library's
contract code: scipy's binomial pmf, a dense effort grid and golden-section refinement).

- :func:`best_response`: the agent's best effort against a wage schedule, by evaluating its
  expected utility on a dense grid of efforts and refining the best grid point;
- :func:`binary_lower_bound`: the best binary contract found by trying every threshold and a
  grid of bonuses, each valued at the agent's own best response with participation binding
  there (every contract tried is feasible by construction, so the best value is a lower bound
  on the true optimum).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from annotator_incentives.utility import UtilityProfile


def _q(eta, c: float):
    return (1 + c * np.asarray(eta, dtype=float)) / 2


def agent_utility(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, etas) -> np.ndarray:
    """E[G(w(X)) | eta] - E(eta), X ~ Bin(n, (1 + c eta)/2), by scipy's pmf over every outcome."""
    etas = np.atleast_1d(np.asarray(etas, dtype=float))
    pmf = stats.binom.pmf(np.arange(n + 1)[None, :], n, _q(etas, c)[:, None])
    return pmf @ profile.G(wages) - profile.E(etas)


def best_response(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int = 4001) -> tuple[float, float]:
    """(eta, U(eta)): the best of a dense grid of efforts, refined by bounded minimisation
    within one grid cell of it."""
    grid = np.linspace(0.0, 1.0, points)
    values = agent_utility(wages, n, c, profile, grid)
    j = int(np.argmax(values))
    res = optimize.minimize_scalar(lambda e: -float(agent_utility(wages, n, c, profile, e)[0]),
                                   bounds=(grid[max(j - 1, 0)], grid[min(j + 1, points - 1)]), method="bounded",
                                   options={"xatol": 1e-12})
    return (float(res.x), float(-res.fun)) if -res.fun > values[j] else (float(grid[j]), float(values[j]))


def binary_lower_bound(n: int, c: float, profile: UtilityProfile, bonuses: int = 121, points: int = 1001) -> float:
    """max over thresholds k and utility bonuses b on a grid of the principal's value
    mu(eta) - E[w], where eta is the agent's best response to b 1{X >= k} (dense grid, then
    refined within a cell) and the
    base utility makes participation bind there (floored at G(w_lo); contracts whose top
    utility exceeds G(w_hi) are skipped)."""
    grid = np.linspace(0.0, 1.0, points)
    best = -np.inf
    span = profile.u_hi - profile.u_lo
    for k in range(1, n + 1):
        tails = stats.binom.sf(k - 1, n, _q(grid, c))
        for b in np.linspace(0.0, min(span, 3.0), bonuses)[1:]:
            values = b * tails - profile.E(grid)
            j = int(np.argmax(values))
            res = optimize.minimize_scalar(  # the agent's own choice, not the nearest grid point
                lambda e, b=b, k=k: -(b * float(stats.binom.sf(k - 1, n, _q(e, c))) - float(profile.E(e))),
                bounds=(grid[max(j - 1, 0)], grid[min(j + 1, points - 1)]), method="bounded", options={"xatol": 1e-12})
            eta = float(res.x) if -res.fun > values[j] else float(grid[j])
            tail = float(stats.binom.sf(k - 1, n, _q(eta, c)))
            base = max(profile.U0 + float(profile.E(eta)) - b * tail, profile.u_lo)
            if base + b > profile.u_hi:
                continue
            wage = (1 - tail) * float(profile.wage_for_utility(base)) + tail * float(profile.wage_for_utility(base + b))
            best = max(best, float(profile.mu(eta)) - wage)
    return best
