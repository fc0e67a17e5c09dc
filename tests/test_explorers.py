"""The explorers' grids show what the library's own solves give, at display precision, and fit
a page's budget (the browser checks of the built pages are in test_reader_pages.py)."""

from __future__ import annotations

import numpy as np
import pytest

from annotator_incentives import contracts, explorers, monitoring, report, utility
from annotator_incentives.contracts import ContractError
from annotator_incentives.monitoring import MonitoringError
from tolerances import FROM_EFFORT, WELL

MONITORS = explorers.monitors([0.02, 0.1], {"c̄ = 0.3": 0.3, "c̄ = 0.9": 0.9})  # δ = 0.1 and c̄ = 0.9 share c


@pytest.fixture(scope="module")
def grid():
    def solved(profile, c_key, kind, problem, n):  # the general class's unrestricted problem only at figure3, c = 0.98, n <= 10
        return (kind, problem) != ("general", "unrestricted") or (profile, c_key, n <= 10) == ("figure3", "0.98", True)

    return explorers.contract_grid(["figure3", "figure10_G"], MONITORS, [1, 10, 300], solve_if=solved)


def test_every_displayed_number_is_the_solve_at_display_precision(grid):
    for name in ("figure3", "figure10_G"):
        assert explorers.first_best_row(name)["fb"] == report.number(
            contracts.first_best(utility.profile(name)).value, explorers.DIGITS)
    for row in grid.itertuples():
        profile = utility.profile(row.p)
        c = float(row.c)
        if row.sb == explorers.NOT_SOLVED:
            assert (row.k, row.r) == ("general", "unrestricted") and (row.p, row.c, row.n <= 10) != ("figure3", "0.98", True)
            continue
        solution = contracts.solve(row.k, row.n, c, profile, row.r)
        if not solution.feasible:
            assert row.sb == row.eta == row.ew == row.gap == explorers.NO_CONTRACT
            continue
        assert row.sb == report.number(solution.principal_utility, explorers.DIGITS)
        assert row.eta == report.number(solution.eta, explorers.DIGITS)
        assert row.ew == report.number(solution.expected_wage, explorers.DIGITS)
        assert row.gap == report.number(solution.gap, explorers.DIGITS, floor=1e-12)


def test_the_drawn_gap_is_not_clipped_where_the_company_loses():
    """figure3 with an expert of c-bar = 0.02, restricted binary contract, n = 30: inducing eta*
    costs more than it is worth (second-best utility below 0), so (C - C_n)/C is above 1 and the
    gap chart draws it there, as the numbers say; normalised_gap clips it to 1 for Figure 3."""
    solution = contracts.solve("binary", 30, 0.02, utility.profile("figure3"), "restricted")
    row = explorers.contract_row("figure3", 0.02, "binary", "restricted", 30)
    assert solution.principal_utility < 0 and solution.normalised_gap == 1.0
    drawn = 10.0 ** -explorers.CURVE_DIGITS
    assert row["g"] == pytest.approx(solution.gap / solution.first_best.value, rel=5 * drawn) and row["g"] > 1


def test_the_drawn_curves_are_the_contract_and_the_agents_utility(grid):
    row = grid[(grid.p == "figure3") & (grid.c == "0.98") & (grid.k == "binary") & (grid.r == "unrestricted")
               & (grid.n == 300)].iloc[0]
    solution = contracts.solve("binary", 300, 0.98, utility.profile("figure3"), "unrestricted")
    x = np.array(row.wx.split(), dtype=int)
    w = np.array(row.wy.split(), dtype=float)
    drawn = 10.0 ** -explorers.CURVE_DIGITS  # a drawn value is rounded by at most 5 drawn relatively
    np.testing.assert_allclose(w, solution.wages[x], rtol=5 * drawn, atol=drawn / 10)
    k = int(solution.params["k"])
    assert {k - 1, k} <= set(x)  # the step of the bonus is drawn where it is
    curve = np.array(row.uc.split(), dtype=float)
    efforts = np.append(explorers.EFFORTS, solution.eta)  # the induced effort is a point of the curve
    exact = contracts.agent_utility_curve(solution.wages, 300, 0.98, utility.profile("figure3"), efforts)
    np.testing.assert_allclose(curve, exact, rtol=5 * drawn, atol=drawn / 10)
    assert float(row.eta_num) == pytest.approx(solution.eta, abs=10.0 ** -explorers.DIGITS)
    # no effort of the drawn curve beats the induced one (incentive compatibility; a tie with
    # another effort, as often at eta = 0 where participation binds, counts for the induced effort)
    assert max(curve[:-1]) <= curve[-1] + drawn / 10


def test_a_general_contract_is_drawn_at_counts_the_page_computes():
    row = explorers.contract_row("figure3", 0.98, "general", "restricted", 100)
    solution = contracts.solve("general", 100, 0.98, utility.profile("figure3"), "restricted")
    x = explorers.general_counts(100)
    assert row["wx"] == "" and len(x) == explorers.WAGE_POINTS and x[0] == 0 and x[-1] == 100
    drawn = 10.0 ** -explorers.CURVE_DIGITS
    np.testing.assert_allclose(np.array(row["wy"].split(), dtype=float), solution.wages[x], rtol=5 * drawn, atol=drawn / 10)
    assert explorers.general_counts(1).tolist() == [0, 1] and explorers.general_counts(20).tolist() == list(range(21))


def test_monitors_of_equal_c_share_their_solves(grid):
    assert MONITORS[1].c_key == MONITORS[3].c_key == "0.9"
    assert sorted(set(grid.c)) == ["0.3", "0.9", "0.98"]  # four monitors, three signal strengths
    chart = explorers.contract_explorer(grid, MONITORS).spec()
    monitor = next(p for p in chart["params"] if p["name"] == "monitor")
    assert monitor["bind"]["options"] == ["sc0:0.98", "sc1:0.9", "ex0:0.3", "ex1:0.9"]  # distinct options
    assert monitor["bind"]["labels"][1] == "self-consistency, δ = 0.1" and monitor["bind"]["labels"][3] == "expert, c̄ = 0.9"


def test_a_grid_lists_every_setting_once_in_order(grid):
    assert len(grid) == 2 * 3 * 3 * 2 * 3
    keys = list(zip(grid.p, grid.c, grid.k, grid.r, grid.n, strict=True))
    assert len(set(keys)) == len(keys) and keys == sorted(keys, key=lambda t: (
        ["figure3", "figure10_G"].index(t[0]), ["0.98", "0.9", "0.3"].index(t[1]), explorers.KINDS.index(t[2]),
        explorers.PROBLEMS.index(t[3]), t[4]))


def test_an_infeasible_problem_says_no_contract():
    row = explorers.contract_row("figure3", 0.02, "linear", "restricted", 10)
    assert not contracts.solve("linear", 10, 0.02, utility.profile("figure3"), "restricted").feasible
    assert row["sb"] == row["gap"] == explorers.NO_CONTRACT and row["g"] is None and row["uc"] == ""


def test_the_chart_fits_the_budget_and_binds_every_control(grid):
    chart = explorers.contract_explorer(grid, MONITORS)
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {explorers.MIME, "text/plain"}  # drawn by notebooks and the book, no CDN
    spec = bundle[explorers.MIME]
    bound = {p["name"]: p["bind"] for p in spec["params"]}
    assert set(bound) == {"profile", "monitor", "kind", "problem", "n"}
    assert all(b["input"] == "select" and b["name"].strip() for b in bound.values())  # labelled controls
    assert explorers.spec_bytes(chart) < explorers.BUDGET_BYTES
    assert set(spec["datasets"]) == {"settings", "profiles"}  # each table travels once, whatever the views
    assert explorers.spec_bytes(chart) < len(spec["datasets"]["settings"]) * 1.2 + 30_000


def test_the_assessment_numbers_are_the_librarys():
    experts = {"c̄ = 0.5": [0.75]}
    tests = explorers.assessment_grid([0.5, 0.8], [0.95], [0.0, 0.1], experts, [1, 10, 100, 1000], [0.05, 0.1])
    numbers, curves = tests["numbers"], tests["curves"]
    for row in numbers.itertuples():
        delta = {"d0": 0.0, "d1": 0.1}[row.sc]
        m = monitoring.self_consistency_monitor(delta)
        q0, q1 = float(m.q(row.e0)), float(m.q(row.e1))
        assert row.sc_need == report.count(monitoring.samples_needed(row.t, q0, q1))
        kl = monitoring.expert_kl_divergence([0.75], row.e0, row.e1)
        assert row.ex_need == "≥ " + report.count(monitoring.samples_needed_lower_bound(row.t, kl))
    for row in curves.itertuples():
        if row.s.startswith("d"):
            m = monitoring.self_consistency_monitor({"d0": 0.0, "d1": 0.1}[row.s])
            exact = float(monitoring.error_sum(row.n, float(m.q(row.e0)), float(m.q(row.e1))))
        else:
            exact = float(monitoring.error_sum_lower_bound(row.n, monitoring.expert_kl_divergence([0.75], row.e0, row.e1)))
        assert row.txt == report.number(exact, explorers.DIGITS, floor=1e-12)
        assert row.err == pytest.approx(max(exact, explorers.FLOOR), rel=5 * 10.0 ** -explorers.CURVE_DIGITS)
    chart = explorers.assessment_explorer(tests)
    assert explorers.spec_bytes(chart) < explorers.BUDGET_BYTES


def test_the_crossing_is_where_self_consistency_stays_below_the_bound():
    ns = np.array([1, 10, 100, 1000])
    assert explorers._first_win(np.array([0.5, 0.4, 0.01, 0.001]), np.array([0.4, 0.3, 0.2, 0.1]), ns) == 100
    assert explorers._first_win(np.array([0.1, 0.1, 0.1, 0.1]), np.array([0.4, 0.3, 0.2, 0.2]), ns) == 1
    assert explorers._first_win(np.array([0.5, 0.5, 0.5, 0.5]), np.array([0.4, 0.3, 0.2, 0.1]), ns) is None


@pytest.mark.parametrize("call, error", [
    (lambda: explorers.contract_grid(["nobody"], MONITORS, [1]), utility.ProfileError),
    (lambda: explorers.contract_grid(["figure3"], MONITORS, [1], kinds=["quadratic"]), ContractError),
    (lambda: explorers.contract_grid(["figure3"], MONITORS, [0]), ContractError),
    (lambda: explorers.monitors([1.0], {}), MonitoringError),
    (lambda: explorers.monitors([], {"none": 0.0}), MonitoringError),
    (lambda: explorers.assessment_grid([0.9], [0.8], [0.0], {"c": [0.75]}, [1], [0.1]), MonitoringError),
])
def test_bad_input_is_named(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("kind, problem, n", [("binary", "unrestricted", 30), ("linear", "restricted", 100),
                                              ("general", "restricted", 10)])
def test_a_shared_solve_is_each_monitors_own(kind, problem, n):
    """Self-consistency with δ = 0.1 and an expert with c̄ = 0.9 are one row of the grid: each
    monitor's own solve gives the same answer within the tolerance policy."""
    sc, expert = explorers.monitors([0.1], {"c̄ = 0.9": 0.9})
    assert sc.c_key == expert.c_key
    profile = utility.profile("figure10_G")
    one, other = (contracts.solve(kind, n, m.c, profile, problem) for m in (sc, expert))
    assert one.principal_utility == pytest.approx(other.principal_utility, abs=WELL)
    assert one.eta == pytest.approx(other.eta, abs=FROM_EFFORT)
    row = explorers.contract_row("figure10_G", expert.c, kind, problem, n)
    assert row["sb"] == report.number(one.principal_utility, explorers.DIGITS)


def test_the_grid_sentence_counts_the_grid_and_says_what_is_not_solved(grid):
    text = explorers.grid_sentence(grid, MONITORS, 3.21, 1_234_567, workers=2)
    solved = grid[grid.sb != explorers.NOT_SOLVED]
    assert f"{len(grid)} settings (monitors of equal signal strength counted once), of which {len(solved)} are solved" in text
    assert "2 profiles, 4 monitors (3 signal strengths)" in text
    assert "3 values of $n$ from 1 to 300" in text
    assert "took 3.2 s on this build (2 processes); its data take 1.2 MB" in text
    assert text.endswith("not solved beyond $n = 10$ here.")
    every = explorers.contract_grid(["figure3"], MONITORS[:1], [1, 3], kinds=["general"], problems=["unrestricted"])
    assert "not solved" not in explorers.grid_sentence(every, MONITORS[:1], 1.0, 1000)


def test_the_crossing_holds_where_both_error_sums_are_far_below_a_float_s_precision():
    """At δ = 0, η₁ = 1 both error sums fall below 1e-16 by n = 1,000 and the bound below the
    smallest float by n = 10,000; the crossing is still read where the bound is positive, and an
    error sum that underflowed is shown as what it is, "< 10⁻¹²", never 0."""
    g = explorers.assessment_grid([0.8], [1.0], [0.0], {"c̄ = 0.9": [0.95]}, [1, 10, 100, 1000, 10000], [0.1])
    assert g["numbers"].cross_n.tolist() == [10]
    assert "0" not in set(g["curves"].txt)
