"""The paper's grid method, re-implemented as a reference, and what the exact solver adds."""

from __future__ import annotations

import numpy as np
import pytest

from annotator_incentives import binomial
from annotator_incentives import contracts as C
from annotator_incentives import grid_reference as R
from annotator_incentives import utility as U
from perturbation import SHIFTS, moved, moved_profile
from tolerances import WELL

FIG3 = U.profile("figure3")


@pytest.fixture(scope="module")
def binary_small():
    return R.grid_method("binary", 3, 0.98, FIG3)


@pytest.fixture(scope="module")
def linear_small():
    return R.grid_method("linear", 3, 0.98, FIG3)


def test_the_grids_are_the_papers():
    assert R.EFFORTS.size == 101 and R.EFFORTS[1] == 0.01 and R.EFFORTS[-1] == 1.0
    assert R.BASE_WAGES.size == 400 and R.BASE_WAGES[0] == -10 and R.BASE_WAGES[-1] == 9.95
    assert R.BONUSES.size == 200 and R.BONUSES[-1] == 9.95
    assert R.THRESHOLD_SHARES.size == 51 and R.THRESHOLD_SHARES[1] == 0.02


def test_bonus_is_paid_on_a_strict_threshold():
    answer = R.GridAnswer(0.0, 0.5, 0.0, 1.0, 0.5, 0.0)
    np.testing.assert_array_equal(answer.wages(4), [0, 0, 0, 1, 1])  # X > 2, not X >= 2


@pytest.mark.parametrize("fixture", ["binary_small", "linear_small"])
def test_answers_follow_the_papers_rules(fixture, request):
    result = request.getfixturevalue(fixture)
    n, c = result.n, result.c
    assert result.first_best.value >= result.second_best.value >= result.second_best_strict.value
    for answer, tol in ((result.second_best, result.tolerance), (result.second_best_strict, 0.0)):
        wages = answer.wages(n)
        on_grid = C.agent_utility_curve(wages, n, c, FIG3, R.EFFORTS)
        own = float(C.agent_utility_curve(wages, n, c, FIG3, answer.eta)[0])
        assert own >= on_grid.max() - tol - 1e-12  # incentive compatible up to the tolerance
        assert own >= FIG3.U0 - 1e-12  # participation
    if result.restricted is not None:
        assert abs(result.restricted.eta - result.first_best.eta) <= 0.01 + 1e-12


def honest_value(wages, n, c):
    """A grid contract evaluated at the agent's exact best response over all of [0, 1]."""
    eta, utility = C.best_response(wages, n, c, FIG3)
    if utility < FIG3.U0 - 1e-12:
        return -np.inf
    return float(FIG3.mu(eta) - binomial.pmf_all(n, float(C.pass_probability(eta, c))) @ wages)


@pytest.mark.parametrize("kind", ["binary", "linear"])
def test_no_grid_contract_evaluated_honestly_beats_the_exact_solver(kind, request):
    result = request.getfixturevalue(f"{kind}_small")
    n, c = result.n, result.c
    exact = C.solve(kind, n, c, FIG3, "unrestricted").principal_utility
    rng = np.random.default_rng(7)
    contracts = [result.second_best, result.second_best_strict, result.first_best]
    for _ in range(150):
        tau = float(rng.choice(R.THRESHOLD_SHARES)) if kind == "binary" else None
        contracts.append(
            R.GridAnswer(0.0, 0.0, float(rng.choice(R.BASE_WAGES[150:260])), float(rng.choice(R.BONUSES[:40])), tau, 0.0)
        )
    values = [honest_value(a.wages(n), n, c) for a in contracts]
    assert exact >= max(values) - 1e-9


def test_tolerance_admits_contracts_the_agent_would_leave():
    """The paper's 0.01 tolerance: its best grid contract reports a smaller normalised gap than
    the exact optimum, but only by counting on an effort the agent would not choose."""
    n, c = 11, 0.98
    result = R.grid_method("linear", n, c, FIG3)
    exact = C.solve("linear", n, c, FIG3, "unrestricted")
    assert result.normalised_gap() < exact.normalised_gap
    wages = result.second_best.wages(n)
    _, best = C.best_response(wages, n, c, FIG3)
    own = float(C.agent_utility_curve(wages, n, c, FIG3, result.second_best.eta)[0])
    assert best - own > 1e-6  # a real violation, far above the exact solver's tolerance
    # and the grid's own first-best sits below the true one: the wage step costs the principal
    assert result.first_best.value < exact.first_best.value


@pytest.mark.slow  # 7 s: all 51 threshold shares of the published grid method
def test_every_tau_slice_as_published_gives_the_same_answers():
    """With n = 2 the 51 threshold shares give 3 distinct events X > tau n; the reference skips
    the repeats unless asked to do the published code's whole work, which changes nothing."""
    fast = R.grid_method("binary", 2, 0.98, FIG3)
    published = R.grid_method("binary", 2, 0.98, FIG3, skip_repeated_thresholds=False)
    for name in ("first_best", "second_best", "restricted", "second_best_strict"):
        assert getattr(fast, name) == getattr(published, name)
    assert fast.cells == published.cells == 51 * 101 * 200 * 400


# --- the published rules, followed by hand ----------------------------------------------------

def published_by_hand(kind, n, c, profile, stop_rule):
    """The published code's first-best, second-best (tolerance 0.01) and restricted
    (``SB_solve_tilde``) answers, computed straight from its rules with full arrays
    [effort, w1, w0] per distinct threshold event (scipy's binomial, not the module's)."""
    from scipy import stats

    E = np.round(np.arange(101) * 0.01, 10)
    W0 = np.round(-10 + np.arange(400) * 0.05, 10)
    W1 = np.round(np.arange(200) * 0.05, 10)
    q = (1 + c * E) / 2
    arrays = []
    if kind == "binary":
        events = {}
        for tau in np.round(np.arange(51) * 0.02, 10):
            events.setdefault(int(np.floor(tau * n + 1e-9)), tau)
        for threshold, tau in events.items():
            pay = stats.binom.sf(threshold, n, q)[:, None, None]
            U = (
                (1 - pay) * profile.G(W0)[None, None, :]
                + pay * profile.G(W0[None, :] + W1[:, None])[None]
                - profile.E(E)[:, None, None]
            )
            P = profile.mu(E)[:, None, None] - W0[None, None, :] - W1[None, :, None] * pay
            arrays.append((tau, U, P))
    else:
        x = np.arange(n + 1)
        pmf = stats.binom.pmf(x[None, :], n, q[:, None])
        U = np.stack([pmf @ profile.G(W0[None, :] + w1 * x[:, None] / n) for w1 in W1], axis=1) - profile.E(E)[:, None, None]
        P = profile.mu(E)[:, None, None] - W0[None, None, :] - W1[None, :, None] * q[:, None, None]
        arrays.append((None, U, P))

    def best(candidates):
        return max(candidates, key=lambda t: t[0])

    first = best(
        (np.where(U >= 0, P, -np.inf).max(), tau, np.unravel_index(np.argmax(np.where(U >= 0, P, -np.inf)), U.shape))
        for tau, U, P in arrays
    )
    star = int(first[2][0])
    second = best((np.where((U >= 0) & (U.max(0) - 0.01 <= U), P, -np.inf).max(), tau) for tau, U, P in arrays)
    restricted = []
    for tau, U, P in arrays:
        window = U[star - 1:stop_rule(star + 2, 101)]
        ok = (window.max(axis=0) == U.max(axis=0)) & (U[star] >= 0)
        j = np.unravel_index(np.argmax(np.where(ok, P[star], -np.inf)), ok.shape)
        restricted.append((np.where(ok, P[star], -np.inf)[j], tau, W0[j[1]], W1[j[0]]))
    return first[0], E[star], second[0], best(restricted)


BASELINE = U.profile("baseline")
# (kind, rule): (grid first-best value, e*, second-best value, restricted (value, tau, w0, w1)),
# pinned from the rules followed by hand (n = 3, c = 0.98, the baseline profile)
PINNED = {
    ("binary", "published"): (0.17699166126974383, 0.67, 0.16887956878776111, (0.1557481405916938, 0.68, -0.05, 0.3)),
    ("binary", "neighbourhood"): (0.17699166126974383, 0.67, 0.16887956878776111, (0.1371153988957441, 0.0, -2.0, 2.15)),
    ("linear", "published"): (0.17734998945417668, 0.64, 0.16484418195298683, (0.1578299894541767, None, -0.5, 0.75)),
    ("linear", "neighbourhood"): (0.17734998945417668, 0.64, 0.16484418195298683, (0.12054998945417666, None, -0.3, 0.55)),
}


def check_against_pinned(result, pinned) -> None:
    """The grid method's answers against the pinned ones: values (sums on fixed grids, well
    conditioned) to WELL; the grid points chosen (e*, tau, w0, w1) exactly."""
    first, star, second, (restricted, *point) = pinned
    assert result.first_best.value == pytest.approx(first, abs=WELL) and result.first_best.eta == star
    assert result.second_best.value == pytest.approx(second, abs=WELL)
    answer = result.restricted
    assert answer.value == pytest.approx(restricted, abs=WELL) and answer.eta == star
    assert [answer.tau, answer.w0, answer.w1] == point


@pytest.mark.parametrize("kind,rule", list(PINNED))
def test_grid_method_follows_the_published_rules(kind, rule):
    """First-best, second-best and both restricted rules against the rules followed by hand,
    and against values pinned from them: with the published slice a contract passes when the
    agent's grid best response is e* - 0.01 or any larger effort; with the neighbourhood rule
    only e* +- 0.01. The principal's utility is counted at e* either way."""
    first, star, second, restricted = published_by_hand(kind, 3, 0.98, BASELINE, max if rule == "published" else min)
    pinned = PINNED[kind, rule]
    assert (first, star, second) == pytest.approx(pinned[:3], abs=WELL)
    assert restricted[0] == pytest.approx(pinned[3][0], abs=WELL) and restricted[1:] == pinned[3][1:]
    result = R.grid_method(kind, 3, 0.98, BASELINE, restricted_rule=rule)
    assert result.restricted_rule == rule
    check_against_pinned(result, pinned)


# The grid method takes seconds (binary) per run: each pinned case is rerun once, with its own shift.
@pytest.mark.parametrize("kind,rule,shift", [(*key, shift) for key, shift in zip(PINNED, SHIFTS, strict=True)])
def test_pinned_grid_answers_hold_when_inputs_move(kind, rule, shift):
    """c and the profile's parameters moved by a few ulps, as another CPU's last bits would:
    the values stay within WELL and no tie between grid points flips (the grid method compares
    maxima for exact equality)."""
    result = R.grid_method(kind, 3, moved(0.98, shift), moved_profile(BASELINE, shift), restricted_rule=rule)
    check_against_pinned(result, PINNED[kind, rule])


def test_published_restricted_rule_admits_more_effort_than_the_neighbourhood():
    """The published slice runs to the end of the effort grid, so it accepts every contract the
    neighbourhood rule accepts (and more): its restricted value is never lower."""
    for kind in ("binary", "linear"):
        published, neighbourhood = (
            R.grid_method(kind, 3, 0.98, BASELINE, restricted_rule=rule).restricted for rule in R.RESTRICTED_RULES
        )
        assert published.value >= neighbourhood.value


def test_unknown_restricted_rule_raises():
    with pytest.raises(ValueError, match="restricted_rule"):
        R.grid_method("linear", 3, 0.98, BASELINE, restricted_rule="ours")
