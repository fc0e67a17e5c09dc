"""Contracts for a monitored annotator: first-best and exact second-best (model.md sections 3-4).

The agent chooses effort eta in [0, 1]; the principal sees X ~ Bin(n, q(eta)) passed checks,
q(eta) = (1 + c eta)/2 (:mod:`annotator_incentives.monitoring`), and pays w(X) in
[w_lo, w_hi]. Three contract classes:

- binary: w(X) = w0 + w1 1{X >= k} (Algorithm 3; Theorem 1);
- linear: w(X) = w0 + w1 X / n (Algorithm 4; Theorem 2);
- general: any bounded w(X); the optimum has the Mirrlees-Holmstrom form
  1/G'(w(X)) = lambda + nu d/deta log P(X | eta), clipped to the wage bounds.

Each is solved for the restricted problem (induce exactly the first-best eta*, C~_n) and the
unrestricted one (C_n). Expectations are exact binomial sums. A contract counts as incentive
compatible only when the induced effort maximises the agent's expected utility over the whole
of [0, 1] (grid screening, then every competing local maximum refined by Brent's method), never
by a first-order condition alone.

Unrestricted binary contracts are found by a table over every threshold and an effort grid
under necessary conditions, the leaders optimised exactly and the winner checked globally
(:func:`_unrestricted_binary_table`; a slower scan that checks every candidate serves large n).
Linear contracts under CARA utility have a closed form per effort (:func:`_cara_linear`).
Full effort eta = 1 is a corner solved on its own.

Ties: when the agent is indifferent (within ``TIE`` utility units) between the recommended
effort and another, it is taken to follow the recommendation, the usual convention (an
arbitrarily small extra bonus would break the tie the principal's way).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .utility import UtilityProfile, solve_increasing

__all__ = [
    "ContractError",
    "FirstBest",
    "ContractSolution",
    "first_best",
    "pass_probability",
    "agent_utility_curve",
    "best_response",
    "ic_violation",
    "solve_binary",
    "solve_linear",
    "solve_general",
    "solve",
    "no_incentive",
    "TIE",
    "gap_table",
    "complements_table",
]

TIE = 1e-12
GRID_POINTS = 1001
SCREEN_POINTS = 41


class ContractError(ValueError):
    """Invalid contract-problem input (n < 1, c outside (0, 1], ...)."""


# --- the monitoring signal ------------------------------------------------------------------

def _check_signal(n: int, c: float) -> tuple[int, float]:
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ContractError(f"the number of inspected samples n must be a whole number >= 1; got {n!r}")
    if not 0 < c <= 1:
        raise ContractError(f"the signal strength c must lie in (0, 1]; got {c!r}")
    return int(n), float(c)


def pass_probability(eta, c: float) -> np.ndarray:
    """q(eta) = (1 + c eta)/2, the chance that one check is passed."""
    return (1 + c * np.asarray(eta, dtype=float)) / 2


def _log_pmf(x: np.ndarray, n: int, q) -> np.ndarray:
    q = np.asarray(q, dtype=float)
    return (special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
            + special.xlogy(x, q) + special.xlog1py(n - x, -q))


def _binom_pmf(x, n: int, q) -> np.ndarray:
    """P(Bin(n, q) = x): exp of log-gamma sums (fast) for moderate n; scipy's saddle-point
    pmf for large n, where the log-gamma route loses about 1e-9 relatively."""
    if n <= DENSE_LIMIT:
        return np.exp(_log_pmf(np.asarray(x), n, q))
    return stats.binom.pmf(x, n, q)


def _pmf(n: int, q: float) -> np.ndarray:
    """Binomial pmf over x = 0..n."""
    return _binom_pmf(np.arange(n + 1), n, q)


def _tail_derivative(k, n: int, c: float, q) -> np.ndarray:
    """d/deta P(X >= k) = (c/2) n P(Bin(n-1, q) = k-1) (binomial lemma (b))."""
    k = np.asarray(k)
    inside = (k >= 1) & (k <= n)
    kk = np.where(inside, k, 1)
    return np.where(inside, 0.5 * c * n * _binom_pmf(kk - 1, n - 1, q), 0.0)


# --- first-best ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FirstBest:
    """eta* = argmax mu(eta) - G^{-1}(E(eta) + U_0), w* and C (Proposition 5)."""

    eta: float
    wage: float
    value: float


@lru_cache(maxsize=32)
def first_best(profile: UtilityProfile) -> FirstBest:
    """Proposition 5, solved to machine precision: the objective is strictly concave
    (mu concave, G^{-1} convex increasing, E convex), so its derivative has one root."""
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


# --- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContractSolution:
    """A solved contract: its wages, the effort it induces and what each party gets."""

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
        """C - C_n (or C - C~_n): what the principal loses against the first-best."""
        return self.first_best.value - self.principal_utility if self.feasible else float("nan")

    @property
    def normalised_gap(self) -> float:
        """(C - C_n)/C clipped to [0, 1], as the paper's Figure 3 plots it."""
        return float(np.clip(self.gap / self.first_best.value, 0, 1)) if self.feasible else float("nan")

    def as_row(self) -> dict:
        return {"kind": self.kind, "problem": self.problem, "n": self.n, "c": self.c, "feasible": self.feasible,
                "eta": self.eta, **{f"param_{k}": v for k, v in self.params.items()},
                "expected_wage": self.expected_wage, "principal_utility": self.principal_utility,
                "agent_utility": self.agent_utility, "first_best": self.first_best.value if self.first_best else np.nan,
                "gap": self.gap, "normalised_gap": self.normalised_gap}


def _solution(kind, problem, n, c, profile, fb, eta, wages, params) -> ContractSolution:
    p = _pmf(n, float(pass_probability(eta, c)))
    expected_wage = float(p @ wages)
    agent = float(p @ profile.G(wages) - profile.E(eta))
    return ContractSolution(kind, problem, n, c, True, float(eta), params, wages, expected_wage,
                            float(profile.mu(eta)) - expected_wage, agent, fb)


def _infeasible(kind, problem, n, c, fb) -> ContractSolution:
    return ContractSolution(kind, problem, n, c, False, first_best=fb)


# --- the agent's best response over the whole of [0, 1] ------------------------------------

DENSE_LIMIT = 3000  # above this n, binomial sums run over a window around the mean


@lru_cache(maxsize=16)
def _pmf_grid(n: int, c: float, points: int) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(0.0, 1.0, points)
    x = np.arange(n + 1)
    return grid, np.exp(_log_pmf(x[None, :], n, pass_probability(grid, c)[:, None]))


def _expected(values: np.ndarray, n: int, c: float, etas: np.ndarray) -> np.ndarray:
    """E[values[X] | eta] for X ~ Bin(n, q(eta)) at each eta, exactly up to terms below 1e-30:
    a dense sum for small n, a window of +-14 standard deviations around the mean otherwise
    (memory linear in n)."""
    etas = np.atleast_1d(np.asarray(etas, dtype=float))
    if n <= DENSE_LIMIT:
        x = np.arange(n + 1)
        return np.exp(_log_pmf(x[None, :], n, pass_probability(etas, c)[:, None])) @ values
    out = np.empty(etas.size)
    for i, q in enumerate(pass_probability(etas, c)):
        sd = np.sqrt(n * q * (1 - q))
        lo, hi = max(0, int(n * q - 14 * sd) - 2), min(n, int(n * q + 14 * sd) + 2)
        out[i] = stats.binom.pmf(np.arange(lo, hi + 1), n, q) @ values[lo:hi + 1]
    return out


def agent_utility_curve(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, etas) -> np.ndarray:
    """E[G(w(X)) | eta] - E(eta) at each eta (exact binomial sums)."""
    etas = np.atleast_1d(np.asarray(etas, dtype=float))
    return _expected(profile.G(np.asarray(wages, dtype=float)), n, c, etas) - profile.E(etas)


def _agent_grid(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int) -> tuple[np.ndarray, np.ndarray]:
    """The agent's utility on an effort grid (cached binomial matrix for small n)."""
    if n <= DENSE_LIMIT:
        grid, pmf = _pmf_grid(n, c, points)
        return grid, pmf @ profile.G(wages) - profile.E(grid)
    grid = np.linspace(0.0, 1.0, points)
    return grid, agent_utility_curve(wages, n, c, profile, grid)


def _global_max(f, grid: np.ndarray, values: np.ndarray, exclude: float | None = None,
                threshold: float = -np.inf, slope=None) -> tuple[float, float]:
    """Largest value of a smooth f on [0, 1] from its grid values: each grid peak (outside
    ``exclude``'s own cell) is refined to its local maximum, unless a curvature bound (f exceeds
    its grid values by at most max|second difference|/4 between grid points) keeps it below
    ``threshold``; endpoints are exact. A peak is refined by a root of ``slope`` (f', Brent's
    method) when it is given, else by bounded Brent on f."""
    outside = np.ones(grid.size, bool) if exclude is None else np.abs(grid - exclude) > 1.5 * (grid[1] - grid[0])
    peaks = outside.copy()
    peaks[1:] &= values[1:] >= values[:-1]
    peaks[:-1] &= values[:-1] >= values[1:]
    best_j = int(np.argmax(np.where(outside, values, -np.inf)))
    best_eta, best = float(grid[best_j]), float(values[best_j])
    peaks = np.flatnonzero(peaks)
    bound = float(np.max(np.abs(np.diff(values, 2)))) / 4 if values.size > 2 and peaks.size else np.inf
    for j in peaks:
        if values[j] + bound < threshold:
            continue
        lo, hi = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
        if slope is None:
            res = optimize.minimize_scalar(lambda e: -f(e), bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
            maxima = [float(res.x)]
        else:
            maxima = [optimize.brentq(slope, a, b, xtol=1e-14) for a, b in ((lo, grid[j]), (grid[j], hi))
                      if b > a and slope(a) > 0 > slope(b)]
        for eta in maxima:
            value = float(f(eta))
            if value > best:
                best_eta, best = eta, value
    return best_eta, best


def _incentive_compatible(wages: np.ndarray, eta: float, n: int, c: float, profile: UtilityProfile, curve=None) -> bool:
    """Does eta maximise the agent's expected utility against w(x) over all of [0, 1] (ties
    within ``TIE`` resolved for the recommendation)? ``curve`` may give that utility in closed
    form (a vectorised function of effort); by default it is the exact binomial sum."""
    if curve is None:
        grid, values = _agent_grid(wages, n, c, profile, GRID_POINTS)
        curve = lambda e: agent_utility_curve(wages, n, c, profile, e)  # noqa: E731
    else:
        grid = _grid(GRID_POINTS, c)[0]
        values = curve(grid)
    own = float(curve(np.array([eta]))[0])
    tie = TIE * max(1.0, abs(own))
    if values.max() > own + tie:
        return False
    interior = 1e-12 < eta < 1 - 1e-12  # a corner effort need not be a stationary point
    _, best = _global_max(lambda e: float(curve(np.array([e]))[0]), grid, values,
                          exclude=eta if interior else None, threshold=own - tie)
    return best <= own + tie


def _cara_linear_curve(w0: float, w1: float, n: int, c: float, profile: UtilityProfile):
    """The agent's utility under w0 + w1 X/n when G = scale (1 - exp(-rate w)): through the
    binomial moment generating function, E[exp(-rate w1 X/n)] = (1 - q + q exp(-rate w1/n))^n."""
    rate, scale = profile.cara
    one_minus_z = -np.expm1(-rate * w1 / n)

    def curve(etas: np.ndarray) -> np.ndarray:
        q = pass_probability(etas, c)
        return scale * -np.expm1(-rate * w0 + n * np.log1p(-q * one_minus_z)) - profile.E(etas)

    return curve


def best_response(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int = GRID_POINTS) -> tuple[float, float]:
    """(eta, utility): the agent's best effort against the wage schedule w(x), over all of [0, 1]."""
    n, c = _check_signal(n, c)
    wages = np.asarray(wages, dtype=float)
    if wages.shape != (n + 1,):
        raise ContractError(f"a wage schedule for n = {n} needs {n + 1} wages (x = 0..n); got shape {wages.shape}")
    grid, values = _agent_grid(wages, n, c, profile, points)
    return _global_max(lambda e: float(agent_utility_curve(wages, n, c, profile, e)[0]), grid, values)


def ic_violation(solution: ContractSolution, profile: UtilityProfile, points: int = 20_001) -> float:
    """How much the agent would gain by deviating from the induced effort (0 when incentive
    compatible), checked independently on a fine grid with Brent refinement."""
    if not solution.feasible:
        raise ContractError("an infeasible solution has no induced effort to check")
    eta_best, best = best_response(solution.wages, solution.n, solution.c, profile, points=points)
    own = float(agent_utility_curve(solution.wages, solution.n, solution.c, profile, solution.eta)[0])
    return max(0.0, best - own)


# --- no incentive ---------------------------------------------------------------------------

def no_incentive(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """A constant wage: the agent exerts no effort (E increasing), participation binds."""
    fb = first_best(profile)
    wage = float(profile.wage_for_utility(max(profile.E(0.0) + profile.U0, profile.u_lo)))
    return _solution("none", problem, n, c, profile, fb, 0.0, np.full(n + 1, wage), {"w0": wage})


def _as_no_incentive(kind: str, fallback: ContractSolution, params: dict) -> ContractSolution:
    """The constant wage, reported as the contract of class ``kind`` that pays no incentive."""
    return dataclasses.replace(fallback, kind=kind, params={**fallback.params, **params})


# --- binary contracts -------------------------------------------------------------------------

@dataclass
class _BinaryTerms:
    """The cheapest binary contract inducing a target effort with a given threshold, before
    the global check of incentive compatibility (arrays broadcast over thresholds and efforts)."""

    bonus_utility: np.ndarray  # b = G(w0 + w1) - G(w0), from the agent's first-order condition
    base_utility: np.ndarray  # G(w0), from binding participation
    feasible: np.ndarray  # the necessary conditions hold
    value: np.ndarray  # principal utility; -inf where a necessary condition fails


def _binary_terms(k, eta, tail, slope, n: int, c: float, profile: UtilityProfile, tail0=None, tail1=None) -> _BinaryTerms:
    """Threshold(s) k inducing effort(s) eta, given P_k(eta) = ``tail``, P_k'(eta) = ``slope``
    and P_k at eta = 0 and 1 (``tail0``, ``tail1``): b = E'(eta)/P_k'(eta), base utility
    max(U_0 + E(eta) - b P_k(eta), G(w_lo)) and the principal's value mu(eta) - E[w(X)].

    The necessary conditions for incentive compatibility checked here, for all k and eta at
    once: the top wage is affordable, the second-order condition b P_k'' < E'' holds (P_k'' from
    binomial lemma (c)), and neither shirking (eta' = 0) nor full effort (eta' = 1) pays more
    than eta (within ``TIE``). A contract meeting them still needs the global check. Without
    ``tail0`` and ``tail1`` only affordability is checked: for a caller whose agent's utility is
    concave in effort (one check, :func:`_single_check_terms`), the rest is implied."""
    eta = np.asarray(eta, dtype=float)
    q = pass_probability(eta, c)
    cost, marginal_cost = profile.E(eta), profile.dE(eta)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b = np.where(slope > 0, marginal_cost / np.where(slope > 0, slope, 1.0), np.inf)
        base = np.maximum(profile.U0 + cost - b * tail, profile.u_lo)
        feasible = np.isfinite(b) & (base + b <= profile.u_hi)
        if tail0 is not None:
            own = b * tail - cost
            tie = TIE * np.maximum(1.0, np.abs(own))
            curvature = b * slope * 0.5 * c * (n - 1) / (q * (1 - q)) * ((k - 1) / (n - 1) - q) if n > 1 else 0.0
            lo, hi = np.maximum(eta - 1e-6, 0.0), np.minimum(eta + 1e-6, 1.0)
            d2E = (profile.dE(hi) - profile.dE(lo)) / (hi - lo)
            shirk = own - (b * tail0 - profile.E(0.0)) + tie
            full = own - (b * tail1 - profile.E(1.0)) + tie
            feasible &= (d2E - curvature > 0) & (shirk >= 0) & (full >= 0)
        if feasible.size <= SMALL_TABLE:  # few cells: wages everywhere, masked afterwards
            wage = (1 - tail) * profile.wage_for_utility(np.where(feasible, base, profile.U0)) + tail * profile.wage_for_utility(np.where(feasible, base + b, profile.U0))
            value = np.where(feasible, profile.mu(eta) - wage, -np.inf)
        else:  # wages only where feasible: G^-1 may be costly (numerical inverse)
            value = np.full(feasible.shape, -np.inf)
            pays = np.broadcast_to(tail, feasible.shape)[feasible]
            wage = (1 - pays) * profile.wage_for_utility(base[feasible]) + pays * profile.wage_for_utility(base[feasible] + b[feasible])
            value[feasible] = np.broadcast_to(profile.mu(eta), feasible.shape)[feasible] - wage
    return _BinaryTerms(b, base, feasible, value)


SMALL_TABLE = 4096  # up to this many cells, wages are computed everywhere and masked


def _binary_candidates(eta: float, n: int, c: float, profile: UtilityProfile, ks=None) -> tuple[np.ndarray, _BinaryTerms]:
    """(k, terms) for every threshold k (or those in ``ks``) inducing eta: :func:`_binary_terms`
    with a coarse grid of deviations also screened for every k at once (any effort that beats
    eta rules its k out before the full check)."""
    q = float(pass_probability(eta, c))
    if ks is None:
        k = np.arange(1, n + 1)
        tail = np.cumsum(_pmf(n, q)[::-1])[::-1][1:]  # P(X >= k), k = 1..n
    else:
        k = np.asarray(sorted(ks), dtype=np.int64)
        tail = special.bdtrc(k - 1, n, q)
    slope = _tail_derivative(k, n, c, q)
    screen, screen_q = _grid(SCREEN_POINTS, c)
    terms = _binary_terms(k, eta, tail, slope, n, c, profile, special.bdtrc(k - 1, n, screen_q[0]),
                          special.bdtrc(k - 1, n, screen_q[-1]))
    b, feasible, value = terms.bonus_utility, terms.feasible.copy(), terms.value
    alive = np.flatnonzero(feasible)
    if alive.size:
        own = b[alive] * tail[alive] - float(profile.E(eta))
        deviation = b[alive, None] * special.bdtrc(k[alive, None] - 1, n, screen_q[None, :]) - profile.E(screen)[None, :]
        feasible[alive] &= deviation.max(axis=1) <= own + TIE * np.maximum(1.0, np.abs(own))
    return k, dataclasses.replace(terms, feasible=feasible, value=np.where(feasible, value, -np.inf))


@lru_cache(maxsize=64)
def _grid(points: int, c: float) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(0.0, 1.0, points)
    return grid, pass_probability(grid, c)


def _binary_slack(k: int, b: float, eta: float, n: int, c: float, profile: UtilityProfile,
                  exact: bool = True, points: int = 401) -> float:
    """Agent's utility at eta minus its best utility elsewhere on [0, 1], for the contract
    paying utility bonus b when X >= k (>= 0 means incentive compatible, up to ``TIE``).

    Grid efforts give exact lower bounds on the competitor; competing grid peaks are refined to
    their exact local maxima, roots of b P_k' = E' (:func:`_global_max`). With ``exact`` every
    peak that could be the best competitor is refined; without, the answer is exact only in sign
    (it stops at a competitor that already beats eta).
    """
    grid, qs = _grid(points, c)
    values = b * special.bdtrc(k - 1, n, qs) - profile.E(grid)
    own = b * float(special.bdtrc(k - 1, n, float(pass_probability(eta, c)))) - float(profile.E(eta))
    tie = TIE * max(1.0, abs(own))
    outside = np.abs(grid - eta) > 1.5 * (grid[1] - grid[0])
    near = values[~outside]
    if near.size and near.max() > own + tie:
        return own - float(near.max())  # eta is not even a local maximum
    competitor = float(values[outside].max()) if outside.any() else -np.inf
    if not exact and competitor > own + tie:
        return own - competitor

    def agent(e: float) -> float:
        return b * float(special.bdtrc(k - 1, n, float(pass_probability(e, c)))) - float(profile.E(e))

    def slope(e: float) -> float:
        return b * float(_tail_derivative(k, n, c, float(pass_probability(e, c)))) - float(profile.dE(e))

    _, best = _global_max(agent, grid, values, exclude=eta, threshold=competitor if exact else own - tie, slope=slope)
    return own - max(best, competitor)


def _binary_ic(k: int, b: float, eta: float, n: int, c: float, profile: UtilityProfile) -> bool:
    """Is eta a global maximiser of b P(X >= k | eta') - E(eta') over eta' in [0, 1]?"""
    own_scale = max(1.0, abs(b) + float(profile.E(eta)))
    return _binary_slack(k, b, eta, n, c, profile, exact=False) >= -TIE * own_scale


def _best_binary_at(eta: float, n: int, c: float, profile: UtilityProfile, ks=None) -> tuple[float, int, float, float]:
    """(value, k, base utility, bonus utility) of the cheapest IC binary contract inducing eta."""
    thresholds, cand = _binary_candidates(eta, n, c, profile, ks)
    for i in np.argsort(-cand.value, kind="stable"):
        if not np.isfinite(cand.value[i]):
            break
        k = int(thresholds[i])
        if _binary_ic(k, float(cand.bonus_utility[i]), eta, n, c, profile):
            return float(cand.value[i]), k, float(cand.base_utility[i]), float(cand.bonus_utility[i])
    return -np.inf, -1, np.nan, np.nan


def _binary_wages(n: int, k: int, base: float, bonus: float, profile: UtilityProfile) -> tuple[np.ndarray, dict]:
    w0 = float(profile.wage_for_utility(base))
    w1 = float(profile.wage_for_utility(base + bonus)) - w0
    wages = np.where(np.arange(n + 1) >= k, w0 + w1, w0)
    return wages, {"w0": w0, "w1": w1, "k": k}


def _maximise_on_interval(value, lo: float, hi: float, feasible_at: float, xtol: float = 1e-10) -> tuple[float, float]:
    """Maximise ``value`` (-inf where infeasible) over [lo, hi] when the feasible part is an
    interval containing ``feasible_at``: bisect to each end of it, then bounded Brent inside."""
    ends = []
    for outer in (lo, hi):
        inside = feasible_at
        if np.isfinite(value(outer)):
            ends.append(outer)
            continue
        for _ in range(45):
            mid = (inside + outer) / 2
            if np.isfinite(value(mid)):
                inside = mid
            else:
                outer = mid
        ends.append(inside)
    a, b = ends
    best_eta, best = max(((a, value(a)), (b, value(b)), (feasible_at, value(feasible_at))), key=lambda t: t[1])
    if b - a > xtol:
        def loss(e: float) -> float:
            v = value(e)
            return -v if np.isfinite(v) else 1e300

        res = optimize.minimize_scalar(loss, bounds=(a, b), method="bounded", options={"xatol": xtol})
        if -res.fun > best:
            best_eta, best = float(res.x), float(-res.fun)
    return float(best_eta), float(best)


def _unrestricted(value_at, coarse: np.ndarray) -> tuple[float, float]:
    """Maximise a value over effort whose feasible set is an interval: coarse scan, then refine
    around the best coarse point."""
    values = np.array([value_at(float(e)) for e in coarse])
    if not np.any(np.isfinite(values)):
        return np.nan, -np.inf
    i = int(np.argmax(values))
    lo, hi = coarse[max(i - 1, 0)], coarse[min(i + 1, len(coarse) - 1)]
    return _maximise_on_interval(value_at, float(lo), float(hi), float(coarse[i]))


def _optimise_threshold(k: int, start: float, n: int, c: float, profile: UtilityProfile) -> tuple[float, float]:
    """Best effort to induce with threshold k, from a feasible effort ``start``: the feasible
    efforts form an interval; its left end (where the agent becomes indifferent to shirking) is
    the root of the incentive slack; the principal's value is then maximised over the interval."""
    def value(e: float) -> float:
        return _best_binary_at(e, n, c, profile, ks=(k,))[0]

    def slack(e: float) -> float:
        b = float(_binary_candidates(e, n, c, profile, ks=(k,))[1].bonus_utility[0])
        if not np.isfinite(b):
            return -1.0
        return _binary_slack(k, b, e, n, c, profile)

    ends = []
    for direction in (-1, +1):
        inside, step = start, 1.0 / (n * c + 1)
        while True:  # steps that double until the first infeasible effort
            outer = float(np.clip(inside + direction * step, 0.0, 1.0))
            if outer == inside or not np.isfinite(value(outer)):
                break
            inside, step = outer, 2 * step
        if outer == inside:
            ends.append(inside)
            continue
        try:
            ends.append(optimize.brentq(slack, *sorted((inside, outer)), xtol=1e-13) if slack(outer) < 0 < slack(inside) else inside)
        except ValueError:
            ends.append(inside)
        if not np.isfinite(value(ends[-1])):  # the root sits a hair outside: step back inside
            ends[-1] = inside
    return _maximise_on_interval(value, ends[0], ends[1], start)


def _walk_thresholds(n: int, c: float, profile: UtilityProfile, scan: dict) -> tuple[float, int, float]:
    """For large n: optimise the best scanned threshold, then its neighbours k +- 1, +- 2, ...
    while the value keeps improving (the best value per threshold is unimodal in k), each from a
    feasible effort found next to its neighbour's optimum."""
    eta0 = max(scan, key=lambda e: scan[e][0])
    k0 = scan[eta0][1]
    eta, value = _optimise_threshold(k0, eta0, n, c, profile)
    best = (value, k0, eta)
    shift = 2.0 / (n * c)  # thresholds one apart induce efforts about this far apart
    for direction in (-1, +1):
        k, last_eta, worse = k0, eta, 0
        while worse < 2 and 1 <= k + direction <= n:
            k += direction
            start = next((e for j in range(1, 9) for e in (float(np.clip(last_eta + direction * j * shift / 2, 0, 1)),)
                          if np.isfinite(_best_binary_at(e, n, c, profile, ks=(k,))[0])), None)
            if start is None:
                break
            last_eta, value = _optimise_threshold(k, start, n, c, profile)
            if value > best[0]:
                best, worse = (value, k, last_eta), 0
            else:
                worse += 1
    return best


TABLE_CELLS = 400_000  # largest (threshold x effort) table of the direct search
TABLE_LEADERS = 3  # thresholds refined from the table
TABLE_COARSE = 40  # efforts of the first, coarse pass over [0, 1]
FLAT = 16 * np.finfo(float).eps  # values this close (relatively) are equal up to rounding


def _zoom_maximise(values, lo: np.ndarray, hi: np.ndarray, points: int = 65, xtol: float = 1e-13) -> tuple[np.ndarray, np.ndarray]:
    """Maximise several functions at once, row r over [lo[r], hi[r]], each unimodal on the
    interval where it is finite (-inf elsewhere): evaluate ``values`` (rows x points efforts in,
    same shape out) on a grid, keep the two cells around the best point, repeat until the
    cells are narrower than ``xtol``, or until the function is flat to rounding around the best
    point (both neighbours within ``FLAT`` of it, relatively: then, locally quadratic, it cannot
    rise by more than a quarter of that inside the cells, and its argmax is not defined more
    finely by its computed values, which carry a few ulps of rounding).
    Returns the best efforts and values found (always feasible points); a row with no feasible
    point returns -inf."""
    lo, hi = np.asarray(lo, dtype=float).copy(), np.asarray(hi, dtype=float).copy()
    rows = np.arange(lo.size)
    steps = np.linspace(0.0, 1.0, points)
    best_eta, best = np.full(lo.size, np.nan), np.full(lo.size, -np.inf)
    while True:
        grid = lo[:, None] + (hi - lo)[:, None] * steps[None, :]
        grid[:, -1] = hi
        v = values(grid)
        i = np.argmax(v, axis=1)
        top = v[rows, i]
        better = top > best
        best_eta, best = np.where(better, grid[rows, i], best_eta), np.where(better, top, best)
        left, right = np.maximum(i - 1, 0), np.minimum(i + 1, points - 1)
        rise = np.maximum(top - v[rows, left], top - v[rows, right])  # inf beside an infeasible cell
        flat = (left < i) & (i < right) & (rise <= FLAT * np.abs(top))
        if np.all((hi - lo <= xtol * (points - 1)) | flat | ~np.isfinite(top)):
            return best_eta, best
        lo, hi = grid[rows, left], grid[rows, right]


def _unrestricted_binary_table(n: int, c: float, profile: UtilityProfile) -> tuple[float, int, float] | None:
    """(value, k, eta) by a direct search over every threshold and a grid of efforts fine
    enough to separate neighbouring thresholds (about 2nc + 40 points; for large nc only within
    two coarse cells of the best of 40 evenly spaced efforts, as the scan does), with only the
    necessary conditions of :func:`_binary_terms`, whose feasible set contains every
    incentive-compatible contract. The leading thresholds are optimised over effort (to 1e-13, or
    to rounding; :func:`_zoom_maximise`); the best one that passes the global check is optimal over the
    larger set, so over the incentive-compatible one. One that fails moves to its nearest
    incentive-compatible effort (:func:`_nearest_ic_effort`), and the next leader is tried while
    its bound could still win. None when the table would be too large or nothing is feasible
    (the caller then takes the scan, which checks every candidate)."""
    points = int(2 * n * c) + 42
    if n * points > TABLE_CELLS:
        return None
    etas = np.linspace(0.0, 1.0, points)[1:-1]  # eta = 0 is the fixed wage, eta = 1 the corner
    k = np.arange(1, n + 1)[:, None]
    ends = special.bdtrc(k - 1, n, pass_probability(np.array([0.0, 1.0]), c)[None, :])

    def table(k, ends, etas, dense: bool) -> _BinaryTerms:
        q = pass_probability(etas, c)
        if dense:  # every threshold: tails by cumulating the pmf; P_k' = (c/2) k P(X = k)/q
            pmf = np.exp(_log_pmf(np.arange(n + 1)[:, None], n, q))
            tail = np.cumsum(pmf[::-1], axis=0)[::-1][1:]
            slope = 0.5 * c * k * pmf[1:] / q
        else:
            tail = special.bdtrc(k - 1, n, q)
            slope = 0.5 * c * n * np.exp(_log_pmf(k - 1, n - 1, q))
        return _binary_terms(k, etas, tail, slope, n, c, profile, ends[:, :1], ends[:, 1:])

    stride = etas.size // TABLE_COARSE
    if stride > 1:  # the fine grid only around the best of a coarse one (every stride-th effort)
        coarse = table(k, ends, etas[None, ::stride], dense=True).value.max(axis=0)
        if not np.isfinite(coarse.max()):
            return None
        centre = int(np.argmax(coarse)) * stride
        etas = etas[max(centre - 2 * stride, 0):centre + 2 * stride + 1]
    value = table(k, ends, etas[None, :], dense=True).value
    best_i = np.argmax(value, axis=1)
    best_v = value[np.arange(n), best_i]
    leaders = np.array([r for r in np.argsort(-best_v, kind="stable")[:TABLE_LEADERS] if np.isfinite(best_v[r])], dtype=int)
    if not leaders.size:
        return None
    i = best_i[leaders]
    lo, hi = etas[np.maximum(i - 1, 0)], etas[np.minimum(i + 1, etas.size - 1)]
    eta, v = _zoom_maximise(lambda grid: table(k[leaders], ends[leaders], grid, dense=False).value, lo, hi)
    best = (-np.inf, -1, np.nan)
    for r in np.argsort(-v, kind="stable"):  # v[r] bounds what threshold r can give
        if not v[r] > best[0]:
            break
        row = leaders[r:r + 1]
        kk = int(k[row[0], 0])

        def terms_at(e: float, row=row) -> _BinaryTerms:
            return table(k[row], ends[row], np.array([[e]]), dense=False)

        if _binary_ic(kk, float(terms_at(eta[r]).bonus_utility[0, 0]), float(eta[r]), n, c, profile):
            best = max(best, (float(v[r]), kk, float(eta[r])))
        else:
            best = max(best, _nearest_ic_effort(kk, float(eta[r]), n, c, profile, terms_at, 0.25 / (points - 1)))
    return best if np.isfinite(best[0]) else None


def _nearest_ic_effort(k: int, eta_hat: float, n: int, c: float, profile: UtilityProfile, terms_at, step: float) -> tuple[float, int, float]:
    """Threshold k's best effort when its best under the necessary conditions, ``eta_hat``,
    fails the global check (a competing local maximum of the agent's utility beats it): the
    incentive-compatible efforts then lie to one side, where the principal's value falls away
    from ``eta_hat`` (it is unimodal), so the best of them is the nearest end of that set, a
    root of the exact incentive slack. Both sides are searched with doubling steps."""
    def slack(e: float) -> float:
        terms = terms_at(e)
        if not terms.feasible[0, 0]:
            return -np.inf
        b = float(terms.bonus_utility[0, 0])
        return _binary_slack(k, b, e, n, c, profile) + TIE * max(1.0, abs(b) + float(profile.E(e)))

    best = (-np.inf, k, np.nan)
    for direction in (-1.0, 1.0):
        outer, size = eta_hat, step
        while True:
            e = float(np.clip(eta_hat + direction * size, 0.0, 1.0))
            s = slack(e) if 0.0 < e < 1.0 else -np.inf
            if s >= 0 or not np.isfinite(s) or e in (0.0, 1.0):
                break
            outer, size = e, 2 * size
        if not s >= 0:
            continue  # no incentive-compatible effort on this side
        inside = e
        root = optimize.brentq(slack, *sorted((outer, inside)), xtol=1e-15)
        nudge = np.copysign(1e-15, inside - outer)
        while not slack(root) >= 0:  # step onto the incentive-compatible side, never past inside
            root = inside if (inside - root - nudge) * direction <= 0 else root + nudge
            nudge *= 2
        best = max(best, (float(terms_at(root).value[0, 0]), k, float(root)))
    return best


def _unrestricted_binary(n: int, c: float, profile: UtilityProfile, fb: FirstBest) -> tuple[float, int, float]:
    """(value, k, eta): the best interior binary contract, by the direct table search when it
    applies (:func:`_unrestricted_binary_table`), else by the scan."""
    direct = _unrestricted_binary_table(n, c, profile)
    return direct if direct is not None else _unrestricted_binary_scan(n, c, profile, fb)


def _unrestricted_binary_scan(n: int, c: float, profile: UtilityProfile, fb: FirstBest) -> tuple[float, int, float]:
    """max over thresholds k and efforts of the principal's value, every candidate checked
    globally: a scan fine enough that neighbouring efforts' best thresholds differ by at most
    one, then each leading threshold optimised exactly (:func:`_optimise_threshold`); for large
    n a walk over thresholds (:func:`_walk_thresholds`)."""
    coarse = np.linspace(0.02, 1.0, 20)
    scan = {float(e): _best_binary_at(float(e), n, c, profile) for e in [*coarse, fb.eta]}
    centre = max(scan, key=lambda e: scan[e][0])
    if not np.isfinite(scan[centre][0]):
        return -np.inf, -1, np.nan
    spacing = coarse[1] - coarse[0]
    fine = np.arange(max(centre - spacing, 0.0), min(centre + spacing, 1.0), 0.5 / (n * c + 1))
    if fine.size > 200:
        return _walk_thresholds(n, c, profile, scan)
    scan |= {float(e): _best_binary_at(float(e), n, c, profile) for e in fine}
    starts: dict[int, tuple[float, float]] = {}
    for eta, (value, k, _, _) in scan.items():
        if k >= 0 and value > starts.get(k, (-np.inf, 0.0))[0]:
            starts[k] = (value, eta)
    best = (-np.inf, -1, np.nan)
    for k in sorted(starts, key=lambda k: -starts[k][0])[:2]:
        eta, value = _optimise_threshold(k, starts[k][1], n, c, profile)
        if value > best[0]:
            best = (value, k, eta)
    return best


def _corner_upper_bound(profile: UtilityProfile) -> float:
    """No contract inducing eta = 1 can beat paying the first-best wage for eta = 1."""
    return float(profile.mu(1.0) - profile.wage_for_utility(profile.E(1.0) + profile.U0))


def _binary_corner_value(k: np.ndarray, top: np.ndarray, bonus: np.ndarray, profile: UtilityProfile) -> tuple[np.ndarray, np.ndarray]:
    """(value, base utility): the principal's value at eta = 1 paying utility bonus ``bonus``
    when X >= k (P = ``top``), participation binding; -inf where the top wage is unaffordable."""
    base = np.maximum(profile.U0 + float(profile.E(1.0)) - bonus * top, profile.u_lo)
    ok = np.isfinite(bonus) & (base + bonus <= profile.u_hi)  # G^-1 may clip unaffordable utilities
    with np.errstate(invalid="ignore", over="ignore"):
        wage = (1 - top) * profile.wage_for_utility(np.where(ok, base, profile.U0)) + top * profile.wage_for_utility(np.where(ok, base + bonus, profile.U0))
    return np.where(ok, float(profile.mu(1.0)) - wage, -np.inf), base


def _binary_corner(n: int, c: float, profile: UtilityProfile, points: int = 401, beat: float = -np.inf) -> tuple[float, int, float, float]:
    """Full effort eta = 1, where the first-order condition becomes an inequality: the cheapest
    utility bonus with threshold k is b_k = sup_{e < 1} (E(1) - E(e)) / (P_k(1) - P_k(e)), at
    which the agent weakly prefers eta = 1 to every other effort. Returns the best k's
    (value, k, base utility, bonus utility), or -inf at once when even the bonuses of the limit
    e -> 1 alone (b_k >= E'(1)/P_k'(1); the principal's cost grows with the bonus) cannot give
    more than ``beat``."""
    k = np.arange(1, n + 1)
    q1 = float(pass_probability(1.0, c))
    top = special.bdtrc(k - 1, n, q1)
    with np.errstate(divide="ignore"):
        limit = float(profile.dE(1.0)) / _tail_derivative(k, n, c, q1)  # the ratio as e -> 1
    if not np.max(_binary_corner_value(k, top, limit, profile)[0]) > beat:
        return -np.inf, -1, np.nan, np.nan
    grid, qs = _grid(points, c)
    grid, qs = grid[:-1], qs[:-1]
    tails = np.cumsum(np.exp(_log_pmf(np.arange(n, -1, -1)[:, None], n, qs[None, :])), axis=0)[::-1][1:]  # P_k(e)
    gain = top[:, None] - tails
    cost = float(profile.E(1.0)) - profile.E(grid)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(gain > 0, cost[None, :] / gain, -np.inf)
    bonus = np.maximum(ratio.max(axis=1), limit)
    leaders = np.argsort(-_binary_corner_value(k, top, bonus, profile)[0])[:3]
    refine = leaders[np.isfinite(bonus[leaders])]
    if refine.size:  # the ratio's supremum, from around its grid maximum
        def ratios(e: np.ndarray) -> np.ndarray:
            gain = top[refine, None] - special.bdtrc(k[refine, None] - 1, n, pass_probability(e, c))
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(gain > 0, (float(profile.E(1.0)) - profile.E(e)) / gain, -np.inf)

        j = np.argmax(ratio[refine], axis=1)
        # the ratio's limit at e -> 1 is ``limit``; closer to 1 than the grid the gain cancels
        _, sup = _zoom_maximise(ratios, grid[np.maximum(j - 1, 0)], grid[np.minimum(j + 1, grid.size - 1)])
        bonus[refine] = np.maximum(bonus[refine], sup)
    keep = np.zeros(k.size, bool)
    keep[leaders] = True
    bonus = np.where(keep, bonus, np.inf)  # the others were only screened
    value, base = _binary_corner_value(k, top, bonus, profile)
    i = int(np.argmax(value))
    return float(value[i]), int(k[i]), float(base[i]), float(bonus[i])


def _single_check_terms(eta, c: float, profile: UtilityProfile) -> _BinaryTerms:
    """n = 1: the wage takes two values, and the agent's utility u0 + q(eta) b - E(eta) is
    concave in effort (q is linear, E convex), so the first-order condition (c/2) b = E'(eta)
    makes eta a global best response; at eta = 1 it becomes b >= 2 E'(1)/c, met most cheaply
    with equality. :func:`_binary_terms` with k = 1 then gives each effort's cheapest contract
    in closed form."""
    eta = np.asarray(eta, dtype=float)
    return _binary_terms(1, eta, pass_probability(eta, c), 0.5 * c, 1, c, profile)


def _single_check_binary(c: float, profile: UtilityProfile, fb: FirstBest, problem: str,
                         points: int = 1025) -> tuple[float, float, float, float] | None:
    """(value, eta, base utility, bonus utility) of the best contract with one check, the
    corner eta = 1 included: restricted, the closed form at eta*; unrestricted, its maximum
    over a grid of efforts, refined by :func:`_zoom_maximise`. The global check
    confirms incentive compatibility; None (use the general route) if it ever fails."""
    if problem == "restricted":
        eta = fb.eta
    else:
        etas = np.linspace(0.0, 1.0, points)[1:]
        values = _single_check_terms(etas, c, profile).value
        if not np.isfinite(values.max()):
            return None
        i = int(np.argmax(values))
        best, _ = _zoom_maximise(lambda e: _single_check_terms(e, c, profile).value,
                                 etas[[max(i - 1, 0)]], etas[[min(i + 1, etas.size - 1)]], points=points)
        eta = float(best[0])
    terms = _single_check_terms(np.array([eta]), c, profile)
    value, base, bonus = float(terms.value[0]), float(terms.base_utility[0]), float(terms.bonus_utility[0])
    if not np.isfinite(value) or not _binary_ic(1, bonus, eta, 1, c, profile):
        return None
    return value, eta, base, bonus


def solve_binary(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Best binary contract w0 + w1 1{X >= k}: restricted (induce eta*) or unrestricted."""
    n, c = _check_signal(n, c)
    _check_problem(problem)
    fb = first_best(profile)
    single = _single_check_binary(c, profile, fb, problem) if n == 1 else None
    if single is not None:
        value, eta, base, bonus = single
        fallback = no_incentive(n, c, profile) if problem == "unrestricted" else None
        if fallback is not None and value <= fallback.principal_utility:
            return _as_no_incentive("binary", fallback, {"w1": 0.0, "k": 0})
        wages, params = _binary_wages(n, 1, base, bonus, profile)
        return _solution("binary", problem, n, c, profile, fb, eta, wages, params)
    if problem == "restricted":
        value, k, base, bonus = _binary_corner(n, c, profile) if fb.eta >= 1.0 else _best_binary_at(fb.eta, n, c, profile)
        if k < 0 or not np.isfinite(value):
            return _infeasible("binary", problem, n, c, fb)
        wages, params = _binary_wages(n, k, base, bonus, profile)
        return _solution("binary", problem, n, c, profile, fb, fb.eta, wages, params)
    best_value, best_k, best_eta = _unrestricted_binary(n, c, profile, fb)
    corner = _binary_corner(n, c, profile, beat=best_value) if _corner_upper_bound(profile) > best_value else (-np.inf,)
    fallback = no_incentive(n, c, profile)
    if max(best_value, corner[0]) <= fallback.principal_utility:
        return _as_no_incentive("binary", fallback, {"w1": 0.0, "k": 0})
    if corner[0] > best_value:
        best_eta, (_, k, base, bonus) = 1.0, corner
    else:
        # the search checked (k, eta) globally already; read its base and bonus utilities
        _, terms = _binary_candidates(best_eta, n, c, profile, ks=(best_k,))
        k, base, bonus = best_k, float(terms.base_utility[0]), float(terms.bonus_utility[0])
    wages, params = _binary_wages(n, k, base, bonus, profile)
    return _solution("binary", problem, n, c, profile, fb, best_eta, wages, params)


# --- linear contracts -------------------------------------------------------------------------

def _cara_linear(etas: np.ndarray, n: int, c: float, profile: UtilityProfile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w0, w1, exists) of the linear contract inducing each effort in ``etas`` when G is CARA,
    G = scale (1 - exp(-rate w)): E[G] = scale (1 - e^{-rate w0} M) with M = (1 - q + q z)^n and
    z = e^{-rate w1/n}, so the first-order condition fixes z in closed form and binding
    participation then fixes w0. ``exists`` is False where no such z exists or where the wages
    leave [w_lo, w_hi]."""
    rate, scale = profile.cara
    q = pass_probability(etas, c)
    need_u, need_du = profile.U0 + profile.E(etas), profile.dE(etas)
    with np.errstate(divide="ignore", invalid="ignore"):
        K = need_du / (scale - need_u)
        one_minus_z = K / (n * c / 2 + K * q)  # 1 - z, kept exact for large n
        exists = (one_minus_z >= 0) & (one_minus_z < 1)
        one_minus_z = np.where(exists, one_minus_z, 0.0)
        w1 = -n * np.log1p(-one_minus_z) / rate
        w0 = (np.log(scale) - np.log(scale - need_u) + n * np.log1p(-q * one_minus_z)) / rate
    exists &= (w0 >= profile.w_lo - 1e-12) & (w0 + w1 <= profile.w_hi + 1e-12)
    return w0, w1, exists


def _unrestricted_cara_linear(n: int, c: float, profile: UtilityProfile, points: int = 1025) -> tuple[float, float, np.ndarray, dict] | None:
    """(value, eta, wages, params) of the best linear contract for a CARA profile: the value of
    the contract inducing each effort is closed-form (:func:`_cara_linear`), so it is maximised
    over a grid of efforts and refined by :func:`_zoom_maximise`, assuming it unimodal as
    the scan of the general route does. CARA makes the agent's utility concave in effort (M is
    convex in q, E is convex), so the first-order condition is also sufficient, and at full
    effort eta = 1 the contract meeting it with equality is the cheapest one that makes eta = 1
    a best response (the corner is included here). The global check confirms incentive
    compatibility, and None (use the general route) if it ever fails."""
    def values(etas: np.ndarray) -> np.ndarray:
        w0, w1, exists = _cara_linear(etas, n, c, profile)
        return np.where(exists, profile.mu(etas) - (w0 + w1 * pass_probability(etas, c)), -np.inf)

    etas = np.linspace(0.0, 1.0, points)[1:]
    v = values(etas)
    if not np.isfinite(v.max()):
        return None
    i = int(np.argmax(v))
    eta, value = _zoom_maximise(values, etas[[max(i - 1, 0)]], etas[[min(i + 1, etas.size - 1)]], points=points)
    eta, value = float(eta[0]), float(value[0])
    w0, w1, _ = (float(x[0]) for x in _cara_linear(np.array([eta]), n, c, profile))
    wages = w0 + w1 * np.arange(n + 1) / n
    if not _incentive_compatible(wages, eta, n, c, profile, _cara_linear_curve(w0, w1, n, c, profile)):
        return None
    return value, eta, wages, {"w0": w0, "w1": w1}


def _linear_for_target(eta: float, n: int, c: float, profile: UtilityProfile) -> tuple[float, float] | None:
    """(w0, w1) of the linear contract w0 + w1 X/n with participation binding and the agent's
    first-order condition at eta; None when no such contract respects the wage bounds."""
    if profile.cara is not None:
        w0, w1, ok = (float(v[0]) for v in _cara_linear(np.array([eta]), n, c, profile))
        if not ok:
            return None
    else:
        q = float(pass_probability(eta, c))
        x = np.arange(n + 1)
        pmf = _pmf(n, q)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = 0.5 * c * (x - n * q) / (q * (1 - q))  # d/deta log P(X = x)
        need_u, need_du = profile.U0 + float(profile.E(eta)), float(profile.dE(eta))

        def base_for(w1: float) -> float:
            return optimize.brentq(lambda w0: pmf @ profile.G(w0 + w1 * x / n) - need_u, profile.w_lo - w1, profile.w_hi, xtol=1e-14)

        weight = np.where(pmf > 0, pmf * np.nan_to_num(score), 0.0)  # q = 1 makes the score infinite where pmf = 0

        def foc(w1: float) -> float:
            return float(weight @ profile.G(base_for(w1) + w1 * x / n)) - need_du

        # the marginal incentive grows with the slope: bracket its crossing of E'(eta) by doubling
        lo, hi, top = 0.0, 0.05, profile.w_hi - profile.w_lo
        try:
            if foc(lo) > 0:
                return None
            while foc(hi) <= 0:
                if hi >= top:
                    return None
                lo, hi = hi, min(2 * hi, top)
            w1 = optimize.brentq(foc, lo, hi, xtol=1e-14)
            w0 = base_for(w1)
        except ValueError:
            return None
    if w0 < profile.w_lo - 1e-12 or w0 + w1 > profile.w_hi + 1e-12:
        return None
    return float(w0), float(w1)


def _linear_value(eta: float, n: int, c: float, profile: UtilityProfile, check_ic: bool = True) -> tuple[float, np.ndarray | None, dict]:
    contract = _linear_for_target(eta, n, c, profile)
    if contract is None:
        return -np.inf, None, {}
    w0, w1 = contract
    wages = w0 + w1 * np.arange(n + 1) / n
    curve = _cara_linear_curve(w0, w1, n, c, profile) if profile.cara is not None else None
    if check_ic and not _incentive_compatible(wages, eta, n, c, profile, curve):
        return -np.inf, None, {}
    value = float(profile.mu(eta)) - (w0 + w1 * float(pass_probability(eta, c)))
    return value, wages, {"w0": w0, "w1": w1}


def _linear_corner(n: int, c: float, profile: UtilityProfile) -> tuple[float, np.ndarray | None, dict]:
    """Full effort eta = 1 with a linear contract: the smallest slope w1 at which eta = 1 is the
    agent's global best response once participation binds there (bisection: a steeper slope
    only makes full effort more attractive). Besides the global check, the agent's marginal
    utility at eta = 1 must reach E'(1) exactly (binomial lemma), so that the answer does not
    lean on the tie tolerance: a slope a hair below it leaves the agent a gain of second order
    only, which ``TIE`` would admit. With CARA the agent's utility is concave in effort, so that
    slope is the one meeting the first-order condition with equality (closed form)."""
    if profile.cara is not None:
        value, wages, params = _linear_value(1.0, n, c, profile)
        return value, wages, params
    x = np.arange(n + 1)
    q1 = float(pass_probability(1.0, c))
    pmf = _pmf(n, q1)
    lemma = 0.5 * c * n * _pmf(n - 1, q1)  # d/deta E[f(X)] = lemma @ (f(x + 1) - f(x))
    need = profile.U0 + float(profile.E(1.0))
    marginal_cost = float(profile.dE(1.0))

    def contract(w1: float) -> np.ndarray | None:
        try:
            w0 = optimize.brentq(lambda w0: pmf @ profile.G(w0 + w1 * x / n) - need, profile.w_lo, profile.w_hi, xtol=1e-14)
        except ValueError:
            return None
        wages = w0 + w1 * x / n
        return wages if wages[-1] <= profile.w_hi else None

    def works(w1: float) -> bool:
        wages = contract(w1)
        return (wages is not None and float(lemma @ np.diff(profile.G(wages))) >= marginal_cost
                and _incentive_compatible(wages, 1.0, n, c, profile))

    lo, hi, top = 0.0, 0.05, profile.w_hi - profile.w_lo
    while not works(hi):  # bracket the smallest slope that works by doubling
        if hi >= top or contract(hi) is None and hi > 1:
            return -np.inf, None, {}
        lo, hi = hi, min(2 * hi, top)
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if works(mid) else (mid, hi)
    wages = contract(hi)
    value = float(profile.mu(1.0)) - float(pmf @ wages)
    return value, wages, {"w0": float(wages[0]), "w1": float(wages[-1] - wages[0])}


def solve_linear(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Best linear contract w0 + w1 X/n: restricted (induce eta*) or unrestricted."""
    n, c = _check_signal(n, c)
    _check_problem(problem)
    fb = first_best(profile)
    if problem == "restricted":
        value, wages, params = _linear_corner(n, c, profile) if fb.eta >= 1.0 else _linear_value(fb.eta, n, c, profile)
        if wages is None:
            return _infeasible("linear", problem, n, c, fb)
        return _solution("linear", problem, n, c, profile, fb, fb.eta, wages, params)
    best = _unrestricted_cara_linear(n, c, profile) if profile.cara is not None else None
    if best is None:
        eta, value = _unrestricted(lambda e: _linear_value(e, n, c, profile)[0], np.linspace(0.02, 1.0, 30))
        best = (value, eta, *_linear_value(eta, n, c, profile)[1:]) if np.isfinite(value) else (-np.inf,)
        corner = _linear_corner(n, c, profile) if _corner_upper_bound(profile) > value else (-np.inf,)
        if corner[0] > best[0]:
            best = (corner[0], 1.0, *corner[1:])
    fallback = no_incentive(n, c, profile)
    if best[0] <= fallback.principal_utility:
        return _as_no_incentive("linear", fallback, {"w1": 0.0})
    _, eta, wages, params = best
    return _solution("linear", problem, n, c, profile, fb, eta, wages, params)


# --- general contracts ------------------------------------------------------------------------

def _inverse_marginal_utility(profile: UtilityProfile, target: np.ndarray) -> np.ndarray:
    """Wage w with 1/G'(w) = target, clipped to [w_lo, w_hi] (1/G' is increasing)."""
    if profile.cara is not None:
        rate, scale = profile.cara  # 1/G'(w) = exp(rate w) / (scale rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.log(np.maximum(target, 0) * scale * rate) / rate
        return np.clip(np.nan_to_num(w, nan=profile.w_lo, neginf=profile.w_lo), profile.w_lo, profile.w_hi)
    # G' falls, so -G' rises to meet -1/target (a target <= 0 asks for the lowest wage)
    with np.errstate(divide="ignore"):
        goal = np.where(target > 0, -1 / np.where(target > 0, target, 1.0), -np.inf)
    return solve_increasing(lambda w: -profile.dG(w), lambda w: -profile.d2G(w), goal, profile.w_lo, profile.w_hi)


def _general_for_target(eta: float, n: int, c: float, profile: UtilityProfile) -> np.ndarray | None:
    """Mirrlees-Holmstrom wages 1/G'(w_x) = lambda + nu s_x (clipped) meeting participation and
    the first-order condition at eta; the optimum of the first-order relaxation (convex in utility)."""
    q = float(pass_probability(eta, c))
    x_all = np.arange(n + 1)
    score_all = 0.5 * c * (x_all - n * q) / (q * (1 - q))
    # outcomes more than 14 standard deviations from the mean carry < 1e-40 of the mass
    sd = np.sqrt(n * q * (1 - q))
    window = slice(max(0, int(n * q - 14 * sd) - 2), min(n, int(n * q + 14 * sd) + 2) + 1)
    x, score = x_all[window], score_all[window]
    pmf = stats.binom.pmf(x, n, q)
    need_u, need_du = profile.U0 + float(profile.E(eta)), float(profile.dE(eta))

    def wages(lam: float, nu: float, everywhere: bool = False) -> np.ndarray:
        return _inverse_marginal_utility(profile, lam + nu * (score_all if everywhere else score))

    inv_lo, inv_hi = 1 / float(profile.dG(profile.w_lo)), 1 / float(profile.dG(profile.w_hi))

    def lam_for(nu: float) -> float:
        """The participation multiplier for a given nu: the root of binding participation, or 0
        when participation holds even then (a multiplier is never negative). With lambda >= 0
        the remaining first-order residual is monotone in nu (the dual is concave), so its
        root is the optimum of the first-order relaxation."""
        def ir(lam):
            return float(pmf @ profile.G(wages(lam, nu))) - need_u
        if ir(0.0) >= 0:
            return 0.0
        hi = inv_hi + abs(nu) * np.abs(score).max() + 1
        # participation can be very steep in lambda where a clipped wage leaves the lower bound
        return optimize.brentq(ir, 0.0, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=1000)

    def foc(nu: float) -> float:
        return float((pmf * score) @ profile.G(wages(lam_for(nu), nu))) - need_du

    multipliers = _newton_multipliers(profile, pmf, score, need_u, need_du, inv_lo, inv_hi)
    if multipliers is not None:
        return wages(*multipliers, everywhere=True)
    try:
        nu_hi = 1.0
        while foc(nu_hi) < 0:
            nu_hi *= 2
            if nu_hi > 1e8:
                return None
        nu = optimize.brentq(foc, 0.0, nu_hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=1000)
        return wages(lam_for(nu), nu, everywhere=True)
    except ValueError:
        return None


def _newton_multipliers(profile: UtilityProfile, pmf: np.ndarray, score: np.ndarray, need_u: float, need_du: float,
                        inv_lo: float, inv_hi: float, iterations: int = 60) -> tuple[float, float] | None:
    """(lambda, nu) at which the wages 1/G'(w_x) = lambda + nu s_x meet participation with
    equality and the first-order condition, by Newton's method on these two equations: with
    t = lambda + nu s, dG(w)/dt = -G'(w)^3/G''(w) for a wage inside the bounds, 0 for a clipped
    one, so the Jacobian is a weighted Gram matrix of (1, s). The start is the small-risk
    linearisation around the flat wage; steps are halved while they do not reduce the residual,
    and the residual's rounding floor (sums of many rounded terms) is reached when no step
    reduces it any more. None when it does not converge to within 64 eps sqrt(terms) of the sums'
    magnitudes with lambda > 0: the caller then takes the nested one-dimensional root searches,
    which also cover a slack participation constraint."""
    eps = np.finfo(float).eps
    floor = 64 * eps * np.sqrt(pmf.size)  # rounding of a sum of that many terms, with room
    flat = np.array([float(profile.wage_for_utility(need_u))])
    slope, curvature = float(profile.dG(flat)[0]), float(profile.d2G(flat)[0])
    lam, nu = 1 / slope, need_du * curvature / (-slope ** 3 * float(pmf @ score ** 2))

    def residual(lam: float, nu: float):
        t = lam + nu * score
        w = _inverse_marginal_utility(profile, t)
        utility = profile.G(w)
        r = np.array([pmf @ utility - need_u, (pmf * score) @ utility - need_du])
        scale = np.array([max(abs(need_u), float(pmf @ np.abs(utility))), max(abs(need_du), float(pmf @ np.abs(score * utility)))])
        return r, scale, t, w

    r, scale, t, w = residual(lam, nu)
    for _ in range(iterations):
        if np.all(np.abs(r) <= 8 * eps * scale):
            return (lam, nu) if lam > 0 else None
        free = (t > inv_lo) & (t < inv_hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(free, -profile.dG(w) ** 3 / profile.d2G(w), 0.0)
        weights = pmf * d
        jacobian = np.array([[weights.sum(), weights @ score], [weights @ score, weights @ score ** 2]])
        if not np.all(np.isfinite(jacobian)) or not np.linalg.det(jacobian) > 0:
            return None
        step = np.linalg.solve(jacobian, r)
        for _ in range(30):  # halve the step until the residual falls
            trial = residual(lam - step[0], nu - step[1])
            if np.max(np.abs(trial[0]) / trial[1]) < np.max(np.abs(r) / scale):
                break
            step = step / 2
        else:  # no step helps: the rounding floor, if the residual is that small
            return (lam, nu) if lam > 0 and np.all(np.abs(r) <= floor * scale) else None
        lam, nu = lam - step[0], nu - step[1]
        r, scale, t, w = trial
    return None


def _general_value(eta: float, n: int, c: float, profile: UtilityProfile, check_ic: bool = True) -> tuple[float, np.ndarray | None]:
    w = _general_for_target(eta, n, c, profile)
    if w is None:
        return -np.inf, None
    if check_ic and not _incentive_compatible(w, eta, n, c, profile):
        return -np.inf, None
    return float(profile.mu(eta)) - float(_pmf(n, float(pass_probability(eta, c))) @ w), w


def solve_general(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Best bounded contract w(X) (Mirrlees-Holmstrom form), restricted or unrestricted."""
    n, c = _check_signal(n, c)
    _check_problem(problem)
    fb = first_best(profile)
    if problem == "restricted":
        value, wages = _general_value(fb.eta, n, c, profile)
        if wages is None:
            return _infeasible("general", problem, n, c, fb)
        return _solution("general", problem, n, c, profile, fb, fb.eta, wages, {})
    eta, value = _unrestricted(lambda e: _general_value(e, n, c, profile)[0], np.linspace(0.02, 1.0, 25))
    fallback = no_incentive(n, c, profile)
    if not np.isfinite(value) or fallback.principal_utility >= value:
        return _as_no_incentive("general", fallback, {})
    _, wages = _general_value(eta, n, c, profile)
    return _solution("general", problem, n, c, profile, fb, eta, wages, {})


# --- one entry point ----------------------------------------------------------------------------

def _check_problem(problem: str) -> None:
    if problem not in ("restricted", "unrestricted"):
        raise ContractError(f"problem must be 'restricted' or 'unrestricted'; got {problem!r}")


SOLVERS = {"binary": solve_binary, "linear": solve_linear, "general": solve_general}


def solve(kind: str, n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Solve one contract problem; ``kind`` is binary, linear or general."""
    try:
        solver = SOLVERS[kind]
    except KeyError:
        raise ContractError(f"unknown contract class {kind!r}; known: {', '.join(SOLVERS)}") from None
    _check_problem(problem)
    # infeasible candidates are carried as infinities on purpose; results are checked globally
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return solver(n, c, profile, problem)


_POOL_PROFILE: UtilityProfile | None = None  # inherited by forked workers (profiles hold lambdas)


def _solve_row(args: tuple) -> dict:
    kind, n, c, problem, monitor = args
    return {"monitor": monitor, **solve(kind, n, c, _POOL_PROFILE, problem).as_row()}


def gap_table(profile: UtilityProfile, signals: dict[str, float], ns, kinds=("binary", "linear"),
              problems=("unrestricted", "restricted"), workers: int = 1):
    """Every (monitor, n, contract class, problem) of a utility-gap figure (Figure 3, 10) as one
    table; ``signals`` maps a monitor's name to its c. ``workers`` > 1 uses that many processes."""
    global _POOL_PROFILE
    jobs = [(kind, int(n), float(c), problem, monitor)
            for monitor, c in signals.items() for n in ns for kind in kinds for problem in problems]
    _POOL_PROFILE = profile
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            rows = list(pool.map(_solve_row, jobs, chunksize=1))
    else:
        rows = [_solve_row(job) for job in jobs]
    return pd.DataFrame(rows)


def complements_table(profile: UtilityProfile, n: int, c: float, weak_c: float = 0.1) -> pd.DataFrame:
    """Monitoring and contract are complements: the principal's utility with neither, with
    either alone, with both, and at the first-best (effort observable)."""
    fb = first_best(profile)
    fixed = no_incentive(n, c, profile)
    rows = [
        ("no monitoring, fixed wage", fixed),
        (f"monitoring ({n} checks), fixed wage", fixed),
        ("bonus contract without monitoring (pay cannot depend on effort)", fixed),
        (f"weak monitoring (c = {weak_c}, {n} checks) + binary contract", solve_binary(n, weak_c, profile)),
        (f"monitoring ({n} checks, c = {c:g}) + binary contract", solve_binary(n, c, profile)),
        (f"monitoring ({n} checks, c = {c:g}) + linear contract", solve_linear(n, c, profile)),
    ]
    table = [{"setting": name, "effort": s.eta, "expected wage": s.expected_wage, "agent utility": s.agent_utility,
              "principal utility": s.principal_utility, "gap to first-best": fb.value - s.principal_utility} for name, s in rows]
    table.append({"setting": "first-best (effort observable)", "effort": fb.eta, "expected wage": fb.wage,
                  "agent utility": profile.U0, "principal utility": fb.value, "gap to first-best": 0.0})
    return pd.DataFrame(table)
