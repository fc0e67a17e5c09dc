"""Results at a glance: each reading of the paper's items from figure data, on strong and weak
signals, with the cases without an answer said and never counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import contracts, utility
from annotator_incentives.findings import glance


def test_a_reading_needs_a_known_verdict():
    with pytest.raises(ValueError, match="verdict"):
        glance.Reading("x", "maybe", "y")


def test_a_figure_not_drawn_is_not_checkable():
    readings = glance.readings({})
    assert {r.verdict for r in readings.values()} == {glance.UNCHECKED}


def _gap(c_bar: float) -> pd.DataFrame:
    table = contracts.gap_table(utility.profile("figure3"), {"self-consistency": 0.98, "expert": c_bar}, [1, 11, 51])
    return table.assign(dataset="ultrafeedback-sample", c_bar=c_bar)


def test_the_gap_figure_agrees_on_a_strong_signal():
    r = glance.reading("fig3", {"fig3_utility_gap": _gap(0.6)})
    assert r.verdict == glance.AGREES
    assert "PKU" in r.why and "not checkable" in r.why  # the remark about PKU, without PKU


def test_a_weak_signal_reads_without_nan_and_says_what_it_left_out():
    """c-bar = 0.03, as on PKU: restricted problems without a feasible contract are left out."""
    table = _gap(0.03)
    assert not table.feasible.all()  # the fixture does exercise an infeasible case
    r = glance.reading("fig3", {"fig3_utility_gap": table})
    assert "nan" not in r.computed.split() and "not counted" in r.computed
    assert r.verdict in glance.VERDICTS


def test_participation_reads_the_largest_slack():
    runs = pd.DataFrame({"feasible": [True, True], "agent_utility": [0.0, 0.3]})
    assert glance.reading("fig9", {"fig9_participation_binds": runs}).verdict == glance.DIFFERS


def test_rates_agree_with_exact_power_laws():
    n = np.unique(np.round(np.logspace(1, 4, 13)).astype(int))
    rows = [pd.DataFrame({"monitor": "m", "kind": kind, "problem": "unrestricted", "n": n, "gap": glance_curve(n)})
            for kind, glance_curve in (("linear", lambda n: 2 / n), ("binary", lambda n: 1 / np.sqrt(n * np.log(n))))]
    r = glance.reading("claim-rates", {"rates_headline": pd.concat(rows)})
    assert r.verdict == glance.AGREES
    assert r.computed.count("over the last decade of n computed (n = 1,000–10,000)") == 2  # the window is said, per kind
    steeper = pd.concat(rows).assign(gap=lambda t: t.gap / t.n)
    assert glance.reading("claim-rates", {"rates_headline": steeper}).verdict == glance.DIFFERS


def test_the_fisher_crossing_is_checked_point_by_point():
    ratios = pd.DataFrame({"c_bar": [0.5, 0.5], "delta": [0.1, 0.7], "ratio": [2.0, 0.5]})
    assert glance.reading("claim-self-consistency", {"fisher_information_ratio": ratios}).verdict == glance.AGREES
    wrong = ratios.assign(ratio=[0.5, 0.5])
    assert glance.reading("claim-self-consistency", {"fisher_information_ratio": wrong}).verdict == glance.DIFFERS
