"""One entry point for every contract class."""

from __future__ import annotations

from ..utility import UtilityProfile
from .binary import solve_binary
from .general import solve_general
from .linear import solve_linear
from .problem import ContractError, ContractSolution

__all__ = ["SOLVERS", "solve"]

SOLVERS = {"binary": solve_binary, "linear": solve_linear, "general": solve_general}


def solve(kind: str, n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Solve one contract problem.

    Parameters
    ----------
    kind : 'binary', 'linear' or 'general'.
    n, c : checks and signal strength (q(eta) = (1 + c eta)/2).
    profile : the utility profile.
    problem : 'restricted' (induce eta*, C~_n) or 'unrestricted' (C_n).

    Returns
    -------
    ContractSolution; every feasible answer is globally incentive compatible.
    """
    try:
        solver = SOLVERS[kind]
    except (KeyError, TypeError):
        raise ContractError(f"unknown contract class {kind!r}; known: {', '.join(SOLVERS)}") from None
    return solver(n, c, profile, problem)
