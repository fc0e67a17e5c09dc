"""The binomial kernel: each quantity against an independent route (scipy, finite differences,
brute-force sums), the byte-bounded cache and the Clopper-Pearson interval."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from scipy import stats

from annotator_incentives import binomial as B
from annotator_incentives import binomial_kernel


@pytest.mark.parametrize("n", [1, 7, 200, 5000])
def test_pmf_tails_and_slopes_against_scipy(n):
    q = 0.73
    x = np.arange(n + 1)
    np.testing.assert_allclose(B.pmf_all(n, q), stats.binom.pmf(x, n, q), rtol=1e-9, atol=1e-300)
    k = np.arange(0, n + 2)
    np.testing.assert_allclose(B.tail(k, n, q), stats.binom.sf(k - 1, n, q), rtol=1e-9, atol=1e-300)  # cephes against boost
    np.testing.assert_allclose(B.below(k, n, q), stats.binom.cdf(k - 1, n, q), rtol=1e-9, atol=1e-300)
    heavy = B.pmf_all(n, q) > 1e-12
    np.testing.assert_allclose(B.tails_all(B.pmf_all(n, q))[heavy[1:]], stats.binom.sf(x[1:] - 1, n, q)[heavy[1:]], rtol=1e-9)
    h = 1e-6  # lemma (b) and (c) against central differences
    inner = np.arange(1, n + 1)
    slope = (B.tail(inner, n, q + h) - B.tail(inner, n, q - h)) / (2 * h)
    np.testing.assert_allclose(B.tail_slope(inner, n, q), slope, rtol=1e-5, atol=1e-9)
    if n > 1:
        curvature = (B.tail_slope(inner, n, q + h) - B.tail_slope(inner, n, q - h)) / (2 * h)
        np.testing.assert_allclose(B.tail_curvature(inner, n, q), curvature, rtol=1e-4, atol=1e-6 * n)
    c = 0.6
    assert B.tail_eta_slope(inner, n, c, q) == pytest.approx(0.5 * c * B.tail_slope(inner, n, q))


def test_score_is_the_derivative_of_the_log_likelihood():
    n, c, eta, h = 30, 0.8, 0.55, 1e-6
    x = np.arange(n + 1)
    numeric = (B.log_pmf(x, n, B.pass_probability(eta + h, c)) - B.log_pmf(x, n, B.pass_probability(eta - h, c))) / (2 * h)
    np.testing.assert_allclose(B.score(x, n, c, B.pass_probability(eta, c)), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n", [40, 20_000, 100_000])
def test_expectations_dense_and_windowed_against_a_full_sum(n):
    values = np.sin(np.arange(n + 1) / 7.0)
    qs = B.pass_probability(np.array([0.0, 0.4, 1.0]), 0.9)
    full = np.array([stats.binom.pmf(np.arange(n + 1), n, q) @ values for q in qs])
    np.testing.assert_allclose(B.expect(values, n, qs), full, rtol=0, atol=1e-13)


@pytest.mark.parametrize("n,c", [(3001, 0.98), (10_000, 0.5), (100_000, 1.0)])
def test_windowed_grid_matrix_gives_the_windowed_expectations(n, c):
    """The incentive checks beyond DENSE_LIMIT screen on window_grid's banded matrix: the same
    windowed sums as expect, without rebuilding the windows at every check."""
    values = np.sin(np.arange(n + 1) / 7.0)
    matrix = binomial_kernel.window_grid(n, c, 401)
    qs = B.pass_probability(np.linspace(0.0, 1.0, 401), c)
    np.testing.assert_allclose(matrix @ values, B.expect(values, n, qs), rtol=0, atol=1e-13)
    assert binomial_kernel.window_grid(n, c, 401) is matrix  # cached
    assert binomial_kernel.window_grid(100_000, c, 20_001) is None  # 700 MB: not built
    B.clear_cache()


def test_pmf_cache_is_bounded_in_bytes():
    B.clear_cache()
    for n in range(2000, 2400, 50):
        grid, matrix = B.pmf_grid(n, 0.98, 1001)
        assert matrix.shape == (1001, n + 1)
    assert sum(m.nbytes for m in binomial_kernel._GRIDS.values()) <= B.CACHE_BYTES
    assert B.pmf_grid(3000, 0.98, 20_001)[1] is None  # 480 MB: not built, not kept
    B.clear_cache()


def test_a_fine_expectation_at_large_n_stays_small_in_memory():
    """One incentive check at n = 3000 on 20 001 efforts: blocks of rows, never the whole
    20 001 x 3001 pmf matrix (480 MB)."""
    values = np.linspace(0, 1, 3001)
    tracemalloc.start()
    B.expect(values, 3000, B.pass_probability(np.linspace(0, 1, 20_001), 0.98))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 6 * binomial_kernel.CHUNK_BYTES


def test_clopper_pearson():
    low, high = B.clopper_pearson(np.array([0, 5, 10, 0]), np.array([10, 10, 10, 0]))
    assert low[0] == 0 and high[2] == 1 and np.isnan(low[3]) and np.isnan(high[3])
    assert low[1] == pytest.approx(stats.beta.ppf(0.025, 5, 6)) and high[1] == pytest.approx(stats.beta.ppf(0.975, 6, 5))


def test_examples_in_the_docstrings_run():
    """The numpydoc examples of binomial's public functions (and the kernel and grid policy helpers) give their known values."""
    import doctest
    import importlib

    optimise = importlib.import_module("annotator_incentives.contracts.optimise")
    certify = importlib.import_module("annotator_incentives.contracts.certify")  # the package re-exports a function of that name
    margin = importlib.import_module("annotator_incentives.contracts.margin")
    for module in (B, binomial_kernel, optimise, certify, margin):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
    assert doctest.testmod(B).attempted >= 17
