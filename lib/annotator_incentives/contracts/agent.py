"""The agent: its expected utility, its best response over all of [0, 1] and the incentive
check (the paper's Section 3: incentive compatibility over the whole effort interval, never by a
first-order condition alone).

Against a wage schedule w(x), x = 0..n, the agent's utility at effort eta is
U(eta) = E[G(w(X)) | eta] - E(eta), X ~ Bin(n, q(eta)). Its best response is found on an
effort grid, every competing grid peak refined to its local maximum
(``optimise.global_max``). The incentive check compares that best with U at the recommended
effort under the package's one tie rule (``problem.tie``).

The comparison itself is written once, :func:`compare`: the public :func:`incentive_check`,
the solvers' checks (linear and general through :func:`incentive_check`, binary through
:func:`~annotator_incentives.contracts.binary_terms.incentive_slack` and
:func:`~annotator_incentives.contracts.binary_terms.is_incentive_compatible`, which give it U
in the form that does not cancel when the bonus utility is huge, b ~ 1e21), the strict
margin's lead (:func:`~annotator_incentives.contracts.margin.strict_bonus`) and the
certificate (:func:`~annotator_incentives.contracts.certify.certify`) all call it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import binomial_kernel, validation
from ..utility import UtilityProfile
from . import optimise as _optimise
from .optimise import global_max
from .problem import ContractError, Problem, tie

__all__ = ["GRID_POINTS", "FINE_POINTS", "agent_utility_curve", "best_response", "IncentiveCheck", "compare",
           "incentive_check"]

#: Efforts the solvers' incentive checks screen at least (``optimise``'s grid policy; more for large n c).
GRID_POINTS = _optimise.GRID_POINTS
#: Efforts the public check :func:`incentive_check` screens by default, 20,001.
FINE_POINTS = _optimise.FINE_POINTS


def agent_utility_curve(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, etas) -> np.ndarray:
    """The agent's expected utility U(eta) = E[G(w(X)) | eta] - E(eta) at each effort (exact
    binomial sums).

    Parameters
    ----------
    wages, n, c, profile
        The wage schedule w(x), x = 0..n, the checks, the signal strength and the agent's
        utility profile.
    etas : float or array_like
        Efforts in [0, 1].

    Returns
    -------
    numpy.ndarray
        U at each effort.

    Raises
    ------
    ContractError
        When the wages do not have n + 1 finite entries, or an effort, n, c or the profile is
        invalid.

    Examples
    --------
    A constant wage 0.3 under figure3 (G = 1 - e^-w, E = 0.18 eta^2):
    U = 1 - e^-0.3 - 0.18 eta^2.

    >>> from annotator_incentives import utility
    >>> agent_utility_curve(np.full(11, 0.3), 10, 0.9, utility.profile("figure3"), [0.0, 0.5]).round(6)
    array([0.259182, 0.214182])
    """
    wages, pb = _validated(wages, n, c, profile)
    etas = validation.probabilities("effort eta", etas, ContractError)
    return _utility_curve(profile.G(wages), pb.n, pb.c, profile)(etas)


def _utility_curve(utilities: np.ndarray, n: int, c: float, profile: UtilityProfile):
    """U as a vectorised function of effort, given the utilities G(w(x)) (unchecked: the solvers'
    route, where a bounded search calls it many times)."""
    def curve(etas) -> np.ndarray:
        etas = np.atleast_1d(np.asarray(etas, dtype=float))
        return binomial_kernel.expect(utilities, n, binomial_kernel.pass_probability(etas, c)) - profile.E(etas)

    return curve


def _on_grid(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int, curve=None):
    """(grid, U on the grid, U as a vectorised function of effort); ``curve`` may give U in
    closed form, else it is the exact binomial sum (a cached pmf matrix, dense or windowed, when small enough)."""
    if curve is not None:
        grid = np.linspace(0.0, 1.0, points)
        return grid, curve(grid), curve
    utilities = profile.G(wages)
    curve = _utility_curve(utilities, n, c, profile)
    grid, matrix = binomial_kernel.pmf_grid(n, c, points)
    if matrix is None and n > binomial_kernel.DENSE_LIMIT:
        matrix = binomial_kernel.window_grid(n, c, points)
    return grid, (matrix @ utilities - profile.E(grid) if matrix is not None else curve(grid)), curve


def _validated(wages, n: int, c: float, profile: UtilityProfile) -> tuple[np.ndarray, Problem]:
    pb = Problem.make(n, c, profile)
    wages = np.asarray(wages, dtype=float)
    if wages.shape != (pb.n + 1,):
        raise ContractError(f"a wage schedule for n = {pb.n} needs {pb.n + 1} wages (x = 0..n); got shape {wages.shape}")
    if not np.all(np.isfinite(wages)):
        raise ContractError("a wage schedule must be finite numbers")
    return wages, pb


def best_response(wages: np.ndarray, n: int, c: float, profile: UtilityProfile, points: int = GRID_POINTS) -> tuple[float, float]:
    """(eta, U(eta)): the agent's best effort against w(x) over all of [0, 1] (grid of
    ``points`` efforts, every grid peak refined by bounded Brent).

    Parameters
    ----------
    wages, n, c, profile
        As for :func:`agent_utility_curve`.
    points : int, optional
        Efforts screened (at least 3; default ``GRID_POINTS``).

    Returns
    -------
    tuple of float
        The best effort and the agent's utility there.

    Raises
    ------
    ContractError
        When the wages do not have n + 1 finite entries, or n, c, the profile or points are
        invalid.

    Examples
    --------
    Against a constant wage the agent shirks:

    >>> from annotator_incentives import utility
    >>> eta, u = best_response(np.full(11, 0.3), 10, 0.9, utility.profile("figure3"))
    >>> round(eta, 6), round(u, 6)
    (0.0, 0.259182)
    """
    wages, pb = _validated(wages, n, c, profile)
    points = validation.count("points", points, ContractError, 3)
    grid, values, curve = _on_grid(wages, pb.n, pb.c, profile, points)
    return global_max(lambda e: float(curve(e)[0]), grid, values)


@dataclass(frozen=True)
class IncentiveCheck:
    """The agent's utility at the recommended effort against its best alternative found (Section
    3's incentive compatibility over all of [0, 1]): what :func:`incentive_check` and
    :func:`compare` return.

    Attributes
    ----------
    eta, own : float
        The recommended effort and the agent's utility U(eta) there.
    rival_eta, rival : float
        The best alternative effort found and U there.
    allowance : float or None
        The tie rule's allowance, when not the default tie of ``own`` (for a curve without its
        constant).

    Examples
    --------
    >>> check = IncentiveCheck(eta=0.5, own=0.25, rival_eta=1.0, rival=0.5)
    >>> check.gain, check.compatible
    (0.25, False)
    """

    eta: float
    own: float
    rival_eta: float
    rival: float
    allowance: float | None = None  # the tie rule's allowance, if not tie(own) (a curve without its constant)

    @property
    def gain(self) -> float:
        """What the agent gains by deviating, max(0, rival - own)."""
        return max(0.0, self.rival - self.own)

    @property
    def compatible(self) -> bool:
        """Whether eta is incentive compatible under the tie rule, rival <= own + TIE max(1,
        abs(own)) (or + ``allowance`` when given)."""
        return bool(self.rival <= self.own + (tie(self.own) if self.allowance is None else self.allowance))


def compare(curve, eta: float, grid: np.ndarray, values: np.ndarray | None = None, *, allowance: float | None = None,
            exact: bool = False, own_cell: bool = False, slope=None) -> IncentiveCheck:
    """The package's one incentive comparison (Section 3): U at the recommended effort ``eta``
    against the agent's best alternative on ``grid``, unchecked (the solvers' route;
    :func:`incentive_check` is its checked public form).

    Grid values give exact lower bounds on the rival; grid peaks that could beat the bound asked
    for are refined to their local maxima (``optimise.global_max``, by roots of ``slope`` = U'
    when it is given). Three uses:

    - the verdict (default): the rival is exact only in its comparison with own + ``allowance``;
      ``eta``'s own grid cell is left out when eta is interior, a corner effort's is not;
    - ``exact``: the best U outside eta's own grid cell exactly (the incentive slack own - rival,
      a continuous function whose roots bound the incentive-compatible efforts);
    - ``own_cell`` (with ``exact``): every peak refined, eta's own cell included (the public check,
      which also catches an eta that is not a local maximum).

    Parameters
    ----------
    curve : callable
        U as a vectorised function of effort; a constant may be left out of it, as long as
        ``allowance`` is the tie rule of the agent's true utility.
    eta : float
        The recommended effort.
    grid : numpy.ndarray
        Efforts screened, increasing and evenly spaced (all of [0, 1] for a global check).
    values : numpy.ndarray, optional
        ``curve(grid)``, if already computed.
    allowance : float, optional
        The tie rule's allowance (default the package's tie of U(eta)).
    exact, own_cell : bool, optional
        The modes above.
    slope : callable, optional
        U' at one effort, to refine peaks by its roots.

    Returns
    -------
    IncentiveCheck
        U(eta), the rival effort and U there.

    Examples
    --------
    U(e) = e/2 rises all the way: asking for 0.5 loses to full effort, which is compatible.

    >>> import numpy as np
    >>> grid = np.linspace(0.0, 1.0, 11)
    >>> compare(lambda e: 0.5 * np.asarray(e), 0.5, grid).rival_eta
    1.0
    >>> compare(lambda e: 0.5 * np.asarray(e), 1.0, grid).compatible
    True
    """
    values = curve(grid) if values is None else values
    own = float(curve(np.array([eta]))[0])
    allowance = float(tie(own)) if allowance is None else allowance
    interior = 1e-12 < eta < 1 - 1e-12  # a corner effort need not be a stationary point
    exclude = None if own_cell or not (interior or exact) else eta

    def f(e: float) -> float:
        return float(curve(np.array([e]))[0])

    if own_cell:
        rival_eta, rival = global_max(f, grid, values, slope=slope)
        return IncentiveCheck(float(eta), own, float(rival_eta), float(rival), allowance)
    if not exact and values.max() > own + allowance:  # a grid effort beats eta: the largest gain is the witness
        j = int(np.argmax(values))
        return IncentiveCheck(float(eta), own, float(grid[j]), float(values[j]), allowance)
    outside = np.ones(grid.size, bool) if exclude is None else np.abs(grid - eta) > 1.5 * (grid[1] - grid[0])
    if exact and (~outside).any() and values[~outside].max() > own:  # eta is not even a local maximum
        j = int(np.argmax(np.where(outside, -np.inf, values)))
        return IncentiveCheck(float(eta), own, float(grid[j]), float(values[j]), allowance)
    competitor = float(values[outside].max()) if outside.any() else -np.inf
    rival_eta, rival = global_max(f, grid, values, exclude=exclude, threshold=competitor if exact else own - allowance,
                                  slope=slope)
    return IncentiveCheck(float(eta), own, float(rival_eta), float(rival), allowance)


def incentive_check(wages: np.ndarray, eta: float, n: int, c: float, profile: UtilityProfile,
                    points: int = FINE_POINTS, *, curve=None, screen: bool = False) -> IncentiveCheck:
    """Does ``eta`` maximise the agent's expected utility against w(x) over all of [0, 1]?
    The checked form of ``agent.compare``, the one comparison every solver and the certificate use.

    Parameters
    ----------
    wages : numpy.ndarray
        The wage schedule w(x), x = 0..n.
    eta : float
        The recommended effort, in [0, 1].
    n, c, profile
        Checks (1 to ``validation.MAX_CHECKS``), signal strength in (0, 1], the agent's utility
        profile.
    points : int, optional
        Effort grid screened before refinement (at least 3; default ``FINE_POINTS``).
    curve : callable, optional
        U(eta) in closed form (vectorised), if known; else exact binomial sums.
    screen : bool, optional
        The solvers' fast mode: eta's own grid cell is not refined (a corner effort's is), and
        peaks that cannot beat it by the tie rule are skipped; the verdict is exact, the rival
        only a witness.

    Returns
    -------
    IncentiveCheck
        With ``gain`` (the agent's gain from deviating) and ``compatible`` (no gain beyond the
        tie rule).

    Raises
    ------
    ContractError
        When the wages do not have n + 1 finite entries, or eta, n, c, the profile or points are
        invalid.

    Examples
    --------
    A constant wage induces no effort: shirking (eta = 0) is the agent's best response, and
    asking for eta = 0.5 gains it E(0.5) - E(0) = 0.18 / 4 = 0.045 under figure3's E = 0.18 eta^2.

    >>> from annotator_incentives import utility
    >>> fig3 = utility.profile("figure3")
    >>> flat = np.full(11, 0.3)
    >>> incentive_check(flat, 0.0, 10, 0.9, fig3).compatible
    True
    >>> round(incentive_check(flat, 0.5, 10, 0.9, fig3).gain, 12)
    0.045
    """
    wages, pb = _validated(wages, n, c, profile)
    eta = validation.probability("the recommended effort eta", eta, ContractError)
    points = validation.count("points", points, ContractError, 3)
    grid, values, curve = _on_grid(wages, pb.n, pb.c, profile, points, curve)
    return compare(curve, float(eta), grid, values, exact=not screen, own_cell=not screen)
