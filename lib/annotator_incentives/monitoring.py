"""Assessing an annotator: expert-based and self-consistency monitoring, computed exactly.

The annotator model (the paper's equations (2)-(3), built on its Assumption 1, Z ~ Bern(p)): with
probability eta the annotator labels as the population does, ``Z ~ Bern(p)``; otherwise by a fair
coin. Both monitoring methods reduce to a count of passed checks ``X ~ Bin(n, q(eta))`` with

    q(eta) = (1 + c * eta) / 2,

where ``c = E[4 (p - 1/2)(p_e - 1/2)]`` for agreement with an expert (Proposition 2) and
``c = 1 - delta`` for agreement with oneself on a repeated item (Proposition 4). Everything a
test or an estimator can do with that count is computed here from exact binomial sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.special import rel_entr

from . import binomial, binomial_kernel, validation
from .validation import AnnotatorInputError

__all__ = [
    "MonitoringError",
    "OutOfReachError",
    "Monitor",
    "expert_monitor",
    "self_consistency_monitor",
    "label_probability",
    "agreement_probability",
    "signal_strength",
    "expert_kl_divergence",
    "le_cam_bound",
    "error_sum_lower_bound",
    "lr_threshold",
    "threshold_test_errors",
    "error_sum",
    "ump_threshold",
    "EtaEstimate",
    "estimate_eta",
    "fisher_information",
    "samples_needed",
    "samples_needed_asymptotic",
    "self_consistency_needs_fewer",
    "monte_carlo_error_sum",
    "samples_needed_lower_bound",
    "expert_bound_curves",
    "self_consistency_curves",
    "monte_carlo_error_sum_curves",
    "fisher_ratio_table",
    "sample_size_table",
]


class MonitoringError(AnnotatorInputError):
    """Parameters outside the model: probabilities outside [0, 1], eta_0 >= eta_1, n < 1, ...

    Examples
    --------
    >>> try:
    ...     estimate_eta(11, 10, 1.0)  # 11 passes out of 10 checks
    ... except MonitoringError as error:
    ...     print(error)
    passes must be a whole number at least 0 and at most 10; got 11
    """


class OutOfReachError(MonitoringError):
    """A target error sum that no number of samples up to the search's limit reaches.

    Examples
    --------
    >>> try:
    ...     samples_needed(0.01, 0.5, 0.5001, n_max=1000)  # pass rates 1e-4 apart
    ... except OutOfReachError as error:
    ...     print(error)
    error sum 0.01 needs more than n_max=1,000 samples
    """


def _probability(name: str, value) -> np.ndarray:
    return validation.probabilities(name, value, MonitoringError)


def _together(**arrays: np.ndarray) -> None:
    """Arrays that broadcast together, else a MonitoringError naming their shapes."""
    try:
        np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(a)}" for name, a in arrays.items())
        raise MonitoringError(f"{' and '.join(arrays)} must have one shape (or broadcast together); got {shapes}") from None


def _hypotheses(eta0: float, eta1: float) -> tuple[float, float]:
    eta0, eta1 = validation.probability("eta0", eta0, MonitoringError), validation.probability("eta1", eta1, MonitoringError)
    if not eta0 < eta1:
        raise MonitoringError(f"need eta0 < eta1 (H0: eta <= eta0 against H1: eta >= eta1); got eta0={eta0}, eta1={eta1}")
    return eta0, eta1


def _sample_sizes(n) -> np.ndarray:
    return validation.counts("n (inspected samples)", n, MonitoringError, minimum=1)


def _pass_rates(q0, q1) -> tuple[float, float]:
    q0, q1 = validation.probability("q0", q0, MonitoringError), validation.probability("q1", q1, MonitoringError)
    if not q0 < q1:
        raise MonitoringError(f"need 0 <= q0 < q1 <= 1; got q0={q0}, q1={q1}")
    return q0, q1


def _distinguishable(q0, q1) -> None:
    """Pass probabilities that are equal as floats (a signal c (eta1 - eta0) below rounding):
    no number of checks tells the hypotheses apart, an :class:`OutOfReachError` saying so.

    Examples
    --------
    >>> try:
    ...     _distinguishable(0.5, 0.5 + 1e-17)  # doctest: +ELLIPSIS
    ... except OutOfReachError as error:
    ...     print(error)
    the careless and the careful annotator pass a check with the same ...
    >>> _distinguishable(0.5, 0.6) is None
    True
    """
    if isinstance(q0, (float, np.floating)) and isinstance(q1, (float, np.floating)) and q0 == q1 and 0 <= q0 <= 1:
        raise OutOfReachError(f"the careless and the careful annotator pass a check with the same probability, {q0!r}, to "
                              "double precision (the signal is too weak, or eta1 too close to eta0): no number of checks "
                              "tells them apart")


def _kl(kl) -> float:
    """A KL divergence: a number >= 0, infinity allowed (hypotheses that one label can separate)."""
    if isinstance(kl, (float, np.floating)) and kl == np.inf:
        return np.inf
    return validation.real("the KL divergence D", kl, MonitoringError, 0.0)


def label_probability(eta, p) -> np.ndarray:
    r"""P(Z = 1) = eta p + (1 - eta)/2, the label probability of the paper's annotator model.

    With probability :math:`\eta` the annotator labels as the population does, :math:`Z \sim
    \mathrm{Bern}(p)`, otherwise by a fair coin (the paper's Section 2, equations (2)-(3)).

    Parameters
    ----------
    eta : array_like
        The annotator's effort (commitment), in [0, 1].
    p : array_like
        Preference probabilities in [0, 1]; broadcast against ``eta``.

    Returns
    -------
    numpy.ndarray
        :math:`\eta p + (1 - \eta)/2`, in the broadcast shape of ``eta`` and ``p``.

    Raises
    ------
    MonitoringError
        A value outside [0, 1] or not a number, or shapes that do not broadcast together.

    Examples
    --------
    >>> float(label_probability(0.5, 0.9))  # 0.5 * 0.9 + 0.25
    0.7
    """
    eta, p = _probability("eta", eta), _probability("p", p)
    _together(eta=eta, p=p)
    return eta * p + (1 - eta) / 2


def agreement_probability(eta, p, p_e=1.0) -> np.ndarray:
    r"""P(Z = Z_e) = 1/2 + 2 eta (p - 1/2)(p_e - 1/2): agreement with an expert (Proposition 2).

    The expert's label :math:`Z_e \sim \mathrm{Bern}(p_e)` is conditionally independent of the
    annotator's, so one check passes with probability :math:`\tfrac12 + 2\eta(p - \tfrac12)(p_e -
    \tfrac12)`.

    Parameters
    ----------
    eta : array_like
        The annotator's effort, in [0, 1].
    p : array_like
        Preference probabilities in [0, 1].
    p_e : array_like, default 1.0
        The expert's probability of preferring the first response, in [0, 1] (1: the expert
        always prefers the higher-scored response, as in the paper's numerical work).

    Returns
    -------
    numpy.ndarray
        The agreement probability, in the broadcast shape of the inputs.

    Raises
    ------
    MonitoringError
        A value outside [0, 1], or shapes that do not broadcast together.

    Examples
    --------
    >>> round(float(agreement_probability(0.5, 0.9)), 12)  # 1/2 + 2 * 0.5 * 0.4 * 0.5
    0.7
    """
    eta, p, p_e = _probability("eta", eta), _probability("p", p), _probability("p_e", p_e)
    _together(eta=eta, p=p, p_e=p_e)
    return 0.5 + 2 * eta * (p - 0.5) * (p_e - 0.5)


def signal_strength(p, p_e=1.0) -> float:
    r"""c-bar = E[4 (p - 1/2)(p_e - 1/2)] over a sample of p (Proposition 2); with p_e = 1, E[2p - 1].

    The expert monitor's pass probability is :math:`q(\eta) = (1 + \bar c \eta)/2`.

    Parameters
    ----------
    p : array_like
        The dataset's preference probabilities, in [0, 1].
    p_e : array_like, default 1.0
        The expert's preference probabilities, in [0, 1].

    Returns
    -------
    float
        :math:`\bar c`, in [-1, 1].

    Raises
    ------
    MonitoringError
        A value outside [0, 1] or not a number.

    Examples
    --------
    >>> round(signal_strength([0.9, 0.7]), 12)  # mean of 2p - 1: (0.8 + 0.4) / 2
    0.6
    """
    p, p_e = _probability("p", p), _probability("p_e", p_e)
    return float(np.mean(4 * (p - 0.5) * (p_e - 0.5)))


@dataclass(frozen=True)
class Monitor:
    """A monitoring signal whose pass probability is q(eta) = (1 + c eta)/2 (Propositions 2
    and 4): :func:`expert_monitor` and :func:`self_consistency_monitor` make one; c is checked
    on construction.

    Attributes
    ----------
    name : str
        What the monitor is called in tables and figures.
    c : float
        The signal strength, in (0, 1].

    Examples
    --------
    >>> coin = Monitor("coin", 0.5)
    >>> float(coin.q(1.0)), float(coin.fisher(0.0))  # (1 + 0.5)/2 and c**2
    (0.75, 0.25)
    """

    name: str
    c: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", validation.signal_strength(f"{self.name}: signal strength c", self.c, MonitoringError))

    def q(self, eta) -> np.ndarray:
        """Pass probability of one check at effort eta."""
        return binomial_kernel.pass_probability(_probability("eta", eta), self.c)

    def fisher(self, eta) -> np.ndarray:
        """Fisher information about eta in one check: c^2 / (1 - c^2 eta^2)."""
        return fisher_information(eta, self.c)


def expert_monitor(p, p_e=1.0, name: str = "expert") -> Monitor:
    r"""Agreement with an expert: a :class:`Monitor` with c = c-bar of the dataset's p (Proposition 2).

    Parameters
    ----------
    p, p_e : array_like
        As in :func:`signal_strength` (``p_e`` defaults to 1.0).
    name : str, default "expert"
        The monitor's name.

    Returns
    -------
    Monitor
        A monitor whose check passes with probability :math:`(1 + \bar c \eta)/2`.

    Raises
    ------
    MonitoringError
        A value outside [0, 1], or :math:`\bar c` outside (0, 1] (every p is 1/2: no signal).

    Examples
    --------
    >>> monitor = expert_monitor([0.9, 0.7])
    >>> round(monitor.c, 12), round(float(monitor.q(1.0)), 12)  # c-bar = 0.6; q(1) = (1 + 0.6) / 2
    (0.6, 0.8)
    """
    return Monitor(name, signal_strength(p, p_e))


def self_consistency_monitor(delta: float, name: str = "self-consistency") -> Monitor:
    r"""Agreement with oneself on a repeated item: a :class:`Monitor` with c = 1 - delta (Proposition 4).

    A committed annotator repeats its label with probability :math:`1 - \delta`, a careless one with
    probability 1/2, so a check passes with probability :math:`(1 + (1 - \delta)\eta)/2`, whatever p.

    Parameters
    ----------
    delta : float
        A fully committed annotator's disagreement rate with itself, in [0, 1).
    name : str, default "self-consistency"
        The monitor's name.

    Returns
    -------
    Monitor
        The self-consistency monitor.

    Raises
    ------
    MonitoringError
        ``delta`` outside [0, 1) or not a number.

    Examples
    --------
    >>> monitor = self_consistency_monitor(0.02)
    >>> round(monitor.c, 12), round(float(monitor.q(0.5)), 12)  # (1 + 0.98 * 0.5) / 2
    (0.98, 0.745)
    """
    delta = validation.probability("delta", delta, MonitoringError)
    if delta >= 1:
        raise MonitoringError("delta must be below 1: a committed annotator who never repeats a label gives no signal")
    return Monitor(name, 1 - delta)


def expert_kl_divergence(p, eta0: float, eta1: float) -> float:
    """D = E_p KL(Bern(eta0 p + (1-eta0)/2) || Bern(eta1 p + (1-eta1)/2)) (Proposition 1).

    The KL divergence between the label distributions of a careless (eta0) and a careful (eta1)
    annotator, averaged over the dataset's p: the information per label of an expert test that
    knows every p. It feeds Le Cam's bound (:func:`le_cam_bound`, :func:`error_sum_lower_bound`).
    Infinite when some p is 0 or 1 and eta1 = 1 (a committed annotator never errs there).

    Parameters
    ----------
    p : array_like
        The dataset's preference probabilities, in [0, 1].
    eta0, eta1 : float
        The hypotheses' efforts, 0 <= eta0 < eta1 <= 1.

    Returns
    -------
    float
        D >= 0, possibly infinite.

    Raises
    ------
    MonitoringError
        A value outside [0, 1], or eta0 >= eta1.

    Examples
    --------
    >>> round(expert_kl_divergence([1.0], 0.0, 0.5), 10)  # KL(Bern(1/2) || Bern(3/4)) = log(4/3) / 2
    0.1438410362
    >>> expert_kl_divergence([1.0], 0.8, 1.0)
    inf
    """
    eta0, eta1 = _hypotheses(eta0, eta1)
    p = _probability("p", p)
    a, b = label_probability(eta0, p), label_probability(eta1, p)
    return float(np.mean(rel_entr(a, b) + rel_entr(1 - a, 1 - b)))


def le_cam_bound(n, kl: float) -> np.ndarray:
    r"""Le Cam: type I + type II error of any test >= exp(-n D) / 2 (Proposition 1).

    Parameters
    ----------
    n : int or array_like of int
        Numbers of inspected samples, >= 1.
    kl : float
        The KL divergence D per sample (:func:`expert_kl_divergence`), >= 0, infinity allowed.

    Returns
    -------
    numpy.ndarray
        :math:`\tfrac12 e^{-nD}` at each n.

    Raises
    ------
    MonitoringError
        n not a whole number >= 1, or D negative or not a number.

    Examples
    --------
    >>> float(le_cam_bound(2, np.log(2)))  # exp(-2 log 2) / 2 = 1/8
    0.125
    """
    return 0.5 * np.exp(-_sample_sizes(n) * _kl(kl))


def error_sum_lower_bound(n, kl: float) -> np.ndarray:
    """max{0, 1 - sqrt(nD/2), 1 - sqrt(1 - exp(-nD))}: the smallest error sum any test can have.

    The bound is 1 - TV, with the total variation TV bounded by Pinsker's inequality and by
    Bretagnolle-Huber's (Proposition 1; the bound the paper's Figures 1, 2, 7 and 8 plot).

    Parameters
    ----------
    n, kl
        As in :func:`le_cam_bound`: checks n >= 1, and D >= 0 (infinity allowed).

    Returns
    -------
    numpy.ndarray
        The lower bound on type I + type II error at each n, in [0, 1].

    Raises
    ------
    MonitoringError
        n below 1 or not whole; D below 0 or NaN.

    Examples
    --------
    >>> round(float(error_sum_lower_bound(2, 0.5)), 12)  # nD = 1: Pinsker gives 1 - sqrt(1/2)
    0.292893218813
    >>> f"{float(error_sum_lower_bound(100, 0.5)):.4e}"  # nD = 50: about exp(-50) / 2, not 0
    '9.6437e-23'
    """
    with np.errstate(invalid="ignore"):  # n D with D = inf
        nd = _sample_sizes(n) * _kl(kl)
    # 1 - sqrt(1 - e) written as e / (1 + sqrt(1 - e)), e = exp(-nD): the difference would round
    # to 0 once e < 1e-16 (nD > 37), where the bound is still about e / 2
    bretagnolle_huber = np.exp(-nd) / (1 + np.sqrt(-np.expm1(-nd)))
    return np.maximum.reduce([np.zeros_like(nd, dtype=float), 1 - np.sqrt(nd / 2), bretagnolle_huber])


def lr_threshold(n, q0: float, q1: float) -> np.ndarray:
    r"""Smallest pass count k at which the likelihood ratio of Bin(n, q1) to Bin(n, q0) exceeds 1.

    The test "declare eta >= eta1 when X >= k" is then the likelihood-ratio test with threshold 1
    (ties, where the ratio is exactly 1, are declared H0). k = n + 1 means "never". In closed form
    :math:`k = \lfloor n t \rfloor + 1` with :math:`t = \log\frac{1 - q_0}{1 - q_1} \big/
    \big(\log\frac{q_1}{q_0} + \log\frac{1 - q_0}{1 - q_1}\big)`. It is the optimal test behind
    :func:`error_sum` (Propositions 2 and 4).

    Parameters
    ----------
    n : int or array_like of int
        Numbers of checks, >= 1.
    q0, q1 : float
        Pass probabilities of one check under H0 and H1, 0 <= q0 < q1 <= 1.

    Returns
    -------
    numpy.ndarray
        The threshold k at each n (integers).

    Raises
    ------
    MonitoringError
        n not a whole number >= 1, or not 0 <= q0 < q1 <= 1.

    Examples
    --------
    >>> int(lr_threshold(10, 0.5, 0.7))  # t = log(5/3) / log(7/3) = 0.603
    7
    """
    n = _sample_sizes(n)
    q0, q1 = _pass_rates(q0, q1)
    if q1 == 1:
        return n.copy()  # any failed check is impossible under H1
    if q0 == 0:
        return np.ones_like(n)  # any passed check is impossible under H0
    # log LR(k) = k log(q1/q0) + (n - k) log((1-q1)/(1-q0)) > 0  <=>  k > n * t
    t = np.log1p((q1 - q0) / (1 - q1)) / (np.log(q1 / q0) + np.log1p((q1 - q0) / (1 - q1)))
    return np.floor(n * t).astype(np.int64) + 1


def _upper(k, n, q: float) -> np.ndarray:
    """P(Bin(n, q) >= k) at every n: the regularised incomplete beta function I_q(k, n - k + 1)
    (scipy's betainc, boost's ibeta), which takes n as a float. (scipy's bdtrc, the binomial
    kernel's route, takes n as a C int, is nan from n = 2**31 on, and drifts from the exact value
    as n grows: 2e-12 relatively at n = 1,000, 6e-7 at 2**31 - 1; betainc agrees with a sum of
    pmfs to 1e-11 there.)"""
    k, n = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    inside = (k >= 1) & (k <= n)
    kk = np.clip(k, 1, np.maximum(n, 1))  # within the beta function's domain where outside
    return np.where(inside, special.betainc(kk, n - kk + 1, q), np.where(k < 1, 1.0, 0.0))


def _lower(k, n, q: float) -> np.ndarray:
    """P(Bin(n, q) < k) at every n, computed directly (accurate when tiny): I_{1-q}(n - k + 1, k)."""
    k, n = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    inside = (k >= 1) & (k <= n)
    kk = np.clip(k, 1, np.maximum(n, 1))
    return np.where(inside, special.betainc(n - kk + 1, kk, 1 - q), np.where(k < 1, 0.0, 1.0))


def threshold_test_errors(n, k, q0: float, q1: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact (type I, type II) of "declare H1 when X >= k", X ~ Bin(n, q).

    The binomial tails are computed by the regularised incomplete beta function, at every n
    (2**31 and beyond included): type I is :math:`P(\mathrm{Bin}(n, q_0) \ge k)`, type II
    :math:`P(\mathrm{Bin}(n, q_1) < k)`.

    Parameters
    ----------
    n : int or array_like of int
        Numbers of checks, >= 1.
    k : int or array_like of int
        Pass thresholds, >= 0 (k > n never declares H1).
    q0, q1 : float
        Pass probabilities under H0 and H1, in [0, 1].

    Returns
    -------
    tuple of numpy.ndarray
        (type I error, type II error), in the broadcast shape of n and k.

    Raises
    ------
    MonitoringError
        n or k not whole numbers in range, or q0, q1 outside [0, 1].

    Examples
    --------
    >>> first, second = threshold_test_errors(2, 2, 0.5, 0.9)  # declare H1 when both checks pass
    >>> round(float(first), 12), round(float(second), 12)  # 0.5**2 and 1 - 0.9**2
    (0.25, 0.19)
    """
    n = _sample_sizes(n)
    k = validation.counts("k (pass threshold)", k, MonitoringError)
    q0, q1 = validation.probability("q0", q0, MonitoringError), validation.probability("q1", q1, MonitoringError)
    return _upper(k, n, q0), _lower(k, n, q1)


def error_sum(n, q0: float, q1: float) -> np.ndarray:
    r"""Type I + type II error of the likelihood-ratio test (threshold 1), exactly.

    This is the smallest error sum of any test between Bin(n, q0) and Bin(n, q1): it equals
    1 - TV(Bin(n, q0), Bin(n, q1)). Exact at every n, 2**31 and beyond included. With
    :math:`q = (1 + c\eta)/2` it is the error of expert (Proposition 2) and self-consistency
    (Proposition 4) monitoring, plotted in the paper's Figures 2 and 8.

    Parameters
    ----------
    n, q0, q1
        As in :func:`lr_threshold`: checks n >= 1 and pass probabilities 0 <= q0 < q1 <= 1.

    Returns
    -------
    numpy.ndarray
        The optimal error sum at each n, in [0, 1].

    Raises
    ------
    MonitoringError
        Checks or pass probabilities out of range (as for :func:`lr_threshold`).

    Examples
    --------
    >>> float(error_sum(1, 0.5, 1.0))  # one check; pass when committed: H1 is declared on a pass
    0.5
    >>> round(float(error_sum(5, 0.5, 0.9)), 12)  # k = 4: 6/32 + (1 - 0.9**5 - 5 * 0.9**4 * 0.1)
    0.26896
    >>> bool(error_sum(2**31, 0.6, 0.6001) < error_sum(2**31 - 1, 0.6, 0.6001))
    True
    """
    first, second = threshold_test_errors(n, lr_threshold(n, q0, q1), q0, q1)
    return first + second


def ump_threshold(n: int, q0: float, alpha: float) -> int:
    """Smallest k with P(X >= k | q0) <= alpha: the non-randomised UMP test of size alpha.

    By Karlin-Rubin (X is sufficient and the family has monotone likelihood ratio), "declare H1
    when X >= k" is uniformly most powerful among tests of its size (Proposition 2), at every n.

    Parameters
    ----------
    n : int
        Number of checks, >= 1.
    q0 : float
        Pass probability under H0, in [0, 1].
    alpha : float
        The size, in [0, 1].

    Returns
    -------
    int
        The threshold k, from 0 to n + 1 (n + 1: never declare H1).

    Raises
    ------
    MonitoringError
        n not a whole number >= 1, or q0, alpha outside [0, 1].

    Examples
    --------
    >>> ump_threshold(10, 0.5, 0.05)  # P(X >= 9) = 11/1024 <= 0.05 < P(X >= 8) = 56/1024
    9
    """
    n = validation.count("n (inspected samples)", n, MonitoringError, minimum=1)
    alpha = validation.probability("alpha", alpha, MonitoringError)
    q0 = validation.probability("q0", q0, MonitoringError)
    lo, hi = -1, n + 1  # P(X >= n + 1) = 0 <= alpha; bisect on k, the size falls as k grows
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if float(_upper(mid, n, q0)) <= alpha:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True)
class EtaEstimate:
    """An estimate of eta from n checks with x passes, and its exact confidence interval, as
    :func:`estimate_eta` returns it.

    Attributes
    ----------
    n, passes : int
        Checks and passed checks.
    eta_hat : float
        (2 passes/n - 1)/c, not clipped.
    low, high : float
        The Clopper-Pearson interval mapped to effort, within [0, 1].
    level : float
        The interval's confidence level.

    Examples
    --------
    >>> estimate = estimate_eta(9, 10, 1.0)
    >>> estimate.n, estimate.passes, round(estimate.eta_hat, 12), estimate.level
    (10, 9, 0.8, 0.95)
    """

    n: int
    passes: int
    eta_hat: float
    low: float
    high: float
    level: float


def estimate_eta(passes: int, n: int, c: float, level: float = 0.95) -> EtaEstimate:
    r"""eta-hat = (2 A-bar - 1)/c with an exact confidence interval (Propositions 2-4).

    The Clopper-Pearson interval for the pass probability q is mapped through
    :math:`\eta = (2q - 1)/c` and clipped to [0, 1]; the point estimate is not clipped.

    Parameters
    ----------
    passes : int
        Passed checks, 0 <= passes <= n.
    n : int
        Checks, >= 1.
    c : float
        The monitor's signal strength, in (0, 1].
    level : float, default 0.95
        Confidence level, in (0, 1).

    Returns
    -------
    EtaEstimate
        n, passes, the estimate, the interval (low, high) and the level.

    Raises
    ------
    MonitoringError
        n below 1, passes outside [0, n], c outside (0, 1], or a level outside
        (0, 1).

    Examples
    --------
    >>> estimate = estimate_eta(9, 10, 1.0)  # (2 * 0.9 - 1) / 1
    >>> round(estimate.eta_hat, 12), round(estimate.low, 6), round(estimate.high, 6)
    (0.8, 0.109968, 0.994943)
    """
    n = validation.count("n (inspected samples)", n, MonitoringError, minimum=1)
    passes = validation.count("passes", passes, MonitoringError, 0, n)
    c = validation.signal_strength("signal strength c", c, MonitoringError)
    level = validation.open_probability("level", level, MonitoringError)
    q_low, q_high = (float(q) for q in binomial.clopper_pearson(passes, n, level))
    to_eta = lambda q: float(np.clip((2 * q - 1) / c, 0, 1))  # noqa: E731
    return EtaEstimate(n, passes, (2 * passes / n - 1) / c, to_eta(q_low), to_eta(q_high), level)


def fisher_information(eta, c) -> np.ndarray:
    r"""I(eta) = c^2 / (1 - c^2 eta^2): the Fisher information about eta in one check.

    For one check with :math:`P(\text{pass}) = (1 + c\eta)/2` (our reading of the paper's v2;
    consistent with Propositions 3-4): estimation error scales as :math:`1/\sqrt{n I}` and the
    contract gaps of Theorems 1 and 2 as :math:`1/\sqrt{I n \log n}` and :math:`1/(I n)`.

    Parameters
    ----------
    eta : array_like
        Efforts in [0, 1].
    c : array_like
        Signal strengths in (0, 1].

    Returns
    -------
    numpy.ndarray
        :math:`c^2/(1 - c^2\eta^2)`; infinite at :math:`c\eta = 1`.

    Raises
    ------
    MonitoringError
        eta outside [0, 1] or c outside (0, 1].

    Examples
    --------
    >>> round(float(fisher_information(0.5, 1.0)), 12)  # 1 / (1 - 1/4)
    1.333333333333
    >>> float(fisher_information(0.0, 0.5))  # c**2 at eta = 0
    0.25
    """
    eta = _probability("eta", eta)
    c = _probability("signal strength c", c)
    if np.any(c == 0):
        raise MonitoringError("signal strength c must lie in (0, 1]; got 0")
    with np.errstate(divide="ignore"):
        return c**2 / (1 - (c * eta) ** 2)


def samples_needed(target: float, q0: float, q1: float, n_max: int = 10**7) -> int:
    """Smallest n with error_sum(n) <= target, exactly.

    The optimal error sum never rises with n, so a doubling then bisection search finds it. This
    is the sample size the paper reads off Figures 1 and 2 (Propositions 2 and 4).

    Parameters
    ----------
    target : float
        The target type I + type II error sum, in (0, 1).
    q0, q1 : float
        Pass probabilities under H0 and H1, 0 <= q0 < q1 <= 1.
    n_max : int, optional
        The largest n searched; by default ten million.

    Returns
    -------
    int
        The smallest sufficient number of checks.

    Raises
    ------
    OutOfReachError
        n_max checks do not reach the target, or q0 and q1 are equal as floats.
    MonitoringError
        An argument out of range.

    Examples
    --------
    >>> samples_needed(0.3, 0.5, 0.9)  # error_sum(4) = 0.3648, error_sum(5) = 0.26896
    5
    """
    target = validation.open_probability("target error sum", target, MonitoringError)
    _distinguishable(q0, q1)
    q0, q1 = _pass_rates(q0, q1)
    n_max = validation.count("n_max", n_max, MonitoringError, minimum=1)
    hi = 1
    while error_sum(hi, q0, q1) > target:
        if hi >= n_max:
            raise OutOfReachError(f"error sum {target} needs more than n_max={n_max:,} samples")
        hi = min(2 * hi, n_max)
    lo = hi // 2  # error_sum(lo) > target, or lo == 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if error_sum(mid, q0, q1) <= target:
            hi = mid
        else:
            lo = mid
    return hi


def samples_needed_asymptotic(target: float, monitor: Monitor, eta0: float, eta1: float) -> float:
    r"""Normal approximation to the sample size: n ~ (2 z)^2 / (I (eta1 - eta0)^2).

    Here :math:`z = \Phi^{-1}(1 - \text{target}/2)` and I is the Fisher information at the midpoint
    of eta0 and eta1: the optimal error sum is about :math:`2\Phi(-\sqrt{nI}(\eta_1 - \eta_0)/2)`
    for close hypotheses. (The paper's v2 states the order :math:`2\log(1/(2\,\text{target}))
    / (I(\eta_1 - \eta_0)^2)`, smaller by a constant factor; both scale as 1/I.)

    Parameters
    ----------
    target : float
        The target error sum, in (0, 1).
    monitor : Monitor
        The monitoring signal.
    eta0, eta1 : float
        The hypotheses, 0 <= eta0 < eta1 <= 1.

    Returns
    -------
    float
        The approximate number of checks (not rounded).

    Raises
    ------
    MonitoringError
        An argument out of range, or ``monitor`` not a :class:`Monitor`.

    Examples
    --------
    >>> round(samples_needed_asymptotic(0.1, self_consistency_monitor(0.0), 0.8, 0.95), 6)
    112.730977
    """
    eta0, eta1 = _hypotheses(eta0, eta1)
    target = validation.open_probability("target error sum", target, MonitoringError)
    validation.instance("monitor", monitor, Monitor, MonitoringError)
    info = float(monitor.fisher((eta0 + eta1) / 2))
    z = stats.norm.isf(target / 2)
    return float((2 * z) ** 2 / (info * (eta1 - eta0) ** 2))


def self_consistency_needs_fewer(delta: float, c_bar: float) -> bool:
    """Proposition 4: self-consistency beats expert monitoring when 1 - delta > c-bar.

    Parameters
    ----------
    delta : float
        A committed annotator's disagreement rate with itself, in [0, 1].
    c_bar : float
        The expert monitor's signal strength, in [-1, 1].

    Returns
    -------
    bool
        Whether self-consistency has the larger signal (and needs fewer checks).

    Raises
    ------
    MonitoringError
        delta outside [0, 1] or c_bar outside [-1, 1].

    Examples
    --------
    >>> self_consistency_needs_fewer(0.02, 0.6)  # 0.98 > 0.6
    True
    """
    delta = validation.probability("delta", delta, MonitoringError)
    c_bar = validation.real("c-bar", c_bar, MonitoringError, -1.0, 1.0)
    return 1 - delta > c_bar


def monte_carlo_error_sum(n: int, q0: float, q1: float, trials: int, rng: np.random.Generator) -> float:
    """Reference: the paper's simulation of the likelihood-ratio test's error sum.

    Draws ``trials`` counts under each hypothesis and counts the errors of the test of
    :func:`lr_threshold`; :func:`error_sum` gives the exact value.

    Parameters
    ----------
    n : int
        Checks, from 1 up to 2**63 - 1 (numpy's sampler).
    q0, q1 : float
        Pass probabilities under H0 and H1, 0 <= q0 < q1 <= 1.
    trials : int
        Simulated annotators per hypothesis, >= 1.
    rng : numpy.random.Generator
        The random generator (``numpy.random.default_rng(seed)``).

    Returns
    -------
    float
        The simulated type I + type II error.

    Raises
    ------
    MonitoringError
        An argument out of range, or ``rng`` not a numpy Generator.

    Examples
    --------
    >>> monte_carlo_error_sum(1, 0.0, 1.0, 100, np.random.default_rng(0))  # one check separates them
    0.0
    """
    n = validation.count("n (inspected samples)", n, MonitoringError, 1, np.iinfo(np.int64).max)
    k = int(lr_threshold(n, q0, q1))
    trials = validation.count("trials", trials, MonitoringError, minimum=1)
    validation.instance("rng", rng, np.random.Generator, MonitoringError, " (numpy.random.default_rng(seed))")
    false_pass = np.mean(rng.binomial(n, q0, size=trials) >= k)
    false_fail = np.mean(rng.binomial(n, q1, size=trials) < k)
    return float(false_pass + false_fail)


def samples_needed_lower_bound(target: float, kl: float) -> int:
    r"""Smallest n at which error_sum_lower_bound(n, D) <= target.

    No expert test, even one that knows every p, reaches the target with fewer checks
    (Proposition 1; closed form of the two bounds: :math:`n \ge \max\{2(1 - t)^2/D,\
    -\log(t(2 - t))/D\}` for target t).

    Parameters
    ----------
    target : float
        The target error sum, in (0, 1).
    kl : float
        The KL divergence D per sample, > 0, infinity allowed.

    Returns
    -------
    int
        The bound on the number of checks, >= 1.

    Raises
    ------
    MonitoringError
        The target out of range, or D = 0 (no number of checks tells the hypotheses apart).
    OutOfReachError
        D so small that the bound exceeds what a float can count.

    Examples
    --------
    >>> samples_needed_lower_bound(0.1, 0.01)  # Bretagnolle-Huber: -log(0.19) / 0.01 = 166.1
    167
    """
    target = validation.open_probability("target error sum", target, MonitoringError)
    kl = _kl(kl)
    if kl == 0:
        raise MonitoringError("the KL divergence D is 0: the hypotheses cannot be told apart with any number of samples")
    if kl == np.inf:
        return 1
    with np.errstate(over="ignore"):
        pinsker = 2 * (1 - target) ** 2 / kl
        bretagnolle_huber = -np.log(target * (2 - target)) / kl  # -log(1 - (1 - target)^2), exact near 0
    need = max(pinsker, bretagnolle_huber)
    if not np.isfinite(need):
        raise OutOfReachError(f"the KL divergence D = {kl:g} is too small: the bound needs more samples than a float can count")
    return max(1, int(np.ceil(need - 1e-9)))


def expert_bound_curves(p, n, eta0s, eta1: float) -> pd.DataFrame:
    """The error-sum lower bound against n for each eta0: Figure 1 (bottom) and Figure 7.

    Parameters
    ----------
    p : array_like
        The dataset's preference probabilities, in [0, 1].
    n : array_like of int
        Numbers of checks, >= 1.
    eta0s : array_like
        Efforts of the careless annotator, each below ``eta1``.
    eta1 : float
        Effort of the careful annotator.

    Returns
    -------
    pandas.DataFrame
        One row per (eta0, n): columns n, eta0, eta1, kl (:func:`expert_kl_divergence`) and
        lower_bound (:func:`error_sum_lower_bound`).

    Raises
    ------
    MonitoringError
        p or an effort outside [0, 1], an eta0 at or above eta1, or n below 1.

    Examples
    --------
    >>> curves = expert_bound_curves([1.0], [1, 2], [0.0], 0.5)
    >>> curves.lower_bound.round(6).tolist()  # D = log(4/3) / 2: 1 - sqrt(1 - exp(-n D))
    [0.73182, 0.620736]
    """
    n = _sample_sizes(n)
    rows = []
    for eta0 in _probability("eta0s", eta0s).ravel():
        kl = expert_kl_divergence(p, eta0, eta1)
        rows.append(pd.DataFrame({"n": n, "eta0": eta0, "eta1": eta1, "kl": kl, "lower_bound": error_sum_lower_bound(n, kl)}))
    return pd.concat(rows, ignore_index=True)


def self_consistency_curves(n, deltas, eta0: float, eta1: float) -> pd.DataFrame:
    """Exact error sum of the self-consistency LR test against n for each delta: Figures 2 and 8.

    Parameters
    ----------
    n : array_like of int
        Numbers of checks, >= 1.
    deltas : array_like
        Disagreement rates of a committed annotator with itself, in [0, 1).
    eta0, eta1 : float
        The hypotheses, 0 <= eta0 < eta1 <= 1.

    Returns
    -------
    pandas.DataFrame
        One row per (delta, n): columns n, delta, eta0, eta1 and error_sum (:func:`error_sum`).

    Raises
    ------
    MonitoringError
        A delta outside [0, 1), eta0 >= eta1, or n below 1.

    Examples
    --------
    >>> self_consistency_curves([1, 5], [0.0], 0.0, 0.8).error_sum.round(12).tolist()  # q0 = 0.5, q1 = 0.9
    [0.6, 0.26896]
    """
    eta0, eta1 = _hypotheses(eta0, eta1)
    n = _sample_sizes(n)
    rows = []
    for delta in _probability("deltas", deltas).ravel():
        monitor = self_consistency_monitor(delta)
        errors = error_sum(n, float(monitor.q(eta0)), float(monitor.q(eta1)))
        rows.append(pd.DataFrame({"n": n, "delta": delta, "eta0": eta0, "eta1": eta1, "error_sum": errors}))
    return pd.concat(rows, ignore_index=True)


def monte_carlo_error_sum_curves(n, deltas, eta0: float, eta1: float, trials: int, seed: int) -> pd.DataFrame:
    """Reference for Figure 2: the paper's simulation of the error sum, seeded.

    Parameters
    ----------
    n, deltas, eta0, eta1
        As in :func:`self_consistency_curves`.
    trials : int
        Simulated annotators per hypothesis and point, >= 1.
    seed : int
        The seed of ``numpy.random.default_rng``, a whole number >= 0.

    Returns
    -------
    pandas.DataFrame
        One row per (delta, n): columns n, delta, eta0, eta1 and error_sum (simulated,
        :func:`monte_carlo_error_sum`).

    Raises
    ------
    MonitoringError
        As for :func:`self_consistency_curves`, or trials or seed not whole numbers in range.

    Examples
    --------
    >>> curves = monte_carlo_error_sum_curves([5], [0.0], 0.0, 0.8, trials=2000, seed=0)
    >>> bool(abs(curves.error_sum[0] - 0.26896) < 0.05)  # the exact error sum, error_sum(5, 0.5, 0.9)
    True
    """
    eta0, eta1 = _hypotheses(eta0, eta1)
    rng = np.random.default_rng(validation.count("seed", seed, MonitoringError))
    rows = []
    for delta in _probability("deltas", deltas).ravel():
        monitor = self_consistency_monitor(delta)
        q0, q1 = float(monitor.q(eta0)), float(monitor.q(eta1))
        for size in _sample_sizes(n):
            rows.append(
                {
                    "n": int(size),
                    "delta": delta,
                    "eta0": eta0,
                    "eta1": eta1,
                    "error_sum": monte_carlo_error_sum(int(size), q0, q1, trials, rng),
                }
            )
    return pd.DataFrame(rows)


def fisher_ratio_table(deltas, c_bars: dict[str, float], eta: float) -> pd.DataFrame:
    """I_sc(eta) / I_expert(eta) with c = 1 - delta against c = c-bar (Proposition 4).

    Parameters
    ----------
    deltas : array_like
        Disagreement rates of a committed annotator with itself, in [0, 1).
    c_bars : dict of str to float
        The expert signal strengths to compare with, by label (at least one).
    eta : float
        The effort at which the informations are compared, in [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per (label, delta): columns label, c_bar, delta and ratio.

    Raises
    ------
    MonitoringError
        An argument out of range, or ``c_bars`` empty or not a dict.

    Examples
    --------
    >>> fisher_ratio_table([0.0, 0.5], {"expert": 0.5}, 0.0).ratio.tolist()  # (1 - delta)**2 / 0.25 at eta = 0
    [4.0, 1.0]
    """
    deltas = _probability("delta", deltas)
    validation.instance("c_bars", c_bars, dict, MonitoringError, " (a label for each c-bar)")
    if not c_bars:
        raise MonitoringError("c_bars is empty: give at least one expert signal strength c-bar")
    rows = []
    for label, c_bar in c_bars.items():
        expert = fisher_information(eta, c_bar)
        rows.append(
            pd.DataFrame({"label": label, "c_bar": c_bar, "delta": deltas, "ratio": fisher_information(eta, 1 - deltas) / expert})
        )
    return pd.concat(rows, ignore_index=True)


def sample_size_table(p_by_dataset: dict[str, np.ndarray], targets, deltas, eta0: float, eta1: float) -> pd.DataFrame:
    """Inspected samples needed for each target error sum, by monitor (Propositions 1, 2 and 4).

    Rows: the expert agreement test (exact, :func:`samples_needed`), the lower bound of any expert
    test (:func:`samples_needed_lower_bound`) for each dataset, and self-consistency for each delta
    (exact), with the asymptotic Fisher-information formula (:func:`samples_needed_asymptotic`)
    beside each exact number.

    Parameters
    ----------
    p_by_dataset : dict of str to array_like
        Each dataset's preference probabilities, by name.
    targets : iterable of float
        Target error sums, in (0, 1).
    deltas : iterable of float
        Disagreement rates for the self-consistency rows, in [0, 1).
    eta0, eta1 : float
        The careless and the careful effort, 0 <= eta0 < eta1 <= 1.

    Returns
    -------
    pandas.DataFrame
        Columns dataset, method and one "n for error <target>" column of text per target.

    Raises
    ------
    MonitoringError
        An argument out of range.
    OutOfReachError
        A target that a monitor cannot reach.

    Examples
    --------
    >>> table = sample_size_table({"toy": np.ones(10)}, [0.3], [0.0], 0.0, 0.8)
    >>> table["n for error 0.3"].tolist()  # c = 1 for both monitors: q0 = 0.5, q1 = 0.9
    ['5 (≈ 6)', '≥ 2', '5 (≈ 6)']
    """
    eta0, eta1 = _hypotheses(eta0, eta1)
    rows = []

    def add(dataset: str, method: str, monitor: Monitor | None, kl: float | None = None) -> None:
        row = {"dataset": dataset, "method": method}
        for target in targets:
            if monitor is None:
                assert kl is not None, "a row without a monitor is the lower bound for the given KL divergence"
                row[f"n for error {target}"] = f"≥ {samples_needed_lower_bound(target, kl):,}"
            else:
                exact = samples_needed(target, float(monitor.q(eta0)), float(monitor.q(eta1)))
                approx = samples_needed_asymptotic(target, monitor, eta0, eta1)
                row[f"n for error {target}"] = f"{exact:,} (≈ {approx:,.0f})"
        rows.append(row)

    for dataset, p in p_by_dataset.items():
        expert = expert_monitor(p)
        add(dataset, f"expert agreement test (c̄ = {expert.c:.3f})", expert)
        add(dataset, "any expert test (lower bound)", None, expert_kl_divergence(p, eta0, eta1))
    for delta in deltas:
        add("any", f"self-consistency, δ = {delta:g}", self_consistency_monitor(delta))
    return pd.DataFrame(rows)
