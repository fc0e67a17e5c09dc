"""Chance-corrected agreement and the standard aggregators (annotator_incentives.agreement),
against published values: Krippendorff's own nominal example, Fleiss' 1971 diagnoses, and the
toy data of crowd-kit's Dawid–Skene tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import agreement as G
from annotator_incentives import annotators

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4 coders x 12 units
# example with missing values; nominal alpha = 0.743 (also the `krippendorff` package's doctest).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# Wikipedia's Krippendorff example (3 coders, 15 units): nominal alpha = 0.691 (the package's doctest)
WIKIPEDIA_ALPHA = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]
# Fleiss (1971): 30 patients, 6 psychiatrists each, 5 diagnoses; kappa = 0.430 (R irr::kappam.fleiss 0.4302445)
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]
# Wikipedia's Fleiss example: 10 subjects, 14 raters, counts per category 1..5; kappa = 0.210
WIKIPEDIA_FLEISS = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
# crowd-kit's own Dawid-Skene test data (tests/aggregation/test_ds_aggregation.py, fixture `data`), with the
# error matrices and class prior it expects after one EM iteration (rounded to 2 decimals there)
CROWDKIT_TOY = [("t1", "w1", "no"), ("t1", "w2", "yes"), ("t1", "w4", "yes"), ("t1", "w5", "no"),
                ("t2", "w1", "yes"), ("t2", "w2", "yes"), ("t2", "w3", "yes"), ("t2", "w4", "no"), ("t2", "w5", "no"),
                ("t3", "w1", "yes"), ("t3", "w2", "no"), ("t3", "w3", "no"), ("t3", "w4", "yes"), ("t3", "w5", "no"),
                ("t4", "w1", "yes"), ("t4", "w2", "yes"), ("t4", "w3", "yes"), ("t4", "w4", "yes"), ("t4", "w5", "yes"),
                ("t5", "w1", "yes"), ("t5", "w2", "no"), ("t5", "w3", "no"), ("t5", "w4", "no"), ("t5", "w5", "no")]
CROWDKIT_ITER_1 = {"prior": {"no": 0.49, "yes": 0.51},  # P(observed = true | true), per worker: (no|no, yes|yes)
                   "w1": (0.14, 0.75), "w2": (0.75, 0.93), "w3": (0.87, 0.91), "w4": (0.50, 0.69), "w5": (1.00, 0.39)}


def long(coders) -> pd.DataFrame:
    """Coders by units (None: no vote) in long format."""
    return pd.DataFrame([(u, f"c{c}", str(v)) for c, row in enumerate(coders) for u, v in enumerate(row) if v is not None],
                        columns=["task", "worker", "label"])


def fleiss_long(subjects) -> pd.DataFrame:
    return pd.DataFrame([(s, f"r{r}", str(v)) for s, row in enumerate(subjects) for r, v in enumerate(row)],
                        columns=["task", "worker", "label"])


def from_counts(counts) -> pd.DataFrame:
    rows = []
    for s, row in enumerate(counts):
        labels = [k for k, n in enumerate(row) for _ in range(n)]
        rows += [(s, f"r{r}", str(k)) for r, k in enumerate(labels)]
    return pd.DataFrame(rows, columns=["task", "worker", "label"])


def test_krippendorff_alpha_on_published_examples():
    assert G.krippendorff_alpha(long(KRIPPENDORFF_2011), n_boot=0).value == pytest.approx(0.743, abs=5e-4)
    assert G.krippendorff_alpha(long(WIKIPEDIA_ALPHA), n_boot=0).value == pytest.approx(0.691358, abs=5e-7)


def test_fleiss_kappa_on_published_examples():
    kappa, raters = G.fleiss_kappa(fleiss_long(FLEISS_1971), n_boot=0)
    assert raters == 6 and kappa.units == 30 and kappa.value == pytest.approx(0.4302445, abs=5e-8)
    kappa, raters = G.fleiss_kappa(from_counts(WIKIPEDIA_FLEISS), n_boot=0)
    assert raters == 14 and kappa.value == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_uses_only_tasks_with_the_chosen_number_of_votes():
    frame = pd.concat([fleiss_long(FLEISS_1971), pd.DataFrame({"task": [99, 99], "worker": ["r0", "r1"], "label": ["1", "2"]})])
    kappa, raters = G.fleiss_kappa(frame, n_boot=0)
    assert raters == 6 and kappa.units == 30 and kappa.value == pytest.approx(0.4302445, abs=5e-8)
    with pytest.raises(G.AgreementError, match="no task has exactly 4 votes"):
        G.fleiss_kappa(frame, raters=4)


def test_bootstrap_interval_is_seeded_and_covers_the_value():
    frame = long(KRIPPENDORFF_2011)
    one, two = G.krippendorff_alpha(frame, n_boot=300, seed=3), G.krippendorff_alpha(frame, n_boot=300, seed=3)
    assert one == two and one.low <= one.value <= one.high and one.replicates == 300
    assert G.krippendorff_alpha(frame, n_boot=300, seed=4) != one


def test_alpha_and_kappa_are_one_for_identical_raters():
    rows = [(t, w, "xyz"[t % 3]) for t in range(30) for w in ("a", "b", "c")]
    frame = pd.DataFrame(rows, columns=["task", "worker", "label"])
    assert G.krippendorff_alpha(frame, n_boot=50).value == pytest.approx(1.0)
    assert G.fleiss_kappa(frame, n_boot=0)[0].value == pytest.approx(1.0)
    assert G.cohen_kappas(frame).kappa.tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_statistics_are_invariant_to_relabelling():
    frame = long(KRIPPENDORFF_2011)
    renamed = frame.assign(label=frame.label.map({"1": "e", "2": "d", "3": "c", "4": "b", "5": "a"}),
                           worker=frame.worker.map(lambda w: "rater " + w), task=frame.task.map(lambda t: f"unit {t}"))
    assert G.krippendorff_alpha(renamed, n_boot=0).value == pytest.approx(G.krippendorff_alpha(frame, n_boot=0).value)
    kappas = G.cohen_kappas(frame, min_shared=5).kappa.tolist()
    assert G.cohen_kappas(renamed, min_shared=5).kappa.tolist() == pytest.approx(kappas)
    for method in ("ds", "one-coin"):
        assert G.worker_reliability(renamed, method, iterations=10).reliability.tolist() == pytest.approx(
            G.worker_reliability(frame, method, iterations=10).reliability.tolist(), abs=1e-9)


def test_cohen_kappa_agrees_with_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    frame = long(KRIPPENDORFF_2011)
    pairs = G.cohen_kappas(frame, min_shared=5)
    wide = frame.pivot(index="task", columns="worker", values="label")
    assert len(pairs) == 6
    for r in pairs.itertuples():
        both = wide[[r.worker_a, r.worker_b]].dropna()
        assert r.kappa == pytest.approx(cohen_kappa_score(both[r.worker_a], both[r.worker_b]), abs=1e-12)
        assert -1 <= r.low <= r.kappa <= r.high <= 1


def test_dawid_skene_on_crowd_kits_toy_data():
    frame = pd.DataFrame(CROWDKIT_TOY, columns=["task", "worker", "label"])
    table = G.worker_reliability(frame, "ds", iterations=1).set_index("worker").reliability
    prior = CROWDKIT_ITER_1["prior"]
    for worker in ("w1", "w2", "w3", "w4", "w5"):
        no, yes = CROWDKIT_ITER_1[worker]
        assert table[worker] == pytest.approx(prior["no"] * no + prior["yes"] * yes, abs=0.015)


def test_every_aggregator_finds_a_planted_spammer():
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 2, 40)
    rows = []
    for t, y in enumerate(truth):
        for w, accuracy in (("good1", 0.9), ("good2", 0.85), ("good3", 0.9), ("spammer", 0.5)):
            rows.append((t, w, str(y if rng.random() < accuracy else 1 - y)))
    frame = pd.DataFrame(rows, columns=["task", "worker", "label"])
    for method in G.METHODS:
        reliability = G.worker_reliability(frame, method, iterations=10).set_index("worker").reliability
        assert reliability.idxmin() == "spammer", method  # MACE: column 1 of spamming_ is "not spamming"


def test_votes_from_the_books_loaders():
    mt = annotators.load_mt_bench()
    as_label, dropped = G.votes(mt), G.votes(mt, ties="drop")
    assert list(as_label.columns) == ["task", "worker", "label"]
    assert set(as_label.label) == {"first", "second", "tie"} and set(dropped.label) == {"first", "second"}
    assert len(as_label) == len(mt.drop_duplicates(["item", "judge"]))
    assert len(dropped) == int(mt.drop_duplicates(["item", "judge"]).label.notna().sum())
    assert not as_label.duplicated(["task", "worker"]).any()
    panda = G.votes(annotators.load_pandalm())
    assert panda.task.nunique() == 999 and panda.worker.nunique() == 3
    with pytest.raises(G.AgreementError, match="ties must be"):
        G.votes(mt, ties="keep")


def test_shared_tasks_and_rank_agreement():
    frame = pd.DataFrame({"task": [1, 1, 2, 3], "worker": ["a", "b", "a", "b"], "label": ["x", "y", "x", "y"]})
    assert G.shared_tasks(frame).values.tolist() == [["a", 2, 1], ["b", 2, 1]]
    r = {"m1": pd.Series([1.0, 2.0, 3.0], index=list("abc")), "m2": pd.Series([1.0, 3.0, 2.0], index=list("abc")),
         "m3": pd.Series([5.0], index=["a"])}
    tau = G.rank_agreement(r).set_index(["method_a", "method_b"])
    assert tau.loc[("m1", "m2"), "tau"] == pytest.approx(1 / 3) and tau.loc[("m1", "m2"), "workers"] == 3
    assert np.isnan(tau.loc[("m1", "m3"), "tau"])


@pytest.mark.parametrize("frame, kwargs, message", [
    (pd.DataFrame({"task": [1], "label": ["x"]}), {}, "missing column(s) worker"),
    (pd.DataFrame({"task": [1, 2], "worker": ["a", "a"], "label": ["x", "y"]}), {}, "at least two workers"),
    (pd.DataFrame({"task": [1, 1], "worker": ["a", "b"], "label": ["x", "x"]}), {}, "with one label"),
    (pd.DataFrame({"task": [1, 1], "worker": ["a", "b"], "label": ["x", "z"]}), {"labels": ["x", "y"]},
     "label 'z' in row 2 is not one of the declared labels"),
    (pd.DataFrame({"task": [1, 1, 1], "worker": ["a", "b", "a"], "label": ["x", "y", "x"]}), {},
     "1 (task, worker) pair(s) voted more than once, the first task '1', worker 'a' (rows 1 and 3)"),
    (pd.DataFrame({"task": [1, None], "worker": ["a", "b"], "label": ["x", "y"]}), {}, "column task has 1 missing value"),
    (pd.DataFrame({"task": [1, 1], "worker": ["a", "b"], "label": ["x", "y"]}), {"task": "worker"}, "three different columns"),
    ("not a frame", {}, "must be a DataFrame"),
])
def test_bad_votes_are_named(frame, kwargs, message):
    with pytest.raises(G.AgreementError) as error:
        G.check_votes(frame, **kwargs)
    assert message in str(error.value)


def test_bad_settings_are_named():
    frame = long(KRIPPENDORFF_2011)
    with pytest.raises(G.AgreementError, match="method must be one of"):
        G.worker_reliability(frame, "em")
    with pytest.raises(G.AgreementError, match="level"):
        G.krippendorff_alpha(frame, level=1.0)
    with pytest.raises(G.AgreementError, match="n_boot"):
        G.krippendorff_alpha(frame, n_boot=-1)
    with pytest.raises(G.AgreementError, match="no task has two votes"):
        G.krippendorff_alpha(pd.DataFrame({"task": [1, 2], "worker": ["a", "b"], "label": ["x", "y"]}))


def test_team_report_counts_checks_with_the_books_monitor():
    from annotator_incentives import monitoring

    report = G.team_report(long(KRIPPENDORFF_2011), min_shared=9, delta=0.1, eta0=0.7, eta1=0.9, error=0.2, n_boot=0)
    sc = monitoring.self_consistency_monitor(0.1)
    needed = monitoring.samples_needed(0.2, float(sc.q(0.7)), float(sc.q(0.9)))
    assert report["self_consistency"]["checks_needed"] == needed
    workers = {w["worker"]: w for w in report["workers"]}
    assert workers["c0"]["shared_tasks"] == 9 and not workers["c0"]["too_few_shared"]
    assert all(w["checks_share_of_tasks"] == pytest.approx(needed / w["tasks"]) for w in workers.values())
    assert report["pool"]["krippendorff_alpha"]["value"] == pytest.approx(0.743, abs=5e-4)
    assert "Krippendorff's alpha (nominal): 0.743" in G.format_team_report(report)


def test_interval_text_and_kappa_range_follow_the_number_policy():
    from annotator_incentives import report

    alpha = G.krippendorff_alpha(long(KRIPPENDORFF_2011), n_boot=200, seed=3)
    assert G.interval_text(alpha) == f"{report.number(alpha.value)} ({report.number(alpha.low)} to {report.number(alpha.high)})"
    assert G.interval_text(alpha, say_level=True).startswith(f"{report.number(alpha.value)} (95% interval ")
    no_bootstrap = G.krippendorff_alpha(long(KRIPPENDORFF_2011), n_boot=0)
    assert G.interval_text(no_bootstrap) == "0.743"  # no interval without resamples: the value alone
    pairs = G.cohen_kappas(long(KRIPPENDORFF_2011), min_shared=9)
    text = G.kappa_range(pairs, min_shared=9)
    assert text.startswith(f"{report.number(pairs.kappa.min())} to {report.number(pairs.kappa.max())} over {len(pairs)} pair")
    assert text.endswith(f"intervals from {report.number(pairs.low.min())} to {report.number(pairs.high.max())}")
    assert G.kappa_range(pairs.iloc[:1]).count(" over 1 pair;") == 1  # one pair, not "pairs"
    assert G.kappa_range(pairs.iloc[:0], min_shared=9) == "no pair shares 9 tasks"
