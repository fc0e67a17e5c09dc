"""One solve skeleton for every contract class: validate, solve the restricted problem
(induce eta*) or the unrestricted one, fall back to the constant wage (no incentive) when
no incentive contract does better (C >= C_n >= C~_n), and certify the answer
(:func:`~annotator_incentives.contracts.certify.certify`) before returning it: an answer that
fails is re-solved on the class's safe route, or an
:class:`~annotator_incentives.contracts.certify.UncertifiedContractError` says what
could not be certified."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .. import binomial_kernel
from ..utility import UtilityProfile
from .certify import UncertifiedContractError, certify
from .problem import ContractSolution, Problem, check_problem, first_best

__all__ = ["Found", "Best", "Restricted", "Unrestricted", "evaluate", "no_incentive", "solve_class"]


class Found(NamedTuple):
    """A contract a class's solver found (before :func:`evaluate` makes it a solution record).

    Attributes
    ----------
    eta : float
        The effort it induces.
    wages : numpy.ndarray
        The wage schedule w(x), x = 0..n.
    params : dict
        Its parameters, as the solution record keeps them (w0, w1, k for a binary contract).

    Examples
    --------
    >>> import numpy as np
    >>> Found(0.5, np.array([0.0, 0.0, 1.0]), {"w0": 0.0, "w1": 1.0, "k": 2}).params["k"]
    2
    """

    eta: float
    wages: np.ndarray
    params: dict


class Best(NamedTuple):
    """A found contract with its value to the principal (what an unrestricted route returns).

    Attributes
    ----------
    value : float
        mu(eta) - E[w(X)].
    found : Found
        The contract.

    Examples
    --------
    >>> import numpy as np
    >>> best = Best(0.25, Found(1.0, np.full(3, 0.25), {"w0": 0.25}))
    >>> best.value, best.found.eta
    (0.25, 1.0)
    """

    value: float
    found: Found


#: A class's restricted route, from the problem to the :class:`Found` contract inducing eta* (None when infeasible).
Restricted = Callable[[Problem], Found | None]
#: A class's unrestricted route, from the problem to its :class:`Best` contract (None when there is none).
Unrestricted = Callable[[Problem], Best | None]


def evaluate(kind: str, problem: str, pb: Problem, eta: float, wages: np.ndarray, params: dict) -> ContractSolution:
    """The solution record of wages w(x) inducing eta (Section 3's quantities, exact binomial sums):
    the expected wage E[w(X)], the principal's utility mu(eta) - E[w(X)] and the agent's
    E[G(w(X))] - E(eta), with the first-best for the gap.

    Parameters
    ----------
    kind, problem : str
        The contract class and 'restricted' or 'unrestricted', as recorded.
    pb : Problem
        Gives n, c and the profile.
    eta : float
        The induced effort (not checked here: :func:`solve_class` certifies the record).
    wages : numpy.ndarray
        w(x), x = 0..n.
    params : dict
        The contract's parameters.

    Returns
    -------
    ContractSolution
        A feasible record.

    Examples
    --------
    A wage of 1 for two passes out of two at eta = 0.5 (q = 0.745) costs q^2 on average:

    >>> import numpy as np
    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> pb = Problem.make(2, 0.98, utility.profile("figure3"))
    >>> s = evaluate("binary", "restricted", pb, 0.5, np.array([0.0, 0.0, 1.0]), {"w0": 0.0, "w1": 1.0, "k": 2})
    >>> round(s.expected_wage, 6), round(0.745**2, 6)
    (0.555025, 0.555025)
    """
    n, c, profile = pb
    p = binomial_kernel.pmf_all(n, float(binomial_kernel.pass_probability(eta, c)))
    expected_wage = float(p @ wages)
    agent = float(p @ profile.G(wages) - profile.E(eta))
    return ContractSolution(kind, problem, n, c, True, float(eta), params, wages, expected_wage,
                            float(profile.mu(eta)) - expected_wage, agent, first_best(profile))


def no_incentive(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """A constant wage: the agent exerts no effort (E increasing), participation binds:
    w = G^{-1}(E(0) + U_0) (at least the lowest wage).

    Parameters
    ----------
    n, c, profile
        The problem: checks, signal strength, utility profile (its E(0) and U_0 fix the wage).
    problem : str, optional
        Recorded in the solution ('unrestricted' by default).

    Returns
    -------
    ContractSolution
        Kind 'none', eta = 0, params w0.

    Raises
    ------
    ContractError
        When n, c or the profile is not valid.

    Examples
    --------
    figure3 has E(0) = 0 and U_0 = 0, so the wage is G^{-1}(0) = 0:

    >>> from annotator_incentives import utility
    >>> s = no_incentive(11, 0.98, utility.profile("figure3"))
    >>> s.eta, s.params, s.principal_utility
    (0.0, {'w0': 0.0}, 0.0)
    """
    pb = Problem.make(n, c, profile)
    wage = float(profile.wage_for_utility(max(profile.E(0.0) + profile.U0, profile.u_lo)))
    return evaluate("none", problem, pb, 0.0, np.full(pb.n + 1, wage), {"w0": wage})


def solve_class(kind: str, n: int, c: float, profile: UtilityProfile, problem: str,
                restricted: Restricted, unrestricted: Unrestricted, idle_params: dict,
                safe: Unrestricted | None = None, safe_restricted: Restricted | None = None) -> ContractSolution:
    """The one solve skeleton of every contract class (Algorithms 3 and 4, general contracts):
    validate; solve the restricted problem (C~_n, ``restricted``) or the unrestricted one (C_n,
    ``unrestricted``), where the constant wage (:func:`no_incentive`, reported as the class's
    contract with ``idle_params``) wins unless the best contract beats it; certify the answer
    (:func:`~annotator_incentives.contracts.certify.certify`), and on failure solve again by the
    safe route.

    Parameters
    ----------
    kind : str
        The contract class, as recorded.
    n, c, profile, problem
        As for :func:`~annotator_incentives.contracts.solve.solve`.
    restricted : callable
        Problem -> :class:`Found` inducing eta*, or None (infeasible).
    unrestricted : callable
        Problem -> :class:`Best`, or None.
    idle_params : dict
        The class's parameters of the constant wage (e.g. w1 = 0).
    safe, safe_restricted : callable, optional
        Slower routes that check every candidate, tried when an answer fails its certificate.

    Returns
    -------
    ContractSolution
        A certified solution, or an infeasible record of the restricted problem.

    Raises
    ------
    ContractError
        When n, c, the profile or the problem is invalid.
    ~annotator_incentives.contracts.certify.UncertifiedContractError
        When no route gives an answer that passes its certificate.

    Examples
    --------
    A class with no incentive contract at all: the constant wage is its unrestricted answer, and
    its restricted problem is infeasible.

    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> def nothing(pb):
    ...     return None
    >>> s = solve_class("binary", 3, 0.98, fig3, "unrestricted", nothing, nothing, {"w1": 0.0, "k": 0})
    >>> s.kind, s.eta, s.params
    ('binary', 0.0, {'w0': 0.0, 'w1': 0.0, 'k': 0})
    >>> solve_class("binary", 3, 0.98, fig3, "restricted", nothing, nothing, {}).feasible
    False
    """
    pb = Problem.make(n, c, profile)
    check_problem(problem)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # infeasible candidates are -inf
        failures: list[str] = []
        if problem == "restricted":
            for restricted_route in [restricted] if safe_restricted is None else [restricted, safe_restricted]:
                found = restricted_route(pb)
                if found is None:
                    return ContractSolution(kind, problem, pb.n, pb.c, False, first_best=first_best(profile))
                solution = evaluate(kind, problem, pb, *found)
                certificate = certify(solution, profile)
                if certificate.certified:
                    return solution
                failures += certificate.failures
            raise _uncertified(kind, problem, pb, failures)
        for route in [unrestricted] if safe is None else [unrestricted, safe]:
            answer = _best_or_fixed(kind, pb, route(pb), idle_params)
            certificate = certify(answer, profile)
            if certificate.certified:
                return answer
            failures += certificate.failures
        raise _uncertified(kind, problem, pb, failures)


def _best_or_fixed(kind: str, pb: Problem, best: Best | None, idle_params: dict) -> ContractSolution:
    """The solution of ``best``, or the constant wage when there is none or it does not beat it."""
    fallback = no_incentive(pb.n, pb.c, pb.profile)
    if best is None or not best.value > fallback.principal_utility:
        return dataclasses.replace(fallback, kind=kind, params={**fallback.params, **idle_params})
    return evaluate(kind, "unrestricted", pb, *best.found)


def _uncertified(kind: str, problem: str, pb: Problem, failures: list[str]) -> UncertifiedContractError:
    return UncertifiedContractError(
        f"the {problem} {kind} contract for n = {pb.n}, c = {pb.c:g}, profile {pb.profile.name!r} could not be "
        f"certified: {'; '.join(dict.fromkeys(failures))}"
    )
