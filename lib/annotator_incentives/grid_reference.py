"""Reference: the paper's brute-force grid method for Figure 3, as the authors' published code
does it.

Kept to test, benchmark and explain the exact solver in :mod:`annotator_incentives.contracts`,
not to draw the book's main figures. As the authors' published code does:

- effort eta in {0, 0.01, ..., 1}; base wage w0 in {-10, -9.95, ..., 9.95}; bonus or slope
  w1 in {0, 0.05, ..., 9.95}; binary threshold share tau in {0, 0.02, ..., 1} with the bonus
  paid when X > tau n (strict); expected utilities are exact binomial sums;
- its "first-best" is the best grid point under participation alone (incentives ignored);
- its second-best counts a grid point as incentive compatible when the agent's utility at its
  effort is within ``tolerance`` (0.01, in utility units) of the agent's best on the effort grid,
  with participation at that effort;
- its restricted problem (``SB_solve_tilde``) takes e*, the effort of the grid first-best, and
  accepts a contract when the agent's best utility over a slice of the effort grid equals its
  best utility over the whole grid and its utility *at* e* is at least U_0; the principal's
  utility is evaluated *at* e*, whatever effort the agent would choose. Two slices
  (``restricted_rule``):

  * ``"published"`` (default), the published slice ``[e* - 1 : max(e* + 2, len)]`` (grid
    indices): it runs from e* - 0.01 to the end of the grid, so any contract whose agent would
    choose e* - 0.01 or *more* effort passes. This reproduces the paper's restricted curves;
  * ``"neighbourhood"``, the evidently meant ``[e* - 1 : min(e* + 2, len)]``: the agent's grid
    best response must be one of e* - 0.01, e*, e* + 0.01.

  Python slicing is kept literally (with e* = 0 the start index -1 means the last effort).

Differences of this restricted problem from the exact one (:func:`contracts.solve` with
``problem="restricted"``): e* is the grid first-best's effort, not eta* of Proposition 5; wages
and efforts live on grids; the agent's best response is sought on the effort grid only, not on
[0, 1]; the induced effort may differ from e* (by 0.01 either way, or, with the published
slice, by any amount upwards); participation is checked at e*, not at the effort the agent
chooses; the principal's utility is counted at e*, not at that effort; and maxima are compared
for exact floating-point equality (no tie rule).

The published code holds the whole 4-D array at once (about 101 x 51 x 200 x 400 values);
this version loops over tau, so it needs a few hundred MB instead of many GB, with the same
answers. It also reports the answers with ``tolerance = 0`` from the same pass, which isolates
the tolerance's effect from the grids' resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import binomial_kernel, validation
from .contracts import ContractError, Problem
from .utility import UtilityProfile

__all__ = ["GridAnswer", "GridResult", "grid_method", "RESTRICTED_RULES", "EFFORTS", "BASE_WAGES", "BONUSES", "THRESHOLD_SHARES"]

EFFORTS = np.round(np.arange(0, 101) * 0.01, 10)
BASE_WAGES = np.round(-10 + np.arange(400) * 0.05, 10)
BONUSES = np.round(np.arange(200) * 0.05, 10)
THRESHOLD_SHARES = np.round(np.arange(51) * 0.02, 10)
RESTRICTED_RULES = ("published", "neighbourhood")


@dataclass(frozen=True)
class GridAnswer:
    """The best grid contract of one problem: its parameters, effort and utilities (for the
    restricted problem, effort and utilities are those at e*)."""

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
    restricted: GridAnswer | None  # by ``restricted_rule``
    second_best_strict: GridAnswer  # same grids, tolerance 0
    cells: int  # grid points examined
    restricted_rule: str = "published"

    def normalised_gap(self, which: str = "second_best") -> float:
        answer = getattr(self, which)
        if answer is None:
            return float("nan")
        return float(np.clip((self.first_best.value - answer.value) / self.first_best.value, 0, 1))


class _Utilities:
    """The agent's and the principal's expected utilities on the grids, one threshold share
    at a time: arrays [effort, w1, w0], for all efforts or a few rows (elementwise, so a row
    is bitwise the same either way for binary contracts)."""

    def __init__(self, kind: str, n: int, c: float, profile: UtilityProfile):
        self.kind, self.n, self.profile = kind, n, profile
        self.q = binomial_kernel.pass_probability(EFFORTS, c)
        self.mu, self.E = profile.mu(EFFORTS), profile.E(EFFORTS)
        self.G_base = profile.G(BASE_WAGES)
        if kind == "binary":
            lattice = np.round(-10 + np.arange(600) * 0.05, 10)  # every w0 + w1 on the grids
            self.G_top = profile.G(lattice)[np.arange(200)[:, None] + np.arange(400)[None, :]]  # [w1, w0]
        else:
            self.pmf = binomial_kernel.pmf_matrix(n, self.q).T  # [effort, x]

    def __call__(self, tau: float | None, rows=slice(None)) -> tuple[np.ndarray, np.ndarray]:
        q, mu, E = self.q[rows], self.mu[rows], self.E[rows]
        if self.kind == "binary":
            assert tau is not None, "a binary contract has a threshold share"
            pay = binomial_kernel.tail(int(np.floor(tau * self.n + 1e-9)) + 1, self.n, q)  # P(X > tau n)
            agent = (
                (1 - pay)[:, None, None] * self.G_base[None, None, :] + pay[:, None, None] * self.G_top[None] - E[:, None, None]
            )
            return agent, mu[:, None, None] - BASE_WAGES[None, None, :] - BONUSES[None, :, None] * pay[:, None, None]
        x = np.arange(self.n + 1)
        expected_G = np.empty((q.size, BONUSES.size, BASE_WAGES.size))  # E[G(w0 + w1 X/n)], exact sums
        for j, w1 in enumerate(BONUSES):
            expected_G[:, j, :] = self.pmf[rows] @ self.profile.G(BASE_WAGES[None, :] + w1 * x[:, None] / self.n)
        return expected_G - E[:, None, None], mu[:, None, None] - BASE_WAGES[None, None, :] - BONUSES[None, :, None] * q[
            :, None, None
        ]


def _better(current: GridAnswer | None, candidate: GridAnswer) -> GridAnswer | None:
    if np.isfinite(candidate.value) and (current is None or candidate.value > current.value):
        return candidate
    return current


def _best(masked: np.ndarray, agent: np.ndarray, tau, current: GridAnswer | None) -> GridAnswer | None:
    """The better of ``current`` and the best cell of ``masked`` [effort, w1, w0]."""
    i = np.unravel_index(int(np.argmax(masked)), masked.shape)
    return _better(current, GridAnswer(float(masked[i]), EFFORTS[i[0]], BASE_WAGES[i[2]], BONUSES[i[1]], tau, float(agent[i])))


def grid_method(kind: str, n: int, c: float, profile: UtilityProfile, tolerance: float = 0.01,
                skip_repeated_thresholds: bool = True, restricted_rule: str = "published") -> GridResult:
    """Solve one configuration of Figure 3 by the paper's grid search (module docstring).

    Parameters
    ----------
    kind : 'binary' or 'linear'.
    n, c : checks and signal strength.
    profile : the utility profile.
    tolerance : the second-best's incentive tolerance (the paper's 0.01).
    skip_repeated_thresholds : skip threshold shares whose event X > tau n repeats a smaller
        tau's (the same contracts; False evaluates every slice, as the published code does,
        with the same answers: the work of the paper's method, for timing it).
    restricted_rule : 'published' (the slice to the end of the effort grid, as published) or
        'neighbourhood' (e* +- 0.01).

    Returns
    -------
    GridResult with the first-best, second-best (with and without tolerance) and restricted answers.
    """
    if kind not in ("binary", "linear"):
        raise ContractError(f"the grid method covers binary and linear contracts; got {kind!r}")
    if restricted_rule not in RESTRICTED_RULES:
        raise ContractError(f"restricted_rule must be one of {RESTRICTED_RULES}; got {restricted_rule!r}")
    n, c, profile = Problem.make(n, c, profile)
    tolerance = validation.real("tolerance", tolerance, ContractError, 0.0)
    utilities = _Utilities(kind, n, c, profile)
    first = second = strict = None
    kept = []  # per tau: (tau, the agent's best grid utility, the last effort index attaining it[, arrays])
    seen_thresholds = set()
    for tau in (THRESHOLD_SHARES if kind == "binary" else [None]):
        if kind == "binary":
            assert tau is not None
            threshold = int(np.floor(tau * n + 1e-9))
            if threshold in seen_thresholds and skip_repeated_thresholds:
                continue  # same contract as a smaller tau: X > tau n is the same event
            seen_thresholds.add(threshold)
        agent, principal = utilities(tau)
        ok = agent >= profile.U0
        first = _best(np.where(ok, principal, -np.inf), agent, tau, first)
        best_agent = agent.max(axis=0)
        second = _best(np.where(ok & (agent >= best_agent[None] - tolerance), principal, -np.inf), agent, tau, second)
        strict = _best(np.where(ok & (agent >= best_agent[None]), principal, -np.inf), agent, tau, strict)
        last = EFFORTS.size - 1 - np.argmax(agent[::-1] == best_agent[None], axis=0)
        kept.append((tau, best_agent, last, (agent, principal) if kind == "linear" else None))
    if first is None or second is None or strict is None:
        raise ContractError(f"no cell of the grid meets participation ({kind}, n={n}, c={c})")
    restricted = _restricted(utilities, kept, int(round(first.eta * 100)), restricted_rule, profile.U0)
    cells = len(THRESHOLD_SHARES if kind == "binary" else [None]) * EFFORTS.size * BONUSES.size * BASE_WAGES.size  # as published
    return GridResult(kind, n, c, tolerance, first, second, restricted, strict, cells, restricted_rule)


def _restricted(utilities: _Utilities, kept: list, star: int, rule: str, U0: float) -> GridAnswer | None:
    """``SB_solve_tilde``: feasible when the agent's best over the rule's slice of efforts equals
    its best over all of them and its utility at e* (index ``star``) is at least U_0; valued at e*."""
    stop = max(star + 2, EFFORTS.size) if rule == "published" else min(star + 2, EFFORTS.size)
    window = np.arange(EFFORTS.size)[star - 1:stop]  # the rule's slice, with Python's semantics
    suffix = window.size > 0 and window[-1] == EFFORTS.size - 1  # then the last maximiser decides
    needed = np.array([star]) if suffix else np.unique([star, *window])
    row = {int(e): i for i, e in enumerate(needed)}
    best = None
    for tau, best_agent, last, arrays in kept:
        agent, principal = (a[needed] for a in arrays) if arrays is not None else utilities(tau, needed)
        if suffix:
            reaches = last >= window[0]
        elif window.size:
            reaches = agent[[row[int(e)] for e in window]].max(axis=0) == best_agent
        else:  # an empty slice (e* = 0 with the neighbourhood rule): nothing qualifies
            reaches = np.zeros(best_agent.shape, bool)
        own = agent[row[star]]
        masked = np.where(reaches & (own >= U0), principal[row[star]], -np.inf)
        j = np.unravel_index(int(np.argmax(masked)), masked.shape)
        best = _better(best, GridAnswer(float(masked[j]), EFFORTS[star], BASE_WAGES[j[1]], BONUSES[j[0]], tau, float(own[j])))
    return best
