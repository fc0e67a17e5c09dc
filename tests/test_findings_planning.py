"""What the planning chapter states, computed by annotator_incentives.findings.planning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import contracts, planning, utility
from annotator_incentives.findings import planning as findings


def test_case_input_names_the_dataset_or_writes_an_illustration(tmp_path):
    assert findings.case_input("ultrafeedback-sample") == findings.CaseInput(["--dataset", "ultrafeedback-sample"], None)
    missing = findings.case_input("pku", folder=tmp_path)  # a hub dataset, not at hand offline
    if missing.missing is not None:
        assert missing.args == ["--file", str(tmp_path / "illustration.csv")]
        p = pd.read_csv(tmp_path / "illustration.csv").p
        assert len(p) == 200 and p.between(0.55, 0.99).all()


def test_plan_reading_of_the_chapters_case():
    r = findings.plan_reading(planning.plan(dataset="ultrafeedback-sample", delta=0.05, eta0=0.8, eta1=0.95, error=0.1))
    assert r.self_fewer and r.expert_ratio == pytest.approx(r.n_expert / r.n_self) and r.n == r.n_self
    assert r.compared == ["expert", "self-consistency"] and set(r.linear_less) <= set(r.compared)
    assert r.any_expert is not None and r.any_expert <= r.n_expert  # the bound of any expert test
    assert r.out_of_reach == {}


def test_plan_reading_with_a_weak_signal():
    """c-bar near 0: expert monitoring needs millions of checks; at c-bar = 0 it is out of reach, said
    in words, and has no contracts to compare; nothing is nan."""
    weak = findings.plan_reading(planning.plan(p=np.full(200, 0.505), delta=0.05, eta0=0.8, eta1=0.95, error=0.1, n=20))
    assert weak.c_bar == pytest.approx(0.01) and weak.n_expert > 10**6 and weak.self_fewer
    assert weak.expert_ratio == pytest.approx(weak.n_expert / weak.n_self)
    assert set(weak.linear_less) <= set(weak.compared) <= {"expert", "self-consistency"}
    none = findings.plan_reading(planning.plan(p=np.full(200, 0.5), delta=0.05, eta0=0.8, eta1=0.95, error=0.1, n=20))
    assert none.c_bar == 0 and none.n_expert is None and none.expert_ratio is None and none.any_expert is None
    assert "expert" in none.out_of_reach and none.self_fewer
    assert none.monitors == 1 and none.compared == ["self-consistency"]


def test_strict_note_without_reachable_lines():
    cons = {"expert": {"binary": {"strict": None}}, "self": {"binary": {"strict": {"reachable": False, "extra_bonus": None}}}}
    assert findings.strict_note(cons) == findings.StrictNote({}, {}, None)


def test_loss_reading_on_the_chapters_table():
    table = contracts.gap_table(utility.profile("baseline"), {"self-consistency": 0.95}, [5, 50, 500, 2000],
                                problems=("unrestricted",))
    r = findings.loss_reading(table, n_plan=50, target=1e-3)
    wide = table.pivot_table(index="n", columns="kind", values="normalised_gap")
    assert r.at_plan["linear"] == pytest.approx(wide.loc[50, "linear"])  # at a computed n, no interpolation
    for kind, n in r.first_n.items():
        assert n is None or (wide.loc[n, kind] <= 1e-3 and (wide.loc[:n, kind].iloc[:-1] > 1e-3).all())
    never = findings.loss_reading(table, n_plan=50, target=1e-12)  # out of reach: None, not nan
    assert never.first_n == {"binary": None, "linear": None} and never.binary_factor is None


def test_sentences_of_a_weak_signal_say_out_of_reach_in_words():
    result = planning.plan(p=np.full(200, 0.5), delta=0.05, eta0=0.8, eta1=0.95, error=0.1, n=20)
    text = findings.plan_sentence(findings.plan_reading(result), result["contracts"])
    assert "only self-consistency reaches the target" in text and "every preference probability is 1/2" in text
    assert "expert test could need, even one that knew each pair's $p$: out of reach" in text and "nan" not in text
    assert findings.strict_sentence(findings.StrictNote({}, {}, None)) == ""
    t = pd.DataFrame({"n": [10, 100] * 2, "kind": ["binary"] * 2 + ["linear"] * 2, "normalised_gap": [0.1, 0.05, 0.01, 0.002]})
    text = findings.loss_sentence(findings.loss_reading(t, n_plan=50, target=1e-3), 50)
    assert "at no $n$ up to 100 for the linear contract and at no $n$ up to 100 for the binary one" in text
