"""Every answer of the contract solvers equals the answer recorded from the single-file solver
before the package split (tests/fixtures/contracts_answers.json, re-recorded by
tests/fixtures/record_contracts_answers.py) to the tolerance of tests/tolerances.py: the Figure 3
table (self-consistency and two expert monitors, n = 1, 11, ..., 201, binary and linear, both
problems), other profiles, general contracts and large n. Utilities to 1e-9; an effort the
solver maximises over, and what is computed from it, to the accuracy the solver promises.

Each comparison runs again with its inputs (c and the profile's parameters) moved by a few units
in the last place (tests/perturbation.py), as another CPU's arithmetic would move them."""

from __future__ import annotations

import json
import runpy
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from annotator_incentives import binomial
from annotator_incentives import contracts as C
from annotator_incentives import utility as U
from perturbation import SHIFTS, moved, moved_profile
from tolerances import EFFORT, FROM_EFFORT, WELL

FIXTURES = Path(__file__).parent / "fixtures"
RECORDED = json.loads((FIXTURES / "contracts_answers.json").read_text())
SLOW = {("risk_averse_poly", "linear", 5000)}  # 20 s: the numerical linear route at large n
ROWS = [r for r in RECORDED["solves"] if (r["profile"], r["kind"], r["n"]) not in SLOW]


def case(row: dict) -> str:
    return f"{row['profile']}-{row['kind']}-{row['n']}-{row['c']}-{row['problem']}"


def fast(row: dict) -> bool:
    """Binary and linear contracts with n <= 201 on a CARA profile take milliseconds each; the
    others (large n, the numerical routes of non-CARA profiles, general contracts) up to seconds."""
    return row["kind"] != "general" and row["n"] <= 201 and U.profile(row["profile"]).cara is not None


# Every case runs moved; the fast ones by all four shifts, the others by one each, in turn.
MOVED = [(row, shift) for row in ROWS if fast(row) for shift in SHIFTS] + [
    (row, SHIFTS[i % len(SHIFTS)]) for i, row in enumerate(r for r in ROWS if not fast(r))]


@cache
def profile(name: str, shift: int) -> U.UtilityProfile:
    return U.profile(name) if shift == 0 else moved_profile(U.profile(name), shift)


def tolerances(row: dict) -> dict[str, float]:
    """The policy of tests/tolerances.py: in the unrestricted problem the effort is maximised
    over (a flat maximum) and the contract follows from it; the utilities are well conditioned,
    and every answer of the restricted problem (eta = eta*, a simple root)."""
    optimised = row["problem"] == "unrestricted"
    effort, from_effort = (EFFORT, FROM_EFFORT) if optimised else (WELL, WELL)
    return {"eta": effort, "expected_wage": from_effort, "principal_utility": WELL, "agent_utility": WELL,
            "w0": from_effort, "w1": from_effort, "k": 0, "wages": from_effort}


def differences(row: dict, shift: int) -> list[str]:
    """Solve the recorded case with its inputs moved by ``shift`` ulps; each quantity farther
    from the recorded answer than its tolerance, named."""
    c, prof = moved(row["c"], shift), profile(row["profile"], shift)
    s = C.solve(row["kind"], row["n"], c, prof, row["problem"])
    assert (s.feasible, s.kind, set(s.params)) == (row["feasible"], row["result_kind"], set(row["params"])), (
        f"{case(row)}, inputs moved by {shift:+d} ulps: another kind of answer")
    tol = tolerances(row)
    got = {"eta": s.eta, "expected_wage": s.expected_wage, "principal_utility": s.principal_utility,
           "agent_utility": s.agent_utility, **s.params}
    wanted = {name: row[name] for name in ("eta", "expected_wage", "principal_utility", "agent_utility")} | row["params"]
    if row["wages"] is not None:
        got["wages"], wanted["wages"] = s.wages, row["wages"]
    tie = ""
    if row["params"].get("k") is not None and s.params["k"] != row["params"]["k"]:
        # a threshold at a tie: another contract, which must have the same value; its wages are not compared
        tie = f" (threshold k = {s.params['k']}, recorded {row['params']['k']}: at a tie the values agree)"
        for name in ("w0", "w1", "k", "wages"):
            got.pop(name, None)
    found = []
    for name, value in got.items():
        if value is None and wanted[name] is None:
            continue
        gap = float(np.max(np.abs(np.subtract(value, wanted[name]))))
        if not gap <= tol[name] and not (np.all(np.isnan(value)) and np.all(np.isnan(wanted[name]))):
            found.append(f"{name} differs from the recorded answer by {gap:.2g} > {tol[name]:g}")
    if row["wages"] is not None:  # the objective at the recorded point: the recorded contract keeps its value
        pmf = binomial.pmf_all(row["n"], binomial.pass_probability(row["eta"], c))
        wages = np.array(row["wages"])
        for name, value in (("principal_utility", float(prof.mu(row["eta"])) - pmf @ wages),
                            ("agent_utility", pmf @ prof.G(wages) - float(prof.E(row["eta"])))):
            if not abs(value - row[name]) <= WELL:
                found.append(f"the recorded contract at the recorded effort gives {name} {abs(value - row[name]):.2g} "
                             f"away from the recorded value > {WELL:g}")
    return [f + tie for f in found]


def test_the_recording_script_records_these_cases():
    """tests/fixtures/record_contracts_answers.py re-records exactly the cases of the file."""
    cases = runpy.run_path(str(FIXTURES / "record_contracts_answers.py"))["CASES"]
    assert [(r["profile"], r["kind"], r["n"], r["c"], r["problem"]) for r in RECORDED["solves"]] == cases
    assert list(RECORDED["first_best"]) == list(U.PROFILES)


def test_the_moves_move_every_input():
    """A move that left the inputs as they were would prove nothing."""
    for shift in SHIFTS:
        assert moved(0.98, shift) != 0.98 and moved(-10.0, shift) != -10.0
        for name in U.PROFILES:
            original, shifted = U.profile(name), profile(name, shift)
            for f in ("G", "G_inv", "dG", "E", "dE", "mu", "dmu"):
                x = 0.3 if f != "G_inv" else 0.2
                assert getattr(shifted, f)(x) != getattr(original, f)(x), (name, f, shift)


def test_first_best_unchanged():
    for shift in (0, *SHIFTS):
        for name, recorded in RECORDED["first_best"].items():
            fb = C.first_best(profile(name, shift))
            gap = np.abs(np.subtract([fb.eta, fb.wage, fb.value], recorded))
            assert np.all(gap <= WELL), f"{name}, inputs moved by {shift} ulps: (eta, wage, value) moved by {gap}"


@pytest.mark.parametrize("row", ROWS, ids=case)
def test_answer_unchanged(row):
    found = differences(row, 0)
    assert not found, f"{case(row)}: " + "; ".join(found)


@pytest.mark.parametrize("row,shift", MOVED, ids=lambda v: case(v) if isinstance(v, dict) else f"{v:+d}ulps")
def test_answer_within_tolerance_when_inputs_move(row, shift):
    """What another CPU's last bits do, shown on this one: a tolerance tighter than this is a
    defect of the tolerance, not of the solver."""
    found = differences(row, shift)
    assert not found, (f"{case(row)} with c and the profile's parameters moved by {shift:+d} ulps: " + "; ".join(found)
                       + " -- a few ulps of the inputs move it this far, so a tolerance below that fails on another CPU")
