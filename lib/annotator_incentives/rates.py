"""How fast the first-best/second-best gap closes (the paper's Theorems 1 and 2).

- The binomial lemma behind Theorem 1, for X_n(p) ~ Bin(n, p): tail probabilities, their
  derivatives in p (the "bell curve" of the marginal incentive) and the integral form.
- Log-log slope fits with standard errors, for the rate figures.
- The discrete-action contrast (Frick, Iijima and Ishii 2023): with two effort levels, binary
  contracts close the gap like exp(-Theta(n)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import integrate, stats

from . import binomial, validation
from .binomial import pass_probability, tail, tail_curvature, tail_slope
from .contracts import ContractError, Problem, first_best, gap_table
from .monitoring import fisher_information
from .utility import UtilityProfile

__all__ = [
    "tail",
    "tail_slope",
    "tail_curvature",
    "tail_integral_form",
    "bell_peak",
    "SlopeFit",
    "fit_loglog",
    "discrete_action_gap",
    "gap_table_rates", "local_slopes", "fit_against_reference"]


def tail_integral_form(k: int, n: int, p: float) -> float:
    """n * integral_0^p P(X_{n-1}(u) = k - 1) du   (lemma (a)), by quadrature of lemma (b)'s
    derivative :func:`tail_slope` (the tail itself, :func:`tail`, and its curvature,
    :func:`tail_curvature`, are the binomial kernel's: :mod:`annotator_incentives.binomial`)."""
    n = validation.count("n", n, ContractError, 1)
    k = validation.count("k", k, ContractError, 0)
    p = validation.probability("p", p, ContractError)
    value, _ = integrate.quad(lambda u: float(binomial._tail_slope(k, n, u)), 0.0, p, epsabs=1e-14, epsrel=1e-12, limit=200)
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


def fit_loglog(n, gap, n_min: float = 0, min_points: int = 3) -> SlopeFit:
    """Least-squares slope of log gap against log n over n >= n_min, with its standard error
    (``min_points`` positive gaps at the least; with two the line is exact and the error 0)."""
    n = np.asarray(n, dtype=float)
    gap = np.asarray(gap, dtype=float)
    keep = (n >= n_min) & np.isfinite(gap) & (gap > 0)
    if keep.sum() < max(min_points, 2):
        raise ValueError(f"a slope fit needs at least {max(min_points, 2)} positive gaps")
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
    pass_high, pass_low = binomial._tail(k, n, q_high), binomial._tail(k, n, q_low)
    miss_high = binomial._below(k, n, q_high)  # 1 - P_k(high), accurate when tiny
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
    table = gap_table(profile, signals, ns, kinds=kinds, problems=problems, workers=workers)
    eta = first_best(profile).eta
    table["fisher"] = [float(fisher_information(eta, c)) for c in table["c"]]
    return table


# --- local slopes and windowed fits ---

def local_slopes(n, values, points: int = 5) -> pd.DataFrame:
    """Log-log slopes (:func:`fit_loglog`) of ``values`` against ``n`` over sliding windows of
    ``points`` consecutive n (sorted): one row per window with n_lo, n_hi, n_mid (geometric
    middle) and slope (NaN where a value in the window is not positive and finite). A rate shows
    as a flat run of local slopes; a fit over a wide window averages them, plateaus included."""
    n = np.asarray(n, dtype=float)
    values = np.asarray(values, dtype=float)
    order = np.argsort(n)
    n, values = n[order], values[order]
    if points < 2 or n.size < points:
        raise ValueError(f"local slopes need at least {max(points, 2)} points; got {n.size}")
    rows = []
    for i in range(n.size - points + 1):
        x, y = n[i:i + points], values[i:i + points]
        usable = np.all(np.isfinite(y)) and np.all(y > 0)
        slope = fit_loglog(x, y, min_points=points).slope if usable else float("nan")
        rows.append({"n_lo": x[0], "n_hi": x[-1], "n_mid": float(np.exp(np.log(x).mean())), "slope": slope})
    return pd.DataFrame(rows)


def fit_against_reference(n, values, reference, n_min: float = 0, n_max: float = np.inf) -> dict:
    """Fit the log-log slope of ``values`` over n_min <= n <= n_max and fit ``reference`` (the
    theory's curve, e.g. 1/sqrt(n log n)) on the same points, so the two slopes are comparable.
    Returns the window, both slopes, the fit's standard error and their difference in
    standard errors (inf when the fit has no scatter)."""
    n = np.asarray(n, dtype=float)
    keep = (n >= n_min) & (n <= n_max)
    fit = fit_loglog(n[keep], np.asarray(values, dtype=float)[keep])
    target = fit_loglog(n[keep], np.asarray(reference, dtype=float)[keep]).slope
    diff = fit.slope - target
    return {"n_min": float(n[keep].min()), "n_max": float(n[keep].max()), "points": int(keep.sum()),
            "slope": fit.slope, "stderr": fit.stderr, "reference_slope": float(target), "difference": float(diff),
            "in_stderr": float(abs(diff) / fit.stderr) if fit.stderr > 0 else float("inf")}
