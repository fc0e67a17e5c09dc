"""The paper's grid method, re-implemented as a reference, and what the exact solver adds."""

from __future__ import annotations

import numpy as np
import pytest

from annotator_incentives import binomial
from annotator_incentives import contracts as C
from annotator_incentives import grid_reference as R
from annotator_incentives import utility as U

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
        contracts.append(R.GridAnswer(0.0, 0.0, float(rng.choice(R.BASE_WAGES[150:260])), float(rng.choice(R.BONUSES[:40])), tau, 0.0))
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


def test_every_tau_slice_as_published_gives_the_same_answers():
    """With n = 2 the 51 threshold shares give 3 distinct events X > tau n; the reference skips
    the repeats unless asked to do the published code's whole work, which changes nothing."""
    fast = R.grid_method("binary", 2, 0.98, FIG3)
    published = R.grid_method("binary", 2, 0.98, FIG3, skip_repeated_thresholds=False)
    for name in ("first_best", "second_best", "restricted", "second_best_strict"):
        assert getattr(fast, name) == getattr(published, name)
    assert fast.cells == published.cells == 51 * 101 * 200 * 400
