"""General bounded contracts w(X) (v2 of the paper: linear contracts are rate-optimal among them).

Top-down: for a target effort eta, the optimum of the first-order relaxation (convex in
utility) has the Mirrlees-Holmstrom form 1/G'(w(x)) = lambda + nu s(x), clipped to the wage
bounds, with s(x) = d/deta log P(X = x | eta) the likelihood score (:func:`for_target`). The
two multipliers make participation bind and the first-order condition hold: Newton's method
on both equations (:func:`newton_multipliers`), or, when it does not converge, nested
one-dimensional root searches (a slack participation constraint included). The contract must
then pass the global incentive check. Restricted: eta = eta*. Unrestricted: a coarse effort
scan of [0, 1] (small efforts included, and the efforts of the best binary and linear contracts)
refined by Brent's method. General contracts contain the binary and linear ones, so the answer
is never below the better of those: when the first-order route falls short of it (its global
check fails, or the scan misses a narrow interval of feasible efforts), that contract is the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from scipy import optimize

from .. import binomial_kernel
from ..utility import UtilityProfile, solve_increasing
from . import binary, linear
from .agent import incentive_check
from .certify import UncertifiedContractError
from .optimise import GENERAL_SCAN, check_points, damped_newton, effort_scan, expand, scan_then_refine, value_of
from .problem import ContractError, ContractSolution, Problem, first_best
from .skeleton import Best, Found, solve_class

__all__ = ["solve_general", "for_target", "newton_multipliers", "largest_incentive", "inverse_marginal_utility", "value_at"]


def inverse_marginal_utility(profile: UtilityProfile, target: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """The wage w with 1/G'(w) = target, clipped to [w_lo, w_hi] (1/G' is increasing, G
    being concave): the Mirrlees-Holmstrom wage at each outcome, target = lambda + nu s(x).
    In closed form under CARA, w = log(target scale rate)/rate; else by Newton's method on G'
    (:func:`~annotator_incentives.utility.solve_increasing`). A target <= 0 asks for the lowest
    wage.

    Parameters
    ----------
    profile : UtilityProfile
        G' and the wage bounds.
    target : numpy.ndarray
        Values of 1/G'.
    start : numpy.ndarray, optional
        Wages near the answer, where Newton's method starts (no closed form only).

    Returns
    -------
    numpy.ndarray
        The wages, shaped like ``target``.

    Examples
    --------
    Figure 3's G = 1 - exp(-w) has 1/G'(w) = exp(w), so w = log(target), within [-10, 10]:

    >>> from annotator_incentives import utility
    >>> inverse_marginal_utility(utility.profile("figure3"), np.array([1.0, np.e, 0.0, 1e9]))
    array([  0.,   1., -10.,  10.])
    """
    if profile.cara is not None:
        rate, scale = profile.cara  # 1/G'(w) = exp(rate w) / (scale rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.log(np.maximum(target, 0) * scale * rate) / rate
        return np.clip(np.nan_to_num(w, nan=profile.w_lo, neginf=profile.w_lo), profile.w_lo, profile.w_hi)
    # G' falls, so -G' rises to meet -1/target (a target <= 0 asks for the lowest wage)
    with np.errstate(divide="ignore"):
        goal = np.where(target > 0, -1 / np.where(target > 0, target, 1.0), -np.inf)
    return solve_increasing(lambda w: -profile.dG(w), lambda w: -profile.d2G(w), goal, profile.w_lo, profile.w_hi, start=start)


def for_target(pb: Problem, eta: float) -> np.ndarray | None:
    """Wages w(x), x = 0..n, with 1/G'(w(x)) = lambda + nu s(x) (clipped) meeting
    participation and the first-order condition at eta: the optimum of the first-order
    relaxation (the Mirrlees-Holmstrom form of the paper's v2). The multipliers come from
    :func:`newton_multipliers`, else from nested root searches. When the outcome is certain
    (q = 1), the first-best wage at x = n and the lowest wage elsewhere, if that is incentive
    compatible (it attains the first-best). Sums run over the window of outcomes that carry
    the mass (:func:`~annotator_incentives.binomial_kernel.window_pmf`).

    Parameters
    ----------
    pb : Problem
        The checked problem.
    eta : float
        The effort to induce, in [0, 1].

    Returns
    -------
    numpy.ndarray or None
        The n + 1 wages; None when no multipliers meet both conditions.

    Examples
    --------
    With one check the two conditions fix both wages, so the general contract is
    :func:`~annotator_incentives.contracts.linear.cara_for_target`'s: w(0) = -log 1.225,
    w(1) = -log 0.865.

    >>> from annotator_incentives import utility
    >>> for_target(Problem.make(1, 1.0, utility.profile("figure3")), 0.5).round(6)
    array([-0.202941,  0.145026])
    """
    n, c, profile = pb
    q = float(binomial_kernel.pass_probability(eta, c))
    if q == 1.0:  # eta = 1 and c = 1: only x = n is possible; pay the first-best wage there, the lowest elsewhere
        sure = np.full(n + 1, profile.w_lo)
        sure[n] = float(profile.wage_for_utility(profile.U0 + float(profile.E(eta))))
        if incentive_check(sure, eta, pb.n, pb.c, pb.profile, check_points(pb.n, pb.c), screen=True).compatible:
            return sure
    score_all = binomial_kernel.score(np.arange(n + 1), n, c, q)
    window, pmf = binomial_kernel.window_pmf(n, q)
    possible = np.isfinite(score_all[window])  # at q = 1 only x = n is possible (score -inf elsewhere)
    score, pmf = score_all[window][possible], pmf[possible]
    need_u, need_du = profile.U0 + float(profile.E(eta)), float(profile.dE(eta))

    def wages(lam: float, nu: float, everywhere: bool = False) -> np.ndarray:
        return inverse_marginal_utility(profile, lam + nu * (score_all if everywhere else score))

    multipliers = newton_multipliers(profile, pmf, score, need_u, need_du)
    if multipliers is not None:
        return wages(*multipliers, everywhere=True)
    reach = largest_incentive(profile, pmf, score, need_u)
    if reach < need_du - 1e-9 * max(need_du, abs(reach)):  # no wages in the bounds meet both conditions
        return None
    inv_hi = 1 / float(profile.dG(profile.w_hi))

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

    try:
        _, nu_hi, found = expand(lambda nu: foc(nu) >= 0, 0.0, 1.0, limit=2.0 ** 26)
        if not found:
            return None
        nu = optimize.brentq(foc, 0.0, nu_hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=1000)
        return wages(lam_for(nu), nu, everywhere=True)
    except (ValueError, RuntimeError):  # no sign change, or no convergence (multipliers of 1e-300 scale): no contract here
        return None


def newton_multipliers(profile: UtilityProfile, pmf: np.ndarray, score: np.ndarray, need_u: float, need_du: float,
                       iterations: int = 60) -> tuple[float, float] | None:
    """(lambda, nu) at which the wages 1/G'(w_x) = lambda + nu s_x meet participation with
    equality and the first-order condition, by Newton's method on these two equations
    (:func:`~annotator_incentives.contracts.optimise.damped_newton`): with t = lambda + nu s,
    dG(w)/dt = -G'(w)^3/G''(w) for a wage inside the bounds, 0 for a clipped one, so the
    Jacobian is a weighted Gram matrix of (1, s). The start is the small-risk linearisation
    around the flat wage; steps are halved while they do not reduce the residual.

    Parameters
    ----------
    profile : UtilityProfile
        G, its derivatives and the wage bounds.
    pmf, score : numpy.ndarray
        P(X = x) and s(x) over the outcomes summed.
    need_u, need_du : float
        What participation and the first-order condition ask: U_0 + E(eta) and E'(eta).
    iterations : int, optional
        Newton steps at most (default 60).

    Returns
    -------
    tuple of float or None
        (lambda, nu); None when it does not converge to within 64 eps sqrt(terms) of the
        sums' magnitudes with lambda > 0 (the caller then takes the nested root searches).

    Examples
    --------
    One check at q = 3/4 (s = -2, 2/3) under G = 1 - exp(-w), where 1/G'(w) = exp(w): the
    wages of :func:`for_target`'s example need lambda - 2 nu = 1/1.225 and
    lambda + 2 nu/3 = 1/0.865.

    >>> from annotator_incentives import utility
    >>> lam, nu = newton_multipliers(utility.profile("figure3"), np.array([0.25, 0.75]),
    ...                              np.array([-2.0, 2 / 3]), 0.045, 0.18)
    >>> round(lam, 6), round(nu, 6), round((1 / 0.865 - 1 / 1.225) * 3 / 8, 6)
    (1.071134, 0.127404, 0.127404)
    """
    floor = 64 * np.finfo(float).eps * np.sqrt(pmf.size)  # rounding of a sum of that many terms, with room
    inv_lo, inv_hi = 1 / float(profile.dG(profile.w_lo)), 1 / float(profile.dG(profile.w_hi))
    flat = np.array([float(profile.wage_for_utility(need_u))])
    slope, curvature = np.float64(profile.dG(flat)[0]), np.float64(profile.d2G(flat)[0])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # G' of 1e300 (a huge G scale) cubes to inf
        start = np.array([1 / slope, need_du * curvature / (-slope ** 3 * float(pmf @ score ** 2))])
    if not np.all(np.isfinite(start)):
        return None

    last: list[np.ndarray] = []  # the latest wages: Newton's method for each wage starts there (they move little a step)

    def residual(x: np.ndarray):
        t = x[0] + x[1] * score
        w = inverse_marginal_utility(profile, t, last[-1] if last else None)
        last[:] = [w]
        free = (t > inv_lo) & (t < inv_hi)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            d = np.where(free, -profile.dG(w) ** 3 / profile.d2G(w), 0.0)  # dG(w)/dt
        utility = profile.G(w)
        r = np.array([pmf @ utility - need_u, (pmf * score) @ utility - need_du])
        # t = lambda + nu s is rounded by eps (|lambda| + |nu s|), which moves G(w) by d times that:
        # the sums cannot come closer to their targets than these terms allow (near a flat wage
        # G(w) is tiny while lambda is not, e.g. figure3 at efforts below 1e-3)
        spread = np.abs(d) * (abs(x[0]) + np.abs(x[1] * score))
        scale = np.array([max(abs(need_u), float(pmf @ np.abs(utility)), float(pmf @ spread)),
                          max(abs(need_du), float(pmf @ np.abs(score * utility)), float(pmf @ np.abs(score * spread)))])
        return r, scale, d

    def jacobian(x: np.ndarray, d: np.ndarray) -> np.ndarray | None:
        weights = pmf * d
        matrix = np.array([[weights.sum(), weights @ score], [weights @ score, weights @ score ** 2]])
        return matrix if np.all(np.isfinite(matrix)) and np.linalg.det(matrix) > 0 else None

    found = damped_newton(residual, jacobian, start, floor, iterations)
    return (float(found[0]), float(found[1])) if found is not None and found[0] > 0 else None


def largest_incentive(profile: UtilityProfile, pmf: np.ndarray, score: np.ndarray, need_u: float) -> float:
    """The largest first-order term sum_x P(x) s(x) G(w(x)) that wages within [w_lo, w_hi]
    reach while meeting participation, sum_x P(x) G(w(x)) >= need_u: a linear programme in the
    utilities u_x = G(w(x)) in [G(w_lo), G(w_hi)], solved greedily. Every u_x starts at the end
    its score favours (the top where s > 0); while participation falls short, the outcomes of
    negative score closest to 0 are raised first, as they cost the term least per unit of
    expected utility. When this is below E'(eta), no contract meets both conditions of the
    first-order route at eta (:func:`for_target` returns None without searching).

    Parameters
    ----------
    profile : UtilityProfile
        G and the wage bounds.
    pmf, score : numpy.ndarray
        P(X = x) and s(x) over the outcomes summed.
    need_u : float
        What participation asks: U_0 + E(eta).

    Returns
    -------
    float
        The largest term; -inf when no wages meet participation.

    Examples
    --------
    One check at q = 1/2 (s = -2, 2 with c = 1) under figure3's G = 1 - exp(-w) on
    [-10, 10]: u = (G(-10), G(10)) falls short of participation at 0; raising u_0 to -G(10)
    meets it, and the term is then 2 G(10) = 2 (1 - exp(-10)); no wage reaches utility 2:

    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> round(largest_incentive(fig3, np.array([0.5, 0.5]), np.array([-2.0, 2.0]), 0.0), 9)
    1.9999092
    >>> largest_incentive(fig3, np.array([0.5, 0.5]), np.array([-2.0, 2.0]), 2.0)
    -inf
    """
    low, high = float(profile.G(profile.w_lo)), float(profile.G(profile.w_hi))
    if high < need_u:
        return -np.inf
    u = np.where(score > 0, high, low)
    short = need_u - float(pmf @ u)
    if short > 0:  # raise the outcomes of negative score, those nearest 0 first
        order = np.argsort(-score)
        order = order[score[order] <= 0]
        room = pmf[order] * (high - low)  # expected utility each can add
        before = np.concatenate([[0.0], np.cumsum(room)[:-1]])
        u[order] += np.clip(short - before, 0.0, room) / np.where(pmf[order] > 0, pmf[order], 1.0)
    return float((pmf * score) @ u)


def value_at(pb: Problem, eta: float) -> Best | None:
    """The general contract inducing eta (:func:`for_target`) with its value to the
    principal, mu(eta) - E[w(X)], if it passes the global incentive check.

    Parameters
    ----------
    pb, eta : Problem, float
        The problem and the effort to induce.

    Returns
    -------
    ``Best`` or None
        (value, (eta, wages, no params)); None if no contract of the first-order form passes
        the check.

    Examples
    --------
    One check: the linear contract of the same effort, worth 0.5^1.8 + (log 1.225)/4 +
    (3 log 0.865)/4 (:func:`~annotator_incentives.contracts.linear.value_at`):

    >>> from annotator_incentives import utility
    >>> round(value_at(Problem.make(1, 1.0, utility.profile("figure3")), 0.5).value, 6)
    0.22914
    """
    w = for_target(pb, eta)
    if w is None or not incentive_check(w, eta, pb.n, pb.c, pb.profile, check_points(pb.n, pb.c), screen=True).compatible:
        return None
    q = float(binomial_kernel.pass_probability(eta, pb.c))
    value = float(pb.profile.mu(eta)) - float(binomial_kernel.pmf_all(pb.n, q) @ w)
    return Best(value, Found(eta, w, {}))


def _others(pb: Problem, problem: str, known: Sequence[ContractSolution] = ()) -> list[Best]:
    """The best binary and linear contracts of ``problem``, certified by their own solvers
    (a class whose answer cannot be certified is left out), as general contracts; a class
    among ``known`` is taken from there instead of being solved again."""
    given = {s.kind: s for s in known}
    found = []
    for kind, solver in (("binary", binary.solve_binary), ("linear", linear.solve_linear)):
        s = given.get(kind)
        if s is None:
            try:
                s = solver(pb.n, pb.c, pb.profile, problem)
            except UncertifiedContractError:
                continue
        if s.feasible:
            found.append(Best(s.principal_utility, Found(s.eta, s.wages, {})))
    return found


def _best(*answers: Best | None) -> Best | None:
    return max([b for b in answers if b is not None], key=value_of, default=None)


def _restricted(pb: Problem, known: Sequence[ContractSolution] = ()) -> Found | None:
    best = _best(value_at(pb, pb.first_best.eta), *_others(pb, "restricted", known))
    return None if best is None else best.found


def _unrestricted(pb: Problem, known: Sequence[ContractSolution] = ()) -> Best | None:
    """The best of the first-order route over a scan of [0, 1] and the best binary and linear
    contracts (whose efforts the scan also starts from)."""
    others = _others(pb, "unrestricted", known)
    scan = np.unique(np.concatenate([effort_scan(GENERAL_SCAN, pb.n, pb.c), [b.found.eta for b in others]]))
    eta, value = scan_then_refine(lambda e: value_of(value_at(pb, e)), scan)
    return _best(value_at(pb, eta) if np.isfinite(value) else None, *others)


def _safe_restricted(pb: Problem, known: Sequence[ContractSolution] = ()) -> Found | None:
    best = _best(*_others(pb, "restricted", known))
    return None if best is None else best.found


def _safe_unrestricted(pb: Problem, known: Sequence[ContractSolution] = ()) -> Best | None:
    return _best(*_others(pb, "unrestricted", known))


def _checked_known(known: Sequence[ContractSolution], n: int, c: float, profile: UtilityProfile,
                   problem: str) -> tuple[ContractSolution, ...]:
    """``known`` after checking that each is a binary or linear solution of this problem, one per class."""
    pb = Problem.make(n, c, profile)
    known = tuple(known)
    for s in known:
        if not isinstance(s, ContractSolution) or s.kind not in ("binary", "linear"):
            raise ContractError(f"known solutions must be binary or linear ContractSolutions; got {s!r:.80}")
        if (s.n, s.c, s.problem) != (pb.n, pb.c, problem) or s.first_best != first_best(profile):
            raise ContractError(
                f"a known {s.kind} solution is for n = {s.n}, c = {s.c:g}, the {s.problem} problem"
                f"{'' if s.first_best == first_best(profile) else ' and another profile'}; this problem is "
                f"n = {pb.n}, c = {pb.c:g}, {problem}")
    kinds = [s.kind for s in known]
    if len(set(kinds)) < len(kinds):
        raise ContractError(f"at most one known solution per class; got {', '.join(kinds)}")
    return known


def solve_general(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted", *,
                  known: Sequence[ContractSolution] = ()) -> ContractSolution:
    """Best bounded contract w(X), Mirrlees-Holmstrom form (v2 of the paper).

    Parameters
    ----------
    n, c, profile, problem
        As for :func:`~annotator_incentives.contracts.solve.solve`; each effort's contract solves an
        n-variable problem, so this is the slowest class.
    known : sequence of ContractSolution, optional
        The binary and linear solutions of this same problem (n, c, profile and problem), as
        :func:`~annotator_incentives.contracts.solve.solve` returned them: general contracts
        contain both classes, whose optima are candidates here, so a caller that has solved
        them saves solving them again (the book's contract explorer). A class not given is
        solved.

    Returns
    -------
    ContractSolution
        The wage schedule in ``wages``, no params.

    Raises
    ------
    ContractError
        An invalid n, c, profile or problem (:func:`~annotator_incentives.contracts.solve.solve`),
        or a known solution of another class or problem.
    ~annotator_incentives.contracts.certify.UncertifiedContractError
        When no answer can be certified (when the first-order route's answer fails, the
        certified binary and linear optima are the candidates).

    Examples
    --------
    General contracts contain the binary and linear ones, so they never do worse:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts import solve
    >>> fig3 = utility.profile("figure3")
    >>> general = solve_general(11, 0.98, fig3)
    >>> round(general.principal_utility, 6)
    0.301658
    >>> linear = solve("linear", 11, 0.98, fig3)
    >>> bool(general.principal_utility >= linear.principal_utility)
    True

    Given the binary and linear solutions, the answer is the same:

    >>> again = solve_general(11, 0.98, fig3, known=[solve("binary", 11, 0.98, fig3), linear])
    >>> again.principal_utility == general.principal_utility
    True
    """
    known = _checked_known(known, n, c, profile, problem)
    return solve_class("general", n, c, profile, problem, partial(_restricted, known=known),
                       partial(_unrestricted, known=known), {}, safe=partial(_safe_unrestricted, known=known),
                       safe_restricted=partial(_safe_restricted, known=known))
