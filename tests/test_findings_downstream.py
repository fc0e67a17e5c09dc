"""What the downstream chapter states, computed by annotator_incentives.findings.downstream."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import annotators, downstream, monitoring
from annotator_incentives.data import DatasetUnavailableError
from annotator_incentives.findings import downstream as findings

ETAS = [0.0, 0.9, 1.0]


def curve(means: dict[float, float], seeds: int = 4, spread: float = 0.002) -> pd.DataFrame:
    """An accuracy curve like downstream.accuracy_curve's: one run at eta = 1, ``seeds`` runs elsewhere."""
    rows = []
    for eta, mean in means.items():
        offsets = [0.0] if eta == 1.0 else np.linspace(-spread, spread, seeds)
        rows += [{"eta": eta, "seed": s, "accuracy": mean + o, "low": mean - 0.03, "high": mean + 0.03, "votes": 500}
                 for s, o in enumerate(offsets)]
    return pd.DataFrame(rows)


def test_text_pairs_names_a_missing_set():
    def gone():
        raise DatasetUnavailableError("not here")

    texts = findings.text_pairs({"PandaLM": downstream.pandalm_pairs, "Elsewhere": gone})
    assert texts.missing == ["Elsewhere"] and list(texts.usable) == ["PandaLM"]
    assert 0 < len(texts.usable["PandaLM"]) <= len(texts.pairs["PandaLM"])


def test_words_for_counts_and_texts():
    assert findings.pairs_text(float("inf")) == "no finite number" and findings.pairs_text(7.0) == "7"
    block = findings.text_block("Answer", "code:\n~~~~~\nx = 1\n~~~~~", limit=100)
    assert "~~~~~~text" in block and block.endswith("\n~~~~~~")  # a fence longer than the text's own
    assert findings.text_block("T", "short", limit=100).count("short") == 1


def test_pairs_needed_with_a_weak_downstream_signal():
    """Accuracies that the seeds cannot tell apart: the downstream line is a lower bound, labelled so,
    and a monitor with a weak signal (c near 0) needs many checks, never nan."""
    flat = curve({0.0: 0.5, 0.9: 0.6, 1.0: 0.6})
    monitors = [("weak expert", 0.05), ("self-consistency, δ = 0.02", 0.98)]
    needed = findings.pairs_needed({"flat": flat}, monitors, 0.9, 1.0, [0.1, 0.2], target=0.1)
    assert set(needed.method) == {"downstream, flat: lower bound", "weak expert", "self-consistency, δ = 0.02"}
    assert not needed.n.isna().any()
    weak = needed[needed.method == "weak expert"].set_index("target").n
    strong = needed[needed.method.str.startswith("self")].set_index("target").n
    assert (weak > 100 * strong).all()
    assert strong[0.1] == monitoring.samples_needed(0.1, (1 + 0.98 * 0.9) / 2, (1 + 0.98) / 2)


def test_dataset_reading_of_a_separable_curve():
    full = curve({0.0: 0.5, 0.9: 0.55, 1.0: 0.6})
    length = pd.Series({"accuracy": 0.58})
    test = pd.DataFrame({"votes_1": [2, 1], "votes_2": [1, 0]})
    d = findings.dataset_reading(full, length, test, 0.9, 1.0, 0.1)
    assert d.comparison.separable and np.isfinite(d.comparison.pairs_needed)
    assert d.edge == pytest.approx(0.02) and d.width == pytest.approx(0.06)
    assert (d.agree, d.agree_total) == (1, 3) and d.seeds == 4 and d.not_worse == 0
    assert d.chance_covered  # coin flips at eta = 0 around 50 %
    assert d.spread.mean[0.9] == pytest.approx(0.55)


def test_monitors_are_calibrated_on_the_sets_at_hand():
    listed, calibrations = findings.monitors({"PandaLM": pd.DataFrame()}, (0.02, 0.1))
    assert list(calibrations) == ["PandaLM"] and 0 < calibrations["PandaLM"].c_bar < 1
    assert [label for label, _ in listed][1:] == ["self-consistency, δ = 0.02", "self-consistency, δ = 0.1"]
    assert [c for _, c in listed] == [calibrations["PandaLM"].c_bar, 0.98, 0.9]
    assert findings.monitors({}, ()) == ([], {})


def test_hard_examples_markdown_says_votes_note_and_texts():
    hard = pd.DataFrame([{"item": "1:a vs b", "question_id": 1, "category": "writing", "model_1": "a", "model_2": "b",
                          "judges": 3, "votes_1": 1, "votes_2": 1, "ties": 1, "prompt": "Write a poem.",
                          "response_1": "Roses are red.", "response_2": "No."}])
    text = findings.hard_examples_markdown(hard, {})
    assert text.startswith("**Example 1: question 1 (writing), a against b.** 3 judges: 1 for a, 1 for b, 1 tie. "
                           "Both answers address the question (3 and 1 words).")
    assert "*Answer 2 (b)*" in text and "Roses are red." in text
    assert "A note." in findings.hard_examples_markdown(hard, {"1:a vs b": "A note."})


def test_monitors_needed_markdown_names_the_calibrations_at_hand():
    rows = pd.DataFrame({"method": ["expert agreement, c̄ = 0.40 (MT-Bench authors)", "self-consistency, δ = 0.02"],
                         "n": [np.inf, 2345.0]})
    mt = annotators.ExpertCalibration(expert_pairs=1200, expert_agreement=0.7, c_bar=0.4, c_bar_low=0.3, c_bar_high=0.5,
                                      judges=pd.DataFrame())
    text = findings.monitors_needed_markdown(rows, {"MT-Bench": mt}, (0.02, 0.1))
    checks, where = text.split("\n\n")
    assert checks == ("For the same test and error sum, the book's monitors need these numbers of checks: expert agreement, "
                      "c̄ = 0.40 (MT-Bench authors): no finite number; self-consistency, δ = 0.02: 2,345.")
    assert where.startswith("Where the monitors' numbers come from. MT-Bench's $\\bar c = 0.40$ is "
                            "`annotators.expert_based_estimates` on the MT-Bench votes: $2A_{\\rm ee} - 1$ from the authors' "
                            "agreement of 70.0% on 1,200 pairs of decisive votes on shared items ({ref}`the real-annotators "
                            "chapter <chap-real-annotators>` explains it). δ = 0.02 is the self-disagreement rate")
    assert "PandaLM's $\\bar c" not in where and "δ = 0.1 a pessimistic value" in where and where.endswith("repeats).")
    assert "MT-Bench" not in findings.monitors_needed_markdown(rows.iloc[1:], {}, (0.02, 0.1)).split("\n\n")[1]
