"""The exact contract solver: first-best, binary/linear/general contracts, global incentive
compatibility, orderings of the values, and agreement with brute force on small problems."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, special

import contract_brute_force as brute
from annotator_incentives import binomial
from annotator_incentives import contracts as C
from annotator_incentives import utility as U
from annotator_incentives.contracts import binary, binary_search, general, linear, optimise
from tolerances import EFFORT, FROM_EFFORT, WELL

FIG3 = U.profile("figure3")


def random_profile(rate, a, b, m, s) -> U.UtilityProfile:
    G, G_inv, dG = U.cara(rate)
    return U.UtilityProfile(
        "random", G=G, G_inv=G_inv, dG=dG, cara=(rate, 1.0),
        E=lambda e: b * np.asarray(e, float) + a * np.asarray(e, float) ** 2,
        dE=lambda e: b + 2 * a * np.asarray(e, float),
        mu=lambda e: m * -np.expm1(-s * np.asarray(e, float)),
        dmu=lambda e: m * s * np.exp(-s * np.asarray(e, float)),
    )


profiles = st.builds(
    random_profile,
    rate=st.floats(0.5, 2.0), a=st.floats(0.05, 0.3), b=st.floats(0.0, 0.05),
    m=st.floats(0.3, 0.8), s=st.floats(0.8, 2.5),
)


# --- first-best -------------------------------------------------------------------------------

def test_first_best_against_a_fine_grid():
    fb = C.first_best(FIG3)
    eta = np.linspace(0, 1, 200_001)
    values = FIG3.mu(eta) - FIG3.wage_for_utility(FIG3.E(eta) + FIG3.U0)
    assert fb.value >= values.max() - 1e-12
    assert fb.eta == pytest.approx(eta[np.argmax(values)], abs=1e-5)
    assert 0 < fb.eta < 1  # Assumption 5


# --- properties over random valid profiles --------------------------------------------------

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, n=st.integers(1, 30), c=st.floats(0.3, 1.0))
def test_value_ordering_participation_and_global_incentives(profile, n, c):
    fb = C.first_best(profile)
    assume(0.05 < fb.eta < 0.95)
    for kind in ("binary", "linear"):
        unrestricted = C.solve(kind, n, c, profile, "unrestricted")
        restricted = C.solve(kind, n, c, profile, "restricted")
        assert unrestricted.feasible
        assert fb.value >= unrestricted.principal_utility - WELL
        assert unrestricted.gap >= -WELL
        if restricted.feasible:
            assert unrestricted.principal_utility >= restricted.principal_utility - WELL
            assert restricted.eta == pytest.approx(fb.eta)
        for solution in (unrestricted, restricted):
            if solution.feasible:
                # participation, to the precision of the utilities the contract pays
                scale = max(1.0, float(np.max(np.abs(profile.G(solution.wages)))))
                assert solution.agent_utility >= profile.U0 - WELL * scale
                assert C.ic_violation(solution, profile, points=4001) <= 1e-9  # global best response
                assert np.all(solution.wages >= profile.w_lo - WELL) and np.all(solution.wages <= profile.w_hi + WELL)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, n=st.integers(2, 12), c=st.floats(0.4, 1.0))
def test_general_contract_is_never_worse(profile, n, c):
    fb = C.first_best(profile)
    assume(0.05 < fb.eta < 0.95)
    general = C.solve("general", n, c, profile, "restricted")
    assert general.feasible
    assert C.ic_violation(general, profile, points=4001) <= 1e-9
    for kind in ("binary", "linear"):
        other = C.solve(kind, n, c, profile, "restricted")
        if other.feasible:
            assert general.principal_utility >= other.principal_utility - 1e-9


def test_general_unrestricted_beats_linear_and_binary_on_figure3():
    general = C.solve("general", 11, 0.9, FIG3, "unrestricted")
    for kind in ("binary", "linear"):
        assert general.principal_utility >= C.solve(kind, 11, 0.9, FIG3, "unrestricted").principal_utility - 1e-9


# --- brute force on small problems ---------------------------------------------------------

@pytest.mark.parametrize("n,c", [(1, 0.98), (3, 0.7), (8, 0.98)])
def test_binary_restricted_against_an_independent_route(n, c):
    """For each threshold k, find by bisection the bonus at which the agent's *global* best
    response (no first-order condition involved) reaches eta*; the best such k must match."""
    fb = C.first_best(FIG3)

    def response(k, b):
        grid = np.linspace(0, 1, 4001)
        values = b * special.bdtrc(k - 1, n, C.pass_probability(grid, c)) - FIG3.E(grid)
        j = int(np.argmax(values))
        res = optimize.minimize_scalar(
            lambda e: -(b * float(special.bdtrc(k - 1, n, C.pass_probability(e, c))) - float(FIG3.E(e))),
            bounds=(grid[max(j - 1, 0)], grid[min(j + 1, 4000)]),
            method="bounded",
            options={"xatol": 1e-13},
        )
        return float(res.x)

    best = -np.inf
    for k in range(1, n + 1):
        lo, hi = 0.0, 3.0
        if response(k, hi) < fb.eta:
            continue
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if response(k, mid) < fb.eta else (lo, mid)
        if abs(response(k, hi) - fb.eta) > 1e-7:
            continue  # the best response jumps over eta*: k cannot induce it
        P = float(special.bdtrc(k - 1, n, C.pass_probability(fb.eta, c)))
        base = FIG3.U0 + float(FIG3.E(fb.eta)) - hi * P
        wage = (1 - P) * FIG3.wage_for_utility(base) + P * FIG3.wage_for_utility(base + hi)
        best = max(best, float(FIG3.mu(fb.eta) - wage))
    exact = C.solve("binary", n, c, FIG3, "restricted")
    assert exact.principal_utility == pytest.approx(best, abs=1e-7)


def test_binary_unrestricted_against_brute_force():
    n, c = 4, 0.9
    exact = C.solve("binary", n, c, FIG3, "unrestricted")
    best = -np.inf
    for k in range(1, n + 1):
        for b in np.linspace(0.0, 1.2, 241):
            # the cheapest base that still meets participation at the agent's own choice
            def agent(e, b=b, k=k):
                return b * float(special.bdtrc(k - 1, n, C.pass_probability(e, c))) - float(FIG3.E(e))
            grid = np.linspace(0, 1, 2001)  # the agent's utility on the whole grid at once, as agent() computes it
            vals = b * special.bdtrc(k - 1, n, C.pass_probability(grid, c)) - FIG3.E(grid)
            eta_br = float(grid[int(np.argmax(vals))])
            res = optimize.minimize_scalar(
                lambda e: -agent(e), bounds=(max(eta_br - 5e-4, 0), min(eta_br + 5e-4, 1)), method="bounded"
            )
            eta_br = float(res.x)
            base = FIG3.U0 - agent(eta_br)
            P = float(special.bdtrc(k - 1, n, C.pass_probability(eta_br, c)))
            wage = (1 - P) * FIG3.wage_for_utility(base) + P * FIG3.wage_for_utility(base + b)
            best = max(best, float(FIG3.mu(eta_br)) - float(wage))
    assert exact.principal_utility >= best - 1e-7
    assert exact.principal_utility - best < 2e-3


def test_linear_closed_form_matches_the_numeric_route():
    """CARA's closed form against the root-finding used for any other G."""
    numeric = U.UtilityProfile(
        "numeric-cara", G=FIG3.G, G_inv=FIG3.G_inv, dG=FIG3.dG, E=FIG3.E, dE=FIG3.dE, mu=FIG3.mu, dmu=FIG3.dmu
    )
    for n, c in [(1, 0.9), (20, 0.7), (101, 0.98)]:
        closed = linear.for_target(C.Problem.make(n, c, FIG3), 0.9)
        route = linear.for_target(C.Problem.make(n, c, numeric), 0.9)
        np.testing.assert_allclose(closed, route, rtol=1e-8, atol=1e-10)


# --- the fast routes against the routes that check every candidate ------------------------------

@pytest.mark.parametrize("name,n,c", [
    ("figure3", 1, 0.98), ("figure3", 31, 0.98), ("figure3", 81, 0.35), ("figure3", 201, 0.45),
    ("figure10_G", 1, 0.45), ("baseline", 71, 0.62), ("risk_averse_poly", 51, 0.75), ("high_cost_exp", 131, 0.35),
])
def test_binary_table_search_is_never_worse_than_the_checked_scan(name, n, c):
    profile = U.profile(name)
    with np.errstate(all="ignore"):
        table = binary_search.table_search(C.Problem.make(n, c, profile))
        scan = optimise.value_of(binary_search.scan_search(C.Problem.make(n, c, profile)))  # -inf if none
    assert table is not None
    solution = C.solve("binary", n, c, profile)  # the table's answer or the corner eta = 1 (the scan includes it)
    assert solution.principal_utility >= scan - 1e-12
    if solution.eta < 1:
        assert solution.principal_utility == pytest.approx(table.value, abs=1e-12)
        assert table.value - scan < 1e-9 or (name, n) == ("figure10_G", 1)  # the scan misses that one's optimum
    assert C.ic_violation(solution, profile) <= 1e-12 * max(1.0, float(np.max(np.abs(profile.G(solution.wages)))))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, n=st.integers(1, 60), c=st.floats(0.3, 1.0))
def test_binary_solver_never_loses_to_the_checked_scan_on_random_profiles(profile, n, c):
    fb = C.first_best(profile)
    assume(0.05 < fb.eta < 0.95)
    with np.errstate(all="ignore"):
        scan = optimise.value_of(binary_search.scan_search(C.Problem.make(n, c, profile)))  # every candidate checked globally
    assert C.solve("binary", n, c, profile).principal_utility >= scan - 1e-12  # table search + corner


@pytest.mark.parametrize("start", [0.94388111179, 0.9439, 0.944, 0.946])
def test_a_thresholds_best_effort_does_not_depend_on_where_the_search_starts(start):
    """figure3, n = 100,000, c = 0.98, k = 96,058: the best effort is the lower end of the
    feasible efforts, about 0.943871. From 0.94388111179 (the threshold walk's start), the root of
    the incentive slack sat a hair below that end, and the search fell back to its start, worth
    2.5e-7 less; the walk then answered k = 96,057, 9e-11 worse than k = 96,058."""
    eta, value = binary_search.optimise_threshold(C.Problem.make(100_000, 0.98, FIG3), 96_058, start)
    assert eta == pytest.approx(0.9438713376, abs=EFFORT) and value == pytest.approx(0.3026245276617, abs=WELL)


def test_table_search_moves_to_the_nearest_incentive_compatible_effort(monkeypatch):
    """figure3, n = 81, c = 0.35: the best contract under the necessary conditions loses to a
    local maximum of the agent's utility near eta = 0, so the search must move to the end of
    the incentive-compatible efforts, where the agent is indifferent."""
    calls = []
    original = binary_search.nearest_compatible
    monkeypatch.setattr(binary_search, "nearest_compatible", lambda *a: calls.append(a) or original(*a))
    solution = C.solve("binary", 81, 0.35, FIG3)
    assert calls
    own = float(C.agent_utility_curve(solution.wages, 81, 0.35, FIG3, solution.eta)[0])
    eta_best, best = C.best_response(solution.wages, 81, 0.35, FIG3, points=20_001)
    assert abs(eta_best - solution.eta) > 0.05  # the competing best response is elsewhere ...
    assert 0 <= best - own <= 1e-12  # ... and exactly as good: incentive compatibility binds


def test_binary_unrestricted_single_check_against_a_fine_effort_grid():
    """n = 1: the agent's utility b q(e) - E(e) is concave, so the first-order condition is
    sufficient and every effort's cheapest contract has a closed form; its best on a fine grid
    bounds the exact answer from below, and lies within the grid's resolution of it."""
    for name, c in (("figure3", 0.98), ("figure10_G", 0.45), ("baseline", 0.62)):
        profile = U.profile(name)
        eta = np.linspace(1e-6, 1, 200_001)
        q = C.pass_probability(eta, c)
        b = profile.dE(eta) / (c / 2)
        base = profile.U0 + profile.E(eta) - b * q
        ok = (base >= profile.u_lo) & (base + b <= profile.u_hi)
        with np.errstate(invalid="ignore"):  # wages of unaffordable utilities are masked out
            value = np.where(
                ok, profile.mu(eta) - ((1 - q) * profile.wage_for_utility(base) + q * profile.wage_for_utility(base + b)), -np.inf
            )
        exact = C.solve("binary", 1, c, profile).principal_utility
        assert exact >= value.max() - 1e-12
        assert exact - value.max() < 1e-8


@pytest.mark.parametrize("name", ["figure3", "figure10_G", "baseline", "risk_averse_poly"])
def test_with_one_check_binary_and_linear_contracts_coincide(name):
    """n = 1: w0 + w1 1{X >= 1} and w0 + w1 X are the same two-wage contracts, so the binary
    solver's table search and the linear solver's own routes (closed form under CARA,
    numerical otherwise) must agree."""
    profile = U.profile(name)
    for c in (0.35, 0.98):
        for problem in ("unrestricted", "restricted"):
            binary, linear = (C.solve(kind, 1, c, profile, problem) for kind in ("binary", "linear"))
            assert binary.feasible and linear.feasible
            assert binary.principal_utility == pytest.approx(linear.principal_utility, abs=WELL)
            # the unrestricted effort is maximised by two different searches: wages at its accuracy
            tolerance = FROM_EFFORT if problem == "unrestricted" else WELL
            np.testing.assert_allclose(binary.wages, linear.wages, rtol=0, atol=tolerance)


@pytest.mark.parametrize("name", ["figure3", "risk_averse_poly"])
def test_general_contract_by_newton_matches_the_nested_root_searches(name, monkeypatch):
    """The two multipliers by Newton's method on both equations against the nested
    one-dimensional root searches they replace (forced by making Newton give up)."""
    profile = U.profile(name)
    # the last two: wages near flat (a tiny effort) and 110 of 301 wages clipped at w_lo (a weak signal)
    cases = [(1, 0.98, 0.6), (11, 0.35, 0.3), (11, 0.98, 0.97), (101, 0.62, 0.85), (2000, 0.98, 0.5), (30, 0.5, 1e-4),
             (300, 0.02, 0.32)]
    newton_answers, newton = [], general.newton_multipliers
    monkeypatch.setattr(general, "newton_multipliers", lambda *args: newton_answers.append(newton(*args)) or newton_answers[-1])
    fast = [general.for_target(C.Problem.make(n, c, profile), eta) for n, c, eta in cases]
    assert len(newton_answers) == len(cases) and all(a is not None for a in newton_answers)  # Newton converged
    monkeypatch.setattr(general, "newton_multipliers", lambda *args: None)
    for (n, c, eta), newton in zip(cases, fast, strict=True):
        nested = general.for_target(C.Problem.make(n, c, profile), eta)
        pmf = binomial.pmf_all(n, float(C.pass_probability(eta, c)))
        assert pmf @ newton == pytest.approx(pmf @ nested, abs=1e-13)  # expected wage
        heavy = pmf > 1e-12  # outcomes that carry weight; wages at the others barely matter
        np.testing.assert_allclose(newton[heavy], nested[heavy], atol=1e-9)
        score = (
            0.5
            * c
            * (np.arange(n + 1) - n * C.pass_probability(eta, c))
            / (C.pass_probability(eta, c) * (1 - C.pass_probability(eta, c)))
        )
        assert abs(pmf @ profile.G(newton) - profile.U0 - float(profile.E(eta))) <= 1e-12  # participation binds
        assert abs((pmf * score) @ profile.G(newton) - float(profile.dE(eta))) <= 1e-11  # first-order condition


@pytest.mark.parametrize("name,n,c,eta,need_extra", [
    ("figure3", 1, 1.0, 0.5, 0.0), ("figure3", 30, 0.5, 0.3, 0.0), ("figure3", 3, 0.02, 0.6, 0.0),
    ("risk_averse_poly", 300, 0.02, 0.32, 0.0), ("figure10_G", 10, 0.3, 0.9, 0.4), ("baseline", 100, 0.9, 0.01, -5.0)])
def test_largest_incentive_against_its_dual(name, n, c, eta, need_extra):
    """The greedy answer against the programme's dual, min over lambda >= 0 of
    sum_x P(x) max((s_x + lambda) G(w_hi), (s_x + lambda) G(w_lo)) - lambda need_u: convex and
    piecewise linear, so its minimum is at lambda = 0 or at a breakpoint -s_x (strong duality)."""
    profile = U.profile(name)
    q = float(C.pass_probability(eta, c))
    pmf, score = binomial.pmf_all(n, q), binomial.score(np.arange(n + 1), n, c, q)
    need_u = profile.U0 + float(profile.E(eta)) + need_extra
    low, high = float(profile.G(profile.w_lo)), float(profile.G(profile.w_hi))
    found = general.largest_incentive(profile, pmf, score, need_u)
    if need_u > high:  # no wage gives that much utility
        assert found == -np.inf
        return
    dual = [pmf @ np.maximum((score + lam) * high, (score + lam) * low) - lam * need_u
            for lam in np.concatenate([[0.0], -score[score < 0]])]
    assert found == pytest.approx(min(dual), rel=1e-10, abs=1e-9)


def test_efforts_beyond_the_largest_incentive_have_no_first_order_contract(monkeypatch):
    """figure3, one check at c = 0.02: from eta = 0.2 on, no wages in [-10, 10] meet participation
    and the first-order condition. The exact test says so at once, and the nested root searches
    it skips agree."""
    pb = C.Problem.make(1, 0.02, FIG3)
    quick = [general.for_target(pb, eta) for eta in (0.2, 0.6, 1.0)]
    monkeypatch.setattr(general, "largest_incentive", lambda *args: np.inf)
    searched = [general.for_target(pb, eta) for eta in (0.2, 0.6, 1.0)]
    assert quick == [None] * 3 and searched == [None] * 3
    assert general.for_target(pb, 0.01) is not None  # a small effort still has one


def test_general_contract_reuses_known_binary_and_linear_solutions(monkeypatch):
    binary_answer, linear_answer = (C.solve(kind, 30, 0.7, FIG3) for kind in ("binary", "linear"))
    alone = C.solve_general(30, 0.7, FIG3)
    monkeypatch.setattr(binary, "solve_binary", lambda *args: pytest.fail("binary solved again"))
    monkeypatch.setattr(linear, "solve_linear", lambda *args: pytest.fail("linear solved again"))
    given = C.solve_general(30, 0.7, FIG3, known=[linear_answer, binary_answer])
    assert given.principal_utility == pytest.approx(alone.principal_utility, abs=WELL)
    np.testing.assert_allclose(given.wages, alone.wages, rtol=0, atol=FROM_EFFORT)


@pytest.mark.parametrize("known,words", [
    (lambda: [C.solve("binary", 31, 0.7, FIG3)], "for n = 31"),
    (lambda: [C.solve("binary", 30, 0.7, FIG3, "restricted")], "the restricted problem"),
    (lambda: [C.solve("binary", 30, 0.7, U.profile("baseline"))], "another profile"),
    (lambda: [C.solve("general", 30, 0.7, FIG3)], "binary or linear"),
    (lambda: [C.solve("linear", 30, 0.7, FIG3)] * 2, "at most one known solution per class"),
])
def test_known_solutions_of_another_problem_are_refused(known, words):
    with pytest.raises(C.ContractError, match=words):
        C.solve_general(30, 0.7, FIG3, known=known())


def test_zoom_maximise_finds_interior_and_boundary_maxima():
    edge = 0.3123456789

    def values(e):
        centre = np.array([[0.5], [0.2]])  # row 1 rises towards its feasible edge
        return np.where(e >= edge, -((e - centre) ** 2), -np.inf)

    eta, best = optimise.zoom_maximise(values, np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    assert eta[0] == pytest.approx(0.5, abs=1e-7) and best[0] == pytest.approx(0.0, abs=1e-14)
    assert edge <= eta[1] <= edge + 1e-12


def test_zoom_stops_where_the_value_is_flat_to_rounding():
    """An interior maximum of 0.3 - (e - c)^2: once neighbouring grid values agree to rounding,
    further passes cannot raise the value, so the zoom stops long before cells of 1e-13."""
    centre, passes = 0.4123456789, []

    def values(e):
        passes.append(e.shape)
        return 0.3 - (e - centre) ** 2

    eta, best = optimise.zoom_maximise(values, np.array([0.0]), np.array([1.0]), points=1025)
    assert len(passes) <= 4  # cells of 1e-3, 2e-6, 4e-9: flat; to 1e-13 would take a fifth pass
    assert best[0] == pytest.approx(0.3, abs=1e-15) and eta[0] == pytest.approx(centre, abs=1e-7)


@pytest.mark.parametrize("n,c", [(1, 0.98), (11, 0.35), (101, 0.75), (201, 0.98)])
def test_cara_linear_route_matches_the_general_route(n, c):
    with np.errstate(all="ignore"):
        pb = C.Problem.make(n, c, FIG3)
        direct = optimise.value_of(linear.cara_unrestricted(pb))
        _, scanned = optimise.scan_then_refine(lambda e: optimise.value_of(linear.value_at(pb, e)), np.linspace(0.02, 1.0, 30))
    assert direct >= scanned - 1e-12
    assert direct - scanned < 1e-9


def test_full_effort_corner_contracts():
    """eta = 1 with one check: the cheapest bonus is sup (E(1) - E(e)) / ((c/2)(1 - e)) = 0.72/c
    for E = 0.18 eta^2; a profile whose first-best is eta* = 1 gets feasible, incentive-compatible
    restricted contracts."""
    _, k, _, bonus, _ = binary.corner(C.Problem.make(1, 0.98, FIG3))
    assert (k, bonus) == (1, pytest.approx(0.72 / 0.98, rel=1e-12))
    corner = U.profile("risk_averse_poly")
    assert C.first_best(corner).eta == 1.0
    for kind in ("binary", "linear"):
        for n in (1, 31, 101):
            solution = C.solve(kind, n, 0.45, corner, "restricted")
            assert solution.feasible and solution.eta == 1.0
            assert C.ic_violation(solution, corner) <= 1e-12


# --- what the theory predicts qualitatively ------------------------------------------------

def test_gaps_shrink_with_more_monitoring_and_linear_beats_binary():
    gaps = {kind: [C.solve(kind, n, 0.98, FIG3, "unrestricted").gap for n in (11, 51, 201)] for kind in ("binary", "linear")}
    for values in gaps.values():
        assert values[0] > values[1] > values[2] > 0
    assert all(lin <= bin_ + 1e-12 for lin, bin_ in zip(gaps["linear"], gaps["binary"], strict=True))


def test_participation_binds_at_the_optimum():
    """The paper's Figure 9: the agent gets exactly its outside option."""
    for kind in ("binary", "linear"):
        for problem in ("restricted", "unrestricted"):
            solution = C.solve(kind, 51, 0.62, FIG3, problem)
            assert solution.agent_utility == pytest.approx(FIG3.U0, abs=1e-9)


def test_no_monitoring_signal_leaves_no_incentive():
    none = C.no_incentive(10, 0.5, FIG3)
    assert none.eta == 0 and none.principal_utility == pytest.approx(float(FIG3.mu(0.0)) - 0.0)
    assert none.normalised_gap == 1.0


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: C.solve("binary", 0, 0.5, FIG3), "n must be a whole number >= 1"),
    (lambda: C.solve("binary", 2.5, 0.5, FIG3), "whole number"),
    (lambda: C.solve("linear", 10, 0.0, FIG3), r"c must lie in \(0, 1\]"),
    (lambda: C.solve("linear", 10, 1.5, FIG3), r"c must lie in \(0, 1\]"),
    (lambda: C.solve("quadratic", 10, 0.5, FIG3), "unknown contract class"),
    (lambda: C.solve("binary", 10, 0.5, FIG3, "partial"), "restricted' or 'unrestricted"),
    (lambda: C.best_response(np.zeros(3), 10, 0.5, FIG3), "needs 11 wages"),
])
def test_bad_input_raises(call, message):
    with pytest.raises(C.ContractError, match=message):
        call()


# --- tables, processes and the public incentive check -------------------------------------------

def test_gap_table_under_spawn_matches_one_process():
    """Workers get the profile with their jobs (no module global), so 'spawn' works too."""
    ns, signals = [1, 11], {"self-consistency": 0.98}
    one = C.gap_table(FIG3, signals, ns)
    spawned = C.gap_table(FIG3, signals, ns, workers=2, start_method="spawn")
    assert one.equals(spawned)


def test_incentive_check_reports_the_gain_from_deviating():
    solution = C.solve("binary", 31, 0.98, FIG3, "restricted")
    check = C.incentive_check(solution.wages, solution.eta, 31, 0.98, FIG3)
    assert check.compatible and check.gain == C.ic_violation(solution, FIG3) <= 1e-12
    shirk = C.incentive_check(solution.wages, 0.5, 31, 0.98, FIG3)  # recommend an effort the agent would leave
    assert not shirk.compatible and shirk.gain > 1e-3 and shirk.rival_eta == pytest.approx(solution.eta, abs=1e-6)
    eta, best = C.best_response(solution.wages, 31, 0.98, FIG3, points=C.FINE_POINTS)
    assert (shirk.rival_eta, shirk.rival) == (eta, best)


# --- certified answers and complete searches (issue 21) --------------------------------------

def test_general_is_never_below_binary_and_linear_at_weak_signals():
    """figure3 with one check at c = 0.05 (general gave 0.011319 against 0.011602), figure10_G at
    c = 0.05 with n = 1-3 (general gave 0: its scan started at eta = 0.02)."""
    cases = [("figure3", 1), ("figure10_G", 1), ("figure10_G", 2), ("figure10_G", 3)]
    for name, n in cases:
        profile = U.profile(name)
        best = max(C.solve(kind, n, 0.05, profile).principal_utility for kind in ("binary", "linear"))
        general = C.solve("general", n, 0.05, profile)
        assert best > 0.0029 and general.principal_utility >= best - 1e-12, (name, n)
    assert C.solve("general", 1, 0.05, FIG3).principal_utility == pytest.approx(0.0116020, abs=1e-7)


@pytest.mark.parametrize("n,value", [(2, 0.0036), (3, 0.0050), (5, 0.0067)])
def test_binary_search_finds_weak_signal_contracts(n, value):
    """figure10_G, c = 0.05: the search answered "no incentive" while binary contracts earn
    0.0036, 0.0050 and 0.0067; the answer beats a brute force over thresholds and bonuses, and
    its effort is the agent's best response by an independent dense search."""
    profile = U.profile("figure10_G")
    solution = C.solve("binary", n, 0.05, profile)
    assert solution.params["w1"] > 0 and solution.principal_utility == pytest.approx(value, abs=1e-4)
    assert solution.principal_utility >= brute.binary_lower_bound(n, 0.05, profile) - 1e-9
    eta, best = brute.best_response(solution.wages, n, 0.05, profile, points=20_001)
    assert best <= solution.agent_utility + 1e-12 and eta == pytest.approx(solution.eta, abs=1e-4)


def test_huge_bonus_utilities_keep_participation():
    """The README's profile with wage_bounds = [-50, 10]: G(-50) = 1 - e^50 ~ -5e21, and the
    base utility U_0 + E - b P lost everything below b's rounding; the printed contract (base
    -50, bonus 50 if 1 of 20) gave the agent 0.175 below U_0 and a negative gap."""
    profile = U.UtilityProfile("wide", **_team(-50.0))
    for n, c in [(20, 0.95), (20, 0.57), (3001, 0.3)]:
        for kind in ("binary", "linear"):
            solution = C.solve(kind, n, c, profile)
            assert solution.gap >= 0 and solution.agent_utility >= profile.U0 - 1e-9, (n, c, kind)
            assert C.certify(solution, profile).certified


def _team(w_lo: float) -> dict:
    G, G_inv, dG = U.cara(1.0)
    return dict(G=G, G_inv=G_inv, dG=dG, cara=(1.0, 1.0), w_lo=w_lo, w_hi=10.0,
                E=lambda e: 0.02 * np.asarray(e, float) + 0.18 * np.asarray(e, float) ** 2,
                dE=lambda e: 0.02 + 0.36 * np.asarray(e, float),
                mu=lambda e: 0.5 * -np.expm1(-1.2 * np.asarray(e, float)),
                dmu=lambda e: 0.6 * np.exp(-1.2 * np.asarray(e, float)))


def test_certify_names_what_fails():
    solution = C.solve("binary", 11, 0.98, FIG3)
    certificate = C.certify(solution, FIG3)
    assert certificate.certified and certificate.participation == pytest.approx(0, abs=1e-12)
    cheaper = dataclasses.replace(solution, wages=solution.wages - 0.01, principal_utility=solution.principal_utility + 0.01)
    assert any(f.startswith("participation: the agent's utility is 0.00") for f in C.certify(cheaper, FIG3).failures)
    shirk = dataclasses.replace(solution, eta=0.5)
    assert any(f.startswith("incentive compatibility") for f in C.certify(shirk, FIG3).failures)
    boasts = dataclasses.replace(solution, principal_utility=solution.first_best.value + 0.1)
    assert {f.split(":")[0] for f in C.certify(boasts, FIG3).failures} == {"principal utility", "first-best bound"}


def test_an_answer_that_cannot_be_certified_is_never_returned(monkeypatch):
    """Both routes' answers failing certification end in UncertifiedContractError (a
    ContractError) naming the check; the safe route is taken first."""
    from annotator_incentives.contracts import skeleton

    real, calls = skeleton.certify, []

    def failing(solution, profile):
        calls.append(solution)
        return dataclasses.replace(real(solution, profile), failures=("participation: the agent's utility is 1 below U_0",))

    monkeypatch.setattr(skeleton, "certify", failing)
    with pytest.raises(C.UncertifiedContractError, match="could not be certified: participation"):
        C.solve("binary", 11, 0.98, FIG3)
    assert len(calls) == 2  # the fast route, then the safe one
    with pytest.raises(C.ContractError, match="restricted linear contract .* could not be certified"):
        C.solve("linear", 11, 0.98, FIG3, "restricted")


def bounded_profile(rate, scale, a, b, m, s, w_lo, mu_kind) -> U.UtilityProfile:
    """A profile within the documented bounds of a TOML profile: CARA G, polynomial E,
    mu of kind exp or log."""
    G, G_inv, dG = U.cara(rate, scale)
    if mu_kind == "exp":
        mu, dmu = (lambda e: m * -np.expm1(-s * np.asarray(e, float))), (lambda e: m * s * np.exp(-s * np.asarray(e, float)))
    else:
        mu, dmu = (lambda e: m * np.log1p(s * np.asarray(e, float))), (lambda e: m * s / (1 + s * np.asarray(e, float)))
    return U.UtilityProfile(
        "bounded", G=G, G_inv=G_inv, dG=dG, cara=(rate, scale), w_lo=w_lo, w_hi=10.0,
        E=lambda e: b * np.asarray(e, float) + a * np.asarray(e, float) ** 2, dE=lambda e: b + 2 * a * np.asarray(e, float),
        mu=mu, dmu=dmu,
    )


bounded_profiles = st.builds(
    bounded_profile, rate=st.floats(0.3, 3.0), scale=st.floats(0.5, 2.0), a=st.floats(0.02, 0.4), b=st.floats(0.0, 0.05),
    m=st.floats(0.1, 1.0), s=st.floats(0.5, 3.0), w_lo=st.sampled_from([-10.0, -30.0]), mu_kind=st.sampled_from(["exp", "log"]),
)
CERTIFIED_TOL = 1e-9


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=bounded_profiles, n=st.integers(1, 200), c=st.floats(0.01, 1.0))
def test_every_answer_is_certified_and_ordered(profile, n, c):
    """Random profiles, c in [0.01, 1], n in [1, 200]: every answer certified (solve raises
    otherwise), gaps >= 0, restricted <= unrestricted, general >= max(binary, linear)."""
    solutions = {(kind, problem): C.solve(kind, n, c, profile, problem)
                 for kind in ("binary", "linear", "general") for problem in ("unrestricted", "restricted")}
    for solution in solutions.values():
        if solution.feasible:
            assert C.certify(solution, profile).certified
            assert solution.gap >= -CERTIFIED_TOL
    for kind in ("binary", "linear", "general"):
        restricted, unrestricted = solutions[kind, "restricted"], solutions[kind, "unrestricted"]
        if restricted.feasible:
            assert unrestricted.principal_utility >= restricted.principal_utility - CERTIFIED_TOL
    for problem in ("unrestricted", "restricted"):
        general = solutions["general", problem]
        for kind in ("binary", "linear"):
            if solutions[kind, problem].feasible:
                assert general.feasible
                assert general.principal_utility >= solutions[kind, problem].principal_utility - CERTIFIED_TOL


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=bounded_profiles, n=st.integers(1, 6), c=st.floats(0.01, 1.0))
def test_small_problems_against_brute_force(profile, n, c):
    """n up to 6: the binary answer is no worse than a brute force over thresholds and bonuses,
    and each answer's effort is the agent's best response by an independent dense search."""
    binary = C.solve("binary", n, c, profile)
    assert binary.principal_utility >= brute.binary_lower_bound(n, c, profile, bonuses=61, points=501) - 1e-9
    for solution in (binary, C.solve("linear", n, c, profile), C.solve("general", n, c, profile)):
        _, best = brute.best_response(solution.wages, n, c, profile)
        assert best <= solution.agent_utility + 1e-10 * max(1.0, abs(solution.agent_utility))


@pytest.mark.slow  # 9 s: general contracts at a G scale of 1e12
def test_a_large_utility_scale_keeps_participation():
    """G = 1e12 (1 - e^{-w}): the CARA linear closed form's base wage log(s) - log(s - U_0 - E)
    cancelled (participation short by 1e-3); log1p keeps it. Every class is certified."""
    G, G_inv, dG = U.cara(1.0, 1e12)
    profile = U.UtilityProfile("large-scale", **{**_team(-10.0), "G": G, "G_inv": G_inv, "dG": dG, "cara": (1.0, 1e12)})
    for kind in ("binary", "linear", "general"):
        solution = C.solve(kind, 20, 0.95, profile)
        assert C.certify(solution, profile).certified and solution.gap >= 0


@pytest.mark.slow  # 9 s: at a G scale of 1e300 the general solver's root searches run to their iteration limit
def test_a_huge_g_scale_from_python_solves_without_overflow():
    """Issue 21: G scaled by 1e300 (possible from Python, refused in a TOML file) raised
    OverflowError in the general solver's Newton start; now every class answers, certified, and
    general is not below binary and linear."""
    base = U.profile("figure3")
    G, G_inv, dG = U.cara(1.0, 1e300)
    huge = dataclasses.replace(base, name="huge", G=G, G_inv=G_inv, dG=dG, cara=(1.0, 1e300), U0=base.U0 * 1e300,
                               E=lambda e: 1e300 * base.E(e), dE=lambda e: 1e300 * base.dE(e))
    answers = {kind: C.solve(kind, 1, 0.05, huge) for kind in ("binary", "linear", "general")}
    assert all(s.feasible for s in answers.values())
    best = max(answers["binary"].principal_utility, answers["linear"].principal_utility)
    assert answers["general"].principal_utility >= best - WELL


# --- documentation ------------------------------------------------------------------------

def test_every_public_function_of_the_package_has_numpydoc_sections():
    """Issue 22: every function the package exports (and Problem.make) documents its parameters,
    what it returns and raises, and an example (the examples run in test_doctests)."""
    import inspect
    import re

    functions = {name: getattr(C, name) for name in C.__all__ if inspect.isfunction(getattr(C, name))}
    functions["Problem.make"] = C.Problem.make
    assert {"solve", "solve_binary", "certify", "incentive_check", "tie", "gap_table"} <= set(functions)
    missing = [(name, section) for name, f in functions.items()
               for section in ("Parameters", "Returns", "Raises", "Examples")
               if not (section == "Raises" and name == "clear_caches")
               and not re.search(rf"^\s*{section}\n\s*-{{{len(section)}}}\n", f.__doc__ or "", re.M)]
    assert not missing, missing
