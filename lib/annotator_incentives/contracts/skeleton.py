"""One solve skeleton for every contract class: validate, solve the restricted problem
(induce eta*) or the unrestricted one, fall back to the constant wage (no incentive) when
no incentive contract does better (C >= C_n >= C~_n), and certify the answer
(:func:`~annotator_incentives.contracts.certify.certify`) before returning it: an answer that
fails is re-solved on the class's safe route, or an :class:`UncertifiedContractError` says what
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
    """A contract a class's solver found: the effort it induces, its wages w(x), x = 0..n, and
    its params (the solution record's)."""

    eta: float
    wages: np.ndarray
    params: dict


class Best(NamedTuple):
    """A found contract with its value to the principal, mu(eta) - E[w(X)]."""

    value: float
    found: Found


Restricted = Callable[[Problem], Found | None]  # the contract inducing eta*, None if infeasible
Unrestricted = Callable[[Problem], Best | None]  # the best contract, None if there is none


def evaluate(kind: str, problem: str, pb: Problem, eta: float, wages: np.ndarray, params: dict) -> ContractSolution:
    """The solution record of wages w(x) inducing eta: E[w], mu(eta) - E[w] and
    E[G(w)] - E(eta), exact binomial sums."""
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
    """Validate; ``restricted(pb)`` gives the :class:`Found` contract inducing eta*, or None
    (infeasible); ``unrestricted(pb)`` gives the :class:`Best` contract, or None, and it loses
    to the constant wage (reported as the class's contract with ``idle_params``) unless it
    beats it. Every answer is certified; one that fails is solved again by ``safe(pb)`` (or
    ``safe_restricted(pb)``: a slower route that checks every candidate), and when that fails
    too, or there is none, :class:`UncertifiedContractError` is raised."""
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
