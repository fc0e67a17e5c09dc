"""What the principal–agent chapter states, computed by annotator_incentives.findings.principal_agent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotator_incentives import contracts, report, utility, welfare
from annotator_incentives.findings import principal_agent as pa

PROFILE = utility.profile("figure3")


def test_assumption_departures_of_the_books_profiles():
    table = pa.assumption_table(["figure3", "baseline", "risk_averse_poly"])
    d = pa.assumption_departures(table)
    assert d.no_slope == ["figure3"]  # E(eta) = 0.18 eta^2
    assert d.corner == ["risk_averse_poly"]  # its first-best is full effort
    assert d.steep == []  # 0.4 eta^(-1/5) at 1e-6 is about 6.3, below the threshold
    assert not table.isna().any().any()


def test_complements_with_a_weak_signal():
    """c near 0: the pair of monitoring and contract closes almost nothing, and nothing is nan."""
    first = contracts.first_best(PROFILE)
    strong = pa.complements_reading(contracts.complements_table(PROFILE, n=21, c=0.98, weak_c=0.02), first.value)
    assert strong.alone_same and strong.alone == [strong.alone[0]] * 3
    assert 0 < strong.linear_short < strong.weak_short <= 1 and 0 < strong.binary_short < strong.weak_short
    assert np.isfinite([strong.weak, strong.weak_short]).all()


def test_largest_slack_and_gains_reading():
    assert pa.largest_slack([0.1, -0.3], 0.0) == pytest.approx(0.3)
    gains = welfare.gains_table(PROFILE, 11, 0.98)
    g = pa.gains_reading(gains, PROFILE.U0)
    contract_rows = gains[gains.setting.str.contains("contract")]
    assert g.company_gain == (contract_rows["company gain"].min(), contract_rows["company gain"].max())
    assert g.least_share_percent <= 100 * g.company_gain[0] / gains["company gain"].iloc[-1]  # rounded down: "or more" holds
    assert g.annotator_slack < 1e-9  # participation binds


def test_surplus_reading_on_a_small_table():
    splits = pd.DataFrame({"contract": ["binary"] * 3, "share": [0.0, 0.5, 0.25], "effort": [0.9, 0.7, 0.8],
                           "company gain": [0.4, 0.2, 0.3], "annotator gain": [0.0, 0.15, 0.08],
                           "premium": [0.0, 0.15, 0.08], "given up": [0.0, 0.2, 0.1], "flat raise equivalent": [0.0, 0.16, 0.09],
                           "lost": [0.0, 0.04, 0.01]})
    s = pa.surplus_reading(splits)
    assert s.shares == (0.25, 0.5) and s.both_better and s.effort_falls
    assert s.example.share == 0.5  # the first binary row with a positive share, in the table's order
    assert s.lost_share == pytest.approx((0.1, 0.2))
    with pytest.raises(ValueError, match="positive share"):
        pa.surplus_reading(splits[splits.share == 0])


def test_surplus_table_adds_what_is_given_up_and_lost():
    with pytest.raises(ValueError, match="include 0"):
        pa.surplus_table(PROFILE, 5, 0.98, shares=(0.25,))
    splits = pa.surplus_table(PROFILE, 5, 0.98, shares=(0.0, 0.5), kinds=("linear",))
    zero, half = splits.iloc[0], splits.iloc[1]
    assert zero["given up"] == 0 and half["given up"] == pytest.approx(zero["company gain"] - half["company gain"])
    assert half.lost == pytest.approx(half["given up"] - half["flat raise equivalent"])


@pytest.mark.parametrize("c", [0.98, 0.03])
def test_agent_curves(c):
    """The figure's data and what it shows, for a strong and a weak (c near 0) signal: with the weak
    one no contract makes eta* the best effort, and the restricted view is None, not nan."""
    etas = np.linspace(0, 1, 201)
    frame, views = pa.agent_curves(PROFILE, 11, c, etas)
    assert list(views) == ["unrestricted", "restricted"]
    feasible = [v for v in views.values() if v is not None]
    assert (views["restricted"] is None) == (c < 0.1) and len(frame) == len(feasible) * etas.size
    assert not frame.agent_utility.isna().any()
    for v in feasible:
        assert v.low <= v.alternative <= v.utility + 1e-9  # the induced effort is the annotator's best
        assert v.alternative_eta <= v.low_eta
        assert v.binds == (v.utility - v.alternative < pa.BIND)
        assert np.isfinite([v.eta, v.utility, v.bonus, v.at_zero]).all()


def test_sentences_of_a_weak_signal():
    """The chapter's sentences from the readings; with a weak signal (c near 0) the restricted curve
    has no feasible contract, and the curve sentence says it needs both instead of writing nan."""
    first = contracts.first_best(PROFILE)
    together = pa.complements_reading(contracts.complements_table(PROFILE, n=11, c=0.98, weak_c=0.02), first.value)
    text = pa.complements_sentence(together, first.value)
    assert "Neither monitoring alone" in text and "nan" not in text
    departs = pa.assumption_departures(pa.assumption_table(["baseline"]))
    assert pa.departures_sentence(departs) == "Every profile has $E'(0) > 0$. Every profile has an interior first-best effort."
    _, views = pa.agent_curves(PROFILE, 11, 0.03, np.linspace(0, 1, 101))
    with pytest.raises(ValueError, match="feasible"):
        pa.agent_sentence(views)
    _, views = pa.agent_curves(PROFILE, 11, 0.98, np.linspace(0, 1, 101))
    assert pa.agent_sentence(views).startswith("The restricted contract induces $\\eta^* = 0.9438$")


def test_gains_sentence_says_who_gains():
    gains = welfare.gains_table(PROFILE, 11, 0.98)
    g = pa.gains_reading(gains, PROFILE.U0)
    text = pa.gains_sentence(gains, PROFILE.U0)
    assert f"the company gains {report.number(g.company_gain[0], 4)} to {report.number(g.company_gain[1], 4)}" in text
    assert f"{g.least_share_percent:.2f} % or more" in text and text.endswith("all of the gain goes to the company.")


def test_participation_sentence_on_both_sides_of_bind():
    tail = ": any utility above $U_0$ could be taken back by lowering the base wage without changing the annotator's incentives."
    assert pa.participation_sentence(0.0) == "Participation binds in every run, as it must" + tail
    assert pa.participation_sentence(pa.BIND / 2).startswith("Participation binds in every run")
    slack = pa.participation_sentence(0.0123)
    assert slack == (f"Participation does not bind in every run on this build (largest slack {report.number(0.0123, 2)}), "
                     "although it should" + tail)
    assert pa.participation_sentence(pa.BIND).startswith("Participation does not bind")
