"""Monitoring: exact error sums, bounds, tests, estimators, Fisher information, sample sizes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import xlogy

from annotator_incentives import monitoring as M


def log_lr(k, n, q0, q1):
    return xlogy(k, q1) - xlogy(k, q0) + xlogy(n - k, 1 - q1) - xlogy(n - k, 1 - q0)


def brute_force_min_error_sum(n, q0, q1):
    """1 - TV between the two binomials, by summing over every outcome."""
    k = np.arange(n + 1)
    return 1 - 0.5 * np.abs(stats.binom.pmf(k, n, q0) - stats.binom.pmf(k, n, q1)).sum()


# --- the annotator model ------------------------------------------------------------------

def test_agreement_probability_matches_the_two_label_laws():
    eta, p, p_e = 0.7, 0.8, 0.9
    z = M.label_probability(eta, p)
    assert M.agreement_probability(eta, p, p_e) == pytest.approx(z * p_e + (1 - z) * (1 - p_e))


def test_signal_strength_with_a_sure_expert_is_mean_of_2p_minus_1():
    p = np.array([0.5, 0.75, 1.0])
    assert M.signal_strength(p) == pytest.approx(np.mean(2 * p - 1))
    assert M.signal_strength(p, p_e=0.5) == 0


def test_self_consistency_pass_probability():
    monitor = M.self_consistency_monitor(0.1)
    assert monitor.c == pytest.approx(0.9)
    assert monitor.q(1.0) == pytest.approx(0.95) and monitor.q(0.0) == 0.5


# --- bounds and exact error sums ----------------------------------------------------------

def test_error_sum_is_one_minus_total_variation():
    for n, q0, q1 in [(1, 0.5, 0.9), (10, 0.7, 0.8), (37, 0.6, 0.62), (200, 0.55, 0.75)]:
        assert M.error_sum(n, q0, q1) == pytest.approx(brute_force_min_error_sum(n, q0, q1), abs=1e-12)


def test_lr_threshold_is_where_the_likelihood_ratio_crosses_one():
    for n, q0, q1 in [(25, 0.6, 0.7), (100, 0.55, 0.95), (7, 0.5, 0.51)]:
        k = int(M.lr_threshold(n, q0, q1))
        assert log_lr(k, n, q0, q1) > 0 >= log_lr(k - 1, n, q0, q1)


def test_eta1_equal_to_one_without_self_disagreement():
    # q1 = 1: only a perfect record passes; the error sum is q0^n.
    n = np.arange(1, 50)
    assert np.allclose(M.error_sum(n, 0.9, 1.0), 0.9**n)


def test_lower_bounds_never_exceed_the_exact_error_of_the_best_test():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.5, 1.0, 500)
    monitor = M.expert_monitor(p)
    n = np.arange(10, 5000, 10)  # to error sums near 1e-14, which an absolute tolerance of 1e-12 would not test
    for eta0, eta1 in [(0.6, 1.0), (0.8, 1.0), (0.9, 0.98), (0.8, 0.95)]:
        kl = M.expert_kl_divergence(p, eta0, eta1)
        exact = M.error_sum(n, monitor.q(eta0), monitor.q(eta1))
        assert np.all(M.error_sum_lower_bound(n, kl) <= exact * (1 + 1e-9))
        assert np.all(M.le_cam_bound(n, kl) <= exact + 1e-12)


def test_kl_of_the_agreement_signal_never_exceeds_the_label_kl():
    # data processing: the agreement count forgets which p each item had
    p = np.random.default_rng(2).uniform(0.5, 1.0, 200)
    monitor = M.expert_monitor(p)
    q0, q1 = monitor.q(0.8), monitor.q(0.95)
    kl_agreement = q0 * np.log(q0 / q1) + (1 - q0) * np.log((1 - q0) / (1 - q1))
    assert kl_agreement <= M.expert_kl_divergence(p, 0.8, 0.95)


@settings(max_examples=60, deadline=None)
@given(q0=st.floats(0.5, 0.95), gap=st.floats(0.005, 0.3))
def test_error_sums_fall_as_n_grows(q0, gap):
    q1 = min(q0 + gap, 1.0)
    sums = M.error_sum(np.arange(1, 300), q0, q1)
    assert np.all(np.diff(sums) <= 1e-12)


def test_exact_error_sum_agrees_with_seeded_monte_carlo():
    rng = np.random.default_rng(2025)
    trials = 10_000
    for n, q0, q1 in [(50, 0.85, 0.98), (200, 0.8, 0.9), (490, 0.9, 0.95)]:
        exact = float(M.error_sum(n, q0, q1))
        simulated = M.monte_carlo_error_sum(n, q0, q1, trials, rng)
        # each error rate is a mean of `trials` Bernoulli draws: 4 standard deviations of the sum
        tolerance = 4 * np.sqrt(2 * 0.25 / trials)
        assert abs(simulated - exact) < tolerance


# --- tests of a given size, estimation ----------------------------------------------------

def test_ump_threshold_has_the_stated_size_and_is_the_smallest():
    for n, q0, alpha in [(100, 0.9, 0.05), (30, 0.7, 0.01), (5, 0.5, 0.2)]:
        k = M.ump_threshold(n, q0, alpha)
        size, _ = M.threshold_test_errors(n, k, q0, 0.99)
        assert size <= alpha
        larger, _ = M.threshold_test_errors(n, k - 1, q0, 0.99)
        assert larger > alpha


def test_estimate_and_exact_interval():
    result = M.estimate_eta(passes=85, n=100, c=0.8)
    assert result.eta_hat == pytest.approx((2 * 0.85 - 1) / 0.8)
    assert 0 <= result.low < result.eta_hat < result.high <= 1
    q_low, q_high = stats.binomtest(85, 100).proportion_ci(0.95, method="exact")
    assert result.low == pytest.approx((2 * q_low - 1) / 0.8)
    assert result.high == pytest.approx(min(1.0, (2 * q_high - 1) / 0.8))


def test_interval_covers_at_its_level():
    # exact coverage of the Clopper-Pearson interval, summed over every outcome
    n, c, eta = 40, 0.6, 0.7
    q = (1 + c * eta) / 2
    cover = sum(
        stats.binom.pmf(x, n, q) for x in range(n + 1) if M.estimate_eta(x, n, c).low <= eta <= M.estimate_eta(x, n, c).high
    )
    assert cover >= 0.95


# --- Fisher information and sample sizes --------------------------------------------------

def test_fisher_information_matches_the_bernoulli_formula():
    c, eta = 0.7, 0.6
    q = (1 + c * eta) / 2
    assert M.fisher_information(eta, c) == pytest.approx((c / 2) ** 2 / (q * (1 - q)))
    assert M.fisher_information(0.0, c) == pytest.approx(c**2)


def test_samples_needed_is_the_smallest_n():
    q0, q1 = M.self_consistency_monitor(0.05).q(0.8), M.self_consistency_monitor(0.05).q(0.95)
    for target in (0.2, 0.1, 0.05):
        n = M.samples_needed(target, q0, q1)
        assert M.error_sum(n, q0, q1) <= target
        assert np.all(M.error_sum(np.arange(1, n), q0, q1) > target)


def test_asymptotic_sample_size_is_the_right_order():
    monitor = M.self_consistency_monitor(0.0)
    q0, q1 = monitor.q(0.9), monitor.q(0.95)
    exact = M.samples_needed(0.05, q0, q1)
    assert exact > 100  # far enough into the asymptotic regime
    approx = M.samples_needed_asymptotic(0.05, monitor, 0.9, 0.95)
    assert 0.9 < approx / exact < 1.1


def test_self_consistency_condition():
    assert M.self_consistency_needs_fewer(delta=0.1, c_bar=0.5)
    assert not M.self_consistency_needs_fewer(delta=0.6, c_bar=0.5)
    # and the exact sample sizes agree with it on both sides
    for delta, c_bar in [(0.1, 0.5), (0.6, 0.5)]:
        sc, ex = M.self_consistency_monitor(delta), M.Monitor("expert", c_bar)
        n_sc = M.samples_needed(0.1, sc.q(0.8), sc.q(0.95))
        n_ex = M.samples_needed(0.1, ex.q(0.8), ex.q(0.95))
        assert (n_sc < n_ex) == M.self_consistency_needs_fewer(delta, c_bar)


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: M.expert_kl_divergence([0.7, 1.2], 0.8, 0.9), r"p must lie in \[0, 1\]"),
    (lambda: M.expert_kl_divergence([0.7], 0.9, 0.9), "eta0 < eta1"),
    (lambda: M.expert_kl_divergence([], 0.8, 0.9), "p is empty"),
    (lambda: M.error_sum(0, 0.6, 0.7), "at least 1"),
    (lambda: M.error_sum(2.5, 0.6, 0.7), "whole numbers"),
    (lambda: M.error_sum(10, 0.7, 0.6), "q0 < q1"),
    (lambda: M.self_consistency_monitor(1.5), r"delta must lie in \[0, 1\]"),
    (lambda: M.Monitor("expert", 0.0), r"\(0, 1\]"),
    (lambda: M.estimate_eta(11, 10, 0.5), "passes"),
    (lambda: M.samples_needed(0.001, 0.5, 0.5001, n_max=1000), "n_max"),
])
def test_bad_input_raises_a_clear_error(call, message):
    with pytest.raises(M.MonitoringError, match=message):
        call()


def test_lower_bound_sample_size_is_the_first_n_under_the_bound():
    kl = 0.0123
    for target in (0.3, 0.1, 0.05):
        n = M.samples_needed_lower_bound(target, kl)
        assert M.error_sum_lower_bound(n, kl) <= target < M.error_sum_lower_bound(n - 1, kl) if n > 1 else True


def test_curve_tables_have_one_row_per_n_and_parameter():
    p = np.linspace(0.55, 0.99, 50)
    n = np.arange(10, 500, 10)
    bounds = M.expert_bound_curves(p, n, [0.95, 0.9, 0.8, 0.6], 1.0)
    assert len(bounds) == 4 * n.size and bounds["lower_bound"].between(0, 1).all()
    # a worse annotator (smaller eta0) is easier to tell apart
    wide = bounds.pivot(index="n", columns="eta0", values="lower_bound")
    assert np.all(wide[0.6] <= wide[0.95])
    sc = M.self_consistency_curves(n, [0, 0.1, 0.2, 0.3], 0.8, 1.0)
    wide = sc.pivot(index="n", columns="delta", values="error_sum")
    assert np.all(wide[0.0] <= wide[0.3] + 1e-12)


def test_a_threshold_beyond_n_never_passes_on_the_unchecked_route():
    """The solvers' unchecked tails agree with the checked ones beyond k = n + 1 (0 and 1, not nan)."""
    type_one, type_two = M.threshold_test_errors(5, 8, 0.3, 0.6)
    assert float(type_one) == 0.0 and float(type_two) == 1.0


# --- beyond n = 2**31 - 1, where scipy's bdtr/bdtrc return nan (issue 21) ---------------------

def _tail_by_pmf_sum(k: int, n: int, q: float) -> float:
    """Independent reference for P(Bin(n, q) >= k): scipy's binomial pmf (boost's, not the
    incomplete beta function the library uses) summed over k .. k + 14 standard deviations,
    smallest terms first; the mass beyond is below 1e-40."""
    sd = np.sqrt(n * q * (1 - q))
    x = np.arange(k, int(k + 14 * sd) + 1)
    return float(np.sum(stats.binom.pmf(x, n, q)[::-1]))


@pytest.mark.parametrize("n", [2**31, 3 * 10**9])
def test_error_sum_is_exact_beyond_two_to_the_31(n):
    q0, q1 = 0.6, 0.6001
    k = int(M.lr_threshold(n, q0, q1))
    first, second = M.threshold_test_errors(n, k, q0, q1)
    assert np.isfinite(first) and np.isfinite(second)
    assert float(first) == pytest.approx(_tail_by_pmf_sum(k, n, q0), rel=1e-9)
    # type II from below, summed the same way: P(X < k) = sum over x < k
    sd = np.sqrt(n * q1 * (1 - q1))
    x = np.arange(int(k - 14 * sd), k)
    assert float(second) == pytest.approx(float(np.sum(stats.binom.pmf(x, n, q1))), rel=1e-9)
    assert float(M.error_sum(n, q0, q1)) == pytest.approx(float(first + second), rel=1e-15)


def test_samples_needed_beyond_two_to_the_31():
    """Was 2,147,483,648 (the error sum was nan from 2**31 on, and nan <= target is false)."""
    q0, q1, target = 0.6, 0.6001, 1e-6
    needed = M.samples_needed(target, q0, q1, n_max=10**12)
    assert needed > 2**31
    assert M.error_sum(needed, q0, q1) <= target < M.error_sum(needed - 1, q0, q1)
    # the normal approximation of the optimal error sum, 2 Phi(-sqrt(n) (q1 - q0) / (2 sqrt(q (1 - q)))), agrees
    z = stats.norm.isf(target / 2)
    assert needed == pytest.approx((2 * z * np.sqrt(0.6 * 0.4) / (q1 - q0)) ** 2, rel=1e-3)
    assert float(M.error_sum(10**12, q0, q1)) == 0.0  # about 200 standard deviations apart: no float can hold it


def test_ump_threshold_beyond_two_to_the_31():
    n, alpha = 2**32, 0.05
    k = M.ump_threshold(n, 0.5, alpha)
    assert k == pytest.approx(n / 2 + stats.norm.isf(alpha) * np.sqrt(n / 4), abs=3)
    assert M.threshold_test_errors(n, k, 0.5, 0.6)[0] <= alpha < M.threshold_test_errors(n, k - 1, 0.5, 0.6)[0]


@pytest.mark.parametrize("nd", [1e-3, 0.5, 5.0, 37.0, 50.0, 200.0, 700.0])
def test_the_lower_bound_is_accurate_where_it_is_tiny(nd):
    """Bretagnolle-Huber's 1 - sqrt(1 - e), e = exp(-nD), against its series e/2 + e²/8 + e³/16
    (exact to 1e-16 relative once e < 1e-4) and, where e is not small, against the direct formula,
    which is accurate there: the bound is positive at every nD a float can hold, never rounded to 0."""
    bound = float(M.error_sum_lower_bound(1, nd))
    e = np.exp(-nd)
    reference = e / 2 + e**2 / 8 + e**3 / 16 if e < 1e-4 else max(1 - np.sqrt(nd / 2), 1 - np.sqrt(1 - e), 0.0)
    assert bound > 0
    assert bound == pytest.approx(reference, rel=1e-12)
