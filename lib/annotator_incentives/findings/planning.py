"""Findings of the planning chapter: what the report of ``annotator-plan`` says for the chapter's
case, read off its JSON (:func:`annotator_incentives.planning.plan`), and how the contracts'
loss falls with the number of checks.

A number of checks that no contract reaches within the computed n is ``None``, never ``nan``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import report
from ..data import DatasetUnavailableError, load_preference_data

__all__ = ["CaseInput", "case_input", "PlanReading", "plan_reading", "StrictNote", "strict_note", "LossReading",
           "loss_reading", "plan_sentence", "strict_sentence", "loss_sentence"]


@dataclass(frozen=True)
class CaseInput:
    """The command-line input of the chapter's case.

    Attributes
    ----------
    args : list of str
        ``--dataset <name>``, or ``--file <path>`` of an illustrative file when the dataset is
        not available.
    missing : str or None
        Why the dataset is not available (None: it is).
    """

    args: list[str]
    missing: str | None


def case_input(dataset: str = "ultrafeedback-sample", folder: str | Path | None = None) -> CaseInput:
    """The dataset's name if it loads, else an illustrative file of 200 evenly spread preference
    probabilities in [0.55, 0.99] (clearly not data), written to ``folder`` (a new temporary
    folder when None).

    Examples
    --------
    >>> case_input().args
    ['--dataset', 'ultrafeedback-sample']
    """
    try:
        load_preference_data(dataset)
    except DatasetUnavailableError as missing:
        path = Path(folder or tempfile.mkdtemp()) / "illustration.csv"
        path.write_text("p\n" + "\n".join(f"{x:.4f}" for x in np.linspace(0.55, 0.99, 200)))
        return CaseInput(["--file", str(path)], str(missing))
    return CaseInput(["--dataset", dataset], None)


@dataclass(frozen=True)
class PlanReading:
    """What the report of :func:`annotator_incentives.planning.plan` says (see :func:`plan_reading`).

    Attributes
    ----------
    c_bar, c_self : float
        The expert's signal strength on the data and self-consistency's 1 - delta.
    n_self, n_expert : int or None
        Checks each monitor's test needs (None: out of reach, with the report's reason in
        ``out_of_reach``).
    any_expert : int or None
        The fewest checks any expert test could need, even one that knew each pair's p (None:
        no number of checks tells the efforts apart).
    n : int
        The number of checks the contracts are computed for.
    linear_less : list of str
        Monitors for which the linear contract loses less than the binary one.
    compared : list of str
        Monitors with a certified binary and linear contract (the others are not counted).
    monitors : int
        How many monitors the report has contracts for.
    """

    c_bar: float
    c_self: float
    n_self: int | None
    n_expert: int | None
    any_expert: int | None
    n: int
    linear_less: list[str]
    compared: list[str]
    monitors: int
    out_of_reach: dict[str, str]

    @property
    def self_fewer(self) -> bool:
        """Self-consistency reaches the target with fewer checks than expert monitoring (or
        expert monitoring does not reach it at all)."""
        return self.n_self is not None and (self.n_expert is None or self.n_self < self.n_expert)

    @property
    def expert_ratio(self) -> float | None:
        """How many times as many checks expert monitoring needs (None: one is out of reach)."""
        return self.n_expert / self.n_self if self.n_expert and self.n_self else None


def plan_reading(result: Mapping[str, Any]) -> PlanReading:
    """Read the report's monitoring and contract sections.

    Examples
    --------
    >>> from annotator_incentives import planning
    >>> r = plan_reading(planning.plan(dataset="ultrafeedback-sample", delta=0.05, n=20))
    >>> r.n, r.monitors, r.self_fewer, r.compared
    (20, 2, True, ['expert', 'self-consistency'])
    """
    mon, cons = result["monitoring"], result["contracts"]

    def checks(x) -> int | None:
        return None if x is None else int(x)

    compared = [m for m, c in cons.items() if "gap_to_first_best" in c["binary"] and "gap_to_first_best" in c["linear"]]
    return PlanReading(
        c_bar=float(result["c_bar"]), c_self=float(mon["self-consistency"]["c"]),
        n_self=checks(mon["self-consistency"]["samples_needed"]), n_expert=checks(mon["expert"]["samples_needed"]),
        any_expert=checks(mon["expert"]["any_expert_test_needs_at_least"]), n=int(result["n"]),
        linear_less=[m for m in compared if cons[m]["linear"]["gap_to_first_best"] < cons[m]["binary"]["gap_to_first_best"]],
        compared=compared, monitors=len(cons),
        out_of_reach={m: str(v["out_of_reach"]) for m, v in mon.items() if "out_of_reach" in v})


@dataclass(frozen=True)
class StrictNote:
    """The report's *strict* lines (see :func:`strict_note`).

    Attributes
    ----------
    extra : dict
        Per monitor whose binary contract leaves a tie: ``(extra_bonus, cost)``, what the strict
        bonus adds and what it costs the company.
    already : dict
        Per monitor whose binary contract already leads by more than the margin: the lead.
    margin : float or None
        The annotator's utility lead the strict bonus buys (None: no reachable strict line).
    """

    extra: dict[str, tuple[float, float]]
    already: dict[str, float]
    margin: float | None


def strict_note(contracts: Mapping[str, Any]) -> StrictNote:
    """The reachable strict lines of each monitor's binary contract in the report's
    ``contracts`` section.

    Examples
    --------
    >>> cons = {"expert": {"binary": {"strict": {"reachable": True, "extra_bonus": 2e-3, "cost": 1e-3, "margin": 0.001}}},
    ...         "self-consistency": {"binary": {"strict": {"reachable": True, "extra_bonus": 0, "lead": 0.02}}}}
    >>> strict_note(cons)
    StrictNote(extra={'expert': (0.002, 0.001)}, already={'self-consistency': 0.02}, margin=0.001)
    """
    stricts = {m: c["binary"].get("strict") for m, c in contracts.items()}
    stricts = {m: s for m, s in stricts.items() if s and s["reachable"]}
    extra = {m: (float(s["extra_bonus"]), float(s["cost"])) for m, s in stricts.items() if s["extra_bonus"] != 0}
    return StrictNote(extra=extra, already={m: float(s["lead"]) for m, s in stricts.items() if s["extra_bonus"] == 0},
                      margin=float(next(s["margin"] for m, s in stricts.items() if m in extra)) if extra else None)


@dataclass(frozen=True)
class LossReading:
    """How the contracts' relative loss falls with n (see :func:`loss_reading`).

    Attributes
    ----------
    first_n : dict
        Per contract class, the first computed n at which the loss is at most the target (None:
        no computed n).
    at_plan : dict
        Per contract class, the loss at the planned n, interpolated log-linearly in n.
    largest_n : int
        The largest n computed.
    target : float
        The loss read at.
    """

    first_n: dict[str, int | None]
    at_plan: dict[str, float]
    largest_n: int
    target: float = 1e-3

    @property
    def binary_factor(self) -> float | None:
        """How many times as many checks the binary contract needs to reach the target (None
        when one class does not reach it, or the binary does not need more)."""
        b, lin = self.first_n.get("binary"), self.first_n.get("linear")
        return b / lin if b and lin and b > lin else None


def loss_reading(table: pd.DataFrame, n_plan: int, target: float = 1e-3) -> LossReading:
    """Read a gap table (:func:`annotator_incentives.contracts.gap_table`, one problem, one
    monitor) at a target loss and at the planned number of checks.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [10, 100, 1000] * 2, "kind": ["binary"] * 3 + ["linear"] * 3,
    ...                   "normalised_gap": [0.1, 0.01, 0.002, 0.01, 0.001, 1e-4]})
    >>> r = loss_reading(t, n_plan=100)
    >>> r.first_n, round(r.at_plan["binary"], 6), r.binary_factor
    ({'binary': None, 'linear': 100}, 0.01, None)
    """
    wide = table.pivot_table(index="n", columns="kind", values="normalised_gap")
    log_n = np.log(wide.index.to_numpy(float))
    first_n = {str(k): (int(wide.index[wide[k] <= target].min()) if (wide[k] <= target).any() else None) for k in wide}
    at_plan = {str(k): float(np.exp(np.interp(np.log(n_plan), log_n, np.log(wide[k].to_numpy())))) for k in wide}
    return LossReading(first_n, at_plan, int(wide.index.max()), target)


def plan_sentence(r: PlanReading, contracts: Mapping[str, Any]) -> str:
    """Points 1 and 2 of the chapter's reading of the report (:func:`plan_reading`; ``contracts``: its section)."""
    return (
        "1. **Monitoring.** The expert's signal is scaled down by $\\bar c = \\mathbb E|2p - 1|$ of the data "
        f"(here {report.number(r.c_bar)}), while self-consistency's is $1 - \\delta = {report.value(r.c_self)}$. "
        + (f"With these numbers self-consistency needs {report.number(r.expert_ratio, 2)} times fewer inspected samples "
           f"({report.count(r.n_self)} against {report.count(r.n_expert)}) — and no expert"
           if r.self_fewer and r.expert_ratio else
           f"With these numbers only self-consistency reaches the target ({report.count(r.n_self)} inspected samples; expert "
           f"monitoring: {r.out_of_reach['expert']})" if r.self_fewer else
           f"With these numbers expert monitoring needs fewer inspected samples ({report.count(r.n_expert)} against "
           f"{report.count(r.n_self)})")
        + " ({prf:ref}`prop-self-consistency`: self-consistency is the better monitor when $1 - \\delta > \\bar c$). "
        "The expert line also gives the fewest checks *any* expert test could need, even one that knew each pair's $p$: "
        f"{report.count(r.any_expert)}.\n"
        f"2. **Contracts.** For the recommended number of checks ($n = {r.n}$), the best pass/fail bonus and the best "
        "pay-per-passed-check contract for each monitor, with the effort each induces and what the company gives up against "
        "the (unattainable) first-best. "
        + ("The linear contract loses less for both monitors, as {prf:ref}`thm-linear` leads one to expect."
           if len(r.linear_less) == len(r.compared) == r.monitors else
           f"The linear contract loses less for {report.series(r.linear_less) or 'neither monitor'} only"
           + (f" ({report.series(sorted(set(contracts) - set(r.compared)))}: no certified contract to compare)."
              if len(r.compared) < r.monitors else ".")))


def strict_sentence(strict: StrictNote) -> str:
    """Point 3 of the chapter's reading: the report's strict lines (:func:`strict_note`); empty without any."""
    if not (strict.extra or strict.already):
        return ""
    margin = report.value(strict.margin) if strict.margin is not None else ""  # a margin comes with every extra bonus
    return (
        "3. **A strict margin.** "
        + ("Where the optimal pass/fail bonus leaves the annotator exactly indifferent between the recommended effort and "
           "shirking (the tie is broken the company's way, a convention), the report's *strict* line adds to the bonus so that "
           f"following wins by {margin} in the annotator's utility (`--margin`): "
           + "; ".join(f"for {m} monitoring it adds {report.number(extra, 2)} to the bonus at a cost to the company of "
                       f"{report.number(cost, 2)}" for m, (extra, cost) in strict.extra.items()) + ". " if strict.extra else "")
        + " ".join(f"For {m} monitoring the binary contract already makes following better than shirking by "
                   f"{report.number(lead, 2)} in the annotator's utility." for m, lead in strict.already.items()))


def loss_sentence(loss: LossReading, n_plan: int) -> str:
    """How the loss falls with n (:func:`loss_reading`), in words; an n not reached reads ``no n up to``."""
    reached = {k: f"$n = {n}$" if n is not None else f"no $n$ up to {loss.largest_n}" for k, n in loss.first_n.items()}
    return (
        f"On this case's computation, the relative loss first drops to {report.value(100 * loss.target)} % or below at "
        f"{reached['linear']} for the linear "
        f"contract and at {reached['binary']} for the binary one (among the $n$ computed). Near the report's $n = {n_plan}$ the "
        f"two lose about {report.number(100 * loss.at_plan['linear'])} % and {report.number(100 * loss.at_plan['binary'])} % "
        "(read off the curves). "
        + (f"On the $n$ computed, reaching the same loss with a binary contract takes about {loss.binary_factor:.0f} times "
           "as many "
           "checks here (a coarse reading: the $n$ are far apart)." if loss.binary_factor else ""))
