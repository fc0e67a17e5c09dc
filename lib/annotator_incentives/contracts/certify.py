"""Certification: every contract a solver returns is checked before it is answered.

A solution is *certified* when, recomputed from its wage schedule w(x), x = 0..n, alone:

1. **incentive compatibility** -- its effort eta is the agent's global best response on [0, 1]
   (the package's one check, :func:`~annotator_incentives.contracts.agent.incentive_check`:
   every competing peak that could beat eta refined; eta's own grid cell probed at offsets
   ``PROBES``), under the tie rule widened by the rounding of the sums;
2. **participation** -- E[G(w(X)) | eta] - E(eta) >= U_0 - tol;
3. **wage bounds** -- every w(x) in [w_lo, w_hi] (up to ``WAGE_SLACK``);
4. **the principal's utility** -- the reported value equals mu(eta) - E[w(X) | eta] within tol;
5. **the first-best bound** -- the gap C - C_n >= -tol (no contract beats the first-best,
   Proposition 5; a negative gap betrays a broken constraint).

Expectations here use scipy's binomial pmf over every outcome, a route independent of the
solvers' log-gamma sums. The tolerance is ``CERTIFY_RTOL`` relative to the magnitude of the
sum it bounds, max(1, E|G(w)|) for utilities and max(1, E|w|) for wages: the solvers' closed
forms and root searches are accurate to about 1e-14 of those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .. import binomial_kernel
from ..utility import UtilityProfile
from .agent import IncentiveCheck, agent_utility_curve, incentive_check
from .optimise import check_points
from .problem import ContractError, ContractSolution, tie, within_bounds

__all__ = ["CERTIFY_RTOL", "ROUNDING", "UncertifiedContractError", "Certificate", "certify", "exact_curve"]

#: The tolerance of participation, the principal's utility and the gap, relative to the magnitude of the sums.
CERTIFY_RTOL = 1e-9
#: How much the incentive check's sums round by, relative to E|G(w(X))|; it widens the tie rule.
ROUNDING = 64 * np.finfo(float).eps
PROBES = np.array([-1e-3, -1e-5, -1e-7, 1e-7, 1e-5, 1e-3])  # offsets from eta probed inside its own grid cell


class UncertifiedContractError(ContractError):
    """A solver's contract failed certification (:func:`certify`) and no safe route gave one that
    passes; the message says which checks failed and by how much.

    Examples
    --------
    >>> from annotator_incentives.contracts.problem import ContractError
    >>> issubclass(UncertifiedContractError, ContractError)
    True
    """


@dataclass(frozen=True)
class Certificate:
    """What :func:`certify` found, check by check (the module's five checks).

    Attributes
    ----------
    incentive : ~annotator_incentives.contracts.agent.IncentiveCheck
        The incentive check at the solution's effort.
    participation : float
        The agent's utility above its outside option, E[G(w(X))] - E(eta) - U_0.
    value_error : float
        The reported principal's utility minus mu(eta) - E[w(X)].
    gap : float
        The gap to the first-best, C - C_n.
    utility_tolerance, wage_tolerance : float
        The tolerances used: ``CERTIFY_RTOL`` times max(1, E|G(w)|, abs(U_0)) and max(1, E|w|).
    failures : tuple of str
        The checks that failed, each with its numbers; empty when certified.

    Examples
    --------
    A solution whose reported utility is 0.001 too high fails the fourth check:

    >>> import dataclasses
    >>> from annotator_incentives import contracts, utility
    >>> fig3 = utility.profile("figure3")
    >>> s = contracts.solve("binary", 11, 0.98, fig3)
    >>> report = certify(dataclasses.replace(s, principal_utility=s.principal_utility + 0.001), fig3)
    >>> report.certified, round(report.value_error, 6), [f.split(":")[0] for f in report.failures]
    (False, 0.001, ['principal utility'])
    """

    incentive: IncentiveCheck
    participation: float  # E[G(w)] - E(eta) - U_0
    value_error: float  # reported principal utility - (mu(eta) - E[w])
    gap: float
    utility_tolerance: float
    wage_tolerance: float
    failures: tuple[str, ...]

    @property
    def certified(self) -> bool:
        """Did every check pass?"""
        return not self.failures


def _step(wages: np.ndarray) -> int | None:
    """k when w(x) takes one value below k and another from k on (0 for a constant), else None."""
    jumps = np.flatnonzero(np.diff(wages) != 0)
    if jumps.size == 0:
        return 0
    return int(jumps[0]) + 1 if jumps.size == 1 else None


def exact_curve(wages: np.ndarray, n: int, c: float, profile: UtilityProfile) -> Callable[[np.ndarray], np.ndarray] | None:
    """The agent's utility U(eta) = E[G(w(X)) | eta] - E(eta) in closed form when the wages allow
    it, for the certificate's incentive check (Section 3), else None (then exact binomial sums).

    A step at k (binary contracts, constant wages): G(w_0) P(X < k) + G(w_n) P(X >= k) - E(eta),
    both tails exact, so huge utilities at a rarely paid wage do not cancel. Linear wages under
    CARA G = s (1 - e^{-r w}): s (1 - e^{-r w_0} (1 - q + q e^{-r (w_n - w_0)/n})^n) - E(eta),
    the binomial moment generating function.

    Parameters
    ----------
    wages : numpy.ndarray
        w(x), x = 0..n (not checked: the certificate's route).
    n, c : int, float
        Checks and signal strength.
    profile : UtilityProfile
        G (its ``cara`` parameters for linear wages) and E.

    Returns
    -------
    callable or None
        U, vectorised in effort; None when the wages are neither a step nor linear under CARA.

    Examples
    --------
    A constant wage 0.3 under figure3: U = 1 - e^-0.3 - 0.18 eta^2.

    >>> import numpy as np
    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> exact_curve(np.full(4, 0.3), 3, 0.9, fig3)(np.array([0.0, 0.5])).round(6)
    array([0.259182, 0.214182])
    >>> exact_curve(np.array([0.0, 1.0, 0.0, 1.0]), 3, 0.9, fig3) is None
    True
    """
    k = _step(wages)
    if k is not None:
        low, high = (float(u) for u in profile.G(np.array([wages[0], wages[-1]])))

        def step(etas: np.ndarray) -> np.ndarray:
            etas = np.atleast_1d(np.asarray(etas, dtype=float))
            q = binomial_kernel.pass_probability(etas, c)
            if not k:
                return high - profile.E(etas)
            at = np.array(k)
            return low * binomial_kernel.below(at, n, q) + high * binomial_kernel.tail(at, n, q) - profile.E(etas)

        return step
    x = np.arange(n + 1)
    slope = float(wages[-1] - wages[0])
    straight = np.allclose(wages, wages[0] + slope * x / n, rtol=0, atol=1e-13 * max(1.0, np.abs(wages).max()))
    if profile.cara is not None and straight:
        rate, scale = profile.cara
        one_minus_z = -np.expm1(-rate * slope / n)

        def linear(etas: np.ndarray) -> np.ndarray:
            etas = np.atleast_1d(np.asarray(etas, dtype=float))
            q = binomial_kernel.pass_probability(etas, c)
            return scale * -np.expm1(-rate * float(wages[0]) + n * np.log1p(-q * one_minus_z)) - profile.E(etas)

        return linear
    return None


def certify(solution: ContractSolution, profile: UtilityProfile, points: int | None = None) -> Certificate:
    """Check a feasible solution against its profile from its wages alone (the module's five
    checks); the first-best is ``solution.first_best``.

    Parameters
    ----------
    solution : ContractSolution
        A feasible solution (a solver's answer).
    profile : UtilityProfile
        The utility profile it was solved for.
    points : int, optional
        Effort grid the incentive check screens before refining every competing peak (default
        the solvers' grid, ``optimise.check_points``).

    Returns
    -------
    Certificate
        ``certified`` is True when every check passes, else ``failures`` names them.

    Raises
    ------
    ContractError
        When the solution is not a feasible ContractSolution: an infeasible answer has no
        wages to certify.

    Examples
    --------
    The optimal binary contract for 11 checks (figure3) passes all five checks:

    >>> from annotator_incentives import contracts, utility
    >>> fig3 = utility.profile("figure3")
    >>> certify(contracts.solve("binary", 11, 0.98, fig3), fig3).certified
    True
    """
    if not isinstance(solution, ContractSolution) or not solution.feasible:
        raise ContractError("only a feasible ContractSolution can be certified")
    n, c, eta, wages = solution.n, solution.c, solution.eta, solution.wages
    pmf = stats.binom.pmf(np.arange(n + 1), n, float(binomial_kernel.pass_probability(eta, c)))
    utilities = profile.G(wages)
    utility_scale = max(1.0, float(pmf @ np.abs(utilities)), abs(profile.U0))
    wage_scale = max(1.0, float(pmf @ np.abs(wages)))
    u_tol, w_tol = CERTIFY_RTOL * utility_scale, CERTIFY_RTOL * wage_scale
    curve = exact_curve(wages, n, c, profile)
    points = check_points(n, c) if points is None else points
    check = incentive_check(wages, eta, n, c, profile, points, curve=curve, screen=True)
    if check.gain == 0 and 0 < eta < 1:  # the screen leaves eta's own grid cell to these probes
        probes = np.clip(eta + PROBES, 0.0, 1.0)
        values = curve(probes) if curve is not None else agent_utility_curve(wages, n, c, profile, probes)
        j = int(np.argmax(values))
        if values[j] > check.own:
            check = IncentiveCheck(eta, check.own, float(probes[j]), float(values[j]))
    participation = float(pmf @ utilities) - float(profile.E(eta)) - profile.U0
    value_error = solution.principal_utility - (float(profile.mu(eta)) - float(pmf @ wages))
    gap = solution.gap if solution.first_best is not None else 0.0
    failures = []
    if not check.gain <= tie(check.own) + ROUNDING * utility_scale:
        failures.append(f"incentive compatibility: the agent gains {check.gain:.3g} by moving from effort {eta:.6g} "
                        f"to {check.rival_eta:.6g}")
    if not participation >= -u_tol:
        failures.append(f"participation: the agent's utility is {-participation:.3g} below U_0")
    if not bool(np.all(within_bounds(profile, wages.min(), wages.max()))):
        failures.append(f"wage bounds: wages span [{wages.min():.6g}, {wages.max():.6g}], "
                        f"outside [{profile.w_lo:g}, {profile.w_hi:g}]")
    if not abs(value_error) <= w_tol:
        failures.append(f"principal utility: reported {solution.principal_utility:.10g}, mu(eta) - E[w] gives "
                        f"{solution.principal_utility - value_error:.10g}")
    if not gap >= -w_tol:
        failures.append(f"first-best bound: the gap to the first-best is {gap:.3g} < 0, which no contract can reach")
    return Certificate(check, participation, value_error, gap, u_tol, w_tol, tuple(failures))
