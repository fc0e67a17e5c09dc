"""Reference: the paper's brute-force grid method for Figure 3 (model.md section 5).

Kept to test, benchmark and explain the exact solver in :mod:`annotator_incentives.contracts`,
not to draw the book's main figures. As the authors' published code does:

- effort eta in {0, 0.01, ..., 1}; base wage w0 in {-10, -9.95, ..., 9.95}; bonus or slope
  w1 in {0, 0.05, ..., 9.95}; binary threshold share tau in {0, 0.02, ..., 1} with the bonus
  paid when X > tau n (strict); expected utilities are exact binomial sums;
- its "first-best" is the best grid point under participation alone (incentives ignored);
- a grid point counts as incentive compatible when the agent's utility at its effort is within
  ``tolerance`` (0.01) of the agent's best utility on the effort grid;
- the restricted problem takes eta* from the grid first-best and accepts contracts whose best
  response on the effort grid is eta* or a grid neighbour (**our reading**: the principal's
  utility and participation are then evaluated at that best response).

The published code holds the whole 4-D array at once (about 101 x 51 x 200 x 400 values);
this version loops over tau, so it needs a few hundred MB instead of many GB, with the same
answers. It also reports the answers with ``tolerance = 0`` from the same pass, which isolates
the tolerance's effect from the grids' resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .utility import UtilityProfile

__all__ = ["GridAnswer", "GridResult", "grid_method", "EFFORTS", "BASE_WAGES", "BONUSES", "THRESHOLD_SHARES"]

EFFORTS = np.round(np.arange(0, 101) * 0.01, 10)
BASE_WAGES = np.round(-10 + np.arange(400) * 0.05, 10)
BONUSES = np.round(np.arange(200) * 0.05, 10)
THRESHOLD_SHARES = np.round(np.arange(51) * 0.02, 10)


@dataclass(frozen=True)
class GridAnswer:
    """The best grid contract of one problem: its parameters, effort and utilities."""

    value: float  # principal's expected utility
    eta: float
    w0: float
    w1: float
    tau: float | None  # binary threshold share (bonus when X > tau n); None for linear
    agent_utility: float

    def wages(self, n: int) -> np.ndarray:
        """The wage schedule w(x), x = 0..n, of this contract."""
        x = np.arange(n + 1)
        if self.tau is None:
            return self.w0 + self.w1 * x / n
        return np.where(x > self.tau * n, self.w0 + self.w1, self.w0)


@dataclass(frozen=True)
class GridResult:
    """The grid method's answers for one configuration (contract class, n, c)."""

    kind: str
    n: int
    c: float
    tolerance: float
    first_best: GridAnswer
    second_best: GridAnswer  # with the tolerance
    restricted: GridAnswer | None
    second_best_strict: GridAnswer  # same grids, tolerance 0
    cells: int  # grid points examined

    def normalised_gap(self, which: str = "second_best") -> float:
        answer = getattr(self, which)
        if answer is None:
            return float("nan")
        return float(np.clip((self.first_best.value - answer.value) / self.first_best.value, 0, 1))


def _better(current: GridAnswer | None, value: float, make) -> GridAnswer | None:
    if np.isfinite(value) and (current is None or value > current.value):
        return make()
    return current


def grid_method(kind: str, n: int, c: float, profile: UtilityProfile, tolerance: float = 0.01,
                skip_repeated_thresholds: bool = True) -> GridResult:
    """Solve one configuration of Figure 3 by the paper's grid search (see the module docstring).

    Threshold shares tau whose event X > tau n repeats a smaller tau's are skipped by default
    (the same contracts); ``skip_repeated_thresholds=False`` evaluates every tau slice, as the
    published code does, with the same answers: the work of the paper's method, for timing it."""
    if kind not in ("binary", "linear"):
        raise ValueError(f"the grid method covers binary and linear contracts; got {kind!r}")
    q = (1 + c * EFFORTS) / 2
    mu, E = profile.mu(EFFORTS), profile.E(EFFORTS)
    G_base = profile.G(BASE_WAGES)
    if kind == "binary":
        shares = THRESHOLD_SHARES
        lattice = np.round(-10 + np.arange(600) * 0.05, 10)  # every w0 + w1 on the grids
        G_lattice = profile.G(lattice)
        G_top = G_lattice[np.arange(200)[:, None] + np.arange(400)[None, :]]  # [w1, w0]
    else:
        shares = [None]
        x = np.arange(n + 1)
        pmf = np.exp(special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
                     + special.xlogy(x[None, :], q[:, None]) + special.xlog1py(n - x[None, :], -q[:, None]))
    first = second = strict = None
    responses = []  # per tau: every contract's best grid effort, and the utilities there
    seen_thresholds = set()
    for tau in shares:
        if kind == "binary":
            threshold = int(np.floor(tau * n + 1e-9))
            if threshold in seen_thresholds and skip_repeated_thresholds:
                continue  # same contract as a smaller tau: X > tau n is the same event
            seen_thresholds.add(threshold)
            pay = special.bdtrc(threshold, n, q)  # P(X > tau n)
            agent = (1 - pay)[:, None, None] * G_base[None, None, :] + pay[:, None, None] * G_top[None] - E[:, None, None]
            principal = mu[:, None, None] - BASE_WAGES[None, None, :] - BONUSES[None, :, None] * pay[:, None, None]
        else:
            # E[G(w0 + w1 X / n)] as an exact sum over x, for every (eta, w1, w0)
            expected_G = np.empty((EFFORTS.size, BONUSES.size, BASE_WAGES.size))
            for j, w1 in enumerate(BONUSES):
                expected_G[:, j, :] = pmf @ profile.G(BASE_WAGES[None, :] + w1 * x[:, None] / n)
            agent = expected_G - E[:, None, None]
            principal = mu[:, None, None] - BASE_WAGES[None, None, :] - BONUSES[None, :, None] * q[:, None, None]
        response = np.argmax(agent, axis=0)
        responses.append((tau, response, np.take_along_axis(principal, response[None], axis=0)[0],
                          np.take_along_axis(agent, response[None], axis=0)[0]))
        ok = agent >= profile.U0
        masked = np.where(ok, principal, -np.inf)
        i = np.unravel_index(int(np.argmax(masked)), masked.shape)
        first = _better(first, masked[i], lambda: GridAnswer(float(masked[i]), EFFORTS[i[0]], BASE_WAGES[i[2]], BONUSES[i[1]], tau, float(agent[i])))
        best_agent = agent.max(axis=0)
        for tol, name in ((tolerance, "second"), (0.0, "strict")):
            feasible = ok & (agent >= best_agent[None] - tol)
            masked = np.where(feasible, principal, -np.inf)
            i = np.unravel_index(int(np.argmax(masked)), masked.shape)
            answer = lambda: GridAnswer(float(masked[i]), EFFORTS[i[0]], BASE_WAGES[i[2]], BONUSES[i[1]], tau, float(agent[i]))  # noqa: E731
            if name == "second":
                second = _better(second, masked[i], answer)
            else:
                strict = _better(strict, masked[i], answer)
    # the restricted problem, once the grid first-best has fixed eta*
    star = int(round(first.eta * 100))
    restricted = None
    for tau, response, value, agent_at in responses:
        masked = np.where((np.abs(response - star) <= 1) & (agent_at >= profile.U0), value, -np.inf)
        j = np.unravel_index(int(np.argmax(masked)), masked.shape)
        restricted = _better(restricted, masked[j], lambda: GridAnswer(
            float(masked[j]), EFFORTS[response[j]], BASE_WAGES[j[1]], BONUSES[j[0]], tau, float(agent_at[j])))
    cells = len(shares) * EFFORTS.size * BONUSES.size * BASE_WAGES.size  # as published (repeats included)
    return GridResult(kind, n, c, tolerance, first, second, restricted, strict, cells)
