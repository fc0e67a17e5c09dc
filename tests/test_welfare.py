"""Welfare: participation binds, the company's gain over no monitoring, and a split of it."""

from __future__ import annotations

import numpy as np
import pytest

from annotator_incentives import contracts as C
from annotator_incentives import utility as U
from annotator_incentives import welfare as W

FIG3 = U.profile("figure3")


def test_format_number_never_prints_negative_zero():
    assert W.format_number(-3e-15, 3) == "0.000"
    assert W.format_number(-0.0004, 3) == "0.000"
    assert W.format_number(-0.0006, 3) == "-0.001"
    assert str(W.clean_number(-1e-12, 4)) == "0.0"


def test_with_outside_option_changes_only_U0():
    raised = W.with_outside_option(FIG3, 0.05)
    assert raised.U0 == 0.05 and raised.G is FIG3.G and raised.w_hi == FIG3.w_hi
    # a higher outside option costs the company: the first-best value falls
    assert C.first_best(raised).value < C.first_best(FIG3).value


def test_no_monitoring_is_a_flat_wage_at_zero_effort():
    base = W.no_monitoring(FIG3)
    assert base.eta == 0.0
    assert base.agent_utility == pytest.approx(FIG3.U0, abs=1e-12)
    # Figure 3 profile: mu(0) = 0 and E(0) = 0 with U0 = 0, so the flat wage is 0 and the company earns 0
    assert base.principal_utility == pytest.approx(0.0, abs=1e-12)


def test_gains_table_participation_binds_and_company_gains():
    table = W.gains_table(FIG3, 51, 0.98)
    assert np.allclose(table["annotator utility"], FIG3.U0, atol=1e-9)
    contracts_rows = table[table.setting.str.contains("contract")]
    assert (contracts_rows["company gain"] > 0.25).all()
    fb = table[table.setting.str.startswith("first-best")].iloc[0]
    assert (contracts_rows["company utility"] <= fb["company utility"] + 1e-12).all()


@pytest.mark.parametrize("kind", ["binary", "linear"])
def test_surplus_split_leaves_both_parties_better_off(kind):
    split = W.surplus_split(kind, 21, 0.98, FIG3, shares=(0.0, 0.3, 0.6))
    full = split.iloc[0]["company gain"]
    assert split.iloc[0]["premium"] == 0.0
    # the company keeps (1 - s) of its gain, the annotator is guaranteed U0 + premium
    assert np.allclose(split["company gain"], (1 - split["share"]) * full, rtol=0, atol=1e-8)
    assert np.allclose(split["annotator utility"], FIG3.U0 + split["premium"], atol=1e-9)
    inner = split[split.share > 0]
    assert (inner["premium"] > 0).all() and (inner["company gain"] > 0).all()
    assert np.all(np.diff(split["premium"]) > 0)


def test_share_outside_unit_interval_is_refused():
    with pytest.raises(W.WelfareError, match=r"share must lie in \[0, 1\]; got 1.5"):
        W.utility_premium_for_share("linear", 11, 0.98, FIG3, 1.5)
