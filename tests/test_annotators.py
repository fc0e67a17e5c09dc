"""Real annotators: loaders, agreement with exact intervals, expert-based estimates, Dawid-Skene."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import annotators as A
from annotator_incentives import data as D


def test_mt_bench_matches_its_source_notes(real_data):
    mt = A.load_mt_bench(real_data)
    assert len(mt) == 1689 and mt.judge.nunique() == 65
    assert (mt.drop_duplicates("judge").judge_kind == "author").sum() == 7
    assert mt.item.nunique() == 910
    assert (mt.question_id.astype(str) + ":" + mt.model_1 + " vs " + mt.model_2).equals(mt.item)
    assert (mt.model_1 <= mt.model_2).all()
    judges_per_item = mt.groupby("item").judge.nunique()
    assert (judges_per_item > 1).sum() == 484
    # SOURCE.md: human-human agreement without ties is 82.0% (633 of 772)
    pairs = A.pairwise_agreement(mt)
    assert pairs.shared.sum() == 772 and pairs.agree.sum() == 633


def test_pandalm_matches_its_source_notes(real_data):
    pl = A.load_pandalm(real_data)
    assert pl.item.nunique() == 999
    first = pl[pl.judge == "annotator1"].label
    assert (first == 0.0).sum() == 475 and (first == 1.0).sum() == 427 and first.isna().sum() == 97
    repeats = A.pandalm_repeats(pl)
    identical = repeats[repeats.kind == "identical"].set_index("judge")
    assert identical.repeats.tolist() == [71, 71, 71] and identical.consistent.tolist() == [70, 70, 71]
    assert repeats[repeats.kind == "swapped"].repeats.tolist() == [70, 70, 70]


def toy_labels() -> pd.DataFrame:
    rows = []
    truth = {f"i{k}": k % 2 for k in range(6)}
    for item, t in truth.items():
        rows.append({"item": item, "judge": "author_a", "judge_kind": "author", "label": float(t)})
        rows.append(
            {"item": item, "judge": "author_b", "judge_kind": "author", "label": float(t) if item != "i0" else float(1 - t)}
        )
        rows.append(
            {
                "item": item,
                "judge": "expert_x",
                "judge_kind": "expert",
                "label": float(t) if item in ("i1", "i2", "i3") else np.nan,
            }
        )
    return pd.DataFrame(rows)


def test_pairwise_agreement_and_intervals_by_hand():
    pairs = A.pairwise_agreement(toy_labels()).set_index(["judge_a", "judge_b"])
    ab = pairs.loc[("author_a", "author_b")]
    assert ab.shared == 6 and ab.agree == 5
    from scipy import stats
    low, high = stats.binomtest(5, 6).proportion_ci(0.95, method="exact")
    assert ab.low == pytest.approx(low) and ab.high == pytest.approx(high)
    assert pairs.loc[("author_a", "expert_x")].shared == 3  # ties are not compared


def test_expert_based_estimates_by_hand():
    cal = A.expert_based_estimates(toy_labels())
    assert cal.expert_pairs == 6 and cal.expert_agreement == pytest.approx(5 / 6)
    assert cal.c_bar == pytest.approx(2 * 5 / 6 - 1)
    row = cal.judges.set_index("judge").loc["expert_x"]
    # expert_x matches author_a on 3 of 3 and author_b on 3 of 3 (i0 is a tie for expert_x)
    assert row.checks == 6 and row.agree == 6
    assert row.eta_hat == pytest.approx((2 * 1.0 - 1) / cal.c_bar)


def test_no_expert_signal_is_an_error():
    labels = toy_labels()
    labels.loc[labels.judge == "author_b", "label"] = 1 - labels.loc[labels.judge == "author_a", "label"].to_numpy()
    with pytest.raises(D.DataError, match="no expert signal"):
        A.expert_based_estimates(labels)


def test_dawid_skene_recovers_a_planted_spammer():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, 400)
    rows = []
    for j, accuracy in enumerate((0.95, 0.9, 0.85, 0.5)):
        correct = rng.uniform(size=truth.size) < accuracy
        for i, (t, ok) in enumerate(zip(truth, correct, strict=True)):
            rows.append({"item": f"i{i}", "judge": f"j{j}", "label": float(t if ok else 1 - t)})
    table, posterior = A.dawid_skene(pd.DataFrame(rows))
    acc = table.set_index("judge").accuracy
    assert acc["j3"] == pytest.approx(0.5, abs=0.07) and acc["j0"] == pytest.approx(0.95, abs=0.03)
    assert ((posterior.loc[[f"i{i}" for i in range(400)]].to_numpy() > 0.5) == truth).mean() > 0.95


@pytest.mark.filterwarnings("ignore")
def test_dawid_skene_against_crowd_kit_when_available():
    crowdkit = pytest.importorskip("crowdkit.aggregation", reason="crowd-kit is not installed; the cross-check is skipped")
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 2, 300)
    rows = [{"task": f"i{i}", "worker": f"j{j}", "label": int(t if rng.uniform() < a else 1 - t)}
            for j, a in enumerate((0.9, 0.8, 0.7)) for i, t in enumerate(truth)]
    frame = pd.DataFrame(rows)
    theirs = crowdkit.DawidSkene(n_iter=200).fit_predict(frame)
    ours = A.dawid_skene(frame.rename(columns={"task": "item", "worker": "judge"}).assign(label=lambda f: f.label.astype(float)))[
        1
    ]
    assert ((ours.loc[theirs.index] > 0.5).astype(int).to_numpy() == theirs.to_numpy()).mean() > 0.97


def test_a_data_folder_without_the_votes_falls_back_to_the_packaged_copy(tmp_path):
    assert A.load_mt_bench(tmp_path).equals(A.load_mt_bench())


def test_broken_files_are_explained(tmp_path):
    folder = tmp_path / "mt-bench-human-judgments"
    folder.mkdir()
    (folder / "human_judgments.jsonl").write_text(json.dumps({"question_id": 81, "judge": "x", "model_a": "a"}) + "\n")
    with pytest.raises(D.DataError, match="missing column.*winner"):
        A.load_mt_bench(tmp_path)
