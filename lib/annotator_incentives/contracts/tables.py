"""Tables over many contract problems: the utility-gap figures (Figures 3 and 10) and the
complements table (monitoring and contracts need each other)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import pandas as pd

from .. import utility, validation
from ..utility import UtilityProfile
from .binary import solve_binary
from .linear import solve_linear
from .problem import ContractError, first_best
from .skeleton import no_incentive
from .solve import solve

__all__ = ["gap_table", "complements_table"]


def _row(profile: UtilityProfile | str, job: tuple) -> dict:
    """One table row; ``profile`` may be a registered profile's name (it pickles)."""
    kind, n, c, problem, monitor = job
    profile = utility.profile(profile) if isinstance(profile, str) else profile
    return {"monitor": monitor, **solve(kind, n, c, profile, problem).as_row()}


def gap_table(profile: UtilityProfile, signals: dict[str, float], ns, kinds=("binary", "linear"),
              problems=("unrestricted", "restricted"), workers: int = 1, start_method: str | None = None) -> pd.DataFrame:
    """Every (monitor, n, contract class, problem) of a utility-gap figure (Figures 3, 10) as
    one table, one row per :func:`~annotator_incentives.contracts.solve.solve` (``ContractSolution.as_row``).

    Parameters
    ----------
    profile : UtilityProfile
        The utility profile.
    signals : dict
        A monitor's name -> its signal strength c.
    ns : iterable of int
        The numbers of checks.
    kinds : tuple of str, optional
        Contract classes (default binary and linear).
    problems : tuple of str, optional
        'unrestricted' and/or 'restricted'.
    workers : int, optional
        More than 1 uses that many processes, each sent the profile with its jobs, so any start
        method works. A registered profile travels by its name; another one must pickle under
        'spawn' (profiles built from lambdas do not).
    start_method : str, optional
        'fork', 'spawn' or 'forkserver' (default the platform's).

    Returns
    -------
    pandas.DataFrame
        Columns monitor, kind, problem, n, c, feasible, eta, param_*, expected_wage,
        principal_utility, agent_utility, first_best, gap, normalised_gap.

    Raises
    ------
    ContractError
        When the profile or a problem is invalid.

    Examples
    --------
    One and 11 checks, each problem restricted and unrestricted: four rows; the largest gap,
    0.0084, is the restricted one with a single check.

    >>> from annotator_incentives import utility
    >>> table = gap_table(utility.profile("figure3"), {"self-consistency": 0.98}, [1, 11], kinds=("binary",))
    >>> len(table), round(float(table.gap.max()), 4)
    (4, 0.0084)
    """
    validation.instance("profile", profile, UtilityProfile, ContractError, " (a registered one: utility.profile(name))")
    jobs = [(kind, int(n), float(c), problem, monitor)
            for monitor, c in signals.items() for n in ns for kind in kinds for problem in problems]
    registered = utility.PROFILES.get(profile.name) is profile
    solve_row = partial(_row, profile.name if registered else profile)
    if workers > 1:
        context = multiprocessing.get_context(start_method)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            rows = list(pool.map(solve_row, jobs, chunksize=1))
    else:
        rows = [solve_row(job) for job in jobs]
    return pd.DataFrame(rows)


def complements_table(profile: UtilityProfile, n: int, c: float, weak_c: float = 0.1) -> pd.DataFrame:
    """Monitoring and contract are complements: the principal's utility with neither, with
    either alone, with both, and at the first-best (effort observable).

    Parameters
    ----------
    profile : UtilityProfile
        The utility profile of every row.
    n, c : int, float
        Checks and signal strength of the monitor.
    weak_c : float, optional
        The signal strength of a weak monitor (default 0.1).

    Returns
    -------
    pandas.DataFrame
        One row per setting: effort, expected wage, agent utility, principal utility, gap to
        first-best.

    Raises
    ------
    ContractError
        When n, c, weak_c or the profile is not valid.

    Examples
    --------
    Without a contract (or without monitoring) the agent exerts no effort:

    >>> from annotator_incentives import utility
    >>> table = complements_table(utility.profile("figure3"), 11, 0.98)
    >>> table.effort.round(4).tolist()
    [0.0, 0.0, 0.0, 0.2544, 0.9559, 0.9613, 0.9438]
    """
    fb = first_best(profile)  # validates the profile
    fixed = no_incentive(n, c, profile)
    rows = [
        ("no monitoring, fixed wage", fixed),
        (f"monitoring ({n} checks), fixed wage", fixed),
        ("bonus contract without monitoring (pay cannot depend on effort)", fixed),
        (f"weak monitoring (c = {weak_c}, {n} checks) + binary contract", solve_binary(n, weak_c, profile)),
        (f"monitoring ({n} checks, c = {c:g}) + binary contract", solve_binary(n, c, profile)),
        (f"monitoring ({n} checks, c = {c:g}) + linear contract", solve_linear(n, c, profile)),
    ]
    table = [{"setting": name, "effort": s.eta, "expected wage": s.expected_wage, "agent utility": s.agent_utility,
              "principal utility": s.principal_utility, "gap to first-best": fb.value - s.principal_utility} for name, s in rows]
    table.append({"setting": "first-best (effort observable)", "effort": fb.eta, "expected wage": fb.wage,
                  "agent utility": profile.U0, "principal utility": fb.value, "gap to first-best": 0.0})
    return pd.DataFrame(table)
