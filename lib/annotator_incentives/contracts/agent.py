"""The agent: its expected utility, its best response over all of [0, 1] and the incentive
check (the paper's Section 3: incentive compatibility over the whole effort interval, never by a
first-order condition alone).

Against a wage schedule w(x), x = 0..n, the agent's utility at effort eta is
U(eta) = E[G(w(X)) | eta] - E(eta), X ~ Bin(n, q(eta)). Its best response is found on an
effort grid, every competing grid peak refined to its local maximum
(:func:`~annotator_incentives.contracts.optimise.global_max`). The incentive check compares
that best with U at the recommended effort under the package's one tie rule
(:func:`~annotator_incentives.contracts.problem.tie`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import binomial, validation
from ..utility import UtilityProfile
from .optimise import global_max
from .problem import ContractError, Problem, tie

__all__ = ["GRID_POINTS", "FINE_POINTS", "agent_utility_curve", "best_response", "IncentiveCheck", "incentive_check"]

GRID_POINTS = 1001  # effort grid of the solvers' own checks
FINE_POINTS = 20_001  # effort grid of the public check (same refinement, finer screening)


def agent_utility_curve(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, etas) -> np.ndarray:
    """U(eta) = E[G(w(X)) | eta] - E(eta) at each eta (exact binomial sums)."""
    wages, pb = _validated(wages, n, c, profile)
    etas = validation.probabilities("effort eta", etas, ContractError)
    return _utility_curve(profile.G(wages), pb.n, pb.c, profile)(etas)


def _utility_curve(utilities: np.ndarray, n: int, c: float, profile: UtilityProfile):
    """U as a vectorised function of effort, given the utilities G(w(x)) (unchecked: the solvers'
    route, where a bounded search calls it many times)."""
    def curve(etas) -> np.ndarray:
        etas = np.atleast_1d(np.asarray(etas, dtype=float))
        return binomial._expect(utilities, n, binomial._pass_probability(etas, c)) - profile.E(etas)

    return curve


def _on_grid(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int, curve=None):
    """(grid, U on the grid, U as a vectorised function of effort); ``curve`` may give U in
    closed form, else it is the exact binomial sum (a cached pmf matrix when small enough)."""
    if curve is not None:
        grid = np.linspace(0.0, 1.0, points)
        return grid, curve(grid), curve
    utilities = profile.G(wages)
    curve = _utility_curve(utilities, n, c, profile)
    grid, matrix = binomial._pmf_grid(n, c, points)
    return grid, (matrix @ utilities - profile.E(grid) if matrix is not None else curve(grid)), curve


def _validated(wages, n: int, c: float, profile: UtilityProfile) -> tuple[np.ndarray, Problem]:
    pb = Problem.make(n, c, profile)
    wages = np.asarray(wages, dtype=float)
    if wages.shape != (pb.n + 1,):
        raise ContractError(f"a wage schedule for n = {pb.n} needs {pb.n + 1} wages (x = 0..n); got shape {wages.shape}")
    if not np.all(np.isfinite(wages)):
        raise ContractError("a wage schedule must be finite numbers")
    return wages, pb


def best_response(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int = GRID_POINTS) -> tuple[float, float]:
    """(eta, U(eta)): the agent's best effort against w(x) over all of [0, 1] (grid of
    ``points`` efforts, every grid peak refined by bounded Brent)."""
    wages, pb = _validated(wages, n, c, profile)
    points = validation.count("points", points, ContractError, 3)
    grid, values, curve = _on_grid(wages, pb.n, pb.c, profile, points)
    return global_max(lambda e: float(curve(e)[0]), grid, values)


@dataclass(frozen=True)
class IncentiveCheck:
    """The agent's utility at the recommended effort ``eta`` (``own``) against its best
    alternative found (``rival`` at ``rival_eta``)."""

    eta: float
    own: float
    rival_eta: float
    rival: float

    @property
    def gain(self) -> float:
        """What the agent gains by deviating, max(0, rival - own)."""
        return max(0.0, self.rival - self.own)

    @property
    def compatible(self) -> bool:
        """Incentive compatible under the tie rule: rival <= own + TIE max(1, |own|)."""
        return bool(self.rival <= self.own + tie(self.own))


def incentive_check(wages: np.ndarray, eta: float, n: int, c: float, profile: UtilityProfile,
                    points: int = FINE_POINTS, *, curve=None, screen: bool = False) -> IncentiveCheck:
    """Does ``eta`` maximise the agent's expected utility against w(x) over all of [0, 1]?

    Parameters
    ----------
    wages : the wage schedule w(x), x = 0..n.
    eta : the recommended effort.
    n, c, profile : the problem (checks, signal strength, utility profile).
    points : effort grid screened before refinement.
    curve : U(eta) in closed form (vectorised), if known; else exact binomial sums.
    screen : the solvers' fast mode: the recommendation's own grid cell is not refined (a
        corner effort's is), and peaks that cannot beat it by the tie rule are skipped; the
        verdict is exact, the rival only a witness.

    Returns
    -------
    IncentiveCheck, with ``gain`` (the agent's gain from deviating) and ``compatible``.
    """
    wages, pb = _validated(wages, n, c, profile)
    eta = validation.probability("the recommended effort eta", eta, ContractError)
    points = validation.count("points", points, ContractError, 3)
    grid, values, curve = _on_grid(wages, pb.n, pb.c, profile, points, curve)
    own = float(curve(np.array([eta]))[0])
    if not screen:
        rival_eta, rival = global_max(lambda e: float(curve(np.array([e]))[0]), grid, values)
        return IncentiveCheck(float(eta), own, float(rival_eta), float(rival))
    if values.max() > own + tie(own):
        j = int(np.argmax(values))
        return IncentiveCheck(float(eta), own, float(grid[j]), float(values[j]))
    interior = 1e-12 < eta < 1 - 1e-12  # a corner effort need not be a stationary point
    rival_eta, rival = global_max(lambda e: float(curve(np.array([e]))[0]), grid, values,
                                  exclude=eta if interior else None, threshold=own - tie(own))
    return IncentiveCheck(float(eta), own, float(rival_eta), float(rival))
