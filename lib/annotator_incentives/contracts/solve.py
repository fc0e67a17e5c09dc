"""One entry point for every contract class."""

from __future__ import annotations

from ..utility import UtilityProfile
from .binary import solve_binary
from .general import solve_general
from .linear import solve_linear
from .problem import ContractError, ContractSolution

__all__ = ["SOLVERS", "solve"]

#: The solver of each contract class, by name ('binary', 'linear', 'general'); :func:`solve` dispatches on it.
SOLVERS = {"binary": solve_binary, "linear": solve_linear, "general": solve_general}


def solve(kind: str, n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """Solve one contract problem: the best contract of a class (Algorithms 3 and 4; Theorems 1
    and 2; general contracts of the paper's v2), certified
    (:func:`~annotator_incentives.contracts.certify.certify`) before it is returned.

    Parameters
    ----------
    kind : str
        'binary', 'linear' or 'general' (``SOLVERS``).
    n : int
        Checks (1 to ``validation.MAX_CHECKS``).
    c : float
        The signal strength, in (0, 1]: q(eta) = (1 + c eta)/2.
    profile : UtilityProfile
        The utility profile (wage bounds, outside option U_0, G, E, mu).
    problem : str, optional
        'restricted' (induce the first-best effort eta*, C~_n) or 'unrestricted' (C_n).

    Returns
    -------
    ContractSolution
        Every feasible answer is globally incentive compatible; an infeasible restricted problem
        has ``feasible`` False.

    Raises
    ------
    ContractError
        When the kind is unknown, or n, c, the profile or the problem is invalid.
    UncertifiedContractError
        When no route gives an answer that passes :func:`~annotator_incentives.contracts.certify.certify`.

    Examples
    --------
    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> s = solve("binary", 11, 0.98, fig3)
    >>> s.params["k"], round(s.eta, 4), round(s.principal_utility, 6)
    (10, 0.9559, 0.300686)
    >>> bool(s.principal_utility <= s.first_best.value)  # no contract beats the first-best
    True
    """
    try:
        solver = SOLVERS[kind]
    except (KeyError, TypeError):
        raise ContractError(f"unknown contract class {kind!r}; known: {', '.join(SOLVERS)}") from None
    return solver(n, c, profile, problem)
