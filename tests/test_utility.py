"""Utility profiles: the paper's profiles pass Assumptions 2-4; violations are named."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from annotator_incentives import utility as U


@pytest.mark.parametrize("name", list(U.PROFILES))
def test_named_profiles_satisfy_the_assumptions(name):
    profile = U.profile(name)
    profile.check_assumptions()
    w = np.linspace(profile.w_lo, profile.w_hi, 101)
    np.testing.assert_allclose(profile.wage_for_utility(profile.G(w)), w, atol=1e-8)
    eta = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(profile.dE(eta), (profile.E(eta + 1e-6) - profile.E(eta - 1e-6)) / 2e-6, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(profile.dmu(eta), (profile.mu(eta + 1e-6) - profile.mu(eta - 1e-6)) / 2e-6, rtol=1e-5)
    np.testing.assert_allclose(profile.dG(w[1:-1]), (profile.G(w[1:-1] + 1e-6) - profile.G(w[1:-1] - 1e-6)) / 2e-6, rtol=1e-5)


def test_figure3_profile_is_the_papers():
    p = U.profile("figure3")
    assert p.U0 == 0 and float(p.G(1.0)) == pytest.approx(1 - np.exp(-1))
    assert float(p.E(0.5)) == pytest.approx(0.18 * 0.25) and float(p.mu(0.5)) == pytest.approx(0.5 * 0.5**0.8)


def linear_G(w):
    return np.asarray(w, float)


@pytest.mark.parametrize("kwargs,message", [
    (dict(G=linear_G), "Assumption 2 fails: G is not strictly concave"),
    (dict(G=lambda w: -np.exp(-np.asarray(w, float)) * 0 - np.asarray(w, float)), "Assumption 2 fails: G is not increasing"),
    (dict(E=lambda e: np.sqrt(np.asarray(e, float))), "Assumption 3 fails: E is not convex"),
    (dict(mu=lambda e: np.asarray(e, float) ** 2), "Assumption 3 fails: mu is not concave"),
    (dict(mu=lambda e: -np.asarray(e, float)), "Assumption 3 fails: mu is not increasing"),
    (dict(w_lo=0.0, w_hi=0.1), "Assumption 4 fails"),
    (dict(w_lo=1.0, w_hi=1.0), "w_lo < w_hi"),
])
def test_violations_name_the_assumption(kwargs, message):
    base = dict(name="custom", G=lambda w: 1 - np.exp(-np.asarray(w, float)), E=lambda e: 0.18 * np.asarray(e, float) ** 2,
                mu=lambda e: 0.5 * np.asarray(e, float) ** 0.8)
    with pytest.raises(U.ProfileError, match=message):
        U.UtilityProfile(**{**base, **kwargs})


def test_numeric_inverse_and_derivatives_when_not_given():
    p = U.UtilityProfile("numeric", G=lambda w: 1 - np.exp(-np.asarray(w, float)), E=lambda e: 0.1 * np.asarray(e, float) ** 2,
                         mu=lambda e: np.log1p(np.asarray(e, float)))
    assert float(p.wage_for_utility(0.5)) == pytest.approx(np.log(2), abs=1e-10)
    assert float(p.dG(0.0)) == pytest.approx(1.0, rel=1e-6)
    assert float(U.profile("figure3").d2G(0.3)) == pytest.approx(-np.exp(-0.3), rel=1e-8)  # G = 1 - exp(-w)


def test_unknown_profile():
    with pytest.raises(U.ProfileError, match="unknown utility profile 'nope'"):
        U.profile("nope")


def test_solve_increasing_against_closed_forms_and_at_the_bounds():
    """Newton's method inside a shrinking bracket: exact to rounding inside the range, the
    nearer end outside it, also where Newton alone would crawl (exp(-2w) far from the root)."""
    f, df = (lambda w: -np.exp(-2 * np.asarray(w, float))), (lambda w: 2 * np.exp(-2 * np.asarray(w, float)))
    w_true = np.linspace(-5, 10, 301)
    u = f(w_true)
    np.testing.assert_allclose(U.solve_increasing(f, df, u, -5.0, 10.0), w_true, rtol=1e-13, atol=1e-13)
    outside = U.solve_increasing(f, df, np.array([f(-6.0), f(11.0), -np.inf]), -5.0, 10.0)
    np.testing.assert_array_equal(outside, [-5.0, 10.0, -5.0])
    # a rough derivative (10% off) still converges, to the same answer
    rough = U.solve_increasing(f, lambda w: 1.1 * df(w), u, -5.0, 10.0)
    np.testing.assert_allclose(rough, w_true, rtol=1e-12, atol=1e-12)


def _power_profile(power: float, **changes) -> U.UtilityProfile:
    G, G_inv, dG = U.cara()
    mu = lambda e: 0.5 * np.asarray(e, float) ** power  # noqa: E731
    dmu = lambda e: 0.5 * power * np.maximum(np.asarray(e, float), 1e-300) ** (power - 1)  # noqa: E731
    return U.UtilityProfile("power", G=G, G_inv=G_inv, dG=dG, E=lambda e: 0.18 * np.asarray(e, float) ** 2,
                            dE=lambda e: 0.36 * np.asarray(e, float), mu=mu, dmu=dmu, **changes)


@pytest.mark.parametrize("power", [1.0000001, 1.00000001, 1.001])
def test_slightly_convex_mu_is_rejected(power):
    """Issue 21: second differences over several spans, against rounding alone, find a curvature
    of 1e-8 (the old absolute tolerance 1e-9 let eta^1.0000001 through)."""
    with pytest.raises(U.ProfileError, match="Assumption 3 fails: mu is not concave"):
        _power_profile(power)


@pytest.mark.parametrize("power", [1.0, 0.9999999, 0.8, 1e-3, 1e-9])
def test_concave_mu_passes_and_its_derivative_check_allows_for_rounding(power):
    """A flat mu (power 1e-9) has a derivative of 5e-10 that a central difference of step 1e-6
    only knows to about 1e-10: the consistency check allows for that rounding (issue 21: 'dmu
    does not match')."""
    profile = _power_profile(power)
    assert float(profile.mu(1.0)) == 0.5


def test_a_wrong_derivative_is_still_caught():
    G, G_inv, dG = U.cara()
    with pytest.raises(U.ProfileError, match="dmu does not match the derivative of mu"):
        U.UtilityProfile("wrong", G=G, G_inv=G_inv, dG=dG, E=lambda e: 0.18 * np.asarray(e, float) ** 2,
                         mu=lambda e: 0.5 * np.asarray(e, float) ** 0.8, dmu=lambda e: 1.01 * 0.4 * np.asarray(e, float) ** -0.2)


def test_cara_never_overflows_and_inverts_to_its_ceiling():
    """G, G' and G^{-1} of a CARA curve at extreme arguments: infinities, no warning (issue 21:
    OverflowError in general solves), and G^{-1}(G(w)) = w to rounding where G is not flat."""
    G, G_inv, dG = U.cara(rate=50.0, scale=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(G(-1e6)) == -np.inf and float(dG(-1e6)) == np.inf and float(G(1e6)) == 2.0
        assert float(G_inv(2.0)) == np.inf and float(G_inv(5.0)) == np.inf and float(G_inv(-np.inf)) == -np.inf
    w = np.linspace(-12 / 50, 12 / 50, 101)
    np.testing.assert_allclose(G_inv(G(w)), w, rtol=1e-9, atol=1e-12)
    assert float(G(np.log(2) / 50)) == pytest.approx(1.0, rel=1e-15)
