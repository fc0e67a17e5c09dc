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
from scipy import special, stats

__all__ = ["DENSE_LIMIT", "WINDOW_SD", "CACHE_BYTES", "CHUNK_BYTES", "pass_probability", "log_pmf", "pmf",
           "pmf_matrix", "pmf_all", "tail", "below", "tails_all", "tail_slope", "tail_eta_slope", "score", "window",
           "window_pmf", "expect", "pmf_grid", "clear_cache"]

DENSE_LIMIT = 3000  # above this n, the pmf is scipy's and sums run over a window around the mean
WINDOW_SD = 14  # standard deviations kept by a windowed sum
CACHE_BYTES = 64 * 2**20  # pmf matrices kept in memory at most (bytes)
CHUNK_BYTES = 16 * 2**20  # largest pmf block a dense expectation builds at once (bytes)


def pass_probability(eta, c: float) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.pass_probability`."""
    return (1 + c * eta) / 2


def log_pmf(x, n: int, q) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.log_pmf`."""
    x, q = np.asarray(x), np.asarray(q, dtype=float)
    return (special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
            + special.xlogy(x, q) + special.xlog1py(n - x, -q))


def pmf(x, n: int, q) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.pmf`."""
    if n <= DENSE_LIMIT:
        return np.exp(log_pmf(x, n, q))
    return stats.binom.pmf(x, n, q)


def pmf_matrix(n: int, qs) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.pmf_matrix`."""
    return np.exp(log_pmf(np.arange(n + 1)[:, None], n, np.asarray(qs, dtype=float)[None, :]))


def pmf_all(n: int, q: float) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.pmf_all`."""
    return pmf(np.arange(n + 1), n, q)


def tail(k, n: int, q) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.tail`."""
    k = np.minimum(k, np.asarray(n) + 1)  # scipy's tail is nan beyond k = n + 1
    if k.size and k.min() >= 1:  # the common case, without masking
        return special.bdtrc(k - 1, n, q)
    return np.where(k >= 1, special.bdtrc(np.maximum(k, 1) - 1, n, np.asarray(q, dtype=float)), 1.0)


def below(k, n: int, q) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.below`."""
    k, q = np.minimum(k, np.asarray(n) + 1), np.asarray(q, dtype=float)  # scipy's is nan beyond k = n + 1
    return np.where(k >= 1, special.bdtr(np.maximum(k, 1) - 1, n, q), 0.0)


def tails_all(pmf_rows: np.ndarray) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.tails_all`."""
    return np.cumsum(pmf_rows[::-1], axis=0)[::-1][1:]


def tail_slope(k, n: int, q, scale: float = 1.0) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.tail_slope`."""
    k = np.asarray(k)
    inside = (k >= 1) & (k <= n)
    kk = np.where(inside, k, 1)
    return np.where(inside, scale * n * pmf(kk - 1, n - 1, q), 0.0)


def tail_eta_slope(k, n: int, c: float, q) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.tail_eta_slope`."""
    return tail_slope(k, n, q, 0.5 * c)


def score(x, n: int, c: float, q) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.score`."""
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
    """Unchecked :func:`annotator_incentives.binomial.window`."""
    sd = np.sqrt(n * q * (1 - q))
    return slice(max(0, int(n * q - WINDOW_SD * sd) - 2), min(n, int(n * q + WINDOW_SD * sd) + 2) + 1)


def window_pmf(n: int, q: float) -> tuple[slice, np.ndarray]:
    """Unchecked :func:`annotator_incentives.binomial.window_pmf`."""
    keep = window(n, q)
    return keep, stats.binom.pmf(np.arange(keep.start, keep.stop), n, q)


def expect(values: np.ndarray, n: int, qs) -> np.ndarray:
    """Unchecked :func:`annotator_incentives.binomial.expect`."""
    qs = np.atleast_1d(np.asarray(qs, dtype=float))
    if n <= DENSE_LIMIT:  # in blocks of rows, so that memory stays below CHUNK_BYTES
        rows = max(1, CHUNK_BYTES // (8 * (n + 1)))
        x = np.arange(n + 1)[None, :]
        return np.concatenate([np.exp(log_pmf(x, n, qs[i:i + rows, None])) @ values for i in range(0, qs.size, rows)])
    out = np.empty(qs.size)
    width = 2 * int(np.ceil(WINDOW_SD * np.sqrt(n / 4))) + 5  # covers every q's window (sd <= sqrt(n)/2)
    rows = max(1, CHUNK_BYTES // (8 * width))
    for i in range(0, qs.size, rows):
        start, weights = _window_rows(n, qs[i:i + rows], width)
        out[i:i + rows] = np.einsum("ij,ij->i", weights, values[start[:, None] + np.arange(width)[None, :]])
    return out


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


_GRIDS: OrderedDict[tuple[int, float, int], np.ndarray] = OrderedDict()


def pmf_grid(n: int, c: float, points: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Unchecked :func:`annotator_incentives.binomial.pmf_grid`."""
    grid = np.linspace(0.0, 1.0, points)
    if n > DENSE_LIMIT or points * (n + 1) * 8 > CACHE_BYTES:
        return grid, None
    key = (n, float(c), points)
    if key in _GRIDS:
        _GRIDS.move_to_end(key)
        return grid, _GRIDS[key]
    matrix = np.ascontiguousarray(pmf_matrix(n, pass_probability(grid, c)).T)
    _GRIDS[key] = matrix
    while sum(m.nbytes for m in _GRIDS.values()) > CACHE_BYTES:
        _GRIDS.popitem(last=False)
    return grid, matrix


def clear_cache() -> None:
    """Empty the pmf-matrix cache."""
    _GRIDS.clear()


