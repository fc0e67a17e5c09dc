"""What the utility-gap chapter states, computed by annotator_incentives.findings.incentives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import contracts, monitoring, rates, report, utility
from annotator_incentives.findings import incentives

NS = [1, 11, 21, 201]


@pytest.fixture(scope="module")
def weak() -> pd.DataFrame:
    """Figure 3's profile with self-consistency (delta = 0.02) and a weak expert signal, c-bar = 0.03
    (p near 1/2, as on the paper's PKU): the restricted problem has no feasible contract at several n."""
    table = contracts.gap_table(utility.profile("figure3"), {"self-consistency": 0.98, "expert": 0.03}, NS)
    return table.assign(dataset="weak", c_bar=0.03)


def test_the_weak_signal_table_has_infeasible_and_gap_one_cases(weak):
    assert (~weak.feasible).sum() > 0
    assert weak[~weak.feasible].problem.eq("restricted").all()


def test_infeasible_cases_are_left_out_not_counted_against(weak):
    o = incentives.gap_orderings(weak, delta=0.02)
    infeasible = int((~weak.feasible).sum())
    assert o.no_contract == infeasible
    # every restricted-unrestricted comparison with a feasible restricted contract holds (the restricted
    # problem is a restriction), and the infeasible ones are left out and said, not counted as violations
    r = o.restricted_not_below
    assert r.holds == r.total and r.infeasible == infeasible and r.total + r.infeasible == len(weak) // 2
    assert r.always
    # a gap of 1 is a feasible contract no better than hiring nobody: counted separately
    assert o.no_better_than_nobody == int(((weak.normalised_gap == 1) & weak.feasible).sum())
    # self-consistency (c = 0.98) beats the weak expert wherever both have a contract
    s = o.self_below_expert
    assert s.always and s.infeasible > 0
    # curves: the 8 curves' ends, those with an infeasible end left out
    assert o.curves == 8 and o.shrink.total + o.shrink.infeasible == 8 and o.shrink.infeasible > 0


def test_a_nan_written_for_a_feasible_flag_false_is_never_a_number(weak):
    """Whatever gap the solver writes for an infeasible problem, it is not compared."""
    forged = weak.assign(normalised_gap=weak.normalised_gap.where(weak.feasible, 0.5))
    assert incentives.gap_orderings(forged, 0.02) == incentives.gap_orderings(weak, 0.02)


def test_orderings_on_a_strong_signal_match_a_direct_count():
    table = contracts.gap_table(utility.profile("figure3"), {"self-consistency": 0.98, "expert": 0.62}, [1, 11, 101, 201])
    table = table.assign(dataset="strong", c_bar=0.62)
    o = incentives.gap_orderings(table, delta=0.02)
    assert o.no_contract == 0
    at = table.set_index(["monitor", "kind", "problem", "n"]).normalised_gap
    linear_wins = sum(at[m, "linear", p, n] < at[m, "binary", p, n]
                      for m in ("self-consistency", "expert") for p in ("unrestricted", "restricted") for n in (11, 101, 201))
    assert (o.linear_below_binary.holds, o.linear_below_binary.total) == (linear_wins, 12)
    assert o.self_stronger == ["strong"] and o.datasets == 1
    lo, hi, med, size = o.fall["linear"]
    ratios = [at[m, "linear", p, 11] / at[m, "linear", p, 201]
              for m in ("self-consistency", "expert") for p in ("unrestricted", "restricted")]
    assert size == 4 and lo == pytest.approx(min(ratios)) and hi == pytest.approx(max(ratios))
    assert med == pytest.approx(float(np.median(ratios)))
    assert sum(t for _, t in o.rises.values()) == 8 * 3


def test_gap_summary_marks_infeasible_as_missing(weak):
    summary = incentives.gap_summary(weak, [11])
    assert summary.shape == (2, 4)
    assert np.isnan(summary.loc[("weak", "expert", 11), ("linear", "restricted")])
    assert summary.loc[("weak", "self-consistency", 11)].notna().all()



def test_gap_summary_table_says_no_contract_and_a_gap_of_one_only_when_there(weak):
    summary = incentives.gap_summary(weak, [11])
    assert not (summary == 1).any().any()
    caption, rows = incentives.gap_summary_table(summary, {"weak": "Weak signal"})
    lines = rows.splitlines()
    assert caption.startswith("Normalised utility gaps of {numref}`fig-utility-gap`")
    assert "hiring nobody" not in caption and caption.endswith("the annotator's best effort.")
    assert lines[0] == ("| dataset | monitor | n | binary, restricted | binary, unrestricted | linear, restricted | "
                        "linear, unrestricted |")
    expert = next(line for line in lines if line.startswith("| Weak signal | expert | 11 |"))
    assert "no contract" in expert and "nan" not in rows
    one = summary.copy()
    one.iloc[0, 0] = 1.0
    assert caption[:-1] + "; 1.00: a contract exists but does no better than hiring nobody." == (
        incentives.gap_summary_table(one, {"weak": "Weak signal"})[0])


def test_sensitivity_readings():
    rows = []
    for delta, gap in ((0.0, 0.0), (0.1, 0.2), (0.2, 0.4)):
        for kind, factor in (("binary", 1.0), ("linear", 0.5)):
            for problem in ("unrestricted", "restricted"):
                rows.append({"profile": "baseline", "delta": delta, "kind": kind, "problem": problem,
                             "normalised_gap": gap * factor})
    [r] = incentives.sensitivity_readings(pd.DataFrame(rows), [utility.profile("baseline")])
    assert r.profile == "baseline" and r.rising and r.problems_coincide and r.tied_at_zero
    assert not r.linear_ahead.always and r.linear_ahead_above_zero.always
    assert r.eta_star == pytest.approx(contracts.first_best(utility.profile("baseline")).eta)


def test_grid_findings_counts():
    base = {"exact gap": 0.1, "exact restricted gap": 0.2, "grid restricted gap (paper)": 0.2, "grid first-best − C": -0.01,
            "gain from deviating, tolerance 0": 0.0, "not IC, tolerance 0": False}
    rows = [base | {"kind": "binary", "n": 1, "grid gap (paper)": 0.0, "grid gap, tolerance 0": 0.1,
                    "agent's gain from deviating": 0.01, "not IC": True},
            base | {"kind": "linear", "n": 11, "grid gap (paper)": 0.1 - 1e-13, "grid gap, tolerance 0": 0.05,
                    "agent's gain from deviating": 1e-15, "not IC": False, "grid first-best − C": -0.02}]
    g = incentives.grid_findings(pd.DataFrame(rows))
    assert g.total == 2 and g.below_exact == 1  # a difference below 1e-12 is a tie
    assert g.zero == [("binary", 1)] and g.zero_strict == []
    assert g.below_exact_strict == 1 and g.not_ic == 1 and g.not_ic_strict == 0
    assert g.largest_gain == 0.01 and g.shortfall == (0.01, 0.02)


def test_grid_comparison_and_the_restricted_rule_on_small_n():
    profile = utility.profile("figure3")
    comparison, grids = incentives.grid_comparison(profile, [1], 0.98)
    assert list(comparison.kind) == ["binary", "linear"] and set(grids) == {("binary", 1), ("linear", 1)}
    exact = contracts.solve("linear", 1, 0.98, profile, "unrestricted")
    assert comparison.loc[1, "exact gap"] == exact.normalised_gap
    assert comparison["not IC"].dtype == bool
    rule = incentives.restricted_rule(grids, profile, 0.98)
    assert rule.eta_star == contracts.first_best(profile).eta
    assert rule.near_end == all(e >= 0.99 - 1e-9 for e in rule.grid_stars)
    assert rule.near_end or rule.compared > 0


def test_bell_panel_and_reading():
    profile = utility.profile("figure3")
    etas = np.linspace(0.6, 1.0, 801)
    eta_star = contracts.first_best(profile).eta
    panels = []
    for n in (50, 1000):
        panel, frame = incentives.bell_panel(profile, n, 0.98, etas)
        solution = contracts.solve("binary", n, 0.98, profile, "restricted")
        assert panel.k == solution.params["k"] and list(frame.columns) == ["n", "k", "eta", "marginal_incentive", "marginal_cost"]
        above = frame.marginal_incentive > frame.marginal_cost
        assert len(panel.crossings) == int(np.count_nonzero(np.diff(above.astype(int))))
        assert panel.height == frame.marginal_incentive.max() and panel.peak == etas[frame.marginal_incentive.argmax()]
        panels.append(panel)
    r = incentives.bell_reading(panels, eta_star, tol=2 * (etas[1] - etas[0]))
    assert r.two_crossings and r.right_is_eta_star  # eta* is the right-hand crossing (to the grid's step)
    assert r.ratio_n == 20 and r.growth > 1 and r.shrink > 1  # the bell grows taller and narrower with n
    assert r.predicted_height == pytest.approx(r.shape * r.bonuses[1] / r.bonuses[0])


def test_bell_reading_without_a_crossing_is_said_not_nan():
    flat = incentives.BellPanel(10, 9, 0.1, 0.01, 0.9, np.array([]), None, 0.3)
    r = incentives.bell_reading([flat, flat], eta_star=0.9)
    assert not r.two_crossings and not r.right_is_eta_star


def test_slope_reading_matches_rates():
    from annotator_incentives import rates

    n = np.unique(np.round(np.logspace(1, 5, 17)).astype(int))
    values, reference = np.sqrt(np.log(n) / n) * (1 + 1 / n), np.sqrt(np.log(n) / n)
    local = rates.local_slopes(n, values).assign(reference=rates.local_slopes(n, reference).slope)
    r = incentives.slope_reading(n, values, reference, local, n_mins=(100, 1000))
    assert [f["n_min"] for f in r.fits] == [100, 1000]
    assert r.fits[1] == rates.fit_against_reference(n, values, reference, n_min=1000)
    assert r.steepest["slope"] == local.slope.min() and r.flattest["slope"] == local.slope.max()
    assert r.last["n_hi"] == local.n_hi.iloc[-1]


def test_threshold_classes():
    checks = pd.DataFrame({"k": [40, 41, 42, 43, 44], "b_k": [0.1, 0.2, 0.15, 0.3, 0.5],
                           "eta* right-hand crossing": [False, True, True, True, True],
                           "gain from deviating": [0.2, 1e-10, 0.0, 0.01, 0.0]})
    t = incentives.threshold_classes(checks)
    assert t.left == [40] and t.shirk == [43] and t.compatible == [41, 42, 44]
    assert t.cheapest_compatible == 42  # the cheapest bonus among the compatible ones, not k = 40
    none = incentives.threshold_classes(checks.assign(**{"gain from deviating": 1.0}))
    assert none.compatible == [] and none.cheapest_compatible is None


def test_wage_agreement_reads_only_the_likely_outcomes():
    pmf = np.array([1e-6, 0.3, 0.4, 0.3 - 1e-6])
    w = incentives.wage_agreement(pmf, np.array([5.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.05, 3.0]))
    assert (w.x_low, w.x_high) == (1, 3)  # X = 0 carries less than 0.1 % and is left out
    assert w.largest_difference == pytest.approx(0.05) and w.wage_range == 2.0


def _rate_table(noise: float = 0.0) -> pd.DataFrame:
    n = np.unique(np.round(np.logspace(1, 5, 13)).astype(int)).astype(float)
    rows = []
    for monitor, fisher in (("a (x)", 1.0), ("b (y)", 4.0)):
        for problem in ("restricted", "unrestricted"):
            for kind, gap in (("binary", 1 / np.sqrt(fisher * n * np.log(n))), ("linear", 1 / (fisher * n)),
                              ("general", (1 - noise) / (fisher * n))):
                rows.append(pd.DataFrame({"monitor": monitor, "kind": kind, "problem": problem, "n": n, "gap": gap,
                                          "fisher": fisher, "eta": 0.9 + gap}))
    return pd.concat(rows, ignore_index=True)


def test_rate_findings_on_curves_with_the_theory_s_rates():
    table = _rate_table(noise=0.001)
    spread = incentives.monitor_spread(table, ["a (x)", "b (y)"])
    for lo, hi, n1, lo1, hi1 in spread.values():  # dividing by I brings the monitors exactly together
        assert lo == pytest.approx(1) and hi == pytest.approx(1) and n1 == 10 and lo1 == pytest.approx(1) == hi1
    text = incentives.monitor_spread_sentence(spread)
    assert text.count("normalised values is 1.00 times the smaller (at $n = 10$: 1.00)") == 2  # equal ends: one number
    assert "in the binary panel" in text and "; in the linear and general panel" in text
    fits = incentives.rate_fits(table)
    assert len(fits) == 12 and np.allclose(fits.last_difference, 0, atol=1e-9)
    assert set(fits.last_n_lo) == {10_000} and set(fits.last_n_hi) == {100_000}
    assert np.allclose(fits[fits.kind == "linear"].slope, -1)
    lg = incentives.linear_vs_general(table)
    assert lg.ratio_at_largest_n == pytest.approx((0.999, 0.999)) and lg.largest_relative_difference == pytest.approx(0.001)
    assert lg.points == 4 * 13
    d = incentives.effort_distance(table[(table.kind == "linear") & (table.monitor == "a (x)") & (table.problem == "restricted")],
                                   0.9, incentives.RATE_CURVES["linear"])
    assert d.slope == pytest.approx(-2) and d.bound_slope == pytest.approx(-1) and d.above == 0 and d.points == 13


def test_rate_key_results_quote_the_slopes_over_the_window_the_results_page_reads():
    table = _rate_table(noise=0.001)
    fits = incentives.rate_fits(table)
    lines = incentives.rate_key_results(fits, table)
    linear = fits[(fits.kind == "linear") & (fits.problem == "unrestricted")].iloc[0]
    binary = fits[(fits.kind == "binary") & (fits.problem == "unrestricted")].iloc[0]
    assert lines[0].startswith("over the last decade of n computed (n = 10,000–100,000), the linear gap's log–log slope is")
    assert f"against ${report.number(linear.last_reference_slope)}$ for the theory's $1/n$" in lines[0]
    assert f"against ${report.number(binary.last_reference_slope)}$ for the theory's $1/\\sqrt{{n\\log n}}$" in lines[1]
    assert report.number(binary.last_reference_slope) != report.number(binary.reference_slope)  # the window matters
    assert "(a, unrestricted)" in lines[1] and lines[2].startswith("the optimal general contract's gap is 0.999")
    general = fits.kind == "general"
    mixed = fits.assign(last_n_lo=np.where(general, 100.0, fits.last_n_lo), last_n_hi=np.where(general, 1000.0, fits.last_n_hi))
    assert incentives.last_decade(mixed) == "each curve's last decade of n computed (n = 100–1,000 or 10,000–100,000)"


def test_first_reach_said_as_none():
    frame = pd.DataFrame({"n": [1, 2, 3], "gap": [0.5, 0.2, 0.1]})
    assert incentives.first_reach(frame, below=1e-10) is None and incentives.first_reach(frame, below=0.3) == 2


def test_gap_readings_of_the_weak_signal_say_the_infeasible_cases(weak):
    text = incentives.gap_readings(weak, delta=0.02)
    infeasible = int((~weak.feasible).sum())
    assert "nan" not in text
    assert f"{infeasible} of the {len(weak)} problems have no feasible contract" in text
    assert "are not counted" in text  # the comparisons left out are said
    assert text.startswith("The paper's Figure 3 caption makes three observations")
    assert "**(i) Self-consistency outperforms expert monitoring**" in text and "**(iii) Linear contracts" in text
    assert "PKU is not among this build's data, so the paper's PKU remark is not checkable on this build." in text
    assert "- the gap at $n = 201$ is below the gap at $n = 1$" in text  # beyond the caption


def test_caption_claims_count_without_the_infeasible(weak):
    claims = incentives.caption_claims(weak, delta=0.02)
    assert claims.pku is None and claims.weakest[0] == "weak"
    gaps = weak[weak.feasible]
    compared = gaps.pivot_table(index=["kind", "problem", "n"], columns="monitor", values="normalised_gap").dropna()
    assert claims.self_below_expert.total == len(compared)
    assert claims.self_below_expert.holds == int((compared["self-consistency"] < compared["expert"]).sum())
    assert claims.self_below_expert.infeasible == len(weak) // 2 - len(compared)
    assert claims.expert_gap == {"weak": (0.03, pytest.approx(float(gaps[(gaps.monitor == "expert") & (gaps.kind == "linear")
                                                                          & (gaps.problem == "unrestricted") & (gaps.n == 201)]
                                                                    .normalised_gap.iloc[0])))}
    assert claims.weaker_larger.total == 0  # one dataset: nothing to compare


def test_caption_claims_on_pku_check_the_paper_s_example(weak):
    pku = pd.concat([weak.assign(dataset="pku"), weak[weak.monitor == "expert"].assign(dataset="strong", c_bar=0.5,
                                                                                        normalised_gap=0.001)])
    claims = incentives.caption_claims(pku, delta=0.02)
    assert claims.pku is not None and claims.weakest[0] == "pku"
    assert set(claims.pku.infeasible) == set(weak[(weak.monitor == "expert") & (weak.problem == "restricted")
                                                  & ~weak.feasible].n)
    assert claims.weaker_larger.holds == claims.weaker_larger.total > 0  # PKU's expert gaps exceed 0.001
    text = incentives.gap_readings(pku, delta=0.02, labels={"pku": "PKU", "strong": "Strong"})
    assert "PKU is not among" not in text and "PKU has the smallest $\\bar c$ of the datasets shown" in text
    assert "(the paper: from $n = 100$ on)" in text


def test_crossover_finds_where_linear_stays_ahead():
    rows = pd.DataFrame({"dataset": "d", "monitor": "expert", "problem": "restricted", "n": [1, 1, 11, 11, 21, 21, 31, 31],
                         "kind": ["binary", "linear"] * 4, "feasible": [True] * 6 + [False, True],
                         "normalised_gap": [0.3, 0.4, 0.2, 0.1, 0.3, 0.2, 0.0, 0.1]})
    x = incentives.crossover(rows, "d")
    assert x.binary_lower == [1] and x.linear_lower_from == 11 and x.infeasible == [31] and x.ns == [1, 11, 21, 31]


def test_payment_sensitivity_says_why_the_gaps_grow():
    base, variant = utility.profile("figure3"), utility.profile("figure10_G")
    tables = [contracts.gap_table(p, {"self-consistency": 0.98}, [11, 51, 101], kinds=("linear",), problems=("unrestricted",))
              for p in (base, variant)]
    s = incentives.payment_sensitivity(base, variant, *tables, c=0.98)
    assert s.marginal_utility[1] < s.marginal_utility[0] and s.risk_aversion == pytest.approx((1.0, 0.5))
    assert s.observed[1] <= s.observed[0] <= s.observed[2] and s.observed[0] > 2
    assert 0.5 < s.predicted / s.observed[0] < 2  # the first-order reading is of the right size
    sentence = incentives.payment_sentence(s)
    assert "times Figure 3's" in sentence and "{" not in sentence  # every number filled in


def test_sensitivity_sentence_of_a_corner_profile():
    r = incentives.SensitivityReading("corner", 1.0, False, incentives.Tally(3, 6), incentives.Tally(3, 5), False, True)
    text = incentives.sensitivity_sentence(r)
    assert "does not rise steadily" in text and "in 3 of 6 cases" in text and "full effort when $\\eta^* = 1$" in text


def test_slope_sentence_says_which_way_a_fit_is_off():
    from annotator_incentives import rates

    n = np.unique(np.round(np.logspace(1, 5, 17)).astype(int))
    steep = (1 + 0.05 * np.cos(n)) / n**1.3
    local = rates.local_slopes(n, steep).assign(reference=rates.local_slopes(n, 1 / n).slope)
    text = incentives.slope_sentence("Gap", "$1/n$", incentives.slope_reading(n, steep, 1 / n, local))
    assert "steeper than the theory's curve" in text and "within two standard errors" not in text


def test_bell_sentence_reads_the_panels():
    profile = utility.profile("figure3")
    etas = np.linspace(0.6, 1.0, 801)
    panels = [incentives.bell_panel(profile, n, 0.98, etas)[0] for n in (50, 200)]
    text = incentives.bell_sentence(panels, contracts.first_best(profile).eta, dE0=0.0)
    r = incentives.bell_reading(panels, contracts.first_best(profile).eta)
    assert "From $n = 50$ to $n = 200$ (4 times as many checks)" in text
    assert f"height grows {report.number(r.growth)}-fold" in text and "a third crossing lies near" in text
    assert "third crossing" not in incentives.bell_sentence(panels, contracts.first_best(profile).eta, dE0=0.1)


def test_threshold_sentence_names_each_class():
    checks = pd.DataFrame({"k": [40, 41, 42, 43, 44], "b_k": [0.1, 0.2, 0.15, 0.3, 0.5],
                           "eta* right-hand crossing": [False, True, True, True, True],
                           "gain from deviating": [0.2, 1e-10, 0.0, 0.01, 0.0]})
    t = incentives.threshold_classes(checks)
    text = incentives.threshold_sentence(t, optimal_k=42, cheapest=40)
    assert "For $k$ = 40 the bell peaks" in text and "For $k$ = 43," in text
    assert "$k$ = 41, 42, 44 make" in text and "is the one among them that needs the smallest bonus" in text
    assert "is not the one" in incentives.threshold_sentence(t, optimal_k=44, cheapest=40)
    assert incentives.threshold_sentence(t, optimal_k=42, cheapest=41) == \
        "The cheapest-bonus threshold $k = 41$ is incentive compatible here."


def test_grid_sentence_says_the_counts():
    row = {"kind": "linear", "n": 21, "exact gap": 0.1, "exact restricted gap": 0.2, "grid gap (paper)": 0.0,
           "grid gap, tolerance 0": 0.0, "grid restricted gap (paper)": 0.1, "grid first-best − C": -0.03,
           "agent's gain from deviating": 0.5, "not IC": True, "gain from deviating, tolerance 0": 0.25,
           "not IC, tolerance 0": True}
    g = incentives.grid_findings(pd.DataFrame([row]))
    text = incentives.grid_sentence(g, 0.5)
    assert f"smaller gap than the exact optimum in {report.tally(1, 1)} " in text
    assert "a gap of exactly zero in 1 (linear $n = 21$)" in text and "a gap of zero in 1 (linear $n = 21$)" in text
    assert text.endswith(f"by up to {report.number(0.25, digits=2)}; the other gains in that column are rounding-sized, "
                         "below the tie rule.")


def test_restricted_rule_sentence_near_the_end_and_not():
    near = incentives.restricted_rule_sentence(incentives.RestrictedRule([0.99, 1.0], 0.97, True, 0, []))
    assert near.startswith("On the Figure 3 profile the grid first-best's effort is $e^* = 0.99, 1.00$")
    changed = incentives.restricted_rule_sentence(incentives.RestrictedRule([0.9], 0.97, False, 3, [(("binary", 11), 0.1, 0.2)]))
    assert "changes the grid's normalised restricted gap in 1 of those 3 configurations: binary $n = 11$:" in changed


def test_doubling_sentence_follows_the_slopes():
    text = incentives.doubling_sentence({"linear": -1.01, "binary": -0.6}, -0.45)
    assert "close to $-1$" in text and "not close" not in text and "on the other side of" in text
    assert incentives.doubling_sentence({"linear": -0.8, "binary": -0.4}, -0.55).endswith(
        f"with the logarithm removed it is {report.number(-0.55, digits=2)}.")


def test_rate_fit_and_effort_sentences_on_the_theory_s_curves():
    table = _rate_table(noise=0.001)
    text = incentives.rate_fit_sentence(incentives.rate_fits(table), table, 100_000)
    assert text.startswith("On this build's computation, binary: over the last decade of n computed (n = 10,000–100,000)")
    assert "differ from the theory's by" in text and f"at $n = {100_000:,}$" in text
    assert "nearly optimal outright" in text and f"Over all {4 * 13} points" in text
    block = table[(table.monitor == "a (x)") & (table.problem == "restricted")]
    effort = incentives.effort_sentence(block, 0.9)
    assert f"the linear one has a fitted log–log slope of {report.number(-2.0, digits=2)}" in effort
    assert "with 0 of 13 points above the scaled bound" in effort


def test_two_level_sentence_says_where_the_gap_falls_and_where_not():
    frames = [pd.DataFrame({"low": 0.45, "n": [1, 2], "gap": [0.5, 1e-11], "miss_probability": [0.3, 2e-12]}),
              pd.DataFrame({"low": 0.63, "n": [1, 2], "gap": [0.5, 0.4], "miss_probability": [0.4, 0.3]})]
    text = incentives.two_level_sentence(frames, 0.9, 2, 0.1)
    assert "with a lower level of 0.5η* at $n = 2$, with a lower level of 0.7η* not within $n \\le 2$" in text
    assert f"at $n = 2$ is still {report.number(0.1, digits=2)}." in text
    assert f"down to about {report.order(1e-11)}" in text and f"as small as about {report.order(2e-12)}" in text


def test_missed_bonus_sentence_lenient_or_not():
    text = incentives.missed_bonus_sentence(45, 50, 0.99, 0.0123, 0.05)
    assert text.startswith(f"Here the threshold share is $k/n = 45/50 = {report.number(0.9)}$, below the pass probability")
    assert f"= {report.number(0.0123)}$" in text and "the contract is lenient" in text
    assert "not below the pass probability" in incentives.missed_bonus_sentence(49, 50, 0.9, 0.4, 0.05)


def test_bell_peak_sentence_reads_the_order_of_the_correction():
    assert incentives.bell_peak_sentence({100: 1.01, 1000: 1.001, 10_000: 1.0001}).endswith(
        "so the correction is of order $1/n$.")
    assert "does not approach 1 steadily" in incentives.bell_peak_sentence({100: 1.01, 1000: 1.02, 10_000: 1.0001})


def test_wage_and_monitors_sentences():
    class Solution:
        def __init__(self, wages, gap):
            self.wages, self.gap = np.asarray(wages), gap
    pmf = np.array([0.0001, 0.0004, 0.2, 0.5, 0.2995])
    general, linear = Solution([-1.0, 0.1, 0.5, 1.0, 1.5], 0.01234), Solution([-0.5, 0.12, 0.52, 1.01, 1.49], 0.013)
    text = incentives.wage_sentence(pmf, general, linear)
    w = incentives.wage_agreement(pmf, general.wages, linear.wages, mass=0.999)
    assert f"($X = {w.x_low}$ to ${w.x_high}$)" in text and f"differ by at most {report.number(w.largest_difference)}" in text
    table = pd.DataFrame({"kind": ["binary", "linear", "general"], "n": [100_000, 100_000, 20_000]})
    said = incentives.monitors_sentence({"a": 0.98}, table, pd.DataFrame({"problem": ["restricted", "unrestricted"],
                                                                           "n": [20_000, 2_000]}), None, 0.9)
    assert said == (f"Monitors: a: c = 0.980, I(η*) = {float(monitoring.fisher_information(0.9, 0.98)):.3f}. The largest $n$ "
                    "computed is 100,000 for binary and linear contracts, and 20,000 for the restricted and 2,000 for the "
                    "unrestricted problem of the general contract.")


def test_cramer_rao_sentence():
    assert incentives.cramer_rao_sentence(1.001, 1.0).startswith(
        f"The ratio is {report.number(1.001, digits=4)}: the bound is attained to within {report.number(0.1, digits=2)} %.")
    assert incentives.cramer_rao_sentence(1.5, 1.0).endswith(", not close to 1 on this build.")


def test_binary_key_results_and_lenient_markdown_name_the_window_of_the_slopes():
    profile = utility.profile("figure3")
    etas = np.linspace(0.6, 1.0, 401)
    panels = [incentives.bell_panel(profile, n, 0.98, etas)[0] for n in (50, 200)]
    n = np.unique(np.round(np.logspace(1, 5, 17)).astype(int))
    curve = (1 + 0.05 * np.cos(n)) / np.sqrt(n * np.log(n))  # the theory's rate with some wiggle
    local = rates.local_slopes(n, curve).assign(reference=rates.local_slopes(n, 1 / np.sqrt(n * np.log(n))).slope)
    reading = incentives.slope_reading(n, curve, 1 / np.sqrt(n * np.log(n)), local, n_mins=(100, 1000))
    lines = incentives.binary_key_results(panels, contracts.first_best(profile).eta, 50, 0.0123, reading)
    r = incentives.bell_reading(panels, contracts.first_best(profile).eta)
    assert lines[0].startswith("the incentive of the best binary contract is a bell curve in effort: from $n = 50$ to $n = 200$")
    assert f"grows {report.number(r.growth)}-fold" in lines[0]
    assert f"an annotator who complies exactly still misses the bonus with probability {report.number(0.0123)}" in lines[1]
    last = local.iloc[-1]
    assert f"(n = {int(last.n_lo):,}–{int(last.n_hi):,}) the miss probability's local slope is " \
           f"{report.number(last.slope)} against {report.number(last.reference)}" in lines[2]
    text = incentives.lenient_markdown({"slack": reading, "miss": reading})
    assert text.startswith("On this build's computation:\n\n- **Threshold slack**: over $n = 100$")
    assert "\n- **Miss probability**: " in text and text.endswith("so only the slopes at large $n$ are a test of it.")
