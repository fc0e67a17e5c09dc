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
    """P(X_n(p) >= k) as n * integral_0^p P(X_{n-1}(u) = k - 1) du   (lemma (a), k >= 1), by
    quadrature of lemma (b)'s derivative :func:`tail_slope` (the tail itself is
    :func:`annotator_incentives.binomial.tail`). For k = 0 the tail is 1 (every count is >= 0; the
    integral form starts at k = 1); for k > n it is 0.

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
    """Lemma (e): the peak of d/dp P(X_n >= k) is about sqrt(n) / sqrt(2 pi s (1-s)) for k = s n."""
    n = validation.count("n", n, ContractError, 1)
    share = validation.open_probability("share", share, ContractError)
    return float(np.sqrt(n) / np.sqrt(2 * np.pi * share * (1 - share)))


class SlopeFit(tuple):
    """(slope, standard error, intercept) of log(gap) on log(n)."""

    @property
    def slope(self) -> float:
        return self[0]

    @property
    def stderr(self) -> float:
        return self[1]

    @property
    def intercept(self) -> float:
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
    """Least-squares slope of log gap against log n over n >= n_min, with its standard error
    (``min_points`` positive gaps at the least, at two different n; with two the line is exact
    and the error 0). n are finite numbers > 0; gaps that are not positive and finite are left out.

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
    """Two effort levels {low, high}: the best binary contract inducing ``high`` and its gap to
    the first-best for that effort, mu(high) - G^{-1}(E(high) + U_0) - (its value).

    For each threshold k the bonus utility b_k = (E(high) - E(low)) / (P_k(high) - P_k(low)) makes
    the agent indifferent (ties go to the recommendation) and participation fixes the base. The
    gap is the risk premium (1-P) [G^{-1}(u* - bP) - G^{-1}(u*)] + P [G^{-1}(u* + b(1-P)) - G^{-1}(u*)],
    evaluated with log1p for exponential G so that gaps far below 1e-16 keep their precision.
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
    """The rate figure's data: gaps and the Fisher information I(eta*) of each monitor."""
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
    """Log-log slopes (:func:`fit_loglog`) of ``values`` against ``n`` over sliding windows of
    ``points`` consecutive n (sorted): one row per window with n_lo, n_hi, n_mid (geometric
    middle) and slope (NaN where a value in the window is not positive and finite). A rate shows
    as a flat run of local slopes; a fit over a wide window averages them, plateaus included.
    n are finite numbers > 0, ``points`` a whole number >= 2.

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
    """Fit the log-log slope of ``values`` over n_min <= n <= n_max and fit ``reference`` (the
    theory's curve, e.g. 1/sqrt(n log n)) on the same points, so the two slopes are comparable.
    Returns the window, both slopes, the fit's standard error and their difference in
    standard errors (inf when the fit has no scatter)."""
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
