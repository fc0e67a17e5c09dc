"""The unrestricted binary problem: max over thresholds k and efforts eta of the principal's
value, every answer globally incentive compatible (Theorem 1).

**Routes to the binary optimum** (:func:`annotator_incentives.contracts.binary.unrestricted`).
Two searches for the best contract with eta < 1, chosen by the size of the problem, and the
corner eta = 1 compared with their answer:

============================== ============================ =====================================================
route                          which problems               why it is needed (the test that shows it)
============================== ============================ =====================================================
:func:`table_search`           n (2nc + 42) <= 400,000      every threshold against an effort grid, necessary
                               (n up to 436 at c = 1; every conditions only, leaders zoomed and then checked
                               n of Figure 3)               globally: the fast route (``test_binary_table_
                                                            search_is_never_worse_than_the_checked_scan``;
                                                            n = 1 too: ``test_binary_unrestricted_single_check
                                                            _against_a_fine_effort_grid``)
:func:`nearest_compatible`     inside the table search,     the optimum under the necessary conditions fails
                               when a leader fails the      the global check; the compatible efforts' nearest
                               global check (34 of the 105  end is the optimum (``test_table_search_moves_to_
                               Figure 3 binary solves)      the_nearest_incentive_compatible_effort``)
:func:`scan_search`            larger tables (n > 436);     memory: a table of every threshold would not fit;
                               also the safe route after a  a coarse scan checked globally, then the threshold
                               failed certificate           walk (the golden answers at n = 1000 to 10,000;
                                                            ``test_binary_solver_never_loses_to_the_checked_
                                                            scan_on_random_profiles``)
``binary.corner``              every n, when its upper      eta = 1 is not a stationary point, so the searches
                               bound can beat the interior  above do not see it (``test_full_effort_corner_
                               answer                       contracts``; risk_averse_poly, eta* = 1)
============================== ============================ =====================================================

Removed (2026-12, issue 22): the closed form for one check (n = 1; the table search gives the
same answers, the golden ones included) and the scan's fine effort scan for mid-sized n (the
threshold walk gives the same answers on every test).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
from scipy import optimize

from .. import binomial_kernel
from . import binary_terms
from .binary_terms import Offer, Terms, best_at, candidates, incentive_slack, is_incentive_compatible, own_utility, terms
from .optimise import (
    BINARY_SCAN,
    TABLE_CELLS,
    TABLE_COARSE,
    expand,
    maximise_on_interval,
    small_efforts,
    table_points,
    value_of,
    zoom_maximise,
)
from .problem import Problem, tie

__all__ = ["Interior", "best_interior", "table_search", "scan_search", "nearest_compatible", "optimise_threshold"]

TABLE_LEADERS = 3  # thresholds refined from the table


class Interior(NamedTuple):
    """A binary contract with effort eta < 1 found by a search (Theorem 1's unrestricted problem),
    ordered as a tuple: by value, then k, then eta.

    Attributes
    ----------
    value : float
        What the contract is worth to the principal.
    k, eta : int, float
        Its threshold (the bonus is paid from k passes on) and the effort it induces.

    Examples
    --------
    >>> max(Interior(0.3, 9, 0.95), Interior(0.3, 10, 0.9))  # equal values: the larger k
    Interior(value=0.3, k=10, eta=0.9)
    """

    value: float
    k: int
    eta: float


def _better(best: Interior | None, other: Interior | None) -> Interior | None:
    """The larger of two answers as tuples (value, then k, then eta), None counting least."""
    return max((answer for answer in (best, other) if answer is not None), default=None)


def best_interior(pb: Problem) -> Interior | None:
    """The best binary contract with eta < 1 (Theorem 1): :func:`table_search` when the table
    fits, else :func:`scan_search`; ``binary.unrestricted`` compares it with the corner eta = 1.

    Parameters
    ----------
    pb : Problem
        What to solve.

    Returns
    -------
    Interior or None
        None when no contract with eta < 1 is feasible.

    Examples
    --------
    For 11 checks under figure3 (c = 0.98) the bonus is paid from 10 passes; the answer is
    :func:`~annotator_incentives.contracts.solve.solve`'s:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> best = best_interior(Problem.make(11, 0.98, utility.profile("figure3")))
    >>> best.k, round(best.eta, 4), round(best.value, 6)
    (10, 0.9559, 0.300686)
    """
    direct = table_search(pb)
    return direct if direct is not None else scan_search(pb)


def _table(pb: Problem, k: np.ndarray, ends, etas: np.ndarray, dense: bool) -> Terms:
    """:func:`terms` on a (threshold x effort) table; ``dense`` (every threshold): tails by
    cumulating the pmf and P_k' = (c/2) k P(X = k)/q."""
    n, c, _ = pb
    q = binomial_kernel.pass_probability(etas, c)
    if dense:
        pmf = np.exp(binomial_kernel.log_pmf(np.arange(n + 1)[:, None], n, q))
        tail, below, slope = binomial_kernel.tails_all(pmf), np.cumsum(pmf, axis=0)[:-1], 0.5 * c * k * pmf[1:] / q
    else:
        tail, below = binomial_kernel.tail(k, n, q), binomial_kernel.below(k, n, q)
        slope = 0.5 * c * n * np.exp(binomial_kernel.log_pmf(k - 1, n - 1, q))
    return terms(pb, k, etas, tail, slope, ends, below)


def _rows(ends, rows):
    """The rows ``rows`` of :func:`binary_terms.ends`' tails."""
    return tuple(tuple(end[rows] for end in pair) for pair in ends)


def table_search(pb: Problem) -> Interior | None:
    """The best contract from a table over every threshold k and about 2nc + 40 efforts under
    the necessary conditions (:func:`~annotator_incentives.contracts.binary_terms.terms`), its
    leaders zoomed and checked globally, a leader that fails moved to
    :func:`nearest_compatible` (Theorem 1). For large nc the fine grid covers only two coarse
    cells either side of the best of ``TABLE_COARSE`` efforts.

    Parameters
    ----------
    pb : Problem
        The problem; the search applies when n times the number of efforts is at most
        ``TABLE_CELLS`` (n (2nc + 42) <= 400,000).

    Returns
    -------
    Interior or None
        None when the table would be too large, or nothing is feasible.

    Examples
    --------
    The table and the checked scan (:func:`scan_search`) find the same contract:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> pb = Problem.make(11, 0.98, utility.profile("figure3"))
    >>> table, scan = table_search(pb), scan_search(pb)
    >>> table.k == scan.k, abs(table.value - scan.value) < 1e-9
    (True, True)
    >>> table_search(Problem.make(10**5, 0.98, pb.profile)) is None  # too large a table
    True
    """
    n, c, _ = pb
    points = table_points(n, c)
    if n * points > TABLE_CELLS:
        return None
    etas = np.linspace(0.0, 1.0, points)[1:-1]  # eta = 0 is the fixed wage, eta = 1 the corner
    weak = small_efforts(n, c)  # a weak signal's small efforts (none for a strong one)
    etas = np.concatenate([weak[etas[0] > weak], etas])
    k = np.arange(1, n + 1)[:, None]
    ends = binary_terms.ends(pb, k)
    stride = etas.size // TABLE_COARSE
    if stride > 1:  # the fine grid only around the best of a coarse one (every stride-th effort)
        small = weak.size and int(np.count_nonzero(etas <= weak[-1]))
        scan = np.unique(np.concatenate([np.arange(small), np.arange(small, etas.size, stride)]))
        coarse = _table(pb, k, ends, etas[None, scan], dense=True).value.max(axis=0)
        if not np.isfinite(coarse.max()):
            return None
        centre = int(scan[np.argmax(coarse)])
        etas = etas[max(centre - 2 * stride, 0):centre + 2 * stride + 1]
    value = _table(pb, k, ends, etas[None, :], dense=True).value
    best_i = np.argmax(value, axis=1)
    best_v = value[np.arange(n), best_i]
    leaders = np.array([r for r in np.argsort(-best_v, kind="stable")[:TABLE_LEADERS] if np.isfinite(best_v[r])], dtype=int)
    if not leaders.size:
        return None
    i = best_i[leaders]
    lo, hi = etas[np.maximum(i - 1, 0)], etas[np.minimum(i + 1, etas.size - 1)]
    eta, v = zoom_maximise(lambda grid: _table(pb, k[leaders], _rows(ends, leaders), grid, dense=False).value, lo, hi)
    best: Interior | None = None
    for r in np.argsort(-v, kind="stable"):  # v[r] bounds what threshold r can give
        if not v[r] > value_of(best):
            break
        row = leaders[r:r + 1]
        kk = int(k[row[0], 0])

        def terms_at(e: float, row=row) -> Terms:
            return _table(pb, k[row], _rows(ends, row), np.array([[e]]), dense=False)

        found = terms_at(eta[r])
        b, base, top = (float(x[0, 0]) for x in (found.bonus_utility, found.base_utility, found.top_utility))
        if is_incentive_compatible(pb, kk, b, float(eta[r]), base, top):
            best = _better(best, Interior(float(v[r]), kk, float(eta[r])))
        else:
            best = _better(best, nearest_compatible(pb, kk, float(eta[r]), terms_at, 0.25 / (points - 1)))
    return best


def nearest_compatible(pb: Problem, k: int, eta_hat: float, terms_at, step: float) -> Interior | None:
    """Threshold k's best effort when its best under the necessary conditions, ``eta_hat``, fails
    the global check (a competing local maximum of the agent's utility beats it; Theorem 1).
    The compatible efforts then lie to one side, where the principal's value falls away from
    ``eta_hat`` (it is unimodal), so the best of them is the nearest end of that set, a root of
    the exact incentive slack
    (:func:`~annotator_incentives.contracts.binary_terms.incentive_slack`). Both sides are
    searched with doubling steps.

    Parameters
    ----------
    pb, k : Problem, int
        The problem and threshold k.
    eta_hat : float
        Threshold k's best effort under the necessary conditions, which fails the global check.
    terms_at : callable
        Effort -> :class:`~annotator_incentives.contracts.binary_terms.Terms` of threshold k at
        that effort (arrays of shape (1, 1)).
    step : float
        The first step away from ``eta_hat``.

    Returns
    -------
    Interior or None
        None when neither side has a feasible compatible effort.

    Examples
    --------
    For 17 checks at c = 0.7 (figure3), threshold 14 cannot induce eta = 0.9556: the agent would
    rather deviate. The nearest compatible effort is a little higher, and is the optimum:

    >>> import numpy as np
    >>> from annotator_incentives import binomial_kernel as bk, utility
    >>> from annotator_incentives.contracts import binary_terms
    >>> from annotator_incentives.contracts.problem import Problem
    >>> pb = Problem.make(17, 0.7, utility.profile("figure3"))
    >>> def terms_at(e):
    ...     q = bk.pass_probability(e, 0.7)
    ...     return binary_terms.terms(pb, 14, np.array([[e]]), bk.tail(14, 17, q), bk.tail_eta_slope(14, 17, 0.7, q))
    >>> binary_terms.best_at(pb, 0.9556, ks=(14,)) is None
    True
    >>> found = nearest_compatible(pb, 14, 0.9556, terms_at, 0.004)
    >>> found.k, round(found.eta, 4), abs(found.eta - best_interior(pb).eta) < 1e-9
    (14, 0.9564, True)
    """
    def slack(e: float) -> float:
        found = terms_at(e)
        if not found.feasible[0, 0]:
            return -np.inf
        b, base, top = (float(x[0, 0]) for x in (found.bonus_utility, found.base_utility, found.top_utility))
        return incentive_slack(pb, k, b, e) + tie(own_utility(pb, k, b, e, base, top))

    seen: dict[float, float] = {}

    def stop(e: float) -> bool:
        seen[e] = s = slack(e) if 0.0 < e < 1.0 else -np.inf
        return s >= 0 or not np.isfinite(s)

    best: Interior | None = None
    for direction, limit in ((-1.0, 0.0), (1.0, 1.0)):
        outer, inside, _ = expand(stop, eta_hat, step, direction, limit)
        if not seen.get(inside, -np.inf) >= 0:
            continue  # no incentive-compatible effort on this side
        root = optimize.brentq(slack, *sorted((outer, inside)), xtol=1e-15)
        nudge = np.copysign(1e-15, inside - outer)
        while not slack(root) >= 0:  # step onto the incentive-compatible side, never past inside
            root = inside if (inside - root - nudge) * direction <= 0 else root + nudge
            nudge *= 2
        value = float(terms_at(root).value[0, 0])
        if np.isfinite(value):
            best = _better(best, Interior(value, k, float(root)))
    return best


def _offers(pb: Problem, etas: Iterable[float]) -> dict[float, Offer]:
    """The cheapest incentive-compatible contract inducing each effort, where there is one."""
    return {float(e): offer for e in etas if (offer := best_at(pb, float(e))) is not None}


def scan_search(pb: Problem) -> Interior | None:
    """max over k and eta with every candidate checked globally (Theorem 1), the safe route: a coarse
    scan of efforts (each effort's cheapest incentive-compatible contract,
    :func:`~annotator_incentives.contracts.binary_terms.best_at`), zoomed in on the best effort
    until neighbouring thresholds are a few grid cells apart, then the best scanned threshold
    optimised over effort (:func:`optimise_threshold`), and its neighbours k +- 1, +- 2, ... while
    the value keeps improving (the best value per threshold is unimodal in k), each from a
    feasible effort next to its neighbour's optimum.

    Parameters
    ----------
    pb : Problem
        The problem (n, c, profile); any n.

    Returns
    -------
    Interior or None
        None when nothing is feasible.

    Examples
    --------
    A thousand checks (figure3, c = 0.98), beyond the table search:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> pb = Problem.make(1000, 0.98, utility.profile("figure3"))
    >>> found = scan_search(pb)
    >>> table_search(pb) is None, found.k > 900, found.value < pb.first_best.value
    (True, True, True)
    """
    n, c, _ = pb
    even = np.linspace(0.02, 1.0, BINARY_SCAN)  # eta = 0 is the fixed wage
    coarse = np.unique(np.concatenate([even, small_efforts(n, c)]))  # and the small efforts of a weak signal
    scan = _offers(pb, [*coarse, pb.first_best.eta])
    if not scan:
        return None
    eta0 = max(scan, key=lambda e: scan[e].value)
    shift = 2.0 / (n * c)  # thresholds one apart induce efforts about this far apart
    spacing = float(even[1] - even[0])
    while spacing > 8 * shift:  # zoom in on the best scanned effort, so that the walk below starts near the best threshold
        finer = np.linspace(max(eta0 - spacing, 0.0), min(eta0 + spacing, 1.0), 9)
        scan |= _offers(pb, finer)
        eta0 = max(scan, key=lambda e: scan[e].value)
        spacing = float(finer[1] - finer[0])
    k0 = scan[eta0].k
    eta, value = optimise_threshold(pb, k0, eta0)
    best = Interior(value, k0, eta)
    for direction in (-1, +1):
        k, last_eta, worse = k0, eta, 0
        while worse < 2 and 1 <= k + direction <= n:
            k += direction
            start = next((e for j in range(1, 9) for e in (float(np.clip(last_eta + direction * j * shift / 2, 0, 1)),)
                          if best_at(pb, e, ks=(k,)) is not None), None)
            if start is None:
                break
            last_eta, value = optimise_threshold(pb, k, start)
            if value > best.value:
                best, worse = Interior(value, k, last_eta), 0
            else:
                worse += 1
    return best if np.isfinite(best.value) else None


def optimise_threshold(pb: Problem, k: int, start: float) -> tuple[float, float]:
    """(eta, value): the best effort to induce with threshold k (Theorem 1, one threshold), from a
    feasible effort ``start``. The feasible efforts form an interval; each end is bracketed by
    doubling steps and found as a root of the incentive slack (where the agent becomes
    indifferent to a competing effort), then the value is maximised over the interval.

    Parameters
    ----------
    pb, k, start : Problem, int, float
        The problem, the threshold, and an effort threshold k can induce.

    Returns
    -------
    tuple of float
        The best effort and the principal's utility there.

    Examples
    --------
    Threshold 10 of 11 checks (figure3, c = 0.98), from eta = 0.95:

    >>> from annotator_incentives import utility
    >>> from annotator_incentives.contracts.problem import Problem
    >>> eta, value = optimise_threshold(Problem.make(11, 0.98, utility.profile("figure3")), 10, 0.95)
    >>> round(eta, 4), round(value, 6)
    (0.9559, 0.300686)
    """
    def value(e: float) -> float:
        return value_of(best_at(pb, e, ks=(k,)))

    def slack(e: float) -> float:
        b = float(candidates(pb, e, ks=(k,))[1].bonus_utility[0])
        return incentive_slack(pb, k, b, e) if np.isfinite(b) else -1.0

    ends = []
    for direction, limit in ((-1, 0.0), (+1, 1.0)):
        inside, outer, stopped = expand(lambda e: not np.isfinite(value(e)), start, 1.0 / (pb.n * pb.c + 1), direction, limit)
        if not stopped:
            ends.append(outer)  # feasible up to the end of [0, 1]
            continue
        try:
            root = optimize.brentq(slack, *sorted((inside, outer)), xtol=1e-13) if slack(outer) < 0 < slack(inside) else None
        except ValueError:
            root = None
        feasible_root = root is not None and np.isfinite(value(root))
        if root is None or (feasible_root and np.isfinite(value((root + outer) / 2))):
            # the end is not where the slack changes sign: maximise_on_interval bisects to it
            ends.append(outer)
        elif feasible_root:
            ends.append(root)
        else:  # the root sits a hair outside (brentq's xtol): just inside it, else maximise_on_interval bisects to the end
            nudged = root - direction * 4e-13
            ends.append(nudged if np.isfinite(value(nudged)) else root)
    return maximise_on_interval(value, ends[0], ends[1], start)
