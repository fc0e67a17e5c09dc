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
:class:`~annotator_incentives.contracts.problem.ContractError`.
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
    """A welfare question outside its domain: a share outside [0, 1], a number that is not finite, ...

    Examples
    --------
    >>> try:
    ...     clean_number(float("nan"), 2)
    ... except WelfareError as error:
    ...     print(error)
    x must be a finite number; got nan
    """


def _profile(profile) -> UtilityProfile:
    return validation.instance("profile", profile, UtilityProfile, WelfareError, " (a registered one: utility.profile(name))")


def clean_number(x: float, digits: int) -> float:
    """A finite ``x`` rounded to ``digits`` decimals, with a rounded negative zero turned into 0.0.

    Parameters
    ----------
    x : float
        A finite number.
    digits : int
        Decimals kept, >= 0.

    Returns
    -------
    float
        ``x`` rounded, never -0.0.

    Raises
    ------
    WelfareError
        ``x`` not finite, or ``digits`` not a whole number >= 0.

    Examples
    --------
    >>> clean_number(-0.0001, 2), clean_number(2 / 3, 3)
    (0.0, 0.667)
    """
    x, digits = validation.real("x", x, WelfareError), validation.count("digits", digits, WelfareError, 0)
    return float(np.round(x, digits)) + 0.0  # -0.0 + 0.0 == +0.0


def format_number(x: float, digits: int) -> str:
    """A finite ``x`` written with ``digits`` decimals, never "-0.000" for a tiny negative rounding error.

    Parameters
    ----------
    x, digits
        As in :func:`clean_number`: a finite number, and the decimals written (>= 0).

    Returns
    -------
    str
        The number with exactly ``digits`` decimals (:func:`clean_number`).

    Raises
    ------
    WelfareError
        ``x`` not finite, or ``digits`` negative or not whole.

    Examples
    --------
    >>> format_number(-0.0001, 3), format_number(2 / 3, 4)
    ('0.000', '0.6667')
    """
    return f"{clean_number(x, digits):.{int(digits)}f}"


def with_outside_option(profile: UtilityProfile, U0: float) -> UtilityProfile:
    """The same profile with a finite outside option ``U0`` (its assumptions are checked again).

    A higher outside option is how this module gives the annotator a guaranteed utility
    U_0 + Delta; Assumption 4 must still hold at the new U_0.

    Parameters
    ----------
    profile : UtilityProfile
        The profile to copy.
    U0 : float
        The new outside option.

    Returns
    -------
    UtilityProfile
        The copy, named "<name> (U0 = <U0>)".

    Raises
    ------
    WelfareError
        ``profile`` not a profile, or ``U0`` not finite.
    ProfileError
        A U_0 at which Assumption 4 fails (participation unaffordable within the wage bounds).

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> richer = with_outside_option(profile("figure3"), 0.1)
    >>> richer.name, richer.U0
    ('figure3 (U0 = 0.1)', 0.1)
    """
    profile, U0 = _profile(profile), validation.real("U0", U0, WelfareError)
    return dataclasses.replace(profile, name=f"{profile.name} (U0 = {U0:.6g})", U0=U0)


def no_monitoring(profile: UtilityProfile) -> contracts.ContractSolution:
    """The company's best option when pay cannot depend on effort: a flat wage that meets participation.

    The annotator then exerts the least effort, eta = 0 (E is increasing), and is paid
    :math:`G^{-1}(E(0) + U_0)`: the baseline against which :func:`gains_table` measures the gain
    from monitoring and a contract.

    Parameters
    ----------
    profile : UtilityProfile
        The utility profile.

    Returns
    -------
    ContractSolution
        The flat-wage solution (effort 0, no incentive).

    Raises
    ------
    ContractError
        ``profile`` not a :class:`~annotator_incentives.utility.UtilityProfile`.

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> flat = no_monitoring(profile("figure3"))  # E(0) = 0 and U_0 = 0: wage G^-1(0) = 0, mu(0) = 0
    >>> flat.eta, flat.principal_utility
    (0.0, 0.0)
    """
    return contracts.no_incentive(1, 1.0, profile)


def gains_table(profile: UtilityProfile, n: int, c: float, kinds=("binary", "linear")) -> pd.DataFrame:
    """Who gains from monitoring and a contract: each party's utility and gain over the flat wage.

    For each contract class, the company's and the annotator's utility at the optimal
    (unrestricted) second-best contract with n checks (Theorems 1 and 2), then the first-best
    (Proposition 5); gains are measured against :func:`no_monitoring`. Participation binds, so the
    annotator's utility stays at U_0 and the company keeps the whole gain.

    Parameters
    ----------
    profile : UtilityProfile
        The utility profile.
    n : int
        Checks, >= 1.
    c : float
        The monitor's signal strength, in (0, 1].
    kinds : iterable of str, optional
        The contract classes; by default binary and linear.

    Returns
    -------
    pandas.DataFrame
        One row per setting (no monitoring, each contract, first-best): columns setting, effort,
        company utility, annotator utility, company gain and annotator gain.

    Raises
    ------
    ContractError
        n or c out of range, or the profile not a UtilityProfile.

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> table = gains_table(profile("figure3"), 10, 0.98)
    >>> table["company gain"].round(4).tolist()  # flat wage, binary, linear, first-best
    [0.0, 0.3004, 0.3016, 0.3026]
    >>> bool((table["annotator gain"].abs() < 1e-9).all())  # participation binds
    True
    """
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
    r"""The guaranteed utility Delta >= 0 above U_0 that leaves the company 1 - share of its gain.

    The company's optimal contract is re-solved with outside option U_0 + Delta (the flat wage at
    the original U_0 stays its alternative), and Delta is found by Brent's method where the
    company's utility is :math:`U_{\text{flat}} + (1 - s)(U_{\text{contract}} - U_{\text{flat}})`.
    An illustration of this module, not a result of the paper.

    Parameters
    ----------
    kind : str
        The contract class, "binary" or "linear".
    n : int
        Checks, >= 1.
    c : float
        The monitor's signal strength, in (0, 1].
    profile : UtilityProfile
        The utility profile.
    share : float
        The annotator's share s of the company's gain, in [0, 1].
    xtol : float, default 1e-10
        Absolute tolerance of Delta, > 0.

    Returns
    -------
    float
        Delta (0.0 for share 0).

    Raises
    ------
    WelfareError
        ``share`` outside [0, 1], ``xtol`` not positive, or no premium within the wage bounds
        that leaves the company so little.
    ContractError
        As for :func:`gains_table`.

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> round(utility_premium_for_share("linear", 10, 0.98, profile("figure3"), 0.5), 4)
    0.1186
    """
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
    r"""For each share s of the company's gain left to the annotator: the premium, the new contract
    and both parties' gains.

    Each row gives the utility premium Delta the annotator is guaranteed
    (:func:`utility_premium_for_share`), the re-solved contract (effort, expected wage) and both
    parties' utilities and gains over the no-monitoring flat wage at the original U_0.
    ``flat raise equivalent`` is the rise of a flat wage that would give a flat-wage (shirking)
    annotator the same premium: :math:`G^{-1}(U_0 + E(0) + \Delta) - G^{-1}(U_0 + E(0))`.

    Parameters
    ----------
    kind, n, c, profile
        As in :func:`utility_premium_for_share`.
    shares : array_like, optional
        The annotator's shares, in [0, 1]; by default 0, 0.25, 0.5 and 0.75.

    Returns
    -------
    pandas.DataFrame
        One row per share: share, premium, flat raise equivalent, effort, expected wage, company
        utility, annotator utility, company gain, annotator gain.

    Raises
    ------
    WelfareError
        A share outside [0, 1] or not a number.
    ContractError
        n, c or the profile refused by the contract solvers.

    Examples
    --------
    >>> from annotator_incentives.utility import profile
    >>> split = surplus_split("linear", 10, 0.98, profile("figure3"), shares=(0.0, 0.5))
    >>> split["company gain"].round(4).tolist(), split["premium"].round(4).tolist()
    ([0.3016, 0.1508], [0.0, 0.1186])
    """
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
