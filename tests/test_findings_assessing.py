"""What the monitoring chapters state, computed by annotator_incentives.findings.assessing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import monitoring, report
from annotator_incentives.findings import assessing

N = np.arange(10, 500, 10)
DELTAS = [0.0, 0.1, 0.2, 0.3]


def test_compare_with_bound_reads_the_curves():
    p = np.full(200, 0.75)  # c-bar = 0.5
    curves = monitoring.self_consistency_curves(N, DELTAS + [0.6], eta0=0.8, eta1=1.0)
    bound = monitoring.expert_bound_curves(p, N, [0.8], eta1=1.0)
    result = assessing.compare_with_bound(curves, bound, n_ref=100)
    merged = curves.merge(bound[["n", "lower_bound"]], on="n")
    for delta, ns in result.below.items():
        block = merged[merged.delta == delta]
        assert set(ns.tolist()) == set(block.n[block.error_sum < block.lower_bound].tolist()), delta
    assert 0.0 in result.always and 0.6 in result.never
    assert result.bound_at_ref == pytest.approx(float(bound.lower_bound[bound.n == 100].iloc[0]), rel=0, abs=0)
    assert result.error_sums_at_ref[0.6] == float(curves.error_sum[(curves.n == 100) & (curves.delta == 0.6)].iloc[0])
    assert (result.eta0, result.eta1) == (0.8, 1.0) and list(result.grid) == list(N)


def test_compare_with_bound_counts_a_tie_as_not_below():
    grid = np.array([10, 20, 30])
    curves = pd.DataFrame({"n": grid, "delta": 0.1, "eta0": 0.8, "eta1": 1.0, "error_sum": [0.5, 0.4, 0.1]})
    bound = pd.DataFrame({"n": grid, "eta0": 0.8, "eta1": 1.0, "lower_bound": [0.6, 0.4, 0.2]})
    result = assessing.compare_with_bound(curves, bound, n_ref=20)
    assert result.below[0.1].tolist() == [10, 30]
    assert result.always == [] and result.never == []


def test_compare_with_bound_refuses_mismatched_grids():
    curves = monitoring.self_consistency_curves(N, [0.0], 0.8, 1.0)
    bound = monitoring.expert_bound_curves(np.full(10, 0.9), N[:-1], [0.8], 1.0)
    with pytest.raises(ValueError, match="different grids"):
        assessing.compare_with_bound(curves, bound, n_ref=100)
    with pytest.raises(ValueError, match="not on the grid"):
        assessing.compare_with_bound(curves, monitoring.expert_bound_curves(np.full(10, 0.9), N, [0.8], 1.0), n_ref=105)


def test_information_crossing():
    x = assessing.information_crossing(0.62, DELTAS)
    assert x.delta_star == pytest.approx(0.38)
    assert x.better == DELTAS and x.everywhere
    x = assessing.information_crossing(0.85, DELTAS)
    assert x.better == [0.0, 0.1] and not x.everywhere
    x = assessing.information_crossing(0.002, DELTAS)  # weak expert signal: self-consistency better everywhere
    assert x.everywhere and x.delta_star == pytest.approx(0.998)


def test_checks_needed_agrees_with_the_monitors():
    p = np.linspace(0.5, 1, 1001)
    counts = assessing.checks_needed(p, [0.0, 0.05, 0.1], target=0.1, eta0=0.8, eta1=0.95)
    expert = monitoring.expert_monitor(p)
    assert counts.agreement == monitoring.samples_needed(0.1, float(expert.q(0.8)), float(expert.q(0.95)))
    assert counts.bound == monitoring.samples_needed_lower_bound(0.1, monitoring.expert_kl_divergence(p, 0.8, 0.95))
    assert counts.bound <= counts.agreement  # no expert test beats the bound
    sc = counts.self_consistency
    assert sc[0.0] <= sc[0.05] <= sc[0.1]  # more self-disagreement, more checks
    assert counts.fewer_than_agreement == [0.0, 0.05, 0.1] and counts.not_fewer_than_agreement == []  # c-bar = 0.5 < 1 - delta
    assert sorted(counts.within_bound + counts.beyond_bound) == [0.0, 0.05, 0.1]
    assert counts.out_of_reach == []


def test_checks_needed_with_a_weak_expert_signal():
    """p near 1/2 (c-bar = 0.002, weaker than the paper's PKU): the expert test cannot reach the
    target within N_MAX checks. That is a result (None), and it is neither a count nor a
    comparison that self-consistency loses."""
    p = np.full(500, 0.501)
    counts = assessing.checks_needed(p, [0.0, 0.1], target=0.1, eta0=0.8, eta1=0.95)
    assert counts.agreement is None and counts.bound is None
    assert all(isinstance(n, int) and n < 1000 for n in counts.self_consistency.values())
    assert counts.fewer_than_agreement == [0.0, 0.1]
    assert counts.not_fewer_than_agreement == [] and counts.within_bound == [] and counts.beyond_bound == []


def test_checks_needed_when_self_consistency_is_out_of_reach():
    counts = assessing.checks_needed(np.full(50, 0.9), [0.0, 0.9999], target=0.01, eta0=0.8, eta1=0.95)
    assert counts.self_consistency[0.9999] is None and counts.out_of_reach == [0.9999]
    assert 0.9999 not in counts.fewer_than_agreement + counts.not_fewer_than_agreement
    assert 0.9999 not in counts.within_bound + counts.beyond_bound


def test_checks_needed_refuses_parameters_outside_the_model():
    with pytest.raises(monitoring.MonitoringError):
        assessing.checks_needed(np.full(10, 0.9), [0.0], eta0=0.95, eta1=0.8)


def test_p_spread():
    p = np.array([0.5, 0.55, 0.59, 0.6, 0.75, 0.9, 0.95, 1.0])
    s = assessing.p_spread(p)
    assert s.mean_p == pytest.approx(p.mean()) and s.c_bar == pytest.approx(monitoring.signal_strength(p))
    assert s.share_below == 3 / 8 and s.share_above == 2 / 8  # strict: 0.6 and 0.9 are in neither share
    assert (s.low, s.high) == (0.6, 0.9)


def test_first_below_reads_the_bound():
    p = np.linspace(0.5, 1, 101)
    curves = monitoring.expert_bound_curves(p, N, [0.95, 0.9, 0.6], eta1=1.0)
    first = assessing.first_below(curves, 0.2)
    assert list(first) == [0.95, 0.9, 0.6]  # in the figure's order
    for eta0, n in first.items():
        block = curves[curves.eta0 == eta0]
        if n is None:
            assert (block.lower_bound >= 0.2).all()
        else:
            assert block.lower_bound[block.n == n].iloc[0] < 0.2
            assert (block.lower_bound[block.n < n] >= 0.2).all()
    assert first[0.6] is not None and (first[0.95] is None or first[0.95] >= first[0.6])


def test_first_below_on_a_weak_signal_is_none_not_nan():
    curves = monitoring.expert_bound_curves(np.full(100, 0.51), N, [0.8], eta1=1.0)  # c-bar = 0.02
    assert assessing.first_below(curves, 0.2) == {0.8: None}


def test_agreement_checks():
    p = np.linspace(0.5, 1, 1001)
    checks = assessing.agreement_checks(p, 0.2, (0.8, 0.95))
    expert = monitoring.expert_monitor(p)
    assert checks[0.8] == monitoring.samples_needed(0.2, float(expert.q(0.8)), float(expert.q(1.0)))
    assert checks[0.8] < checks[0.95]  # the closer hypotheses need more checks
    assert assessing.agreement_checks(np.full(10, 0.5005), 0.2, (0.8,)) == {0.8: None}


def test_ump_reading():
    p = np.linspace(0.5, 1, 1001)
    r = assessing.ump_reading(p, n=200, alpha=0.05)
    assert r.size <= 0.05 and r.power > r.size and r.n == 200
    expert = monitoring.expert_monitor(p)
    assert r.threshold == monitoring.ump_threshold(200, expert.q(0.8), alpha=0.05)
    assert r.estimate.low <= 0.9 <= r.estimate.high
    weak = assessing.ump_reading(np.full(100, 0.51))  # c-bar = 0.02: the test barely beats its size
    assert weak.power < 0.1 and weak.estimate.high - weak.estimate.low > r.estimate.high - r.estimate.low


def test_sentences_of_a_weak_expert_signal_say_out_of_reach_not_nan():
    counts = assessing.checks_needed(np.full(500, 0.501), [0.0, 0.1], target=0.1, eta0=0.8, eta1=0.95)
    text = assessing.checks_sentence("weak", counts)
    assert f"any expert test needs more than {assessing.N_MAX:,} checks" in text and "nan" not in text
    assert "fewer than the agreement test for δ ∈ {0, 0.1}" in text and "bound's minimum" not in text
    grid = np.array([10, 20, 30])
    curves = pd.DataFrame({"n": grid, "delta": 0.1, "eta0": 0.8, "eta1": 1.0, "error_sum": [0.5, 0.4, 0.1]})
    bound = pd.DataFrame({"n": grid, "eta0": 0.8, "eta1": 1.0, "lower_bound": [0.6, 0.4, 0.2]})
    text = assessing.versus_bound("toy", assessing.compare_with_bound(curves, bound, n_ref=20))
    assert text.startswith("toy, η₀ = 0.8, η₁ = 1: over the plotted 10 ≤ n ≤ 30")
    assert "for δ = 0.1 only at n = 10 and 30" in text and "the bound is 0.400 and the error sums are 0.400 at δ = 0.1" in text


def test_bound_sentence_of_a_weak_expert_signal():
    """c-bar near 0: the bound does not fall below the level on the grid and the agreement test is
    out of the search's reach; both are said in words."""
    p = np.full(300, 0.501)
    grid = np.arange(10, 200, 10)
    bounds = monitoring.expert_bound_curves(p, grid, [0.8, 0.95], eta1=1.0)
    text = assessing.bound_sentence("weak", bounds, p, 0.002, 0.1, grid)
    assert "η₀ = 0.8: no n up to 190" in text and f"n = more than {assessing.N_MAX:,}" in text and "nan" not in text


def test_eta1_sentence_names_each_dataset_and_eta1():
    class D:
        name, label = "toy", "Toy data"
    p = np.linspace(0.5, 1, 101)
    bounds = {"toy": monitoring.expert_bound_curves(p, N, [0.8], eta1=1.0)}
    bounds_eta1 = {("toy", e1): monitoring.expert_bound_curves(p, N, [0.8], eta1=e1) for e1 in (0.98, 0.96)}
    text = assessing.eta1_sentence([D], bounds, bounds_eta1, 0.2, N)
    assert text.startswith("On this build's data, at η₀ = 0.8 the bound first falls below 0.2 at ")
    assert text.count("for Toy data") == 3 and "with η₁ = 0.98" in text and text.endswith(" for Toy data).")


def test_ump_rows_and_sentence_say_the_readings():
    r = assessing.ump_reading(np.linspace(0.5, 1, 1001), n=200, alpha=0.05)
    [row] = assessing.ump_rows({"Toy": r})
    assert row["UMP threshold (n = 200, size 5%)"] == f"{r.threshold} agreements" and row["dataset"] == "Toy"
    text = assessing.ump_sentence({"Toy": r})
    assert f"[{r.estimate.low:.2f}, {r.estimate.high:.2f}]" in text and text.endswith("scaled down by c̄.")


def test_comparison_markdown_has_a_bullet_per_panel_and_the_crossings():
    class D:
        label, c_bar = "Toy", 0.5
    curves = monitoring.self_consistency_curves(N, [0.0, 0.3], 0.8, 1.0)
    bound = monitoring.expert_bound_curves(np.linspace(0.5, 1, 101), N, [0.8], 1.0)
    comparison = assessing.compare_with_bound(curves, bound, 100)
    crossing = assessing.information_crossing(0.5, [0.0, 0.3])
    text = assessing.comparison_markdown([(D, comparison)], [(D, crossing)])
    assert assessing.versus_bound("Toy", comparison) in text
    assert f"Toy: c̄ = {report.number(0.5)}, so 1 − δ > c̄ for δ < {report.number(crossing.delta_star)}" in text


def test_figures_sentence_names_the_datasets_with_reward_model_scores():
    from types import SimpleNamespace as Loaded

    loaded = [Loaded(label="PKU", calibration=object()), Loaded(label="UltraFeedback", calibration=None),
              Loaded(label="Skywork", calibration=object())]
    assert assessing.figures_sentence(loaded).endswith("and its Figure 6 for PKU and Skywork.")
    without = assessing.figures_sentence(loaded[1:2])
    assert "Figure 1 (top row) only" in without and "none is available" in without and "Figure 6 for" not in without


def test_spread_markdown_and_key_results_state_each_dataset_by_the_number_policy():
    spreads = {"A": assessing.p_spread([0.5, 0.55, 0.58, 0.95]), "B": assessing.p_spread([0.7, 0.99])}
    text = assessing.spread_markdown(spreads, ["The B sample is small."])
    assert text.startswith("On this build's data:\n\n- A: mean folded p = 0.645, c̄ = 0.290; 75 % of the pairs have p below 0.6")
    assert "- B: mean folded p = 0.845, c̄ = 0.690; 0 % of the pairs have p below 0.6" in text and "50 % have p above 0.9." in text
    assert text.endswith(".\n\nThe B sample is small.") and "\n\n" not in assessing.spread_markdown(spreads).split("- B")[1]
    lines = assessing.spread_key_results(spreads)
    assert len(lines) == 3 and lines[0] == ("A: c̄ = 0.290, the signal of one expert check; 75 % of its pairs have p below "
                                            "0.6, where a committed label is close to a coin flip")
    assert lines[-1].startswith("A dataset's p enters every later chapter only through c̄")
