"""What the real-annotator chapter states, computed by annotator_incentives.findings.beyond."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import annotators, monitoring, report
from annotator_incentives.data import DatasetUnavailableError
from annotator_incentives.findings import beyond


def test_spread():
    s = beyond.spread(pd.Series([0.9, np.nan, 0.1, 0.4]))
    assert (s.low, s.median, s.high, s.count) == (0.1, 0.4, 0.9, 3)  # a missing value is not a value
    with pytest.raises(ValueError, match="no values"):
        beyond.spread([np.nan])


def test_first_narrow():
    checks = np.arange(2, 400)
    c_bar = 0.3  # a weak signal: the interval is wide for long
    widths = [monitoring.estimate_eta(int(round(k * (1 + c_bar * 0.9) / 2)), int(k), c_bar) for k in checks]
    lows, highs = [w.low for w in widths], [w.high for w in widths]
    first = beyond.first_narrow(checks, lows, highs, width=0.2)
    assert first is None or highs[first - 2] - lows[first - 2] <= 0.2
    assert beyond.first_narrow(checks, lows, highs, width=2.0) == 2  # every interval is narrower than 2
    assert beyond.first_narrow(checks, lows, highs, width=0.0) is None  # and none is a point: said as None, not nan


def test_strength_and_near_certain():
    assert [beyond.strength_of(r) for r in (0.7, 0.69, 0.4, 0.39, -0.8)] == [
        "strongly", "moderately", "moderately", "only weakly", "strongly"]
    posterior = pd.Series([0.91, 0.9, 0.1, 0.09, 0.5])
    assert beyond.near_certain(posterior) == pytest.approx(2 / 5)  # strictly above 0.9 or below 0.1


def test_crowdkit_check_on_the_real_votes():
    pytest.importorskip("crowdkit")
    mt = annotators.load_mt_bench()
    _, posterior = annotators.dawid_skene(mt)
    check = beyond.crowdkit_check(mt, posterior)
    assert check is not None and check.items == posterior.size and 0.9 < check.same <= 1


def test_annotator_data_is_none_when_the_build_has_none(monkeypatch):
    mt, panda = beyond.annotator_data()
    assert mt.judge.nunique() == 65 and panda["item"].nunique() == 999

    def unavailable():
        raise DatasetUnavailableError("no copy of MT-Bench human judgments here")

    monkeypatch.setattr(annotators, "load_mt_bench", unavailable)
    assert beyond.annotator_data() is None


def test_agreement_sentence_on_the_real_votes():
    loaded = beyond.annotator_data()
    if loaded is None:
        pytest.skip("the real annotator data is not available")
    mt, panda = loaded
    pairs = annotators.pairwise_agreement(mt)
    overall = pairs.agree.sum() / pairs.shared.sum()
    text = beyond.agreement_sentence(mt, panda)
    assert text.startswith(f"MT-Bench: {len(mt):,} votes, of which {int(mt.label.isna().sum()):,} ties")
    assert f"they agree {overall:.1%} of the time" in text
    assert f"would mean that {(1 - np.sqrt(2 * overall - 1)) / 2:.1%} of decisive votes" in text
    enough = pairs[pairs.shared >= 3]  # the pairs the agreement figure shows, and their intervals' widths
    widths = beyond.pair_intervals_sentence(pairs)
    assert f"Of the {len(pairs):,} judge pairs who share a decisive item, {len(enough)} share at least three" in widths
    assert f"(median {report.percent(float((enough.high - enough.low).median()))})" in widths
    from annotator_incentives import agreement

    alpha = {"PandaLM": agreement.krippendorff_alpha(agreement.votes(panda, ties="drop"), n_boot=0)}
    shared = {"PandaLM": agreement.shared_tasks(agreement.votes(panda))}
    meet = beyond.pool_meets_monitors({"PandaLM": panda}, alpha, shared, delta=0.05)
    peer = monitoring.Monitor("committed peer", alpha["PandaLM"].value)  # the check against a peer, computed here directly
    n_peer = monitoring.samples_needed(0.1, float(peer.q(0.8)), float(peer.q(0.95)))
    raw = annotators.pairwise_agreement(panda)
    assert f"- PandaLM: α with ties left out is {report.number(alpha['PandaLM'].value)}" in meet
    assert f"is {report.number(2 * raw.agree.sum() / raw.shared.sum() - 1)}. Taken as" in meet
    assert f"needs {report.count(n_peer)} checks per annotator" in meet
    assert f"others, {'enough' if shared['PandaLM'].shared.max() >= n_peer else 'not enough'} for one such test" in meet
    sc = monitoring.self_consistency_monitor(0.05)
    assert f"$\\delta = 0.05$ needs {report.count(monitoring.samples_needed(0.1, float(sc.q(0.8)), float(sc.q(0.95))))}" in meet


def test_calibration_and_interval_sentences_on_the_real_votes():
    loaded = beyond.annotator_data()
    if loaded is None:
        pytest.skip("the real annotator data is not available")
    cal = annotators.expert_based_estimates(loaded[0])
    text = beyond.calibration_sentence(cal)
    assert text.startswith(f"Authors share {cal.expert_pairs} decisive item pairs") and f"{len(cal.judges)} expert judges" in text
    checks = [10, 100, 1000]
    narrow = [monitoring.estimate_eta(int(round(k * 0.95)), k, cal.c_bar) for k in checks]
    sentence = beyond.interval_sentence(cal.judges, checks, narrow)
    top = cal.judges.loc[cal.judges.checks.idxmax()]
    assert f"the most-checked judge ({int(top.checks)} checks) gets an interval from {top.eta_low:.2f}" in sentence
    first = beyond.first_narrow(checks, [w.low for w in narrow], [w.high for w in narrow], width=0.2)
    assert (f"only at {first:,} checks" in sentence) if first else ("still wider than 0.2" in sentence)


def test_repeats_sentence_beside_the_expert_checks():
    expert = monitoring.Monitor("real experts", 0.61)
    n_expert = monitoring.samples_needed(0.1, float(expert.q(0.8)), float(expert.q(0.95)))
    text = beyond.repeats_sentence([12, 40], 0.61)
    assert text.startswith("Even at the pessimistic end of what the repeats allow, 12 to 40 repeated items")
    assert f"would need {n_expert:,} checked items" in text


def test_expert_checks_needed_falls_as_the_expert_signal_strengthens():
    weak, strong = beyond.expert_checks_needed(0.2), beyond.expert_checks_needed(0.6)
    assert weak > strong > 0
    assert beyond.repeats_sentence([10, 20], 0.2).count(f"{weak:,}") == 1


def test_key_results_states_the_agreement_intervals_and_checks():
    pairs = pd.DataFrame({"agree": [6, 2], "shared": [8, 2]})  # 8 of 10 decisive votes agree
    judges = pd.DataFrame({"eta_low": [0.1, 0.2, 0.0], "eta_high": [0.9, 0.7, 1.0]})  # widths 0.8, 0.5, 1.0
    text = beyond.key_results(pairs, judges, 0.3, 0.5, [12, 40])
    assert text.startswith("On this build's data:")
    assert report.percent(0.8, digits=3) in text and f"is {report.number(0.8, digits=2)} wide" in text
    assert f"12 to 40 repeated items would settle what {beyond.expert_checks_needed(0.3):,}" in text


def test_pair_intervals_sentence_counts_the_pairs_shown_and_their_widths():
    pairs = pd.DataFrame({"shared": [1, 2, 3, 7, 12], "low": [0.0, 0.1, 0.2, 0.3, 0.5],
                          "high": [1.0, 0.9, 0.8, 0.9, 0.7]})  # widths of the pairs sharing 3 or more: 0.6, 0.6, 0.2
    text = beyond.pair_intervals_sentence(pairs, min_shared=3)
    assert text.startswith("Of the 5 judge pairs who share a decisive item, 3 share at least three;")
    assert f"{report.percent(0.2)} to {report.percent(0.6)} wide (median {report.percent(0.6)})" in text
    assert "2 share at least 7;" in beyond.pair_intervals_sentence(pairs, min_shared=7)
    with pytest.raises(ValueError, match="no values"):  # no pair shown: no width to state
        beyond.pair_intervals_sentence(pairs, min_shared=13)


def test_rankings_sentence_says_the_strength_and_the_near_certain_share():
    text = beyond.rankings_sentence(-0.81, 14, pd.Series([0.99, 0.95, 0.5, 0.01]))
    assert text.startswith("The two rankings agree strongly (Spearman's ρ = −0.81 over 14 judges).")
    assert f"calls {report.percent(0.75)} of the items near-certain" in text


def test_aggregators_sentence_reads_the_rank_agreement():
    tau = pd.DataFrame({"method_a": ["DS", "DS", "GLAD", "DS"], "method_b": ["GLAD", "MACE", "MACE", "expert monitor η̂"],
                        "workers": [20, 20, 20, 9], "tau": [0.95, 0.85, 0.9, 0.3], "p_value": [0.0, 0.0, 0.0, 0.01]})
    differ = {"ds": pd.Series({"a": 0.9, "b": 0.8}), "mace": pd.Series({"a": 0.1, "b": 0.7})}
    text = beyond.aggregators_sentence(tau, differ)
    assert "rank the judges alike: Kendall's τ between two of them runs from 0.850 (DS and MACE) to 0.950 (DS and GLAD)" in text
    assert "on the 9 judges both rank, τ is 0.300, p below 0.05 for all 1 aggregators" in text
    assert text.endswith("order the three annotators differently: Dawid–Skene a > b; MACE b > a.")
    weaker = tau.assign(tau=[0.95, 0.79, 0.9, 0.3])  # one pair below 0.8: alike only in part
    assert "rank the judges alike only in part" in beyond.aggregators_sentence(weaker, {"ds": differ["ds"]})


def test_repeats_needed_takes_delta_at_the_upper_end_of_each_annotators_interval():
    repeats = pd.DataFrame({"judge": ["a", "a", "b"], "kind": ["identical", "swapped", "identical"],
                            "repeats": [30, 10, 25], "consistent": [28, 10, 20]})
    table = beyond.repeats_needed(repeats)
    assert table.annotator.tolist() == ["a", "b"] and table.repeats.tolist() == [40, 25] and table.consistent.tolist() == [38, 20]
    for row in table.itertuples(index=False):
        delta = 1 - float(annotators.clopper_pearson(row.consistent, row.repeats)[0])
        sc = monitoring.self_consistency_monitor(delta)
        assert row[3] == pytest.approx(delta) and row[4] == monitoring.samples_needed(0.1, float(sc.q(0.8)), float(sc.q(0.95)))
    assert table["repeated items needed"].iloc[1] > table["repeated items needed"].iloc[0]  # less consistent: more repeats
    assert beyond.consistency_sentence(repeats) == "Consistent answers on repeats: a, 38 of 40; b, 20 of 25."
    rows = beyond.repeats_rows(repeats.assign(low=[0.8, 0.7, 0.6], high=[0.99, 1.0, 0.93]))
    assert rows[1] == {"annotator": "a", "kind of repeat": "same pair, order swapped", "repeats": "10", "consistent": "10",
                       "share consistent": "100 %", "95% interval, low": "70.0 %", "95% interval, high": "100 %"}
    assert rows[0]["share consistent"] == report.percent(28 / 30, digits=3) == "93.3 %"
