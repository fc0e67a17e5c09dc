"""Contracts for a monitored annotator: first-best and exact second-best (the paper's Section 3).

The agent chooses effort eta in [0, 1]; the principal sees X ~ Bin(n, q(eta)) passed checks,
q(eta) = (1 + c eta)/2, and pays w(X) in [w_lo, w_hi]. Three contract classes, each solved for
the restricted problem (induce exactly the first-best eta*, C~_n) and the unrestricted one (C_n):

- binary: w(X) = w0 + w1 1{X >= k} (Algorithm 3; Theorem 1) -- module ``binary``;
- linear: w(X) = w0 + w1 X / n (Algorithm 4; Theorem 2) -- module ``linear``;
- general: any bounded w(X), Mirrlees-Holmstrom form (v2) -- module ``general``.

Expectations are exact binomial sums (``annotator_incentives.binomial_kernel``);
``contracts.pass_probability`` is :func:`annotator_incentives.binomial.pass_probability` itself
(the same object, re-exported for the chapters). A contract counts
as incentive compatible only when the induced effort maximises the agent's expected utility
over the whole of [0, 1] (:func:`~annotator_incentives.contracts.agent.incentive_check`), with
one tie rule (:func:`~.problem.tie`). Every answer of :func:`~annotator_incentives.contracts.solve.solve`
is certified from its wages before it is returned
(:func:`~annotator_incentives.contracts.certify.certify`: incentive compatibility,
participation, wage bounds, the principal's utility and the first-best bound); one that fails
is solved again on a safe route, else
:class:`~annotator_incentives.contracts.certify.UncertifiedContractError` says what could not
be certified.

Modules, bottom up: ``problem`` (records, validation, tie rule, first-best), ``optimise``,
``agent``, ``certify``, ``skeleton`` (the one solve skeleton), ``binary_terms``, ``binary_search``,
``binary``, ``linear``, ``general``, ``solve``, ``tables``, ``margin`` (a strict bonus margin).
"""

from __future__ import annotations

from .. import binomial
from ..binomial import pass_probability
from ..utility import UtilityProfile
from . import optimise as _optimise
from . import problem as _problem
from . import solve as _solve
from .agent import IncentiveCheck, agent_utility_curve, best_response, incentive_check
from .binary import solve_binary
from .certify import Certificate, UncertifiedContractError, certify
from .general import solve_general
from .linear import solve_linear
from .margin import StrictBonus, strict_bonus
from .problem import ContractError, ContractSolution, FirstBest, Problem, first_best, tie
from .skeleton import no_incentive
from .solve import solve
from .tables import complements_table, gap_table

#: The solver of each contract class, by name ('binary', 'linear', 'general');
#: :func:`~annotator_incentives.contracts.solve.solve` dispatches on it.
SOLVERS = _solve.SOLVERS
#: The tie rule's allowance, relative to the agent's utility at the recommended effort (:func:`~.problem.tie`).
TIE = _problem.TIE
#: Efforts the solvers' incentive checks screen at least (401; more for large n c, then every peak is refined).
GRID_POINTS = _optimise.GRID_POINTS
#: The number of efforts the public checks screen by default, 20,001
#: (:func:`~annotator_incentives.contracts.agent.incentive_check`, :func:`ic_violation`).
FINE_POINTS = _optimise.FINE_POINTS

__all__ = [
    "ContractError",
    "UncertifiedContractError",
    "Certificate",
    "certify",
    "FirstBest",
    "ContractSolution",
    "Problem",
    "first_best",
    "pass_probability",
    "agent_utility_curve",
    "best_response",
    "IncentiveCheck",
    "FINE_POINTS",
    "GRID_POINTS",
    "incentive_check",
    "ic_violation",
    "solve_binary",
    "solve_linear",
    "solve_general",
    "solve",
    "SOLVERS",
    "no_incentive",
    "StrictBonus",
    "strict_bonus",
    "TIE",
    "tie",
    "gap_table",
    "complements_table",
    "clear_caches",
]


def ic_violation(solution: ContractSolution, profile: UtilityProfile, points: int = FINE_POINTS) -> float:
    """The agent's gain from deviating from a solution's induced effort (0 when incentive
    compatible): :func:`~annotator_incentives.contracts.agent.incentive_check` on a grid of ``points`` efforts, finer than the
    solvers' own check but refined by the same code; the brute-force references of the tests
    are the independent checks.

    Parameters
    ----------
    solution, profile
        A feasible ContractSolution and the utility profile it was solved for.
    points : int, optional
        Efforts screened before refinement (default ``FINE_POINTS``).

    Returns
    -------
    float
        max(0, best utility elsewhere - utility at the induced effort).

    Raises
    ------
    ContractError
        When ``solution`` is not a ContractSolution, or is infeasible.

    Examples
    --------
    The optimal binary contract leaves the agent indifferent at most up to rounding:

    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> ic_violation(solve("binary", 11, 0.98, fig3), fig3) < 1e-12
    True
    """
    if not isinstance(solution, ContractSolution):
        raise ContractError(f"solution must be a ContractSolution; got {type(solution).__name__}")
    if not solution.feasible:
        raise ContractError("an infeasible solution has no induced effort to check")
    return incentive_check(solution.wages, solution.eta, solution.n, solution.c, profile, points).gain


def clear_caches() -> None:
    """Empty the first-best and pmf-matrix caches (for timing from scratch).

    Parameters
    ----------
    (none)

    Returns
    -------
    None

    Examples
    --------
    >>> clear_caches() is None
    True
    """
    first_best.cache_clear()  # type: ignore[attr-defined]  # set in problem.py on the validating wrapper
    binomial.clear_cache()
