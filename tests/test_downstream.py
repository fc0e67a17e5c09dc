"""The downstream experiment: label simulation, split by question, features, model, intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from annotator_incentives import annotators, downstream, monitoring
from annotator_incentives.data import DataError


def synthetic_pairs(n_items: int = 60, per_group: int = 3, seed: int = 0) -> pd.DataFrame:
    """Items whose human votes prefer the longer response (ties now and then)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_items):
        short, long = f"answer {i} short", f"answer {i} " + " ".join(["with many careful words"] * int(rng.integers(3, 9)))
        first_long = bool(rng.integers(0, 2))
        v_long, v_short = int(rng.integers(1, 4)), int(rng.integers(0, 2))
        rows.append({"item": f"i{i}", "group": f"g{i // per_group}", "prompt": f"question {i // per_group}",
                     "response_1": long if first_long else short, "response_2": short if first_long else long,
                     "votes_1": v_long if first_long else v_short, "votes_2": v_short if first_long else v_long,
                     "ties": int(rng.integers(0, 2))})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("eta", [0.0, 0.55, 0.9, 1.0])
def test_simulated_labels_flip_at_exactly_half_the_carelessness(eta):
    n = 200_000
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 2, size=n)
    flipped = int((downstream.simulate_labels(labels, eta, np.random.default_rng(11)) != labels).sum())
    expected = (1 - eta) / 2
    if expected == 0:
        assert flipped == 0
    else:  # a two-sided binomial test at level 1e-6
        assert stats.binomtest(flipped, n, expected).pvalue > 1e-6, (flipped / n, expected)


def test_simulated_labels_follow_the_annotator_model():
    n, eta = 100_000, 0.7
    for label in (0, 1):
        z = downstream.simulate_labels(np.full(n, label), eta, np.random.default_rng(label))
        expected = eta * label + (1 - eta) / 2  # P(Z = 1) = eta p + (1 - eta)/2 with p = label
        assert stats.binomtest(int(z.sum()), n, expected).pvalue > 1e-6
    with pytest.raises(DataError, match="eta must lie in"):
        downstream.simulate_labels([0, 1], 1.2, np.random.default_rng(0))
    with pytest.raises(DataError, match="labels must be 0 or 1; got 2"):
        downstream.simulate_labels([0, 2], 0.5, np.random.default_rng(0))


def test_split_keeps_every_question_on_one_side():
    frame = synthetic_pairs()
    train, test = downstream.item_split(frame, 0.3, seed=3)
    assert set(train.group).isdisjoint(test.group)
    assert len(train) + len(test) == len(frame)
    assert test.group.nunique() == round(0.3 * frame.group.nunique())
    again, _ = downstream.item_split(frame, 0.3, seed=3)
    assert again.item.tolist() == train.item.tolist()


def test_training_rows_come_from_training_items_only():
    frame = synthetic_pairs()
    train, test = downstream.item_split(frame, 0.3, seed=1)
    rows, labels = downstream._decisive_votes(train)
    assert rows.max() < len(train) and set(train.item.iloc[rows]) <= set(train.item)
    assert labels.size == int(train.votes_1.sum() + train.votes_2.sum())
    # features have no fitted state: an item's row is the same whatever else is in the frame
    whole = downstream.pair_features(frame).toarray()
    alone = downstream.pair_features(test).toarray()
    positions = frame.index[frame.item.isin(test.item)]
    np.testing.assert_allclose(alone, whole[positions])


def test_features_are_antisymmetric_and_the_model_has_no_position_bias():
    frame = synthetic_pairs(20)
    swapped = frame.rename(columns={"response_1": "response_2", "response_2": "response_1"})
    for config in (downstream.FeatureConfig(word_features=2**10, char_features=2**10), downstream.LENGTH_ONLY):
        x, x_swapped = downstream.pair_features(frame, config), downstream.pair_features(swapped, config)
        np.testing.assert_allclose(x.toarray(), -x_swapped.toarray())
    rows, labels = downstream._decisive_votes(frame)
    x = downstream.pair_features(frame, downstream.LENGTH_ONLY)
    model = downstream.fit_reward_model(x[rows], labels)
    np.testing.assert_allclose(model.decision_function(x), -model.decision_function(-x))


def test_heldout_accuracy_counts_votes_and_reports_the_exact_interval():
    frame = synthetic_pairs(90)
    train, test = downstream.item_split(frame, 0.3, seed=2)
    curve = downstream.accuracy_curve(train, test, etas=[1.0], seeds=[0], config=downstream.LENGTH_ONLY)
    row = curve.iloc[0]
    # the longer response always wins the majority here, so a length model is right on every majority vote
    longer_first = test.response_1.str.len() > test.response_2.str.len()
    correct = int(np.where(longer_first, test.votes_1, test.votes_2).sum())
    assert row.correct == correct and row.votes == int(test.votes_1.sum() + test.votes_2.sum())
    low, high = annotators.clopper_pearson(correct, int(row.votes))
    assert (row.low, row.high) == pytest.approx((float(low), float(high)))
    assert row.low <= row.accuracy <= row.high
    assert row.flipped == 0


def test_clopper_pearson_interval_covers_at_least_its_level():
    n, acc = 150, 0.7
    correct = np.random.default_rng(5).binomial(n, acc, size=2000)
    low, high = annotators.clopper_pearson(correct, n)
    assert np.mean((low <= acc) & (acc <= high)) >= 0.94


def test_evaluation_pairs_are_counted_like_the_monitors():
    assert downstream.evaluation_pairs_needed(0.70, 0.75, 0.1) == monitoring.samples_needed(0.1, 0.70, 0.75)
    assert downstream.evaluation_pairs_needed(0.70, 0.70, 0.1) == float("inf")
    assert downstream.evaluation_pairs_needed(0.71, 0.70, 0.1) == float("inf")
    assert downstream.evaluation_pairs_needed(0.70, 0.701, 0.1) > downstream.evaluation_pairs_needed(0.70, 0.71, 0.1)


def test_hard_examples_follow_the_stated_rule():
    frame = pd.DataFrame({
        "item": list("abcde"), "group": ["q1", "q1", "q2", "q3", "q4"], "prompt": "p", "response_1": "x", "response_2": "y",
        "votes_1": [2, 3, 1, 2, 1], "votes_2": [2, 3, 1, 0, 0], "ties": [0, 0, 1, 1, 1]})
    chosen = downstream.hard_examples(frame, k=3)
    # b (3-3) beats a (2-2) within q1; c (1-1 + tie) next; d (2-0) before e (1-0 with 2 judges, excluded)
    assert chosen.item.tolist() == ["b", "c", "d"]


def test_real_mt_bench_split_shares_no_question_and_no_answer(real_data):
    frame = downstream.usable_pairs(downstream.load_mt_bench_texts(real_data))
    assert frame.item.is_unique and (frame.votes_1 + frame.votes_2 > 0).all()
    train, test = downstream.item_split(frame, 0.3, seed=2025)
    assert set(train.question_id).isdisjoint(test.question_id)
    train_texts = set(train.response_1) | set(train.response_2) | set(train.prompt)
    assert train_texts.isdisjoint(set(test.response_1) | set(test.response_2) | set(test.prompt))


def test_effort_comparison_separates_only_beyond_seed_noise():
    noisy = pd.DataFrame({"eta": [0.9] * 4 + [1.0] * 4, "seed": list(range(4)) * 2,
                          "accuracy": [0.68, 0.72, 0.69, 0.71, 0.705, 0.705, 0.705, 0.705]})
    out = downstream.compare_efforts(noisy, 0.9, 1.0, 0.1)
    assert out.difference == pytest.approx(0.005)
    assert out.standard_error == pytest.approx(np.std([0.68, 0.72, 0.69, 0.71], ddof=1) / 2)
    assert not out.separable and out.pairs_needed == float("inf")
    largest = out.difference + 2 * out.standard_error
    assert out.pairs_at_least == downstream.evaluation_pairs_needed(0.705 - largest, 0.705, 0.1)
    assert out.pairs_at_least < downstream.evaluation_pairs_needed(out.acc0, out.acc1, 0.1)
    clear = noisy.assign(accuracy=[0.60, 0.61, 0.60, 0.61] + [0.70] * 4)
    sharp = downstream.compare_efforts(clear, 0.9, 1.0, 0.1)
    assert sharp.separable and sharp.pairs_needed == downstream.evaluation_pairs_needed(0.605, 0.70, 0.1)
    with pytest.raises(DataError, match="no runs at eta = 0.5"):
        downstream.compare_efforts(noisy, 0.5, 1.0, 0.1)
