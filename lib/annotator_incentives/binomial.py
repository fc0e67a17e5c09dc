"""The binomial kernel: one numerical route per quantity.

Every monitoring signal of the paper is X ~ Bin(n, q(eta)) with q(eta) = (1 + c eta)/2
(Propositions 2 and 4). This module computes, once and for everyone (monitoring, rates, the
contract solvers and the grid reference):

- q(eta), the pmf, the tails P(X >= k) and their derivatives (binomial lemma (b), (c));
- expectations E[f(X) | eta] and the likelihood score d/deta log P(X = x | eta);
- windowed sums for large n (outcomes beyond 14 standard deviations carry < 1e-40 of the mass);
- a byte-bounded cache of pmf matrices on effort grids;
- the Clopper-Pearson interval for a proportion.

Each public function checks its arguments once (n, k and x whole numbers, q and eta in [0, 1],
c in [-1, 1]; an array by one vectorised check) and raises :class:`BinomialError` naming the
value and the allowed range. The solvers, which check n, c and eta at their own boundary and
call the kernel thousands of times, use the unchecked functions of the same name in
``annotator_incentives.binomial_kernel`` (``binomial_kernel.tail``, ...), which these call:
one route per quantity, checked once at the public boundary.

It imports only :mod:`annotator_incentives.validation` from the package, so any module may use it.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from . import binomial_kernel as kernel
from . import validation
from .binomial_kernel import clear_cache
from .validation import AnnotatorInputError

__all__ = [
    "BinomialError",
    "DENSE_LIMIT",
    "pass_probability",
    "log_pmf",
    "pmf",
    "pmf_all",
    "pmf_matrix",
    "tail",
    "below",
    "tails_all",
    "tail_slope",
    "tail_curvature",
    "tail_eta_slope",
    "score",
    "window",
    "window_pmf",
    "expect",
    "pmf_grid",
    "clear_cache",
    "CACHE_BYTES",
    "clopper_pearson",
    "MAX_VALUES",
    "INT_N_LIMIT",
]

MAX_VALUES = 10**8  #: the largest array (numbers) a function here builds for its caller, 800 MB of floats
INT_N_LIMIT = 2**31 - 1  #: the largest n of a tail, since scipy's bdtr and bdtrc take n as a C int (beyond it they are nan)
DENSE_LIMIT = kernel.DENSE_LIMIT  #: above this n the pmf is scipy's saddle-point pmf and sums run over a window
CACHE_BYTES = kernel.CACHE_BYTES  #: the most memory (bytes) the cached pmf matrices of :func:`pmf_grid` take together


class BinomialError(AnnotatorInputError):
    """n, k or x not a whole number in range, a probability q or an effort eta outside [0, 1], or c outside [-1, 1].

    Examples
    --------
    Eleven passes out of ten checks: the message names the value and its range.

    >>> try:
    ...     pmf(11, 10, 0.5)
    ... except BinomialError as error:
    ...     print(error)
    x must be a whole number at least 0 and at most 10; got 11
    """


# --------------------------------------------------------------------------- checks at the public boundary


def _n(n, minimum: int = 0) -> int:
    return validation.count("n", n, BinomialError, minimum)


def _k(k) -> np.ndarray:
    return validation.counts("k", k, BinomialError, minimum=None)


def _x(x, n: int) -> np.ndarray:
    return validation.counts("x", x, BinomialError, 0, n)


def _q(q, name: str = "q") -> np.ndarray:
    return validation.probabilities(name, q, BinomialError)


def _c(c) -> float:
    return validation.real("signal strength c", c, BinomialError, -1.0, 1.0)


def _together(**arrays) -> None:
    """Arrays that broadcast together, else a BinomialError naming their shapes."""
    try:
        np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(a)}" for name, a in arrays.items())
        raise BinomialError(f"{' and '.join(arrays)} must have one shape (or broadcast together); got {shapes}") from None


def _values(name: str, size: int) -> None:
    """An array of ``size`` numbers that a public function would build: at most ``MAX_VALUES``."""
    if size > MAX_VALUES:
        raise BinomialError(f"{name} would hold {size:,} numbers ({8 * size / 2**30:,.1f} GiB), more than the "
                            f"{MAX_VALUES:,} this function builds; use a windowed sum (window_pmf, expect) for large n")


def _tail_n(n) -> int:
    """n for a binomial tail: at most ``INT_N_LIMIT`` (scipy's tails are nan beyond)."""
    return validation.count("n", n, BinomialError, 0, INT_N_LIMIT)


# --------------------------------------------------------------------------- the checked functions (the kernel: binomial_kernel)


def pass_probability(eta, c) -> np.ndarray:
    """q(eta) = (1 + c eta)/2, the chance that one check is passed (Propositions 2 and 4).

    Parameters
    ----------
    eta : float or array_like
        Efforts in [0, 1].
    c : float
        The signal strength, in [-1, 1] (so that q is a probability).

    Returns
    -------
    numpy.ndarray
        q(eta), shaped like ``eta``.

    Raises
    ------
    BinomialError
        When an effort lies outside [0, 1] or c outside [-1, 1].

    Examples
    --------
    >>> float(pass_probability(0.5, 0.8))
    0.7
    """
    c = _c(c)
    return kernel.pass_probability(validation.probabilities("effort eta", eta, BinomialError), c)


def log_pmf(x, n: int, q) -> np.ndarray:
    """log P(Bin(n, q) = x) by log-gamma sums.

    Parameters
    ----------
    x : int or array_like of int
        Outcomes in 0..n (broadcast against ``q``).
    n : int
        Trials, n >= 0.
    q : float or array_like
        Success probabilities in [0, 1].

    Returns
    -------
    numpy.ndarray
        The log-probabilities (-inf for an impossible outcome).

    Raises
    ------
    BinomialError
        When x is not a whole number in 0..n, n not a whole number >= 0, q outside [0, 1], or
        x and q do not broadcast.

    Examples
    --------
    >>> round(float(log_pmf(0, 2, 0.5)), 6)  # log 0.25
    -1.386294
    """
    n = _n(n)
    x, q = _x(x, n), _q(q)
    _together(x=x, q=q)
    return kernel.log_pmf(x, n, q)


def pmf(x, n: int, q) -> np.ndarray:
    """P(Bin(n, q) = x): exp of log-gamma sums (fast) up to ``DENSE_LIMIT``; scipy's saddle-point
    pmf beyond, where the log-gamma route loses about 1e-9 relatively.

    Parameters
    ----------
    x, n, q
        As for :func:`log_pmf`: outcomes in 0..n, trials n >= 0, probabilities in [0, 1].

    Returns
    -------
    numpy.ndarray
        The probabilities P(X = x), broadcast over x and q.

    Raises
    ------
    BinomialError
        As :func:`log_pmf` (the same checks of x, n and q).

    Examples
    --------
    >>> float(pmf(1, 2, 0.5))
    0.5
    """
    n = _n(n)
    x, q = _x(x, n), _q(q)
    _together(x=x, q=q)
    return kernel.pmf(x, n, q)


def pmf_matrix(n: int, qs) -> np.ndarray:
    """P(Bin(n, q) = x) for x = 0..n (rows) and each q (columns), always by log-gamma sums: fast
    for large matrices; used to screen (about 1e-9 relative error beyond ``DENSE_LIMIT``).

    Parameters
    ----------
    n : int
        Trials, n >= 0.
    qs : array_like
        Success probabilities in [0, 1].

    Returns
    -------
    numpy.ndarray
        Shape (n + 1, len(qs)).

    Raises
    ------
    BinomialError
        When n is not a whole number >= 0, a q lies outside [0, 1], or the matrix would hold
        more than ``MAX_VALUES`` numbers.

    Examples
    --------
    >>> pmf_matrix(1, [0.0, 1.0])
    array([[1., 0.],
           [0., 1.]])
    """
    n, qs = _n(n), _q(qs, "qs")
    _values("the pmf matrix", (n + 1) * qs.size)
    return kernel.pmf_matrix(n, qs)


def pmf_all(n: int, q: float) -> np.ndarray:
    """The pmf over x = 0..n for one q.

    Parameters
    ----------
    n : int
        Trials, n >= 0 (n + 1 values at most ``MAX_VALUES``).
    q : float
        One success probability, in [0, 1].

    Returns
    -------
    numpy.ndarray
        n + 1 probabilities, x = 0..n.

    Raises
    ------
    BinomialError
        When n is not a whole number >= 0 (or too large, ``MAX_VALUES``) or q lies outside [0, 1].

    Examples
    --------
    >>> pmf_all(2, 0.5)
    array([0.25, 0.5 , 0.25])
    """
    n = _n(n)
    _values("the pmf over x = 0..n", n + 1)
    return kernel.pmf_all(n, validation.probability("q", q, BinomialError))


def tail(k, n: int, q) -> np.ndarray:
    """P(Bin(n, q) >= k) for whole numbers k (1 for k <= 0, 0 for k > n), n up to ``INT_N_LIMIT``
    (for larger n, :func:`annotator_incentives.monitoring.threshold_test_errors`). The one public
    name of the tail.

    Parameters
    ----------
    k : int or array_like of int
        Thresholds (broadcast against ``q``).
    n : int
        Trials, 0 <= n <= ``INT_N_LIMIT``.
    q : float or array_like
        Success probabilities in [0, 1].

    Returns
    -------
    numpy.ndarray
        The upper tail probabilities.

    Raises
    ------
    BinomialError
        When k is not whole, n not a whole number in range, q outside [0, 1], or k and q do
        not broadcast.

    Examples
    --------
    >>> float(tail(1, 2, 0.5))  # 1 - 0.5**2
    0.75
    """
    k, n, q = _k(k), _tail_n(n), _q(q)
    _together(k=k, q=q)
    return kernel.tail(k, n, q)


def below(k, n: int, q) -> np.ndarray:
    """P(Bin(n, q) < k) = 1 - P(X >= k), computed directly (accurate when tiny; 0 for k <= 0, 1
    for k > n), n up to ``INT_N_LIMIT``.

    Parameters
    ----------
    k, n, q
        As for :func:`tail`: thresholds, trials (at most ``INT_N_LIMIT``), probabilities in [0, 1].

    Returns
    -------
    numpy.ndarray
        The lower tail probabilities, P(X < k), broadcast over k and q; exact where tiny, not
        1 - :func:`tail`.

    Raises
    ------
    BinomialError
        As :func:`tail`.

    Examples
    --------
    >>> k = 1
    >>> float(below(k, 2, 0.5))  # P(X = 0) = 0.5**2
    0.25
    """
    k, n, q = _k(k), _tail_n(n), _q(q)
    _together(k=k, q=q)
    return kernel.below(k, n, q)


def tails_all(pmf_rows) -> np.ndarray:
    """P(X >= k) for k = 1..n from the pmf over x = 0..n along axis 0 (sums from the top).

    Parameters
    ----------
    pmf_rows : array_like
        Probabilities, outcomes x = 0..n along axis 0.

    Returns
    -------
    numpy.ndarray
        n rows: the tails for k = 1..n.

    Raises
    ------
    BinomialError
        When a value lies outside [0, 1].

    Examples
    --------
    >>> tails_all([0.25, 0.5, 0.25])
    array([0.75, 0.25])
    """
    return kernel.tails_all(validation.probabilities("pmf_rows", pmf_rows, BinomialError))


def tail_slope(k, n: int, q, scale: float = 1.0) -> np.ndarray:
    """d/dq P(Bin(n, q) >= k) = n P(Bin(n-1, q) = k-1) (binomial lemma (b)), times ``scale``;
    0 for k outside 1..n.

    Parameters
    ----------
    k : int or array_like of int
        Thresholds (broadcast against ``q``).
    n : int
        Trials, n >= 1.
    q : float or array_like
        Success probabilities in [0, 1].
    scale : float, optional
        A factor (c/2 gives the slope in effort, :func:`tail_eta_slope`).

    Returns
    -------
    numpy.ndarray
        The slopes.

    Raises
    ------
    BinomialError
        When k is not whole, n < 1, q outside [0, 1], scale not a finite number, or k and q
        do not broadcast.

    Examples
    --------
    >>> float(tail_slope(1, 2, 0.5))  # d/dq (1 - (1 - q)**2) = 2 (1 - q)
    1.0
    """
    k, n, q = _k(k), _n(n, 1), _q(q)
    _together(k=k, q=q)
    return kernel.tail_slope(k, n, q, validation.real("scale", scale, BinomialError))


def tail_eta_slope(k, n: int, c: float, q) -> np.ndarray:
    """d/deta P(X >= k) = (c/2) n P(Bin(n-1, q) = k-1), the marginal incentive of a bonus.

    Parameters
    ----------
    k, n
        As for :func:`tail_slope`: thresholds, trials n >= 1.
    c, q
        The signal strength c in [-1, 1] and the pass probabilities q(eta) in [0, 1].

    Returns
    -------
    numpy.ndarray
        The slopes in effort.

    Raises
    ------
    BinomialError
        As :func:`tail_slope`, or c outside [-1, 1].

    Examples
    --------
    >>> float(tail_eta_slope(1, 2, 1.0, 0.5))
    0.5
    """
    c, k, q = _c(c), _k(k), _q(q)
    _together(k=k, q=q)
    return kernel.tail_eta_slope(k, _n(n, 1), c, q)


def tail_curvature(k, n: int, q) -> np.ndarray:
    """d^2/dq^2 P(X >= k) = (n-1)/(q(1-q)) (q~ - q) d/dq P(X >= k), q~ = (k-1)/(n-1)
    (binomial lemma (c)), written ((k-1) - (n-1) q)/(q(1-q)) d/dq P(X >= k) so that n = 1 is
    defined.

    Parameters
    ----------
    k, n
        As for :func:`tail_slope`: thresholds, trials n >= 1.
    q : float or array_like
        Success probabilities in (0, 1), where the lemma's form is finite.

    Returns
    -------
    numpy.ndarray
        The curvatures.

    Raises
    ------
    BinomialError
        When k is not whole, n < 1, q outside (0, 1), or k and q do not broadcast.

    Examples
    --------
    >>> float(tail_curvature(1, 2, 0.5))  # d^2/dq^2 (1 - (1 - q)**2)
    -2.0
    """
    k, n = _k(k), _n(n, 1)
    q = validation.probabilities("q", q, BinomialError, open_ends=True)
    _together(k=k, q=q)
    return ((k - 1) - (n - 1) * q) / (q * (1 - q)) * kernel.tail_slope(k, n, q)


def score(x, n: int, c: float, q) -> np.ndarray:
    """The likelihood score d/deta log P(X = x | eta) = (c/2) (x - n q)/(q (1 - q)); at q = 1
    (q = 0) its limits: (c/2) n at x = n (-(c/2) n at x = 0), -inf (+inf) at impossible x.

    Parameters
    ----------
    x, n
        As for :func:`log_pmf`: outcomes in 0..n, trials n >= 0.
    c : float
        The signal strength, in [-1, 1].
    q : float or array_like
        Pass probabilities q(eta) in [0, 1].

    Returns
    -------
    numpy.ndarray
        The scores.

    Raises
    ------
    BinomialError
        When x is not a whole number in 0..n, n not whole, c outside [-1, 1], q outside
        [0, 1], or x and q do not broadcast.

    Examples
    --------
    >>> float(score(2, 2, 1.0, 0.5))  # (1/2)(2 - 1)/(1/4)
    2.0
    """
    n, c = _n(n), _c(c)
    x, q = _x(x, n), _q(q)
    _together(x=x, q=q)
    return kernel.score(x, n, c, q)


def window(n: int, q: float) -> slice:
    """The outcomes within ``binomial_kernel.WINDOW_SD`` standard deviations of the mean n q
    (and 2 more): outside it the mass is below 1e-40.

    Parameters
    ----------
    n, q
        Trials (n >= 0) and the success probability, in [0, 1].

    Returns
    -------
    slice
        The outcomes x kept.

    Raises
    ------
    BinomialError
        When n is not a whole number >= 0 or q lies outside [0, 1].

    Examples
    --------
    >>> window(10, 0.5)
    slice(0, 11, None)
    """
    return kernel.window(_n(n), validation.probability("q", q, BinomialError))


def window_pmf(n: int, q: float) -> tuple[slice, np.ndarray]:
    """(window, pmf on it): the outcomes of :func:`window` and their probabilities (scipy's
    saddle-point pmf, accurate at every n). Windowed sums use it.

    Parameters
    ----------
    n, q
        As for :func:`window`.

    Returns
    -------
    tuple
        The outcomes kept (a slice) and their probabilities (an array).

    Raises
    ------
    BinomialError
        As :func:`window`: n not a whole number >= 0, or q outside [0, 1].

    Examples
    --------
    >>> window_pmf(2, 0.5)
    (slice(0, 3, None), array([0.25, 0.5 , 0.25]))
    """
    return kernel.window_pmf(_n(n), validation.probability("q", q, BinomialError))


def expect(values, n: int, qs) -> np.ndarray:
    """E[values[X]] for X ~ Bin(n, q) at each q: a dense sum up to ``DENSE_LIMIT``, a window
    around the mean beyond (memory linear in n).

    Parameters
    ----------
    values : array_like
        One finite number per outcome x = 0..n.
    n : int
        Trials, n >= 0.
    qs : float or array_like
        Success probabilities in [0, 1].

    Returns
    -------
    numpy.ndarray
        One expectation per q.

    Raises
    ------
    BinomialError
        When n is not a whole number >= 0, ``values`` is not n + 1 finite numbers, or a q lies
        outside [0, 1].

    Examples
    --------
    >>> expect([0.0, 1.0, 2.0], 2, 0.5)  # E[X] = n q
    array([1.])
    """
    n, values = _n(n), validation.reals("values", values, BinomialError)
    if values.shape != (n + 1,):
        raise BinomialError(f"values must hold one number for each outcome x = 0..n ({n + 1:,}); got shape {values.shape}")
    return kernel.expect(values, n, _q(qs, "qs"))


def pmf_grid(n: int, c: float, points: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(efforts, pmf matrix) on ``points`` evenly spaced efforts in [0, 1], rows efforts and
    columns x = 0..n. Matrices are cached, least recently used first out, up to
    ``CACHE_BYTES`` in all; one larger than that is not built (None: use :func:`expect`).

    Parameters
    ----------
    n : int
        Trials, n >= 0.
    c : float
        The signal strength, in [-1, 1].
    points : int
        Efforts, at least 2.

    Returns
    -------
    tuple
        The efforts (an array) and the (points, n + 1) matrix of P(X = x | eta), or None when it
        would exceed ``CACHE_BYTES`` (or n > ``DENSE_LIMIT``).

    Raises
    ------
    BinomialError
        When n is not whole, c outside [-1, 1], or points not a whole number from 2 to
        ``MAX_VALUES``.

    Examples
    --------
    >>> grid, matrix = pmf_grid(1, 1.0, 3)  # q = 0.5, 0.75, 1
    >>> matrix
    array([[0.5 , 0.5 ],
           [0.25, 0.75],
           [0.  , 1.  ]])
    """
    n, c = _n(n), _c(c)
    return kernel.pmf_grid(n, c, validation.count("points", points, BinomialError, 2, MAX_VALUES))


def _proportions(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers 0 <= successes <= trials, broadcast together, as floats."""
    successes = validation.counts("successes", successes, BinomialError).astype(float)
    trials = validation.counts("trials", trials, BinomialError).astype(float)
    try:
        successes, trials = np.broadcast_arrays(successes, trials)
    except ValueError:
        raise BinomialError(f"successes and trials must have one shape; got {successes.shape} and {trials.shape}") from None
    over = np.flatnonzero(successes > trials)
    if over.size:
        raise BinomialError(f"successes must be at most trials; got {successes.flat[over[0]]:.0f} of {trials.flat[over[0]]:.0f}")
    return successes, trials


def clopper_pearson(successes, trials, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval for a binomial proportion, elementwise over whole numbers
    0 <= successes <= trials (empty arrays give empty intervals): beta quantiles, 0 and 1 at the
    ends, nan without trials: the interval of a measured pass rate or agreement rate (monitoring,
    the real annotators).

    Parameters
    ----------
    successes : int or array_like of int
        Successes, whole numbers from 0 to ``trials``.
    trials : int or array_like of int
        Trials, whole numbers >= 0 (broadcast against ``successes``).
    level : float, optional
        The confidence level, in (0, 1) (default 0.95).

    Returns
    -------
    tuple
        The lower and upper ends (arrays); with no successes the upper end is 1 - ((1 - level)/2)**(1/trials).

    Raises
    ------
    BinomialError
        When a count is not a whole number >= 0, successes exceed trials, the two do not
        broadcast, or ``level`` lies outside (0, 1).

    Examples
    --------
    >>> low, high = clopper_pearson(0, 10)
    >>> float(low), round(float(high), 6), round(1 - 0.025 ** (1 / 10), 6)
    (0.0, 0.308497, 0.308497)
    """
    level = validation.open_probability("level", level, BinomialError)
    if np.size(successes) == 0 and np.size(trials) == 0:
        return np.empty(np.shape(successes)), np.empty(np.shape(trials))
    successes, trials = _proportions(successes, trials)
    tail_mass = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(successes > 0, stats.beta.ppf(tail_mass, successes, trials - successes + 1), 0.0)
        high = np.where(successes < trials, stats.beta.ppf(1 - tail_mass, successes + 1, trials - successes), 1.0)
    return np.where(trials > 0, low, np.nan), np.where(trials > 0, high, np.nan)
