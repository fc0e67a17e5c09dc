"""How fast the first-best/second-best gap closes (the paper's Theorems 1 and 2).

- The binomial lemma behind Theorem 1, for X_n(p) ~ Bin(n, p): tail probabilities, their
  derivatives in p (the "bell curve" of the marginal incentive) and the integral form. The tail
  itself is :func:`annotator_incentives.binomial.tail`; ``tail_slope`` and ``tail_curvature``
  here are :mod:`~annotator_incentives.binomial`'s functions themselves (the same objects,
  re-exported because the chapters read the lemma from this module).
- Log-log slope fits with standard errors, for the rate figures.
- The discrete-action contrast (Frick, Iijima and Ishii 2023): with two effort levels, binary
  contracts close the gap like exp(-Theta(n)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import integrate, stats

from . import binomial_kernel, validation
from .binomial import pass_probability, tail_curvature, tail_slope
from .contracts import ContractError, Problem, first_best, gap_table
from .monitoring import fisher_information
from .utility import UtilityProfile

__all__ = [
    "tail_slope",
    "tail_curvature",
    "tail_integral_form",
    "bell_peak",
    "SlopeFit",
    "fit_loglog",
    "discrete_action_gap",
    "gap_table_rates", "local_slopes", "fit_against_reference"]


def tail_integral_form(k: int, n: int, p: float) -> float:
    r"""P(X_n(p) >= k) as n * integral_0^p P(X_{n-1}(u) = k - 1) du: the binomial lemma (a), k >= 1.

    The lemma behind Theorem 1: :math:`P(X_n(p) \ge k) = n \int_0^p P(X_{n-1}(u) = k - 1)\,du`,
    computed by quadrature of lemma (b)'s derivative :func:`~annotator_incentives.binomial.tail_slope` (the tail itself,
    :func:`annotator_incentives.binomial.tail`, and its curvature, :func:`~annotator_incentives.binomial.tail_curvature`, are
    :mod:`annotator_incentives.binomial`'s). For k = 0 the tail is 1 (every count is >= 0; the
    integral form starts at k = 1); for k > n it is 0.

    Parameters
    ----------
    k : int
        The threshold, >= 0.
    n : int
        Trials, >= 1.
    p : float
        Success probability, in [0, 1].

    Returns
    -------
    float
        The tail probability, to the quadrature's accuracy (about 1e-12 relatively).

    Raises
    ------
    ContractError
        k or n not whole numbers in range, or p outside [0, 1].

    Examples
    --------
    >>> round(tail_integral_form(1, 2, 0.5), 12)  # P(X_2 >= 1) = 1 - 0.5**2
    0.75
    >>> tail_integral_form(0, 5, 0.3)
    1.0
    """
    n = validation.count("n", n, ContractError, 1)
    k = validation.count("k", k, ContractError, 0)
    p = validation.probability("p", p, ContractError)
    if k == 0:
        return 1.0
    value, _ = integrate.quad(lambda u: float(binomial_kernel.tail_slope(k, n, u)), 0.0, p, epsabs=1e-14, epsrel=1e-12, limit=200)
    return float(value)


def bell_peak(n: int, share: float) -> float:
    r"""Lemma (e): the peak of d/dp P(X_n >= k) is about sqrt(n) / sqrt(2 pi s (1 - s)) for k = s n.

    The height of the "bell curve" of the marginal incentive of a binary contract, which grows as
    :math:`\sqrt n` (Theorem 1's proof).

    Parameters
    ----------
    n : int
        Trials, >= 1.
    share : float
        The threshold's share s = k/n, in (0, 1).

    Returns
    -------
    float
        :math:`\sqrt{n} / \sqrt{2\pi s(1 - s)}`.

    Raises
    ------
    ContractError
        n not a whole number >= 1, or share outside (0, 1).

    Examples
    --------
    >>> round(bell_peak(100, 0.5), 10)  # 10 / sqrt(pi / 2)
    7.978845608
    """
    n = validation.count("n", n, ContractError, 1)
    share = validation.open_probability("share", share, ContractError)
    return float(np.sqrt(n) / np.sqrt(2 * np.pi * share * (1 - share)))


class SlopeFit(tuple):
    """(slope, standard error, intercept) of log(gap) on log(n), as :func:`fit_loglog`
    returns it; its properties name the three (the rate figures read ``slope``).

    Examples
    --------
    gap = 3/n exactly: slope -1, intercept log 3.

    >>> fit = fit_loglog([10, 20, 40, 80], [0.3, 0.15, 0.075, 0.0375])
    >>> round(fit.slope, 9), round(fit.stderr, 9), round(fit.intercept, 6)
    (-1.0, 0.0, 1.098612)
    """

    @property
    def slope(self) -> float:
        """The fitted slope of log(gap) on log(n).
        """
        return self[0]

    @property
    def stderr(self) -> float:
        """The slope's standard error.
        """
        return self[1]

    @property
    def intercept(self) -> float:
        """The fitted intercept.
        """
        return self[2]


def _curve(n, values, name: str = "gap") -> tuple[np.ndarray, np.ndarray]:
    """n (finite numbers > 0) and the values against it (numbers; NaN, infinite or non-positive
    values are allowed and left out by the fits), one-dimensional and equally long."""
    n = validation.probabilities("n", n, ContractError, 0.0, np.inf, open_ends=True).ravel()
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise ContractError(f"{name} must be numbers; got values of type {values.dtype}")
    values = values.astype(float).ravel()
    if values.shape != n.shape:
        raise ContractError(f"n and {name} must be equally long; got {n.size} and {values.size}")
    return n, values


def fit_loglog(n, gap, n_min: float = 0, min_points: int = 3) -> SlopeFit:
    r"""Least-squares slope of log gap against log n over n >= n_min, with its standard error.

    The rate figures' fit: Theorem 2 predicts slope -1 for linear contracts, Theorem 1 about
    -1/2 (:math:`1/\sqrt{n \log n}`) for binary ones. ``min_points`` positive gaps at the least,
    at two different n; with two the line is exact and the error 0. Gaps that are not positive
    and finite are left out.

    Parameters
    ----------
    n : array_like
        Finite numbers > 0.
    gap : array_like
        The gaps, as long as ``n``.
    n_min : float, default 0
        The smallest n fitted.
    min_points : int, default 3
        The fewest usable gaps, >= 2.

    Returns
    -------
    SlopeFit
        (slope, standard error, intercept) of the line log gap = intercept + slope · log n.

    Raises
    ------
    ContractError
        n or gap not numbers of one length; fewer than ``min_points`` usable gaps; all of them at one n.

    Examples
    --------
    >>> fit = fit_loglog([1, 10, 100], [1.0, 0.1, 0.01])  # gap = 1/n
    >>> round(fit.slope, 12), round(fit.stderr, 12)
    (-1.0, 0.0)
    """
    n, gap = _curve(n, gap)
    n_min = validation.real("n_min", n_min, ContractError)
    min_points = validation.count("min_points", min_points, ContractError, 2)
    keep = (n >= n_min) & np.isfinite(gap) & (gap > 0)
    if keep.sum() < min_points:
        raise ContractError(f"a slope fit needs at least {min_points} positive gaps at n >= {n_min:g}; got {int(keep.sum())}")
    if np.unique(n[keep]).size < 2:
        raise ContractError("a slope fit needs gaps at two different n at least")
    result = stats.linregress(np.log(n[keep]), np.log(gap[keep]))
    return SlopeFit((float(result.slope), float(result.stderr), float(result.intercept)))


def discrete_action_gap(n: int, c: float, profile: UtilityProfile, low: float = 0.0, high: float | None = None) -> dict:
    r"""Two effort levels {low, high}: the best binary contract inducing ``high`` and its gap.

    The discrete-action contrast to Theorem 1 (Frick, Iijima and Ishii 2023): the gap to the
    first-best for that effort, :math:`\mu(\text{high}) - G^{-1}(E(\text{high}) + U_0)` minus the
    contract's value, closes like :math:`\exp(-\Theta(n))`. For each threshold k the bonus utility
    :math:`b_k = (E(\text{high}) - E(\text{low})) / (P_k(\text{high}) - P_k(\text{low}))` makes the
    agent indifferent (ties go to the recommendation) and participation fixes the base. The gap is
    the risk premium :math:`(1 - P)[G^{-1}(u^* - bP) - G^{-1}(u^*)] + P[G^{-1}(u^* + b(1 - P)) -
    G^{-1}(u^*)]`, evaluated with log1p for exponential G so that gaps far below 1e-16 keep their
    precision.

    Parameters
    ----------
    n, c, profile
        Checks (>= 1), the monitor's signal strength (in (0, 1]) and the utility profile.
    low : float, default 0.0
        The low effort, in [0, 1).
    high : float, optional
        The effort to induce, above ``low``; by default the first-best effort.

    Returns
    -------
    dict
        n, the best threshold k, its gap, bonus_utility b_k and miss_probability 1 - P_k(high).

    Raises
    ------
    ContractError
        An argument out of range, or not 0 <= low < high <= 1.

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> discrete_action_gap(1, 1.0, profile("figure3"), high=1.0)  # q(1) = 1: never misses; b = 0.18 / (1 - 1/2)
    {'n': 1, 'k': 1, 'gap': 0.0, 'bonus_utility': 0.36, 'miss_probability': 0.0}
    >>> round(discrete_action_gap(2, 0.5, profile("figure3"), high=1.0)["gap"], 10)  # k = 1, P = 15/16, b = 0.96
    0.0249383359
    """
    n, c, profile = Problem.make(n, c, profile)
    low = validation.probability("low", low, ContractError)
    high = first_best(profile).eta if high is None else validation.probability("high", high, ContractError)
    if not 0 <= low < high <= 1:
        raise ContractError(f"need 0 <= low < high <= 1; got low={low}, high={high}")
    k = np.arange(1, n + 1)
    q_high, q_low = float(pass_probability(high, c)), float(pass_probability(low, c))
    pass_high, pass_low = binomial_kernel.tail(k, n, q_high), binomial_kernel.tail(k, n, q_low)
    miss_high = binomial_kernel.below(k, n, q_high)  # 1 - P_k(high), accurate when tiny
    u_star = profile.U0 + float(profile.E(high))
    with np.errstate(divide="ignore", invalid="ignore"):
        b = (float(profile.E(high)) - float(profile.E(low))) / (pass_high - pass_low)
        if profile.cara is not None:
            rate, scale = profile.cara
            room = scale - u_star  # G^{-1}(u) = -log(1 - u/scale)/rate
            premium = (miss_high * -np.log1p(b * pass_high / room) + pass_high * -np.log1p(-b * miss_high / room)) / rate
        else:
            w_star = float(profile.wage_for_utility(u_star))
            premium = (miss_high * (profile.wage_for_utility(u_star - b * pass_high) - w_star)
                       + pass_high * (profile.wage_for_utility(u_star + b * miss_high) - w_star))
    ok = (
        (pass_high > pass_low)
        & np.isfinite(premium)
        & (u_star + b * miss_high <= profile.u_hi)
        & (u_star - b * pass_high >= profile.u_lo)
    )
    premium = np.where(ok, premium, np.inf)
    i = int(np.argmin(premium))
    return {
        "n": int(n),
        "k": int(k[i]),
        "gap": float(premium[i]),
        "bonus_utility": float(b[i]),
        "miss_probability": float(miss_high[i]),
    }


def gap_table_rates(
    profile: UtilityProfile,
    signals: dict[str, float],
    ns,
    kinds=("binary", "linear"),
    problems=("restricted", "unrestricted"),
    workers: int = 2,
) -> pd.DataFrame:
    r"""The rate figure's data: the contract gaps and the Fisher information I(eta*) of each monitor.

    The gaps of :func:`~annotator_incentives.contracts.tables.gap_table` with a column ``fisher``,
    :math:`I(\eta^*) = c^2/(1 - c^2\eta^{*2})` at the first-best effort, against which the v2
    rates :math:`\Theta(1/\sqrt{I n \log n})` (Theorem 1) and :math:`\Theta(1/(I n))` (Theorem 2)
    are drawn.

    Parameters
    ----------
    profile : UtilityProfile
        The utility profile.
    signals : dict of str to float
        Each monitor's signal strength c, by name (at least one).
    ns : array_like of int
        Numbers of checks, >= 1.
    kinds : iterable of str, optional
        Contract classes; by default binary and linear.
    problems : iterable of str, optional
        Restricted (induce eta*) and unrestricted second-best problems; by default both.
    workers : int, default 2
        Worker processes of the solver.

    Returns
    -------
    pandas.DataFrame
        One row per (monitor, kind, problem, n), with the gap, the normalised gap and fisher.

    Raises
    ------
    ContractError
        ``signals`` empty or not a dict, ns not whole numbers >= 1, or what the solvers refuse.

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> table = gap_table_rates(profile("figure3"), {"self-consistency": 0.98}, [1, 10], kinds=("linear",),
    ...                         problems=("unrestricted",), workers=1)
    >>> table.gap.round(4).tolist(), round(float(table.fisher[0]), 4)
    ([0.0036, 0.0011], 6.6464)
    """
    validation.instance("signals", signals, dict, ContractError, " (a monitor's name for each signal strength c)")
    if not signals:
        raise ContractError("signals is empty: give at least one monitor's signal strength c")
    validation.counts("ns", ns, ContractError, 1)  # a named error for an empty list too
    table = gap_table(profile, signals, ns, kinds=kinds, problems=problems, workers=workers)
    eta = first_best(profile).eta
    table["fisher"] = [float(fisher_information(eta, c)) for c in table["c"]]
    return table


# --- local slopes and windowed fits ---

def local_slopes(n, values, points: int = 5) -> pd.DataFrame:
    """Log-log slopes of ``values`` against ``n`` over sliding windows of ``points`` consecutive n.

    Each window is fitted by :func:`fit_loglog` (n sorted): one row per window with n_lo, n_hi,
    n_mid (geometric middle) and slope (NaN where a value in the window is not positive and
    finite). A rate (Theorems 1 and 2) shows as a flat run of local slopes; a fit over a wide
    window averages them, plateaus included.

    Parameters
    ----------
    n, values : array_like
        As ``n`` and ``gap`` in :func:`fit_loglog`.
    points : int, default 5
        Points per window, >= 2.

    Returns
    -------
    pandas.DataFrame
        Columns n_lo, n_hi, n_mid and slope, one row per window: ``len(n) - points + 1`` rows.

    Raises
    ------
    ContractError
        n or values not numbers of one length, or fewer than ``points`` of them (no whole window).

    Examples
    --------
    >>> local_slopes([1, 10, 100], [1.0, 0.1, 0.01], points=2).slope.round(12).tolist()  # gap = 1/n
    [-1.0, -1.0]
    """
    n, values = _curve(n, values, "values")
    points = validation.count("points", points, ContractError, 2)
    order = np.argsort(n)
    n, values = n[order], values[order]
    if n.size < points:
        raise ContractError(f"local slopes need at least {points} points; got {n.size}")
    rows = []
    for i in range(n.size - points + 1):
        x, y = n[i:i + points], values[i:i + points]
        usable = np.all(np.isfinite(y)) and np.all(y > 0)
        slope = fit_loglog(x, y, min_points=points).slope if usable else float("nan")
        rows.append({"n_lo": x[0], "n_hi": x[-1], "n_mid": float(np.exp(np.log(x).mean())), "slope": slope})
    return pd.DataFrame(rows)


def _limit(name: str, value) -> float:
    """An upper bound: a number, infinity allowed."""
    if isinstance(value, (float, np.floating)) and value == np.inf:
        return np.inf
    return validation.real(name, value, ContractError)


def fit_against_reference(n, values, reference, n_min: float = 0, n_max: float = np.inf) -> dict:
    r"""The log-log slope of ``values`` and of the theory's curve ``reference`` on the same points.

    Fits ``values`` over n_min <= n <= n_max (:func:`fit_loglog`) and ``reference`` (e.g.
    :math:`1/\sqrt{n \log n}` for Theorem 1, 1/n for Theorem 2) on the same points, so the two
    slopes are comparable.

    Parameters
    ----------
    n : array_like
        Finite numbers > 0.
    values, reference : array_like
        The measured curve and the theory's, as long as ``n``.
    n_min : float, default 0
        The smallest n fitted.
    n_max : float, default inf
        The largest n fitted.

    Returns
    -------
    dict
        n_min, n_max and points of the window, slope and stderr of the fit, reference_slope, their
        difference, and in_stderr: the difference in standard errors (inf when the fit has no
        scatter).

    Raises
    ------
    ContractError
        Inputs of different lengths, or fewer than three usable points in the window.

    Examples
    --------
    >>> fit = fit_against_reference([10, 100, 1000], [0.1, 0.01, 0.001], [10**-0.5, 0.1, 1000**-0.5])
    >>> round(fit["slope"], 12), round(fit["reference_slope"], 12), fit["in_stderr"]  # 1/n against 1/sqrt(n)
    (-1.0, -0.5, inf)
    """
    n, values = _curve(n, values, "values")
    reference = _curve(n, reference, "reference")[1]
    n_min, n_max = validation.real("n_min", n_min, ContractError), _limit("n_max", n_max)
    keep = (n >= n_min) & (n <= n_max)
    fit = fit_loglog(n[keep], values[keep])
    target = fit_loglog(n[keep], reference[keep]).slope
    diff = fit.slope - target
    return {"n_min": float(n[keep].min()), "n_max": float(n[keep].max()), "points": int(keep.sum()),
            "slope": fit.slope, "stderr": fit.stderr, "reference_slope": float(target), "difference": float(diff),
            "in_stderr": float(abs(diff) / fit.stderr) if fit.stderr > 0 else float("inf")}
