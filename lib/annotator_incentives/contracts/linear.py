"""Linear contracts w(X) = w0 + w1 X/n (Algorithm 4; Theorem 2).

Top-down: for a target effort eta, binding participation and the agent's first-order
condition fix (w0, w1) (:func:`for_target`): in closed form when G is CARA
(:func:`cara_for_target`, through the binomial moment generating function), else by a root
search on the slope. The contract must then pass the global incentive check. The restricted
problem takes eta = eta* (the corner :func:`corner` when eta* = 1); the unrestricted one
maximises the value over effort: under CARA on a grid refined by zooming
(:func:`cara_unrestricted`), otherwise by a coarse scan refined by Brent's method, with the
corner eta = 1 compared separately.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from scipy import optimize

from .. import binomial_kernel
from ..utility import UtilityProfile
from .agent import incentive_check
from .binary_terms import support_thresholds
from .optimise import (
    CLOSED_POINTS,
    LINEAR_SCAN,
    check_points,
    damped_newton,
    effort_scan,
    expand,
    scan_then_refine,
    value_of,
    zoom_maximise,
)
from .problem import ContractSolution, Problem, corner_upper_bound, within_bounds
from .skeleton import Best, Found, solve_class

__all__ = ["solve_linear", "restricted", "unrestricted", "for_target", "newton_wages", "cara_for_target", "cara_curve",
           "cara_unrestricted", "value_at", "corner"]


def cara_for_target(pb: Problem, etas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w0, w1, exists) of the linear contract inducing each effort when G = scale (1 -
    exp(-rate w)): E[G] = scale (1 - e^{-rate w0} M) with M = (1 - q + q z)^n and z =
    e^{-rate w1/n}, so the first-order condition fixes z in closed form and binding
    participation then w0 (Algorithm 4 in closed form).

    Parameters
    ----------
    pb : Problem
        A problem whose profile is CARA (``profile.cara`` = (rate, scale)).
    etas : numpy.ndarray
        Target efforts.

    Returns
    -------
    tuple of numpy.ndarray
        w0, w1 and ``exists``, one entry per effort; ``exists`` is False where no such z
        exists or the wages leave [w_lo, w_hi].

    Examples
    --------
    One check, c = 1, eta = 1/2 under Figure 3's G = 1 - exp(-w), E = 0.18 eta^2: q = 3/4,
    the first-order condition G(w0 + w1) - G(w0) = 2 E'(1/2) = 0.36 and participation
    G(w0)/4 + 3 G(w0 + w1)/4 = E(1/2) = 0.045 give G(w0) = -0.225, G(w0 + w1) = 0.135, so
    w0 = -log 1.225 and w0 + w1 = -log 0.865:

    >>> from annotator_incentives import utility
    >>> pb = Problem.make(1, 1.0, utility.profile("figure3"))
    >>> w0, w1, exists = cara_for_target(pb, np.array([0.5]))
    >>> round(float(w0[0]), 6), round(float(w0[0] + w1[0]), 6), bool(exists[0])
    (-0.202941, 0.145026, True)
    """
    n, c, profile = pb
    rate, scale = profile.cara
    q = binomial_kernel.pass_probability(etas, c)
    need_u, need_du = profile.U0 + profile.E(etas), profile.dE(etas)
    with np.errstate(divide="ignore", invalid="ignore"):
        K = need_du / (scale - need_u)
        one_minus_z = K / (n * c / 2 + K * q)  # 1 - z, kept exact for large n
        exists = (one_minus_z >= 0) & (one_minus_z < 1)
        one_minus_z = np.where(exists, one_minus_z, 0.0)
        w1 = -n * np.log1p(-one_minus_z) / rate
        w0 = (-np.log1p(-need_u / scale) + n * np.log1p(-q * one_minus_z)) / rate  # log1p: no cancellation for a large scale
    exists &= within_bounds(profile, w0, w0 + w1)
    return w0, w1, exists


def cara_curve(pb: Problem, w0: float, w1: float) -> Callable[[np.ndarray], np.ndarray]:
    """The agent's utility E[G(w0 + w1 X/n)] - E(eta) for CARA G, as a vectorised function of
    effort, exact through the binomial moment generating function E[exp(-rate w1 X/n)] =
    (1 - q + q exp(-rate w1/n))^n: the incentive check of a CARA linear contract uses it.

    Parameters
    ----------
    pb : Problem
        A problem with a CARA profile.
    w0, w1 : float
        The contract's base wage and slope.

    Returns
    -------
    callable
        Efforts (an array) to the agent's utilities.

    Examples
    --------
    The contract of :func:`cara_for_target`'s example: participation binds at eta = 1/2,
    which is the agent's best effort.

    >>> from annotator_incentives import utility
    >>> pb = Problem.make(1, 1.0, utility.profile("figure3"))
    >>> utility_of = cara_curve(pb, -np.log(1.225), np.log(1.225 / 0.865))
    >>> utility_of(np.array([0.4, 0.5, 0.6])).round(6) + 0.0
    array([-0.0018,  0.    , -0.0018])
    """
    n, c, profile = pb
    rate, scale = profile.cara
    one_minus_z = -np.expm1(-rate * w1 / n)

    def curve(etas: np.ndarray) -> np.ndarray:
        q = binomial_kernel.pass_probability(etas, c)
        return scale * -np.expm1(-rate * w0 + n * np.log1p(-q * one_minus_z)) - profile.E(etas)

    return curve


def for_target(pb: Problem, eta: float) -> tuple[float, float] | None:
    """(w0, w1) with participation binding and the agent's first-order condition at eta (the
    first-order contract of Algorithm 4). Under CARA in closed form (:func:`cara_for_target`);
    otherwise Newton's method on both equations (:func:`newton_wages`), else the marginal
    incentive, which grows with the slope, meets E'(eta) at a root bracketed by doubling and
    found by Brent. The sums run over the window of outcomes that carry the mass
    (:func:`~annotator_incentives.binomial_kernel.window_pmf`).

    Parameters
    ----------
    pb : Problem
        The checked problem.
    eta : float
        The effort to induce.

    Returns
    -------
    tuple of float or None
        (w0, w1); None when no such contract respects the wage bounds.

    Examples
    --------
    As in :func:`cara_for_target`'s example, w0 = -log 1.225:

    >>> from annotator_incentives import utility
    >>> w0, w1 = for_target(Problem.make(1, 1.0, utility.profile("figure3")), 0.5)
    >>> round(w0, 6), round(w0 + w1, 6)
    (-0.202941, 0.145026)
    """
    n, c, profile = pb
    if profile.cara is not None:
        w0, w1, ok = (float(v[0]) for v in cara_for_target(pb, np.array([eta])))
        if not ok:
            return None
    else:
        q = float(binomial_kernel.pass_probability(eta, c))
        window, pmf = binomial_kernel.window_pmf(n, q)
        share = np.arange(window.start, window.stop) / n
        need_u, need_du = profile.U0 + float(profile.E(eta)), float(profile.dE(eta))
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = np.where(
                pmf > 0, pmf * np.nan_to_num(binomial_kernel.score(share * n, n, c, q)), 0.0
            )  # q = 1: infinite score where pmf = 0
        contract = newton_wages(profile, pmf, weight, share, need_u, need_du, c)
        if contract is None:
            contract = _nested_wages(profile, pmf, weight, share, need_u, need_du)
        if contract is None:
            return None
        w0, w1 = contract
    if not within_bounds(profile, w0, w0 + w1):
        return None
    return float(w0), float(w1)


def newton_wages(profile, pmf: np.ndarray, weight: np.ndarray, share: np.ndarray, need_u: float, need_du: float,
                 c: float, iterations: int = 60) -> tuple[float, float] | None:
    """(w0, w1) with E[G(w0 + w1 X/n)] = ``need_u`` (participation binds) and
    E[s(X) G(w0 + w1 X/n)] = ``need_du`` (the first-order condition; ``weight`` = pmf times the
    score s), by Newton's method on both equations (:func:`~annotator_incentives.contracts.optimise.damped_newton`);
    the Jacobian is [[E G'(w), E G'(w) X/n], [E s G'(w), E s G'(w) X/n]]. The start is the
    small-risk linearisation around the flat wage w = G^{-1}(need_u): w1 = 2 need_du/(c G'(w)),
    since E[s X/n] = c/2. Steps are halved while they do not reduce the residual.

    Parameters
    ----------
    profile : UtilityProfile
        G and its derivative.
    pmf, weight, share : numpy.ndarray
        Over the outcomes x summed: P(X = x), P(X = x) s(x) and x/n.
    need_u, need_du : float
        U_0 + E(eta) and E'(eta).
    c : float
        The signal strength (for the start).
    iterations : int, optional
        Newton steps at most.

    Returns
    -------
    tuple of float or None
        (w0, w1); None when it does not converge to 64 eps sqrt(terms) of the sums'
        magnitudes (the caller takes the nested root searches).

    Examples
    --------
    :func:`cara_for_target`'s example by Newton's method: n = 1, q = 3/4, s(0) = -2,
    s(1) = 2/3.

    >>> from annotator_incentives import utility
    >>> pmf, share = np.array([0.25, 0.75]), np.array([0.0, 1.0])
    >>> weight = pmf * np.array([-2.0, 2 / 3])
    >>> w0, w1 = newton_wages(utility.profile("figure3"), pmf, weight, share, 0.045, 0.18, 1.0)
    >>> round(w0, 6), round(w0 + w1, 6)
    (-0.202941, 0.145026)
    """
    flat = float(profile.wage_for_utility(need_u))
    w1 = 2 * need_du / (c * float(profile.dG(flat)))

    def residual(x: np.ndarray):
        u = profile.G(x[0] + x[1] * share)
        r = np.array([pmf @ u - need_u, weight @ u - need_du])
        return r, np.array([max(abs(need_u), float(pmf @ np.abs(u))), max(abs(need_du), float(np.abs(weight) @ np.abs(u)))]), None

    def jacobian(x: np.ndarray, _) -> np.ndarray:
        slope = profile.dG(x[0] + x[1] * share)
        return np.array([[pmf @ slope, (pmf * share) @ slope], [weight @ slope, (weight * share) @ slope]])

    floor = 64 * np.finfo(float).eps * np.sqrt(pmf.size)
    found = damped_newton(residual, jacobian, np.array([flat - w1 * float(pmf @ share), w1]), floor, iterations)
    return None if found is None else (float(found[0]), float(found[1]))


def _nested_wages(profile, pmf: np.ndarray, weight: np.ndarray, share: np.ndarray, need_u: float,
                  need_du: float) -> tuple[float, float] | None:
    """(w0, w1) as :func:`newton_wages`, by nested root searches: w0 for binding participation
    given w1 (Brent), w1 where the marginal incentive meets E'(eta) (doubling, then Brent)."""
    def base_for(w1: float) -> float:
        return optimize.brentq(
            lambda w0: pmf @ profile.G(w0 + w1 * share) - need_u, profile.w_lo - w1, profile.w_hi, xtol=1e-14
        )

    def foc(w1: float) -> float:
        return float(weight @ profile.G(base_for(w1) + w1 * share)) - need_du

    try:
        if foc(0.0) > 0:
            return None
        lo, hi, found = expand(lambda w1: foc(w1) > 0, 0.0, 0.05, limit=profile.w_hi - profile.w_lo)
        if not found:
            return None
        w1 = optimize.brentq(foc, lo, hi, xtol=1e-14)
        return base_for(w1), w1
    except ValueError:
        return None


def _compatible(pb: Problem, wages: np.ndarray, eta: float, w0: float, w1: float) -> bool:
    curve = cara_curve(pb, w0, w1) if pb.profile.cara is not None else None
    return incentive_check(wages, eta, pb.n, pb.c, pb.profile, check_points(pb.n, pb.c), curve=curve, screen=True).compatible


def value_at(pb: Problem, eta: float, check: bool = True) -> Best | None:
    """The linear contract inducing eta (:func:`for_target`) with its value mu(eta) -
    (w0 + w1 q(eta)). Without ``check`` it is the first-order contract: the best of those is
    optimal among the incentive-compatible ones when it passes the check itself (they are a
    subset).

    Parameters
    ----------
    pb, eta : Problem, float
        The problem and the effort to induce.
    check : bool, optional
        Whether the contract must pass the global incentive check (default True).

    Returns
    -------
    ``Best`` or None
        (value, (eta, wages, params w0 and w1)); None if the contract does not exist or (with
        ``check``) fails the check.

    Examples
    --------
    :func:`cara_for_target`'s contract is worth mu(1/2) - (w0 + 3 w1/4) =
    0.5^1.8 + (log 1.225)/4 + (3 log 0.865)/4:

    >>> from annotator_incentives import utility
    >>> best = value_at(Problem.make(1, 1.0, utility.profile("figure3")), 0.5)
    >>> round(best.value, 6), round(0.5 ** 1.8 + float(np.log(1.225) / 4 + 3 * np.log(0.865) / 4), 6)
    (0.22914, 0.22914)
    """
    contract = for_target(pb, eta)
    if contract is None:
        return None
    w0, w1 = contract
    wages = w0 + w1 * np.arange(pb.n + 1) / pb.n
    if check and not _compatible(pb, wages, eta, w0, w1):
        return None
    value = float(pb.profile.mu(eta)) - (w0 + w1 * float(binomial_kernel.pass_probability(eta, pb.c)))
    return Best(value, Found(eta, wages, {"w0": w0, "w1": w1}))


def cara_unrestricted(pb: Problem, points: int = CLOSED_POINTS) -> Best | None:
    """The best linear contract for a CARA profile, with its value (the unrestricted problem
    of Theorem 2): each effort's value is closed-form (:func:`cara_for_target`), so it is
    maximised over a grid of ``points`` efforts and refined by
    :func:`~annotator_incentives.contracts.optimise.zoom_maximise` (assumed unimodal, as the
    scan of the general route does). CARA makes the agent's utility concave in effort, so the
    first-order condition is also sufficient and the corner eta = 1 is included.

    Parameters
    ----------
    pb : Problem
        A problem with a CARA profile.
    points : int, optional
        The effort grid (default ``CLOSED_POINTS``).

    Returns
    -------
    ``Best`` or None
        The best contract; None (use the numerical route) if it fails the global check.

    Examples
    --------
    It agrees with the numerical route:

    >>> from annotator_incentives import utility
    >>> pb = Problem.make(11, 0.98, utility.profile("figure3"))
    >>> round(cara_unrestricted(pb).value, 6), round(unrestricted(pb, closed_form=False).value, 6)
    (0.301657, 0.301657)
    """
    def values(etas: np.ndarray) -> np.ndarray:
        w0, w1, exists = cara_for_target(pb, etas)
        return np.where(exists, pb.profile.mu(etas) - (w0 + w1 * binomial_kernel.pass_probability(etas, pb.c)), -np.inf)

    etas = np.linspace(0.0, 1.0, points)[1:]
    v = values(etas)
    if not np.isfinite(v.max()):
        return None
    i = int(np.argmax(v))
    best_etas, best_values = zoom_maximise(values, etas[[max(i - 1, 0)]], etas[[min(i + 1, etas.size - 1)]], points=points)
    eta = float(best_etas[0])
    w0, w1, _ = (float(x[0]) for x in cara_for_target(pb, np.array([eta])))
    wages = w0 + w1 * np.arange(pb.n + 1) / pb.n
    if not _compatible(pb, wages, eta, w0, w1):
        return None
    return Best(float(best_values[0]), Found(eta, wages, {"w0": w0, "w1": w1}))


def corner(pb: Problem) -> Best | None:
    """Full effort eta = 1 with its value: the cheapest linear contract within the wage
    bounds that makes eta = 1 the agent's global best response (the smallest slope that does,
    found by doubling and bisection). Under CARA the utility is concave in effort and the
    first-order condition with equality is the answer.

    Parameters
    ----------
    pb : Problem
        n, c and the profile, whose wage bounds cap the slope.

    Returns
    -------
    ``Best`` or None
        The corner contract; None if no linear contract induces eta = 1.

    Examples
    --------
    With one check and c = 1 the outcome at eta = 1 is certain, so the corner attains the
    bound :func:`~annotator_incentives.contracts.problem.corner_upper_bound`, 1/2 + log 0.82:

    >>> from annotator_incentives import utility
    >>> best = corner(Problem.make(1, 1.0, utility.profile("figure3")))
    >>> best.found.eta, round(best.value, 6)
    (1.0, 0.301549)
    """
    n, c, profile = pb
    if profile.cara is not None:
        return value_at(pb, 1.0)
    wages = _full_effort_wages(pb)
    if wages is None:
        return None
    value = float(profile.mu(1.0)) - float(binomial_kernel.pmf_all(n, float(binomial_kernel.pass_probability(1.0, c))) @ wages)
    return Best(value, Found(1.0, wages, {"w0": float(wages[0]), "w1": float(wages[-1] - wages[0])}))


def _full_effort_wages(pb: Problem) -> np.ndarray | None:
    """The wages of the smallest slope w1 at which eta = 1 is the agent's global best response
    once participation binds there (doubling, then bisection: a steeper slope only makes full
    effort more attractive). The agent's marginal utility at eta = 1 must also reach E'(1)
    exactly (binomial lemma), so that the answer does not lean on the tie rule."""
    n, c, profile = pb
    x = np.arange(n + 1)
    q1 = float(binomial_kernel.pass_probability(1.0, c))
    window, pmf = binomial_kernel.window_pmf(n, q1)  # the sums over the outcomes that carry the mass
    share = np.arange(window.start, window.stop) / n
    k = support_thresholds(n, q1)
    lemma = binomial_kernel.tail_eta_slope(k, n, c, q1)  # d/deta E[f(X)] = sum_k lemma_k (f(k) - f(k - 1))
    need = profile.U0 + float(profile.E(1.0))

    def contract(w1: float) -> np.ndarray | None:
        try:
            w0 = optimize.brentq(lambda w0: pmf @ profile.G(w0 + w1 * share) - need, profile.w_lo, profile.w_hi, xtol=1e-14)
        except ValueError:
            return None
        wages = w0 + w1 * x / n
        return wages if wages[-1] <= profile.w_hi else None

    def marginal(wages: np.ndarray) -> float:
        utilities = profile.G(wages[k[0] - 1:k[-1] + 1])
        return float(lemma @ np.diff(utilities))

    last: list[np.ndarray] = []  # the wages of the latest slope found to work: the search's hi

    def works(w1: float) -> bool:
        wages = contract(w1)
        if wages is None or not marginal(wages) >= float(profile.dE(1.0)):
            return False
        if not incentive_check(wages, 1.0, n, c, profile, check_points(n, c), screen=True).compatible:
            return False
        last[:] = [wages]
        return True

    def local(w1: float) -> bool:  # the marginal condition alone: necessary, and cheap
        wages = contract(w1)
        return wages is not None and marginal(wages) >= float(profile.dE(1.0))

    limit, give_up = profile.w_hi - profile.w_lo, lambda w1: w1 > 1 and contract(w1) is None
    lo, hi, found = expand(local, 0.0, 0.05, limit=limit, give_up=give_up)
    if found:
        for _ in range(50):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if local(mid) else (mid, hi)
        if works(hi):  # the smallest slope meeting the marginal condition is also globally compatible
            return last[0]
    lo, hi, found = expand(works, 0.0, 0.05, limit=limit, give_up=give_up)
    if not found:
        return None
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if works(mid) else (mid, hi)
    return last[0]  # hi always works, and the latest slope that worked is hi


def restricted(pb: Problem) -> Found | None:
    """The linear contract inducing the first-best effort eta* (the restricted problem, value
    C~_n, of Algorithm 4): :func:`value_at` eta*, or :func:`corner` when eta* = 1.

    Parameters
    ----------
    pb : Problem
        Its profile's first-best gives eta*.

    Returns
    -------
    ``Found`` or None
        (eta*, wages, params w0 and w1); None if no linear contract induces eta*.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> pb = Problem.make(11, 0.98, utility.profile("figure3"))
    >>> found = restricted(pb)
    >>> found.eta == pb.first_best.eta, round(found.params["w1"], 6)
    (True, 0.798463)
    """
    eta = pb.first_best.eta
    best = corner(pb) if eta >= 1.0 else value_at(pb, eta)
    return None if best is None else best.found


def unrestricted(pb: Problem, closed_form: bool = True) -> Best | None:
    """The best linear contract (the unrestricted problem, value C_n, of Algorithm 4 and
    Theorem 2): under CARA by the closed form (:func:`cara_unrestricted`), else (and as the safe
    route) a scan of [0, 1] refined by Brent's method, against the corner eta = 1.

    Parameters
    ----------
    pb : Problem
        The checked problem.
    closed_form : bool, optional
        Whether a CARA profile takes the closed form first (default True).

    Returns
    -------
    ``Best`` or None
        The best contract found, None if no linear contract is incentive compatible.

    Examples
    --------
    At n = 11 the best linear contract asks for more than the first-best effort:

    >>> from annotator_incentives import utility
    >>> best = unrestricted(Problem.make(11, 0.98, utility.profile("figure3")))
    >>> round(best.found.eta, 4), round(best.value, 6)
    (0.9613, 0.301657)
    """
    if closed_form and pb.profile.cara is not None:
        best = cara_unrestricted(pb)
        if best is not None:
            return best
    scan = effort_scan(LINEAR_SCAN, pb.n, pb.c)
    eta, value = scan_then_refine(lambda e: value_of(value_at(pb, e, check=False)), scan)
    interior = value_at(pb, eta) if np.isfinite(value) else None  # the best first-order contract, if compatible
    if interior is None:  # else the best among the incentive-compatible ones
        eta, value = scan_then_refine(lambda e: value_of(value_at(pb, e)), scan)
        interior = value_at(pb, eta) if np.isfinite(value) else None
    top = corner(pb) if corner_upper_bound(pb.profile) > value else None
    return top if top is not None and top.value > value_of(interior) else interior


def solve_linear(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Best linear contract w0 + w1 X/n (Algorithm 4, Theorem 2).

    Parameters
    ----------
    n, c, profile, problem
        As for :func:`~annotator_incentives.contracts.solve.solve`; under a CARA profile the
        unrestricted problem (the default) is solved in closed form per effort.

    Returns
    -------
    ContractSolution
        params w0 and w1 (the slope).

    Raises
    ------
    ContractError
        As for :func:`~annotator_incentives.contracts.solve.solve`: n, c, the profile or the problem invalid.
    ~annotator_incentives.contracts.certify.UncertifiedContractError
        When no answer can be certified (a closed-form answer that fails its certificate is
        solved again by the numerical route first).

    Examples
    --------
    With one check, w0 + w1 X and w0 + w1 1{X >= 1} are the same contract:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts import solve
    >>> fig3 = utility.profile("figure3")
    >>> round(solve_linear(1, 0.98, fig3).principal_utility, 6)
    0.298989
    >>> round(solve("binary", 1, 0.98, fig3).principal_utility, 6)
    0.298989
    """
    return solve_class("linear", n, c, profile, problem, restricted, unrestricted, {"w1": 0.0},
                       safe=partial(unrestricted, closed_form=False))
