"""One solve skeleton for every contract class: validate, solve the restricted problem
(induce eta*) or the unrestricted one, and fall back to the constant wage (no incentive) when
no incentive contract does better (C >= C_n >= C~_n)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .. import binomial
from ..utility import UtilityProfile
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
    p = binomial._pmf_all(n, float(binomial._pass_probability(eta, c)))
    expected_wage = float(p @ wages)
    agent = float(p @ profile.G(wages) - profile.E(eta))
    return ContractSolution(kind, problem, n, c, True, float(eta), params, wages, expected_wage,
                            float(profile.mu(eta)) - expected_wage, agent, first_best(profile))


def no_incentive(n: int, c: float, profile: UtilityProfile, problem: str = "unrestricted") -> ContractSolution:
    """A constant wage: the agent exerts no effort (E increasing), participation binds."""
    pb = Problem.make(n, c, profile)
    wage = float(profile.wage_for_utility(max(profile.E(0.0) + profile.U0, profile.u_lo)))
    return evaluate("none", problem, pb, 0.0, np.full(pb.n + 1, wage), {"w0": wage})


def solve_class(kind: str, n: int, c: float, profile: UtilityProfile, problem: str,
                restricted: Restricted, unrestricted: Unrestricted, idle_params: dict) -> ContractSolution:
    """Validate; ``restricted(pb)`` gives the :class:`Found` contract inducing eta*, or None
    (infeasible); ``unrestricted(pb)`` gives the :class:`Best` contract, or None, and it loses
    to the constant wage (reported as the class's contract with ``idle_params``) unless it
    beats it."""
    pb = Problem.make(n, c, profile)
    check_problem(problem)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # infeasible candidates are -inf
        if problem == "restricted":
            found = restricted(pb)
            if found is None:
                return ContractSolution(kind, problem, pb.n, pb.c, False, first_best=first_best(profile))
            return evaluate(kind, problem, pb, *found)
        best = unrestricted(pb)
        fallback = no_incentive(pb.n, pb.c, profile)
        if best is None or not best.value > fallback.principal_utility:
            return dataclasses.replace(fallback, kind=kind, params={**fallback.params, **idle_params})
        return evaluate(kind, problem, pb, *best.found)
