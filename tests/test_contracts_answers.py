"""Every answer of the contract solvers equals, to 1e-9, the answer recorded from the single-file
solver before the package split (tests/fixtures/contracts_answers.json): the Figure 3 table
(self-consistency and two expert monitors, n = 1, 11, ..., 201, binary and linear, both
problems), other profiles, general contracts and large n."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator_incentives import contracts as C
from annotator_incentives import utility as U

RECORDED = json.loads((Path(__file__).parent / "fixtures" / "contracts_answers.json").read_text())
TOL = 1e-9
SLOW = {("risk_averse_poly", "linear", 5000)}  # 20 s: the numerical linear route at large n


def test_first_best_unchanged():
    for name, (eta, wage, value) in RECORDED["first_best"].items():
        fb = C.first_best(U.profile(name))
        np.testing.assert_allclose([fb.eta, fb.wage, fb.value], [eta, wage, value], rtol=0, atol=TOL)


def _close(a, b) -> bool:
    return (a is None and b is None) or (np.isnan(a) and np.isnan(b)) or abs(a - b) <= TOL


@pytest.mark.parametrize("row", [r for r in RECORDED["solves"] if (r["profile"], r["kind"], r["n"]) not in SLOW],
                         ids=lambda r: f"{r['profile']}-{r['kind']}-{r['n']}-{r['c']}-{r['problem']}")
def test_answer_unchanged(row):
    s = C.solve(row["kind"], row["n"], row["c"], U.profile(row["profile"]), row["problem"])
    assert s.feasible == row["feasible"] and s.kind == row["result_kind"]
    for name in ("eta", "expected_wage", "principal_utility", "agent_utility"):
        assert _close(getattr(s, name), row[name]), (name, getattr(s, name), row[name])
    assert set(s.params) == set(row["params"])
    for name, value in row["params"].items():
        assert _close(s.params[name], value), (name, s.params[name], value)
    if row["wages"] is not None:
        np.testing.assert_allclose(s.wages, row["wages"], rtol=0, atol=TOL)
