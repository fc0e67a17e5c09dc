"""The binomial kernel for the solvers: the same quantities as :mod:`annotator_incentives.binomial`,
unchecked.

X ~ Bin(n, q(eta)), q(eta) = (1 + c eta)/2. The contract solvers, monitoring, rates and the grid
reference check n, c and eta once at their own boundary and then call these functions thousands
of times; :mod:`~annotator_incentives.binomial` is the checked public face of the same
functions (each of its functions validates and calls the one of the same name here). One route
per quantity: a tail, a pmf or an expectation is computed here and nowhere else.

Nothing here checks its arguments: k, x and n are whole numbers, q and eta in [0, 1], c in
[-1, 1], as the caller guarantees. Sums for n above ``DENSE_LIMIT`` run over a window of
``WINDOW_SD`` standard deviations (the mass outside is below 1e-40); pmf matrices on effort
grids are cached up to ``CACHE_BYTES``.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from scipy import sparse, special, stats

__all__ = ["DENSE_LIMIT", "WINDOW_SD", "CACHE_BYTES", "CHUNK_BYTES", "pass_probability", "log_pmf", "pmf",
           "pmf_matrix", "pmf_all", "tail", "below", "tails_all", "tail_slope", "tail_eta_slope", "score", "window",
           "window_pmf", "expect", "pmf_grid", "window_grid", "clear_cache"]

DENSE_LIMIT = 3000  #: above this n, the pmf is scipy's and sums run over a window around the mean
WINDOW_SD = 14  #: standard deviations kept on each side of the mean by a windowed sum
CACHE_BYTES = 64 * 2**20  #: pmf matrices kept in memory at most (bytes)
CHUNK_BYTES = 16 * 2**20  #: largest pmf block a dense expectation builds at once (bytes)


def pass_probability(eta, c: float) -> np.ndarray:
    """q(eta) = (1 + c eta)/2, the chance that one check is passed (Propositions 2 and 4):
    the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.pass_probability`.

    Parameters
    ----------
    eta : float or numpy.ndarray
        Efforts, which the caller keeps in [0, 1].
    c : float
        The signal strength, kept in [-1, 1] by the caller.

    Returns
    -------
    numpy.ndarray
        q(eta); nothing stops a value outside [0, 1] when the caller's inputs are out of range.

    Examples
    --------
    >>> float(pass_probability(0.25, 1.0))  # (1 + 1/4)/2
    0.625
    >>> float(pass_probability(2.0, 1.0))  # unchecked: an effort of 2 gives no error
    1.5
    """
    return (1 + c * eta) / 2


def log_pmf(x, n: int, q) -> np.ndarray:
    """log P(Bin(n, q) = x) = log n! - log x! - log (n - x)! + x log q + (n - x) log(1 - q),
    by log-gamma sums: the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.log_pmf`.

    Parameters
    ----------
    x, n, q : array_like, int, array_like
        Outcomes in 0..n and probabilities in [0, 1] (broadcast together) and the trials.

    Returns
    -------
    numpy.ndarray
        The log-probabilities, -inf where an outcome is impossible.

    Examples
    --------
    >>> round(float(log_pmf(1, 2, 0.5)), 6)  # log 1/2
    -0.693147
    """
    x, q = np.asarray(x), np.asarray(q, dtype=float)
    return (special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
            + special.xlogy(x, q) + special.xlog1py(n - x, -q))


def pmf(x, n: int, q) -> np.ndarray:
    """P(Bin(n, q) = x): exp(:func:`log_pmf`) up to ``DENSE_LIMIT``, scipy's saddle-point pmf
    beyond; the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.pmf`.

    Parameters
    ----------
    x, n, q : array_like, int, array_like
        As for :func:`log_pmf`, unchecked.

    Returns
    -------
    numpy.ndarray
        P(X = x), broadcast over x and q.

    Examples
    --------
    >>> round(float(pmf(2, 4, 0.5)), 12)  # 6/16
    0.375
    """
    if n <= DENSE_LIMIT:
        return np.exp(log_pmf(x, n, q))
    return stats.binom.pmf(x, n, q)


def pmf_matrix(n: int, qs) -> np.ndarray:
    """P(Bin(n, q) = x) for x = 0..n down the rows and one q per column, always by log-gamma sums
    (fast for a screen; about 1e-9 relative error beyond ``DENSE_LIMIT``): the solvers' kernel,
    unchecked and fast; the checked public twin is :func:`annotator_incentives.binomial.pmf_matrix`.

    Parameters
    ----------
    n : int
        Trials.
    qs : array_like
        Success probabilities (the columns).

    Returns
    -------
    numpy.ndarray
        Shape (n + 1, len(qs)).

    Examples
    --------
    >>> pmf_matrix(2, [0.5, 1.0]).round(12)
    array([[0.25, 0.  ],
           [0.5 , 0.  ],
           [0.25, 1.  ]])
    """
    return np.exp(log_pmf(np.arange(n + 1)[:, None], n, np.asarray(qs, dtype=float)[None, :]))


def pmf_all(n: int, q: float) -> np.ndarray:
    """The whole pmf of Bin(n, q), x = 0..n, by :func:`pmf`: the solvers' kernel, unchecked and
    fast; the checked public twin is
    :func:`annotator_incentives.binomial.pmf_all`.

    Parameters
    ----------
    n, q : int, float
        Trials and one success probability.

    Returns
    -------
    numpy.ndarray
        n + 1 probabilities.

    Examples
    --------
    >>> pmf_all(3, 0.5).round(12)  # (1, 3, 3, 1)/8
    array([0.125, 0.375, 0.375, 0.125])
    """
    return pmf(np.arange(n + 1), n, q)


def tail(k, n: int, q) -> np.ndarray:
    """P(Bin(n, q) >= k) by scipy's ``bdtrc`` (1 for k <= 0, 0 for k > n): the tail a binary
    bonus pays on (Theorem 1); the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.tail`.

    Parameters
    ----------
    k : int or numpy.ndarray
        Thresholds, whole numbers (broadcast against ``q``).
    n : int
        Trials, at most ``binomial.INT_N_LIMIT`` (scipy's tails are nan beyond).
    q : float or numpy.ndarray
        Success probabilities.

    Returns
    -------
    numpy.ndarray
        The upper tails.

    Examples
    --------
    >>> float(tail(2, 3, 0.5))  # (3 + 1)/8
    0.5
    >>> tail(np.array([0, 4]), 3, 0.5)  # below 1 and above n
    array([1., 0.])
    """
    k = np.minimum(k, np.asarray(n) + 1)  # scipy's tail is nan beyond k = n + 1
    if k.size and k.min() >= 1:  # the common case, without masking
        return special.bdtrc(k - 1, n, q)
    return np.where(k >= 1, special.bdtrc(np.maximum(k, 1) - 1, n, np.asarray(q, dtype=float)), 1.0)


def below(k, n: int, q) -> np.ndarray:
    """P(Bin(n, q) < k) by scipy's ``bdtr``, directly (accurate where tiny; 0 for k <= 0, 1 for k >
    n): the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.below`.

    Parameters
    ----------
    k, n, q : numpy.ndarray, int, numpy.ndarray
        As for :func:`tail`.

    Returns
    -------
    numpy.ndarray
        The lower tails.

    Examples
    --------
    >>> float(below(2, 3, 0.5)), below(np.array([0, 4]), 3, 0.5)
    (0.5, array([0., 1.]))
    """
    k, q = np.minimum(k, np.asarray(n) + 1), np.asarray(q, dtype=float)  # scipy's is nan beyond k = n + 1
    return np.where(k >= 1, special.bdtr(np.maximum(k, 1) - 1, n, q), 0.0)


def tails_all(pmf_rows: np.ndarray) -> np.ndarray:
    """P(X >= k), k = 1..n, summed from the top of a pmf over x = 0..n (axis 0): the solvers'
    kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.tails_all`.

    Parameters
    ----------
    pmf_rows : numpy.ndarray
        Probabilities, outcomes along axis 0 (an array: this function does not convert).

    Returns
    -------
    numpy.ndarray
        n rows, the tails for k = 1..n.

    Examples
    --------
    >>> tails_all(np.array([0.25, 0.5, 0.25]))  # 1 - 1/4, 1/4
    array([0.75, 0.25])
    """
    return np.cumsum(pmf_rows[::-1], axis=0)[::-1][1:]


def tail_slope(k, n: int, q, scale: float = 1.0) -> np.ndarray:
    """scale d/dq P(Bin(n, q) >= k) = scale n P(Bin(n - 1, q) = k - 1) (binomial lemma (b)), 0 for k
    outside 1..n: the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.tail_slope`.

    Parameters
    ----------
    k, n, q
        Thresholds (whole), trials n >= 1 and success probabilities, unchecked.
    scale : float, optional
        Multiplies the slope; c/2 turns it into the slope in effort (:func:`tail_eta_slope`).

    Returns
    -------
    numpy.ndarray
        ``scale`` times the slopes in q.

    Examples
    --------
    >>> float(tail_slope(2, 3, 0.5))  # 3 P(Bin(2, 1/2) = 1) = 3/2
    1.5
    """
    k = np.asarray(k)
    inside = (k >= 1) & (k <= n)
    kk = np.where(inside, k, 1)
    return np.where(inside, scale * n * pmf(kk - 1, n - 1, q), 0.0)


def tail_eta_slope(k, n: int, c: float, q) -> np.ndarray:
    """d/deta P(X >= k) = (c/2) n P(Bin(n - 1, q) = k - 1): what a bonus paid from k passes adds to
    the agent's marginal utility of effort (Theorem 1); the solvers' kernel, unchecked and fast; the
    checked public twin is :func:`annotator_incentives.binomial.tail_eta_slope`.

    Parameters
    ----------
    k, n, c, q
        Thresholds, trials (n >= 1), the signal strength and q(eta), as the caller keeps them.

    Returns
    -------
    numpy.ndarray
        The slopes in effort.

    Examples
    --------
    >>> float(tail_eta_slope(2, 3, 1.0, 0.5))  # half of tail_slope's 3/2
    0.75
    """
    return tail_slope(k, n, q, 0.5 * c)


def score(x, n: int, c: float, q) -> np.ndarray:
    """s(x) = d/deta log P(X = x | eta) = (c/2)(x - n q)/(q (1 - q)), with its limits at q = 0 and 1
    (+-(c/2) n at the one possible x, -+inf elsewhere): the score of the general contract's
    Mirrlees-Holmstrom form; the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.score`.

    Parameters
    ----------
    x, n : array_like, int
        Outcomes and trials.
    c, q : float, array_like
        The signal strength and the pass probabilities q(eta).

    Returns
    -------
    numpy.ndarray
        The scores.

    Examples
    --------
    >>> float(score(0, 2, 1.0, 0.5))  # (1/2)(0 - 1)/(1/4)
    -2.0
    >>> score(np.arange(3), 2, 1.0, 1.0)  # q = 1: only x = n is possible
    array([-inf, -inf,   1.])
    """
    x, q = np.asarray(x), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 0.5 * c * (x - n * q) / (q * (1 - q))
    edge = (q == 1) | (q == 0)
    if np.any(edge):  # d/deta of log q^x (1 - q)^(n - x) where only one x is possible
        certain = np.where(q == 1, x == n, x == 0)
        limit = np.where(certain, np.where(q == 1, 0.5 * c * n, -0.5 * c * n), np.where(q == 1, -np.inf, np.inf))
        s = np.where(edge, limit, s)
    return s


def window(n: int, q: float) -> slice:
    """The outcomes x within ``WINDOW_SD`` standard deviations sqrt(n q (1 - q)) of the mean n q, 2
    more on each side, inside 0..n (the mass outside is below 1e-40): the solvers' kernel, unchecked
    and fast; the checked public twin is :func:`annotator_incentives.binomial.window`.

    Parameters
    ----------
    n : int
        Trials (the window matters above ``DENSE_LIMIT``).
    q : float
        The success probability.

    Returns
    -------
    slice
        The outcomes kept.

    Examples
    --------
    >>> window(10**6, 0.5)  # 500,000 -+ (14 x 500 + 2)
    slice(492998, 507003, None)
    """
    sd = np.sqrt(n * q * (1 - q))
    return slice(max(0, int(n * q - WINDOW_SD * sd) - 2), min(n, int(n * q + WINDOW_SD * sd) + 2) + 1)


def window_pmf(n: int, q: float) -> tuple[slice, np.ndarray]:
    """:func:`window` with scipy's pmf on it (accurate at every n), for the windowed sums of the
    linear and general solvers: the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.window_pmf`.

    Parameters
    ----------
    n, q : int, float
        As for :func:`window`.

    Returns
    -------
    tuple of slice and numpy.ndarray
        The outcomes kept and their probabilities.

    Examples
    --------
    >>> keep, p = window_pmf(4, 0.5)
    >>> keep, p * 16  # (1, 4, 6, 4, 1)/16
    (slice(0, 5, None), array([1., 4., 6., 4., 1.]))
    """
    keep = window(n, q)
    return keep, stats.binom.pmf(np.arange(keep.start, keep.stop), n, q)


def expect(values: np.ndarray, n: int, qs) -> np.ndarray:
    """E[values[X]] = sum_x values[x] P(Bin(n, q) = x) at each q: dense in blocks of at most
    ``CHUNK_BYTES`` up to ``DENSE_LIMIT``, over windows around the mean beyond (each row
    normalised over its window): the solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.expect`.

    Parameters
    ----------
    values : numpy.ndarray
        One finite number per outcome x = 0..n.
    n : int
        Trials.
    qs : float or array_like
        Success probabilities.

    Returns
    -------
    numpy.ndarray
        One expectation per q.

    Examples
    --------
    E[X] = n q, densely and (n above ``DENSE_LIMIT``) over a window:

    >>> expect(np.arange(5.0), 4, [0.25, 0.5]).round(12)
    array([1., 2.])
    >>> round(float(expect(np.arange(10_001.0), 10_000, 0.3)[0]), 6)
    3000.0
    """
    qs = np.atleast_1d(np.asarray(qs, dtype=float))
    if n <= DENSE_LIMIT:  # in blocks of rows, so that memory stays below CHUNK_BYTES
        rows = max(1, CHUNK_BYTES // (8 * (n + 1)))
        x = np.arange(n + 1)[None, :]
        return np.concatenate([np.exp(log_pmf(x, n, qs[i:i + rows, None])) @ values for i in range(0, qs.size, rows)])
    out = np.empty(qs.size)
    width = _window_width(n)
    rows = max(1, CHUNK_BYTES // (8 * width))
    for i in range(0, qs.size, rows):
        start, weights = _window_rows(n, qs[i:i + rows], width)
        out[i:i + rows] = np.einsum("ij,ij->i", weights, values[start[:, None] + np.arange(width)[None, :]])
    return out


def _window_width(n: int) -> int:
    """Outcomes in the window of every q (sd <= sqrt(n)/2): 2 ceil(``WINDOW_SD`` sqrt(n/4)) + 5."""
    return 2 * int(np.ceil(WINDOW_SD * np.sqrt(n / 4))) + 5


def _window_rows(n: int, qs: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, pmf): for each q, the pmf of Bin(n, q) on the ``width`` outcomes from start
    (about the mean; inside 0..n), each row normalised over its window. The log-pmf is built
    by cumulating log P(x + 1)/P(x) = log(n - x) - log(x + 1) + log(q/(1 - q)) along the row,
    so its rounding grows like sqrt(width) eps, about 1e-13 relatively (the log-gamma route
    loses about 1e-9 at n = 1e5), at a few flops per cell instead of scipy's special function;
    the mass outside a window of ``WINDOW_SD`` standard deviations is below 1e-40."""
    start = np.clip(np.floor(n * qs).astype(np.int64) - width // 2, 0, n + 1 - width)
    x = start[:, None] + np.arange(width - 1)[None, :]
    with np.errstate(divide="ignore"):
        odds = np.log(qs) - np.log1p(-qs)  # -inf at q = 0, +inf at q = 1
        ratio = np.log(n - x) - np.log(x + 1) + odds[:, None]
    log_pmf = np.concatenate([np.zeros((qs.size, 1)), np.cumsum(ratio, axis=1)], axis=1)
    edge = ~np.isfinite(odds)  # q = 0 or 1: all the mass at one end
    if edge.any():
        at = np.where(qs[edge] == 1, width - 1, 0)  # start is 0 at q = 0 and n + 1 - width at q = 1
        log_pmf[edge] = np.where(np.arange(width)[None, :] == at[:, None], 0.0, -np.inf)
    log_pmf = np.nan_to_num(log_pmf, nan=-np.inf)
    weights = np.exp(log_pmf - log_pmf.max(axis=1, keepdims=True))
    return start, weights / weights.sum(axis=1, keepdims=True)


_GRIDS: OrderedDict[tuple, np.ndarray | sparse.csr_array] = OrderedDict()


def _nbytes(matrix) -> int:
    return matrix.nbytes if isinstance(matrix, np.ndarray) else matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes


def _keep(key: tuple, matrix) -> None:
    """Cache a matrix, the least recently used ones out first while all exceed ``CACHE_BYTES``."""
    _GRIDS[key] = matrix
    while sum(_nbytes(m) for m in _GRIDS.values()) > CACHE_BYTES:
        _GRIDS.popitem(last=False)


def pmf_grid(n: int, c: float, points: int) -> tuple[np.ndarray, np.ndarray | None]:
    """``points`` evenly spaced efforts on [0, 1] and the pmf of X at each (rows efforts, columns x
    = 0..n), the matrix cached (least recently used out first) up to ``CACHE_BYTES`` in all; none is
    built beyond ``DENSE_LIMIT`` or that size. The incentive checks screen the agent's utility on
    it. The solvers' kernel, unchecked and fast; the checked public twin is
    :func:`annotator_incentives.binomial.pmf_grid`.

    Parameters
    ----------
    n, c, points : int, float, int
        Checks, the signal strength and how many efforts (at least 2).

    Returns
    -------
    tuple of numpy.ndarray
        The efforts and the matrix, or the efforts and None when it would be too large.

    Examples
    --------
    >>> grid, matrix = pmf_grid(2, 1.0, 3)  # q = 1/2, 3/4, 1
    >>> grid, matrix.round(12)
    (array([0. , 0.5, 1. ]), array([[0.25  , 0.5   , 0.25  ],
           [0.0625, 0.375 , 0.5625],
           [0.    , 0.    , 1.    ]]))
    """
    grid = np.linspace(0.0, 1.0, points)
    if n > DENSE_LIMIT or points * (n + 1) * 8 > CACHE_BYTES:
        return grid, None
    key = (n, float(c), points)
    if key in _GRIDS:
        _GRIDS.move_to_end(key)
        return grid, _GRIDS[key]
    matrix = np.ascontiguousarray(pmf_matrix(n, pass_probability(grid, c)).T)
    _keep(key, matrix)
    return grid, matrix


def window_grid(n: int, c: float, points: int) -> sparse.csr_array | None:
    """For n above ``DENSE_LIMIT``: the pmf of X on ``points`` evenly spaced efforts of [0, 1]
    (rows efforts, columns x = 0..n) as a banded sparse matrix, each row the window of
    :func:`expect` (so ``matrix @ values`` is ``expect(values, n, q)`` on the grid, summed in
    another order), cached with :func:`pmf_grid`'s matrices; None when it would take more than
    ``CACHE_BYTES``. The incentive checks of large n screen the agent's utility on it, without
    rebuilding the windows at every check.

    Parameters
    ----------
    n, c, points : int, float, int
        Checks (above ``DENSE_LIMIT``), the signal strength and how many efforts (at least 2).

    Returns
    -------
    scipy.sparse.csr_array or None
        The (points, n + 1) matrix, or None when too large.

    Examples
    --------
    Each row sums to 1 and has the mean n q(eta):

    >>> matrix = window_grid(10_000, 1.0, 3)  # q = 0.5, 0.75, 1
    >>> matrix.shape, (matrix @ np.ones(10_001)).round(12), (matrix @ np.arange(10_001.0)).round(6)
    ((3, 10001), array([1., 1., 1.]), array([ 5000.,  7500., 10000.]))
    """
    width = _window_width(n)
    if points * width * 16 > CACHE_BYTES:
        return None
    key = ("window", n, float(c), points)
    if key in _GRIDS:
        _GRIDS.move_to_end(key)
        return _GRIDS[key]
    start, weights = _window_rows(n, pass_probability(np.linspace(0.0, 1.0, points), c), width)
    columns = (start[:, None] + np.arange(width)[None, :]).ravel()
    matrix = sparse.csr_array((weights.ravel(), columns, np.arange(0, points * width + 1, width)), shape=(points, n + 1))
    _keep(key, matrix)
    return matrix


def clear_cache() -> None:
    """Empty the pmf-matrix cache of :func:`pmf_grid` and :func:`window_grid` (for timing from scratch, or to free its
    memory); ``binomial.clear_cache`` is this same function.

    Parameters
    ----------
    (none)
        It takes no arguments.

    Returns
    -------
    None
        The cache is empty afterwards (the next :func:`pmf_grid` builds its matrix again).

    Examples
    --------
    >>> _ = pmf_grid(2, 1.0, 3)
    >>> clear_cache(), len(_GRIDS)
    (None, 0)
    """
    _GRIDS.clear()


