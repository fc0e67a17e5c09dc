"""Small one-dimensional optimisation helpers, each written once.

- :func:`expand`: bracket by doubling steps from a start point;
- :func:`zoom_maximise`: maximise several unimodal functions at once by grids that zoom in;
- :func:`maximise_on_interval` and :func:`scan_then_refine`: maximise a value whose feasible
  efforts form an interval;
- :func:`global_max`: the largest value of a smooth function on [0, 1] from its grid values,
  every competing grid peak refined (the agent's best response);
- :func:`refine_peak`: one grid peak refined to its local maximum (bounded Brent);
- :func:`value_of`: a solver's answer (or None) as a value, -inf for none;
- :func:`effort_scan`: the efforts a solver scans first, all of [0, 1].

**The effort-grid policy** (every grid and scan size of the package, here and nowhere else). A
grid or scan only *screens*: every verdict and answer is then made exact by refinement
(:func:`refine_peak`, :func:`global_max`, :func:`zoom_maximise`, Brent), so a size trades speed
against how narrow a feature the screen can still see, never accuracy.

=================== ======= ==========================================================================
name                size    where, and why this size
=================== ======= ==========================================================================
``check_points``    401 +   every incentive check of the solvers and the certificate (``agent.compare``
                    (n)     through ``binary_terms.incentive_slack`` / ``is_incentive_compatible``,
                            ``agent.incentive_check(screen=True)``, ``certify.certify``):
                            max(``GRID_POINTS`` = 401, 4 c sqrt(n) + 1) efforts, at least four per width
                            1/(c sqrt(n)) of the bell P_k'(eta), so every peak of the agent's utility
                            shows on the grid; every peak that could win is then refined, so the verdict
                            is exact (the same grid for every contract class)
``FINE_POINTS``     20,001  the public checks' default (``incentive_check``, ``ic_violation``;
                            ``best_response`` takes ``GRID_POINTS``): a reader's wages may have narrow peaks; the
                            cost does not matter outside the solvers
``SCREEN_POINTS``   41      the screen of every threshold's candidate at once (``binary_terms.candidates``):
                            a necessary condition only (the full check follows), kept small because
                            it is a thresholds x efforts array
``CORNER_POINTS``   401     the bonus search of the corner eta = 1 (``binary.corner``)
``CLOSED_POINTS``   1,025   a value known in closed form per effort (the CARA linear contract,
                            ``linear.cara_unrestricted``): 2**10 + 1 efforts, then zoomed to the flat
                            maximum
``ZOOM_POINTS``     65      each pass of :func:`zoom_maximise` (2**6 + 1: a cell shrinks 32-fold a pass)
``MARGIN_POINTS``   4,001   the strict bonus margin's screen (``margin.strict_bonus``): the lead is
                            measured between a peak and the valley before it, so the valley must show
``BINARY_SCAN``     20      the binary scan search (``binary_search.scan_search``): the published
                            code's coarse grid (0.02 to 1), where the threshold walk starts
``table_points``    2nc+42  the binary table search's efforts (``binary_search.table_search``): about
                    (n, c)  two per unit of n c, so that neighbouring thresholds' best efforts
                            (about 2/(n c) apart) are separated; the table has at most
                            ``TABLE_CELLS`` = 400,000 thresholds x efforts, else the scan search runs
``TABLE_COARSE``    40      the first, coarse pass of the binary table search (large n c: the fine
                            grid only within two coarse cells of the best coarse effort)
``LINEAR_SCAN``     31      the linear first-order scan of [0, 1] (its value is unimodal in effort)
``GENERAL_SCAN``    26      the general contract's first-order scan (each point solves an n-variable
                            problem, so the scan is short; the best binary and linear efforts join it)
``SMALL_EFFORTS``   25      log-spaced efforts from 1e-6 to 0.02, scanned too when n c < ``WEAK_SIGNAL``
=================== ======= ==========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

import numpy as np
from scipy import optimize

__all__ = ["FLAT", "GRID_POINTS", "FINE_POINTS", "check_points", "check_grid", "SCREEN_POINTS", "CORNER_POINTS",
           "CLOSED_POINTS", "ZOOM_POINTS", "MARGIN_POINTS", "BINARY_SCAN", "TABLE_CELLS", "table_points", "TABLE_COARSE",
           "LINEAR_SCAN", "GENERAL_SCAN",
           "SMALL_EFFORTS", "WEAK_SIGNAL", "effort_scan", "small_efforts", "damped_newton", "expand", "zoom_maximise",
           "maximise_on_interval",
           "scan_then_refine", "global_max", "refine_peak", "Valued", "value_of"]

FLAT = 16 * np.finfo(float).eps  #: values this close (relatively) are equal up to rounding
# the effort-grid policy (the module docstring's table says why each size)
GRID_POINTS = 401  #: the solvers' incentive-check grid at least (:func:`check_points`)
FINE_POINTS = 20_001  #: the public incentive check's default grid
SCREEN_POINTS = 41  #: the screen of every binary threshold's candidate at once
CORNER_POINTS = 401  #: the bonus search of the binary corner eta = 1
CLOSED_POINTS = 1025  #: efforts of a value known in closed form (the CARA linear contract)
ZOOM_POINTS = 65  #: points of each pass of :func:`zoom_maximise`
MARGIN_POINTS = 4001  #: the strict bonus margin's screen
BINARY_SCAN = 20  #: the binary scan search's coarse grid
TABLE_CELLS = 400_000  #: the largest thresholds x efforts table of the binary table search
TABLE_COARSE = 40  #: the first, coarse pass of the binary table search
LINEAR_SCAN = 31  #: the linear first-order scan of [0, 1]
GENERAL_SCAN = 26  #: the general contract's first-order scan of [0, 1]
SMALL_EFFORTS = np.geomspace(1e-6, 0.02, 25)  #: a weak signal (small n c) can only induce small efforts
WEAK_SIGNAL = 100.0  #: n c below which the small efforts are scanned too


def check_points(n: int, c: float) -> int:
    """The size of the solvers' incentive-check grid for n checks at signal strength c (the
    policy table above): max(``GRID_POINTS``, 4 c sqrt(n) + 1) evenly spaced efforts on [0, 1].

    Parameters
    ----------
    n, c : int, float
        Checks and signal strength of the problem whose incentives are checked.

    Returns
    -------
    int
        The number of efforts.

    Examples
    --------
    >>> check_points(201, 0.98), check_points(100_000, 1.0)
    (401, 1265)
    """
    return max(GRID_POINTS, int(4 * c * np.sqrt(n)) + 1)


def table_points(n: int, c: float) -> int:
    """The binary table search's efforts on [0, 1] (the policy table above): 2 n c + 42.

    Parameters
    ----------
    n, c : int, float
        Checks and signal strength of the binary problem.

    Returns
    -------
    int
        How many efforts, 0 and 1 included, the table's grid has.

    Examples
    --------
    >>> table_points(201, 0.98)
    435
    """
    return int(2 * n * c) + 42


@lru_cache(maxsize=64)
def check_grid(points: int) -> np.ndarray:
    """``points`` evenly spaced efforts on [0, 1], the grid of an incentive check of
    :func:`check_points` efforts (cached, so read-only: every check of one size shares it).

    Parameters
    ----------
    points : int
        How many efforts, 0 and 1 included.

    Returns
    -------
    numpy.ndarray
        The efforts, not writeable.

    Examples
    --------
    >>> grid = check_grid(5)
    >>> grid, grid.flags.writeable
    (array([0.  , 0.25, 0.5 , 0.75, 1.  ]), False)
    """
    grid = np.linspace(0.0, 1.0, points)
    grid.flags.writeable = False
    return grid


def damped_newton(residual, jacobian, x: np.ndarray, floor: float, iterations: int = 60) -> np.ndarray | None:
    """Newton's method on two equations F(x) = 0, each step halved until the scaled residual
    max_i abs(F_i)/scale_i falls: the first route of the linear and general solvers to the
    contract at which participation binds and the first-order condition holds (Algorithm 4;
    the Mirrlees-Holmstrom multipliers). Converged when every abs(F_i) <= 8 eps scale_i; when no
    step helps, x is accepted if abs(F_i) <= ``floor`` scale_i (the rounding of the sums).

    Parameters
    ----------
    residual : callable
        ``residual(x)`` gives (F, scale, state): the residuals, the magnitudes they are
        measured against and whatever the Jacobian reuses.
    jacobian : callable
        ``jacobian(x, state)`` gives dF/dx as a 2 x 2 array, or None when it is unusable.
    x : numpy.ndarray
        The start.
    floor : float
        The relative residual accepted when no step reduces it.
    iterations : int, optional
        Newton steps at most (default 60).

    Returns
    -------
    numpy.ndarray or None
        The root; None when it does not converge (the callers then take nested root searches).

    Examples
    --------
    x0 = sqrt 2 and x1 = x0:

    >>> def residual(x):
    ...     return np.array([x[0] ** 2 - 2, x[1] - x[0]]), np.array([2.0, 1.0]), None
    >>> def jacobian(x, state):
    ...     return np.array([[2 * x[0], 0.0], [-1.0, 1.0]])
    >>> root = damped_newton(residual, jacobian, np.array([1.0, 0.0]), floor=1e-12)
    >>> [round(float(v), 9) for v in root]
    [1.414213562, 1.414213562]
    """
    eps = np.finfo(float).eps
    r, scale, state = residual(x)
    for _ in range(iterations):
        if np.all(np.abs(r) <= 8 * eps * scale):
            return x
        matrix = jacobian(x, state)
        if matrix is None or not np.all(np.isfinite(matrix)) or np.linalg.det(matrix) == 0:
            return None
        step = np.linalg.solve(matrix, r)
        for _ in range(30):  # halve the step until the residual falls
            trial = residual(x - step)
            # both measured against this point's magnitudes: a merit whose scale moves with the
            # trial point can refuse every step (wages clipped at w_lo swell the magnitudes)
            if np.max(np.abs(trial[0]) / scale) < np.max(np.abs(r) / scale):
                break
            step = step / 2
        else:  # no step helps: the rounding floor, if the residual is that small
            return x if np.all(np.abs(r) <= floor * scale) else None
        x = x - step
        r, scale, state = trial
    return None


def effort_scan(points: int, n: int, c: float) -> np.ndarray:
    """The efforts a solver scans before refining: ``points`` evenly spaced over [0, 1] (both
    ends included), and for a weak signal (n c < ``WEAK_SIGNAL``) also ``SMALL_EFFORTS``, where
    the only efforts a contract can induce may lie (figure10_G with c = 0.05 and n = 1-3: below
    0.02).

    Parameters
    ----------
    points : int
        The even scan's size (``LINEAR_SCAN``, ``GENERAL_SCAN``).
    n, c : int, float
        The problem's checks and signal strength, which decide whether the signal is weak.

    Returns
    -------
    numpy.ndarray
        The efforts, increasing.

    Examples
    --------
    >>> effort_scan(3, 1000, 0.9)
    array([0. , 0.5, 1. ])
    >>> effort_scan(3, 10, 0.9).size  # n c = 9: the 25 small efforts join
    28
    """
    even = np.linspace(0.0, 1.0, points)
    return np.unique(np.concatenate([SMALL_EFFORTS, even])) if n * c < WEAK_SIGNAL else even


def small_efforts(n: int, c: float) -> np.ndarray:
    """A weak signal's small efforts (``SMALL_EFFORTS`` when n c < ``WEAK_SIGNAL``), else none.

    Parameters
    ----------
    n, c : int, float
        Checks and signal strength (a weak signal: n c < ``WEAK_SIGNAL``).

    Returns
    -------
    numpy.ndarray
        The efforts (in (0, 0.02]) a solver scans besides its even grid.

    Examples
    --------
    >>> small_efforts(1000, 0.9).size, small_efforts(10, 0.9).size
    (0, 25)
    """
    return effort_scan(2, n, c)[1:-1]


class Valued(Protocol):
    """An answer with a value to the principal (the solvers' NamedTuples, such as
    ``skeleton.Best``), as :func:`value_of` reads it.

    Attributes
    ----------
    value : float
        The principal's utility mu(eta) - E[w(X)] of the answer.

    Examples
    --------
    >>> from annotator_incentives.contracts.skeleton import Best, Found
    >>> value_of(Best(0.3, Found(0.9, np.zeros(3), {})))
    0.3
    """

    @property
    def value(self) -> float: ...


def value_of(answer: Valued | None) -> float:
    """An answer's value, -inf for no answer: the convention of the maximisers here, which
    treat -inf as infeasible.

    Parameters
    ----------
    answer : Valued or None
        A solver's answer (it has a ``value``), or None when there is none.

    Returns
    -------
    float
        ``answer.value``, or -inf.

    Examples
    --------
    >>> value_of(None)
    -inf
    """
    return -np.inf if answer is None else answer.value


def expand(stop: Callable[[float], bool], start: float, step: float, direction: float = 1.0, limit: float = 1.0,
           give_up: Callable[[float], bool] | None = None) -> tuple[float, float, bool]:
    """Walk out from ``start`` to x_j = start + direction step 2^j (j = 0, 1, ...; clipped at
    ``limit``) until ``stop(x_j)``: the bracket of the solvers' searches on an effort, a slope,
    a bonus or a multiplier, which Brent's method or bisection then narrows.

    Parameters
    ----------
    stop : callable
        A condition on x that turns true somewhere along the walk.
    start, step : float
        Where the walk starts and its first step.
    direction : float, optional
        Outwards (> 0, the default) or inwards (<= 0).
    limit : float, optional
        The last point tried (default 1.0).
    give_up : callable or None, optional
        ``give_up(x)`` true ends the walk early, as a failure.

    Returns
    -------
    tuple of float, float, bool
        The last point passed (or ``start``), the point where it stopped (or the last one
        tried) and whether ``stop`` held.

    Examples
    --------
    >>> expand(lambda x: x >= 5, 0.0, 1.0, limit=100.0)  # 1, 2, 4, 8
    (4.0, 8.0, True)
    >>> expand(lambda x: x >= 5, 0.0, 1.0, limit=3.0)  # 1, 2, then 3 = limit
    (2.0, 3.0, False)
    """
    inside, size = start, step
    while True:
        x = min(start + size, limit) if direction > 0 else max(start - size, limit)
        if stop(x):
            return inside, x, True
        if x == limit or (give_up is not None and give_up(x)):
            return inside, x, False
        inside, size = x, 2 * size


def zoom_maximise(values, lo: np.ndarray, hi: np.ndarray, points: int = ZOOM_POINTS,
                  xtol: float = 1e-13) -> tuple[np.ndarray, np.ndarray]:
    """Maximise several functions at once, row r over [lo[r], hi[r]], each unimodal on the
    interval where it is finite (-inf elsewhere): evaluate ``values`` (rows x points in, same
    shape out) on a grid, keep the two cells around the best point, repeat until the cells are
    narrower than ``xtol``, or until the function is flat to rounding around the best point
    (both neighbours within ``FLAT`` of it, relatively: locally quadratic, it cannot rise by
    more than a quarter of that inside the cells, and its computed values do not define the
    argmax more finely). The binary table search and the CARA linear contract maximise their
    values over effort so.

    Parameters
    ----------
    values : callable
        Maps a (rows x points) array of arguments to their values, -inf where infeasible.
    lo, hi : numpy.ndarray
        Each row's interval.
    points : int, optional
        Grid points per pass (default ``ZOOM_POINTS``).
    xtol : float, optional
        The width, relative to the grid's, below which a row's search stops.

    Returns
    -------
    tuple of numpy.ndarray
        The arguments and values of the best points found, always feasible ones; the value
        is -inf for a row with no feasible point.

    Examples
    --------
    >>> peaks = np.array([[0.3], [0.7]])
    >>> x, v = zoom_maximise(lambda grid: -(grid - peaks) ** 2, np.zeros(2), np.ones(2))
    >>> x.round(9)
    array([0.3, 0.7])
    """
    lo, hi = np.asarray(lo, dtype=float).copy(), np.asarray(hi, dtype=float).copy()
    rows = np.arange(lo.size)
    steps = np.linspace(0.0, 1.0, points)
    best_x, best = np.full(lo.size, np.nan), np.full(lo.size, -np.inf)
    while True:
        grid = lo[:, None] + (hi - lo)[:, None] * steps[None, :]
        grid[:, -1] = hi
        v = values(grid)
        i = np.argmax(v, axis=1)
        top = v[rows, i]
        better = top > best
        best_x, best = np.where(better, grid[rows, i], best_x), np.where(better, top, best)
        left, right = np.maximum(i - 1, 0), np.minimum(i + 1, points - 1)
        rise = np.maximum(top - v[rows, left], top - v[rows, right])  # inf beside an infeasible cell
        flat = (left < i) & (i < right) & (rise <= FLAT * np.abs(top))
        if np.all((hi - lo <= xtol * (points - 1)) | flat | ~np.isfinite(top)):
            return best_x, best
        lo, hi = grid[rows, left], grid[rows, right]


def maximise_on_interval(value, lo: float, hi: float, feasible_at: float, xtol: float = 1e-10) -> tuple[float, float]:
    """Maximise ``value`` (-inf where infeasible) over [lo, hi] when its feasible part is an
    interval containing ``feasible_at``: bisect to each end of that interval, then bounded
    Brent inside (the refinement of the solvers' effort scans, binary, linear and general).

    Parameters
    ----------
    value : callable
        The value of one effort, -inf where infeasible.
    lo, hi : float
        The interval searched.
    feasible_at : float
        A point where ``value`` is finite.
    xtol : float, optional
        Brent's tolerance in the argument.

    Returns
    -------
    tuple of float
        The argument and its value.

    Examples
    --------
    >>> value = lambda e: -(e - 0.3) ** 2 if 0.2 <= e <= 0.6 else -np.inf
    >>> x, v = maximise_on_interval(value, 0.0, 1.0, feasible_at=0.4)
    >>> round(x, 6)
    0.3
    """
    ends = []
    for outer in (lo, hi):
        inside = feasible_at
        if np.isfinite(value(outer)):
            ends.append(outer)
            continue
        for _ in range(45):
            mid = (inside + outer) / 2
            if np.isfinite(value(mid)):
                inside = mid
            else:
                outer = mid
        ends.append(inside)
    a, b = ends
    best_x, best = max(((a, value(a)), (b, value(b)), (feasible_at, value(feasible_at))), key=lambda t: t[1])
    if b - a > xtol:
        def loss(e: float) -> float:
            v = value(e)
            return -v if np.isfinite(v) else 1e300

        res = optimize.minimize_scalar(loss, bounds=(a, b), method="bounded", options={"xatol": xtol})
        if -res.fun > best:
            best_x, best = float(res.x), float(-res.fun)
    return float(best_x), float(best)


def scan_then_refine(value_at, coarse: np.ndarray) -> tuple[float, float]:
    """Maximise a value over effort whose feasible set is an interval: a coarse scan, then
    :func:`maximise_on_interval` between the best coarse point's neighbours (the unrestricted
    linear and general problems, over :func:`effort_scan`).

    Parameters
    ----------
    value_at : callable
        The value of one effort, -inf where infeasible.
    coarse : numpy.ndarray
        The efforts scanned first.

    Returns
    -------
    tuple of float
        The best effort and its value; (nan, -inf) when no scanned effort is feasible.

    Examples
    --------
    >>> value = lambda e: -(e - 0.3) ** 2 if 0.2 <= e <= 0.6 else -np.inf
    >>> round(scan_then_refine(value, np.linspace(0.0, 1.0, 11))[0], 6)
    0.3
    >>> scan_then_refine(lambda e: -np.inf, np.linspace(0.0, 1.0, 3))
    (nan, -inf)
    """
    values = np.array([value_at(float(e)) for e in coarse])
    if not np.any(np.isfinite(values)):
        return np.nan, -np.inf
    i = int(np.argmax(values))
    lo, hi = coarse[max(i - 1, 0)], coarse[min(i + 1, len(coarse) - 1)]
    return maximise_on_interval(value_at, float(lo), float(hi), float(coarse[i]))


def global_max(f, grid: np.ndarray, values: np.ndarray, exclude: float | None = None,
               threshold: float = -np.inf, slope=None) -> tuple[float, float]:
    """(argument, value): the largest value of a smooth f on [0, 1] from its values on
    ``grid``. Each grid peak (outside ``exclude``'s own cell) is refined to its local maximum,
    unless a curvature bound (f exceeds its grid values by at most max|second difference|/4
    between grid points) keeps it below ``threshold``; endpoints are exact. A peak is refined
    by a root of ``slope`` (f', Brent's method) when it is given, else by bounded Brent on f.
    The agent's best response, and so every incentive check over all of [0, 1], is this.

    Parameters
    ----------
    f : callable
        The function of one effort.
    grid, values : numpy.ndarray
        Increasing efforts on [0, 1] and f on them.
    exclude : float or None, optional
        An effort whose grid cell is left out (the recommended one: the best deviation).
    threshold : float, optional
        Peaks that cannot reach it are not refined.
    slope : callable or None, optional
        f', when known.

    Returns
    -------
    tuple of float
        The argument and the value.

    Examples
    --------
    Two bumps, the higher one between grid points:

    >>> f = lambda e: np.exp(-((e - 0.31) / 0.05) ** 2) + 0.5 * np.exp(-((e - 0.8) / 0.05) ** 2)
    >>> grid = np.linspace(0.0, 1.0, 11)
    >>> x, v = global_max(f, grid, f(grid))
    >>> round(x, 4), round(v, 6)
    (0.31, 1.0)
    >>> x, v = global_max(f, grid, f(grid), exclude=0.3)  # the best away from 0.3
    >>> round(x, 4), round(v, 6)
    (0.8, 0.5)
    """
    outside = np.ones(grid.size, bool) if exclude is None else np.abs(grid - exclude) > 1.5 * (grid[1] - grid[0])
    peaks = outside.copy()
    peaks[1:] &= values[1:] >= values[:-1]
    peaks[:-1] &= values[:-1] >= values[1:]
    best_j = int(np.argmax(np.where(outside, values, -np.inf)))
    best_x, best = float(grid[best_j]), float(values[best_j])
    peaks = np.flatnonzero(peaks)
    bound = float(np.max(np.abs(np.diff(values, 2)))) / 4 if values.size > 2 and peaks.size else np.inf
    for j in map(int, peaks):
        if values[j] + bound < threshold:
            continue
        if slope is None:
            x, v = refine_peak(f, grid, j, float(values[j]))
            if v > best:
                best_x, best = x, v
            continue
        lo, hi = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
        for x in (optimize.brentq(slope, a, b, xtol=1e-14) for a, b in ((lo, grid[j]), (grid[j], hi))
                  if b > a and slope(a) > 0 > slope(b)):
            v = float(f(x))
            if v > best:
                best_x, best = x, v
    return best_x, best


def refine_peak(f, grid: np.ndarray, j: int, at: float) -> tuple[float, float]:
    """(argument, value): the local maximum of a smooth f next to grid point j, by bounded Brent
    over its two grid cells (to 1e-12 in the argument); the grid point itself, whose value is
    ``at`` = f(grid[j]), when Brent finds nothing higher.

    Parameters
    ----------
    f : callable
        A function of one effort, returning a float.
    grid : numpy.ndarray
        Increasing efforts.
    j : int
        The index of a grid peak.
    at : float
        f(grid[j]).

    Returns
    -------
    tuple of float
        (x, f(x)), the better of Brent's maximum and the grid point.

    Examples
    --------
    >>> x, v = refine_peak(lambda e: -(e - 0.3) ** 2, np.linspace(0.0, 1.0, 11), 3, -0.0)
    >>> round(x, 6), round(v, 12)
    (0.3, -0.0)
    """
    lo, hi = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
    res = optimize.minimize_scalar(lambda e: -f(e), bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    x, v = float(res.x), float(-res.fun)
    return (x, v) if v > at else (float(grid[j]), at)
