"""Who gains from monitoring and a bonus scheme, and by how much.

In the paper's model participation binds: at every optimal contract the annotator gets
exactly its outside option U_0, and the company keeps the whole gain from monitoring. This
module measures that gain against the company's best option without monitoring (a flat wage,
under which the annotator exerts the least effort), and illustrates what changes when the
annotator keeps a share of it: the company promises a guaranteed utility U_0 + Delta (a higher
outside option) and re-solves its contract problem. The split is this module's illustration,
not a result of the paper.

Inputs outside their domain (a share outside [0, 1], a number that is not finite, n or c that
the contract solvers refuse) raise :class:`WelfareError`, a
:class:`~annotator_incentives.contracts.ContractError`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import optimize

from . import contracts, validation
from .contracts import ContractError, Problem
from .utility import UtilityProfile

__all__ = [
    "WelfareError",
    "clean_number",
    "format_number",
    "with_outside_option",
    "no_monitoring",
    "gains_table",
    "utility_premium_for_share",
    "surplus_split",
]


class WelfareError(ContractError):
    """A welfare question outside its domain: a share outside [0, 1], a number that is not finite, ..."""


def _profile(profile) -> UtilityProfile:
    return validation.instance("profile", profile, UtilityProfile, WelfareError, " (a registered one: utility.profile(name))")


def clean_number(x: float, digits: int) -> float:
    """A finite ``x`` rounded to ``digits`` >= 0 decimals, with a rounded negative zero turned into 0.0."""
    x, digits = validation.real("x", x, WelfareError), validation.count("digits", digits, WelfareError, 0)
    return float(np.round(x, digits)) + 0.0  # -0.0 + 0.0 == +0.0


def format_number(x: float, digits: int) -> str:
    """A finite ``x`` with ``digits`` >= 0 decimals, never "-0.000" for a tiny negative rounding error."""
    return f"{clean_number(x, digits):.{int(digits)}f}"


def with_outside_option(profile: UtilityProfile, U0: float) -> UtilityProfile:
    """The same profile with a finite outside option ``U0`` (its assumptions are checked again)."""
    profile, U0 = _profile(profile), validation.real("U0", U0, WelfareError)
    return dataclasses.replace(profile, name=f"{profile.name} (U0 = {U0:.6g})", U0=U0)


def no_monitoring(profile: UtilityProfile) -> contracts.ContractSolution:
    """The company's best option when pay cannot depend on effort: a flat wage that meets
    participation; the annotator then exerts the least effort, eta = 0 (E is increasing)."""
    return contracts.no_incentive(1, 1.0, profile)


def gains_table(profile: UtilityProfile, n: int, c: float, kinds=("binary", "linear")) -> pd.DataFrame:
    """For each contract class: the company's and the annotator's utility at the optimal
    (unrestricted) contract, and each party's gain over the no-monitoring flat wage."""
    n, c, profile = Problem.make(n, c, profile)
    base = no_monitoring(profile)
    rows = [{"setting": "no monitoring (flat wage)", "effort": base.eta, "company utility": base.principal_utility,
             "annotator utility": base.agent_utility, "company gain": 0.0, "annotator gain": 0.0}]
    for kind in kinds:
        s = contracts.solve(kind, n, c, profile)
        rows.append({"setting": f"{kind} contract, {n} checks", "effort": s.eta, "company utility": s.principal_utility,
                     "annotator utility": s.agent_utility, "company gain": s.principal_utility - base.principal_utility,
                     "annotator gain": s.agent_utility - base.agent_utility})
    fb = contracts.first_best(profile)
    rows.append({"setting": "first-best (effort observable)", "effort": fb.eta, "company utility": fb.value,
                 "annotator utility": profile.U0, "company gain": fb.value - base.principal_utility,
                 "annotator gain": profile.U0 - base.agent_utility})
    return pd.DataFrame(rows)


def _company_value(kind: str, n: int, c: float, profile: UtilityProfile, premium: float) -> float:
    return contracts.solve(kind, n, c, with_outside_option(profile, profile.U0 + premium)).principal_utility


def utility_premium_for_share(kind: str, n: int, c: float, profile: UtilityProfile, share: float,
                              xtol: float = 1e-10) -> float:
    """The guaranteed utility above U_0, Delta >= 0, at which the company's optimal contract
    (re-solved with outside option U_0 + Delta) leaves it the share ``1 - share`` of its gain
    over the no-monitoring flat wage (the flat wage is the alternative at the original U_0).
    ``share`` lies in [0, 1], ``xtol`` > 0."""
    share = validation.probability("the annotator's share", share, WelfareError)
    xtol = validation.real("xtol", xtol, WelfareError, 0.0, low_open=True)
    base = no_monitoring(profile).principal_utility
    full = contracts.solve(kind, n, c, profile).principal_utility
    target = base + (1 - share) * (full - base)
    if share == 0:
        return 0.0

    def excess(premium: float) -> float:
        return _company_value(kind, n, c, profile, premium) - target

    limit = profile.u_hi - float(profile.E(np.float64(1.0))) - profile.U0  # Assumption 4 at the new U_0
    hi = min(0.01, 0.5 * limit)
    while excess(hi) > 0:
        if hi >= limit * (1 - 1e-9):
            raise WelfareError(f"no premium within the wage bounds leaves the company only {1 - share:.6g} of its gain")
        hi = min(2 * hi, limit * (1 - 1e-9))
    return float(optimize.brentq(excess, 0.0, hi, xtol=xtol))


def surplus_split(kind: str, n: int, c: float, profile: UtilityProfile, shares=(0.0, 0.25, 0.5, 0.75)) -> pd.DataFrame:
    """For each share s of the company's gain left to the annotator: the utility premium Delta
    the annotator is guaranteed, the re-solved contract (effort, expected wage) and both
    parties' utilities and gains over the no-monitoring flat wage at the original U_0.

    ``flat raise equivalent`` is the rise of a flat wage that would give a flat-wage (shirking)
    annotator the same premium: G^{-1}(U_0 + E(0) + Delta) - G^{-1}(U_0 + E(0)). Shares lie in [0, 1]."""
    shares = validation.probabilities("shares", shares, WelfareError)
    n, c, profile = Problem.make(n, c, profile)
    base = no_monitoring(profile)
    u_base = profile.U0 + float(profile.E(np.float64(0.0)))
    rows = []
    for share in shares:
        premium = utility_premium_for_share(kind, n, c, profile, share)
        s = contracts.solve(kind, n, c, with_outside_option(profile, profile.U0 + premium))
        rows.append({
            "share": float(share), "premium": premium,
            "flat raise equivalent": float(profile.wage_for_utility(u_base + premium) - profile.wage_for_utility(u_base)),
            "effort": s.eta, "expected wage": s.expected_wage,
            "company utility": s.principal_utility, "annotator utility": s.agent_utility,
            "company gain": s.principal_utility - base.principal_utility,
            "annotator gain": s.agent_utility - base.agent_utility,
        })
    return pd.DataFrame(rows)
