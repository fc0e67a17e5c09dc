"""Rates: the binomial lemma, the Theta rates of Theorems 1 and 2, and the discrete contrast."""

from __future__ import annotations

import numpy as np
import pytest

from annotator_incentives import binomial
from annotator_incentives import contracts as C
from annotator_incentives import rates as R
from annotator_incentives import utility as U

FIG3 = U.profile("figure3")


@pytest.mark.parametrize("n,k,p", [(10, 3, 0.3), (50, 40, 0.8), (200, 101, 0.5), (7, 7, 0.9)])
def test_binomial_lemma_identities(n, k, p):
    # (a) the tail as an integral of the (n-1)-pmf
    assert R.tail_integral_form(k, n, p) == pytest.approx(float(binomial.tail(k, n, p)), rel=1e-9, abs=1e-14)
    # (b) its derivative, against a central difference
    h = 1e-6
    numeric = (binomial.tail(k, n, p + h) - binomial.tail(k, n, p - h)) / (2 * h)
    assert float(R.tail_slope(k, n, p)) == pytest.approx(float(numeric), rel=1e-6)
    # (c) the second derivative, against a central difference of (b)
    numeric2 = (R.tail_slope(k, n, p + h) - R.tail_slope(k, n, p - h)) / (2 * h)
    assert float(R.tail_curvature(k, n, p)) == pytest.approx(float(numeric2), rel=1e-5, abs=1e-8)


def test_bell_peak_matches_lemma_e():
    n, share = 4000, 0.8
    p = np.linspace(0.7, 0.9, 20001)
    peak = R.tail_slope(int(share * n), n, p).max()
    assert peak == pytest.approx(R.bell_peak(n, share), rel=0.01)


NS = [200, 400, 1000, 2000, 5000, 10_000, 20_000]


@pytest.fixture(scope="module")
def large_n_gaps():
    return {
        kind: np.array([C.solve(kind, n, 0.98, FIG3, "restricted").gap for n in NS]) for kind in ("binary", "linear", "general")
    }


def test_linear_gap_falls_like_one_over_n(large_n_gaps):
    fit = R.fit_loglog(NS, large_n_gaps["linear"])
    assert abs(fit.slope + 1) < 0.05


BINARY_BAND = (0.5, 2.0)  # max/min of gap * sqrt(n log n) over NS must stay below 2 (stated width)


def test_binary_gap_times_sqrt_n_log_n_stays_in_a_band(large_n_gaps):
    scaled = large_n_gaps["binary"] * np.sqrt(np.array(NS) * np.log(NS))
    assert scaled.max() / scaled.min() < BINARY_BAND[1]
    # and it is not 1/n: the binary gap times n keeps growing
    assert np.all(np.diff(large_n_gaps["binary"] * np.array(NS)) > 0)


def test_general_le_linear_le_binary_for_large_n(large_n_gaps):
    assert np.all(large_n_gaps["general"] <= large_n_gaps["linear"] + 1e-12)
    assert np.all(large_n_gaps["linear"] <= large_n_gaps["binary"])


def test_discrete_action_gap_decays_faster_than_any_power():
    ns = np.array([2, 4, 8, 16, 32])
    gaps = np.array([R.discrete_action_gap(int(n), 0.98, FIG3, low=0.5 * C.first_best(FIG3).eta)["gap"] for n in ns])
    assert np.all(gaps > 0)
    local_slopes = np.diff(np.log(gaps)) / np.diff(np.log(ns))
    assert np.all(np.diff(local_slopes) < 0)  # log-log slope keeps steepening: no power law fits
    assert local_slopes[-1] < -5


def test_fit_loglog_recovers_a_known_slope():
    n = np.array([10, 100, 1000, 10_000])
    fit = R.fit_loglog(n, 3.0 * n ** -0.75)
    assert fit.slope == pytest.approx(-0.75) and fit.stderr < 1e-10


def test_discrete_action_bad_input():
    with pytest.raises(C.ContractError, match="low < high"):
        R.discrete_action_gap(10, 0.9, FIG3, low=0.9, high=0.5)


def test_local_slopes_of_a_power_law_are_constant():
    n = np.logspace(1, 5, 17)
    table = R.local_slopes(n, 3 * n ** -0.7, points=5)
    assert len(table) == 13
    assert np.allclose(table.slope, -0.7)
    assert (table.n_lo < table.n_mid).all() and (table.n_mid < table.n_hi).all()


def test_local_slopes_are_fit_loglog_per_window():
    n = np.logspace(1, 3, 6)
    values = 2 * n ** -0.5
    values[3] = np.nan
    table = R.local_slopes(n, values, points=3)
    assert table.slope.isna().tolist() == [False, True, True, True]
    assert table.slope[0] == R.fit_loglog(n[:3], values[:3]).slope
    assert np.allclose(R.local_slopes(n, 2 * n ** -0.5, points=2).slope, -0.5)  # two points: an exact line
    with pytest.raises(ValueError, match="at least 3"):
        R.fit_loglog(n[:2], values[:2])


def test_local_slopes_of_the_binary_rate_steepen_toward_minus_one_half():
    n = np.logspace(1, 5, 17)
    slopes = R.local_slopes(n, 1 / np.sqrt(n * np.log(n))).slope.to_numpy()
    assert np.all(slopes < -0.5) and np.all(np.diff(slopes) > 0)  # -1/2 (1 + 1/log n), rising to -1/2


def test_fit_against_reference_on_the_same_points():
    n = np.logspace(2, 5, 13)
    fit = R.fit_against_reference(n, 2 / np.sqrt(n * np.log(n)), 1 / np.sqrt(n * np.log(n)), n_min=1000)
    assert fit["n_min"] == pytest.approx(1000) and fit["points"] == 9
    assert fit["slope"] == pytest.approx(fit["reference_slope"]) and abs(fit["difference"]) < 1e-12


def test_one_public_name_per_binomial_quantity():
    """rates and contracts re-export binomial's functions themselves (no second route); the tail is binomial's only."""
    assert R.tail_slope is binomial.tail_slope and R.tail_curvature is binomial.tail_curvature
    assert C.pass_probability is binomial.pass_probability
    assert not hasattr(R, "tail") and not hasattr(C, "tail")
